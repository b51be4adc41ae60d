"""Re-triage of every open claim (``retriage_all``): read, computed and written as a pipeline, batch by batch, with
the same guarantees as one batch at a time (version check, overrides kept, one audit record per batch)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.models import AuditRecord, Claim, ClaimType, Priority
from backoffice.workflows import claims
from backoffice.workflows.claims import ClaimRef, QueueFilter
from tests.claims.builders import contract_number, declare


def _retriage_summaries(db: Database) -> list[str]:
    with db.read() as s:
        return list(
            s.execute(
                select(AuditRecord.summary)
                .where(AuditRecord.action == "claims.retriage")
                .order_by(AuditRecord.seq)
            ).scalars()
        )


def _three_claims_in_two_batches_after_a_rule_change(db: Database, agents) -> list[ClaimRef]:
    refs = [
        declare(db, agents["agent"], contract_number(db), estimated_amount=Decimal(9000)) for _ in range(3)
    ]
    db.settings.claims.high_amount_flag = Decimal("5000")  # every result changes
    db.settings.claims.retriage_batch_size = 2
    return refs


def test_rewritten_claims_read_back_as_the_engine_computed_them(db: Database, agents, handler, clock) -> None:
    """The changes go below the ORM (COPY on PostgreSQL): every column must come back as the ORM wrote it."""
    number = contract_number(db)
    db.settings.claims.claims_in_12_months_flag = 10  # three claims on one contract: not the point here
    amounts = (800, 16000, 5000)
    refs = [declare(db, agents["agent"], number, estimated_amount=Decimal(amount)) for amount in amounts]
    with db.write() as s:
        claims.confirm_triage(
            s, handler, refs[0].id, priority=Priority.P1, reason="Assuré sans solution de mobilité"
        )
    with db.read() as s:
        before = {ref.id: s.get(Claim, ref.id) for ref in refs}
    assert before[refs[2].id].priority is Priority.P3  # type: ignore[union-attr]
    # Rule changes: every result changes, and the last claim moves up the queue (P3 → P2).
    db.settings.claims.high_amount_flag = Decimal("500")
    db.settings.claims.on_site_amount_threshold = Decimal("4000")
    assert claims.retriage_all(db, handler) == 3
    with db.read() as s:
        for ref in refs:
            claim = s.get(Claim, ref.id)
            assert claim is not None
            result = claims.compute_triage(s, handler, ref.id)
            override = claim.triage.get("override")
            expected = claims._triage_values(result, override)
            assert claim.triage == expected["triage"] and claim.flags == expected["flags"] == ["high_amount"]
            assert claim.triage_fingerprint == expected["triage_fingerprint"]
            assert (claim.priority, claim.appraisal_mode, claim.fraud_referral, claim.late_declaration) == (
                expected["priority"],
                expected["appraisal_mode"],
                expected["fraud_referral"],
                expected["late_declaration"],
            )
            assert claim.deductible_applied == expected["deductible_applied"] == Decimal("300.00")
            assert claim.updated_at == clock.now() and claim.version == before[ref.id].version + 1  # type: ignore[union-attr]
        assert [claim.priority for claim in (s.get(Claim, ref.id) for ref in refs)] == [  # type: ignore[union-attr]
            Priority.P1,  # the handler's override stays
            Priority.P2,
            Priority.P2,
        ]
        queue = claims.queue_page(s, handler, QueueFilter(priority=Priority.P2))
        assert sorted(row.id for row in queue.rows) == [refs[1].id, refs[2].id] and queue.total == 2
    # Written once: a second pass finds nothing to change.
    assert claims.retriage_all(db, handler) == 3
    assert _retriage_summaries(db)[-1].endswith(": 0 résultat(s) changé(s)")


def test_a_claim_saved_between_the_read_and_the_write_keeps_the_handlers_save(
    db: Database, agents, handler, monkeypatch
) -> None:
    """The pipeline reads a batch in one transaction (in the planning process) and writes it in another: a save in
    between wins."""
    refs = _three_claims_in_two_batches_after_a_rule_change(db, agents)
    write_apart = claims._write_retriage_apart

    def handler_saves_meanwhile(db_, actor, plan):
        if plan.first_id <= refs[1].id <= plan.last_id:
            with db.write() as s:
                s.execute(
                    update(Claim).where(Claim.id == refs[1].id).values(version=Claim.version + 1, place="vu")
                )
        return write_apart(db_, actor, plan)

    monkeypatch.setattr(claims, "_write_retriage_apart", handler_saves_meanwhile)
    assert claims.retriage_all(db, handler) == 3
    with db.read() as s:
        flags = {ref.id: s.get(Claim, ref.id).flags for ref in refs}  # type: ignore[union-attr]
    assert "high_amount" not in flags[refs[1].id]
    assert "high_amount" in flags[refs[0].id] and "high_amount" in flags[refs[2].id]
    summaries = _retriage_summaries(db)
    assert len(summaries) == 2  # one per batch
    assert sum("1 modifié(s) entre-temps" in summary for summary in summaries) == 1


def test_a_failed_write_stops_the_run_and_keeps_the_batches_already_written(
    db: Database, agents, handler, monkeypatch
) -> None:
    refs = _three_claims_in_two_batches_after_a_rule_change(db, agents)
    write = claims._write_retriage

    def fails_on_the_second_batch(session, actor, plan):
        if plan.first_id > refs[1].id:
            raise RuntimeError("panne du serveur")
        return write(session, actor, plan)

    monkeypatch.setattr(claims, "_write_retriage", fails_on_the_second_batch)
    with pytest.raises(RuntimeError, match="panne du serveur"):
        claims.retriage_all(db, handler)
    with db.read() as s:
        flags = [s.get(Claim, ref.id).flags for ref in refs]  # type: ignore[union-attr]
    assert ["high_amount" in f for f in flags] == [True, True, False]
    assert len(_retriage_summaries(db)) == 1


def test_an_actor_without_the_right_reads_nothing_and_is_audited(db: Database, agents) -> None:
    declare(db, agents["agent"], contract_number(db))
    with db.read() as s:
        before = s.execute(select(func.max(Claim.version))).scalar_one()
    with pytest.raises(PermissionDenied):
        claims.retriage_all(db, agents["agent"])
    with db.read() as s:
        assert s.execute(select(func.max(Claim.version))).scalar_one() == before
        refusals = s.execute(
            select(func.count()).where(
                AuditRecord.actor_id == agents["agent"].agent_id, AuditRecord.outcome == "refused"
            )
        ).scalar_one()
    assert refusals == 1 and _retriage_summaries(db) == []


def test_bulk_rows_read_below_the_engine_equal_the_engines_rows(db: Database, agents, handler) -> None:
    """Re-triage reads plain tuples converted through per-column caches: the same values the engine gives."""
    number = contract_number(db)
    refs = [declare(db, agents["agent"], number, estimated_amount=Decimal(amount)) for amount in (450, 7200)]
    with db.write() as s:
        claims.confirm_triage(s, handler, refs[0].id, priority=Priority.P2, reason="Client fragile")
    with db.read() as s:
        plain = claims._next_open_claims(s, 0, 10)
        engine = [
            tuple(row)
            for row in s.execute(
                claims._OPEN_CLAIMS_AFTER[db.dialect], {"after_id": 0, "size": 10, "upto": claims._LAST_ID}
            )
        ]
        assert plain == engine and len(plain) == 2
        assert plain[0][-1] == {"priority": "P2", "reason": "Client fragile", "by": handler.username} | {
            "at": plain[0][-1]["at"]
        }
        gathered = claims._gather(s, plain)
        assert [c.code for c in gathered.coverages[plain[0][1]]] and all(
            isinstance(d, date) for _, d in gathered.history[plain[0][2]]
        )


def test_the_stored_text_and_its_fingerprint_do_not_depend_on_how_they_are_built(
    db: Database, agents, handler
) -> None:
    ref = declare(db, agents["agent"], contract_number(db), estimated_amount=Decimal(16000))
    with db.read() as s:
        result = claims.compute_triage(s, handler, ref.id)
    override = {"reason": "Vu", "priority": "P1"}
    for given in (None, override):
        text, fingerprint = claims._encode_triage(result, given)
        assert text == json.dumps(
            claims._stored_triage(result, given), ensure_ascii=False, separators=(",", ":")
        )
        assert fingerprint == claims._fingerprint(
            result, dict(reversed(list(given.items()))) if given else None
        )


def test_every_claim_retriaged_in_planning_processes_reads_as_its_own_triage(
    db: Database, agents, handler
) -> None:
    """Batches are read and computed in other processes (several batches, two planners): each claim must end with
    exactly what triaging it alone gives, explanation, fingerprint and decision columns, overrides kept."""
    early = contract_number(db, start_date=date(2026, 11, 10))  # a loss days after subscription
    usual = contract_number(db)
    cases = [
        (early, {}),
        (usual, {"claim_type": ClaimType.THEFT, "keys_available": False, "occurred_on": date(2026, 11, 16)}),
        (
            usual,
            {"known_on": date(2026, 11, 2), "occurred_on": date(2026, 11, 2)},
        ),  # late, 11 November skipped
        (usual, {"claim_type": ClaimType.GLASS, "estimated_amount": Decimal("380.00")}),
        (
            usual,
            {"third_party": True, "third_party_details": "Matmut, AB-123-CD", "safety_parts_declared": True},
        ),
        (
            usual,
            {
                "claim_type": ClaimType.NATURAL_DISASTER,
                "occurred_on": date(2026, 9, 15),
                "known_on": date(2026, 9, 15),
                "catnat_decree_published_on": date(2026, 10, 1),  # declared over 30 days after: late
            },
        ),
        (early, {"claim_type": ClaimType.FIRE, "vehicle_drivable": False, "estimated_amount": None}),
        (usual, {"claim_type": ClaimType.VANDALISM, "estimated_amount": Decimal("15000.00")}),
    ]
    refs = [declare(db, agents["agent"], number, **overrides) for number, overrides in cases]
    with db.write() as s:
        claims.confirm_triage(s, handler, refs[3].id, priority=Priority.P1, reason="Pare-brise : assuré VTC")
    db.settings.claims.high_amount_flag = Decimal("2000")  # a rule change: most results change
    db.settings.claims.retriage_batch_size = 3
    assert claims.retriage_all(db, handler) == len(refs)
    with db.read() as s:
        for ref in refs:
            claim = s.get(Claim, ref.id)
            assert claim is not None
            override = claim.triage.get("override")
            expected = claims._triage_values(claims.compute_triage(s, handler, ref.id), override)
            assert {name: getattr(claim, name) for name in expected} == expected, claim.number
        assert s.get(Claim, refs[3].id).priority is Priority.P1  # type: ignore[union-attr]
    assert len(_retriage_summaries(db)) == 3  # one audit record per batch


def test_planning_processes_spawned_as_on_windows_open_their_own_database(
    db: Database, agents, handler, monkeypatch
) -> None:
    """Windows has no fork: a spawned planner imports the code afresh and gets the URL and the settings (here the
    changed threshold) pickled."""
    refs = _three_claims_in_two_batches_after_a_rule_change(db, agents)
    monkeypatch.setattr(claims, "PLANNER_START_METHOD", "spawn")
    assert claims.retriage_all(db, handler) == 3
    with db.read() as s:
        assert all("high_amount" in s.get(Claim, ref.id).flags for ref in refs)  # type: ignore[union-attr]
    assert len(_retriage_summaries(db)) == 2
