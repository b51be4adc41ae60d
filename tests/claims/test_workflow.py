"""The claim's life end to end on both databases: intake, triage, queue, assignment, report, indemnity, closing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from backoffice.clock import FixedClock
from backoffice.db import Database
from backoffice.errors import ConcurrentEdit, InvalidInput, PermissionDenied, Refused
from backoffice.models import (
    AppraisalMode,
    AssignmentKind,
    AuditRecord,
    Claim,
    ClaimStatus,
    ClaimTransition,
    ClaimType,
    Priority,
)
from backoffice.workflows import assignment, claims
from backoffice.workflows.audit import verify_chain
from backoffice.workflows.claims import QueueFilter
from tests.claims.builders import contract_number, declare


def test_phone_declaration_is_numbered_triaged_and_waits_in_the_queue(db: Database, agents, handler) -> None:
    number = contract_number(db)
    ref = declare(db, agents["agent"], number)
    assert ref.number.startswith("SIN2026") and ref.status is ClaimStatus.DECLARED
    with db.read() as s:
        claim = s.get(Claim, ref.id)
        assert claim.priority is Priority.P3
        assert claim.appraisal_mode is AppraisalMode.ON_SITE  # no photos yet
        assert claim.departement == "93" and claim.deductible_applied == Decimal("300.00")
        rules = {f["rule"] for f in claim.triage["findings"]}
        assert {"declaration_delay", "coverage", "deductible", "priority", "appraisal_mode"} <= rules
        page = claims.queue_page(s, handler, QueueFilter())
        assert [r.number for r in page.rows] == [ref.number] and page.total == 1
        transitions = (
            s.execute(select(ClaimTransition).where(ClaimTransition.claim_id == ref.id)).scalars().all()
        )
        assert [(t.from_status, t.to_status) for t in transitions] == [(None, ClaimStatus.DECLARED)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occurred_on", date(2026, 12, 1), "futur"),
        ("known_on", date(2026, 11, 20), "précéder"),
        ("circumstances", "choc", "circonstances"),
        ("contract_number", "AUT0009999999", "Aucun contrat"),
        ("contract_number", "XYZ", "invalide"),
        ("place_postcode", "00000", "Code postal"),
        ("estimated_amount", Decimal("-5"), "négatif"),
    ],
)
def test_declaration_form_refuses_bad_input_in_french(db: Database, agents, field, value, message) -> None:
    number = contract_number(db)
    with pytest.raises(InvalidInput, match=message):
        declare(db, agents["agent"], number, **{field: value})


def test_theft_needs_the_keys_question_answered(db: Database, agents) -> None:
    number = contract_number(db)
    with pytest.raises(InvalidInput, match="clés"):
        declare(db, agents["agent"], number, claim_type=ClaimType.THEFT)


def test_full_life_of_a_claim(db: Database, agents, handler, experts, clock: FixedClock) -> None:
    number = contract_number(db)
    ref = declare(db, agents["agent"], number)
    with db.write() as s:
        taken = claims.take_next(s, handler)
    assert taken is not None and taken.id == ref.id
    with db.write() as s:
        triaged = claims.confirm_triage(s, handler, ref.id, expected_version=taken.version)
    assert triaged.status is ClaimStatus.TRIAGED
    with db.read() as s:
        proposal = assignment.propose_experts(s, handler, ref.id)
    assert proposal.proposed is not None and proposal.proposed.expert_id == experts["near"]
    assert {c.expert_id for c in proposal.alternatives} == {experts["far"], experts["busy_ratio"]}
    with db.write() as s:
        mandate = assignment.assign_expert(s, handler, ref.id, expected_version=triaged.version)
    assert mandate.choice == "proposed" and mandate.due_on == date(2026, 12, 10)  # 10 working days
    with db.write() as s:
        result = assignment.record_report(
            s,
            handler,
            mandate.id,
            assignment.AppraisalReport(
                damage_amount=Decimal("3200.00"),
                safety_parts_damaged=False,
                total_loss=False,
                depreciation_rate=Decimal("10"),
            ),
        )
    assert result.amount == Decimal("2580.00")  # 3200 − 320 vétusté − 300 franchise
    assert [line.label for line in result.lines] == [
        "Dommages évalués par l'expert",
        "Vétusté 10 %",
        "Franchise",
        "Indemnité proposée",
    ]
    assert result.lines[-1].text == "2\u202f580,00\xa0€"
    with db.write() as s:
        settled = claims.settle_claim(s, handler, ref.id, comment="Accord de l'assuré par téléphone")
    assert settled.status is ClaimStatus.SETTLED
    with db.write() as s:
        reopened = claims.reopen_claim(s, handler, ref.id, reason="Facture complémentaire du garage")
    assert reopened.status is ClaimStatus.TRIAGED
    with db.read() as s:
        detail = claims.claim_detail(s, handler, ref.id)
        assert [t.to_status for t in detail.transitions] == [
            ClaimStatus.DECLARED,
            ClaimStatus.TRIAGED,
            ClaimStatus.IN_APPRAISAL,
            ClaimStatus.INDEMNITY_PROPOSED,
            ClaimStatus.SETTLED,
            ClaimStatus.TRIAGED,
        ]
        actions = s.execute(select(AuditRecord.action).order_by(AuditRecord.seq)).scalars().all()
        assert actions[-6:] == [
            "claims.take",
            "claims.triage",
            "claims.assign",
            "claims.report",
            "claims.settle",
            "claims.reopen",
        ]
        assert verify_chain(s).ok


def test_illegal_transition_is_refused_and_the_refusal_audited(db: Database, agents, handler) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with pytest.raises(Refused, match="ne peut pas passer à « Réglé »"), db.write() as s:
        claims.settle_claim(s, handler, ref.id)
    with db.read() as s:
        assert s.get(Claim, ref.id).status is ClaimStatus.DECLARED
        last = s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()
        assert last.outcome == "refused" and last.action == "claims.transition"


def test_refusal_and_closing_need_a_reason(db: Database, agents, handler) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with pytest.raises(InvalidInput, match="motif"), db.write() as s:
        claims.refuse_claim(s, handler, ref.id, reason="  ")
    with db.write() as s:
        closed = claims.close_claim(s, handler, ref.id, reason="L'assuré retire sa déclaration")
    assert closed.status is ClaimStatus.CLOSED


def test_override_needs_a_reason_and_is_audited_and_kept_on_retriage(db: Database, agents, handler) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with pytest.raises(InvalidInput, match="motif"), db.write() as s:
        claims.confirm_triage(s, handler, ref.id, priority=Priority.P1)
    with db.write() as s:
        claims.confirm_triage(
            s,
            handler,
            ref.id,
            priority=Priority.P1,
            appraisal_mode=AppraisalMode.REMOTE,
            reason="Assurée enceinte",
        )
    with db.write() as s:
        batch = claims.retriage_open_claims(s, handler)
    assert batch.count == 1
    with db.read() as s:
        claim = s.get(Claim, ref.id)
        assert claim.priority is Priority.P1 and claim.appraisal_mode is AppraisalMode.REMOTE
        assert claim.override_reason == "Assurée enceinte"
        assert claim.triage["override"]["priority"] == "P1"
        audited = s.execute(select(AuditRecord).where(AuditRecord.action == "claims.override")).scalar_one()
        assert "Assurée enceinte" in audited.summary and "P3 → P1" in audited.summary


def test_stale_version_is_a_concurrent_edit(db: Database, agents, handler) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with db.write() as s:
        claims.take_next(s, handler)
    with pytest.raises(ConcurrentEdit, match=r"modifié par claire\.sinistres"), db.write() as s:
        claims.confirm_triage(s, handler, ref.id, expected_version=ref.version)


def test_take_next_gives_priority_then_age_and_abandoned_claims_come_back(
    db: Database, agents, handler, clock: FixedClock
) -> None:
    number = contract_number(db)
    old_p3 = declare(db, agents["agent"], number)
    clock.advance(timedelta(minutes=5))
    p1 = declare(db, agents["agent"], number, vehicle_drivable=False)
    clock.advance(timedelta(minutes=5))
    new_p3 = declare(db, agents["agent"], number)
    supervisor = agents["supervisor"]
    with db.write() as s:
        assert claims.take_next(s, handler).id == p1.id
    with db.write() as s:
        assert claims.take_next(s, handler).id == old_p3.id
    with db.write() as s:
        assert claims.take_next(s, supervisor).id == new_p3.id
    with db.write() as s:
        assert claims.take_next(s, supervisor) is None
    clock.advance(timedelta(minutes=31))
    with db.write() as s:
        back = claims.take_next(s, supervisor)
    assert back is not None and back.id == p1.id
    with db.read() as s:
        unassigned = claims.queue_page(s, handler, QueueFilter(assignment="unassigned"))
        assert {r.id for r in unassigned.rows} == {old_p3.id, new_p3.id}


def test_agent_may_declare_but_not_triage(db: Database, agents) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with pytest.raises(PermissionDenied), db.write() as s:
        claims.take_next(s, agents["agent"])
    with pytest.raises(PermissionDenied), db.write() as s:
        claims.confirm_triage(s, agents["agent"], ref.id)


def test_queue_filters_sorting_and_paging(db: Database, agents, handler, clock: FixedClock) -> None:
    number = contract_number(db)
    refs = []
    for i in range(7):
        clock.advance(timedelta(minutes=1))
        refs.append(
            declare(db, agents["agent"], number, claim_type=ClaimType.GLASS if i % 2 else ClaimType.COLLISION)
        )
    with db.read() as s:
        first = claims.queue_page(s, handler, QueueFilter(sort="declared_at"), offset=0, limit=3)
        second = claims.queue_page(s, handler, QueueFilter(sort="declared_at"), offset=3, limit=3)
        newest = claims.queue_page(s, handler, QueueFilter(sort="declared_at", descending=True), limit=1)
        glass = claims.queue_page(s, handler, QueueFilter(claim_type=ClaimType.GLASS))
        by_number = claims.queue_page(s, handler, QueueFilter(number=refs[4].number.lower()))
    assert first.total == 7 and [r.id for r in first.rows + second.rows] == [r.id for r in refs[:6]]
    assert newest.rows[0].id == refs[-1].id
    assert glass.total == 3 and all(r.claim_type is ClaimType.GLASS for r in glass.rows)
    assert [r.id for r in by_number.rows] == [refs[4].id]


def test_manual_expert_choice_needs_a_reason_and_counter_appraisal_goes_elsewhere(
    db: Database, agents, handler, experts
) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with db.write() as s:
        claims.confirm_triage(s, handler, ref.id)
    with pytest.raises(InvalidInput, match="motif"), db.write() as s:
        assignment.assign_expert(s, handler, ref.id, expert_id=experts["far"])
    with pytest.raises(InvalidInput, match="éligible"), db.write() as s:
        assignment.assign_expert(s, handler, ref.id, expert_id=experts["inactive"], reason="habitude")
    with db.write() as s:
        first = assignment.assign_expert(
            s, handler, ref.id, expert_id=experts["far"], reason="Garage à Chelles"
        )
    assert first.choice == "manual" and first.choice_reason == "Garage à Chelles"
    with db.write() as s:
        assignment.record_report(
            s, handler, first.id, assignment.AppraisalReport(Decimal("900"), False, False)
        )
    with db.read() as s:
        proposal = assignment.propose_experts(s, handler, ref.id, counter_appraisal=True)
    assert experts["far"] not in {c.expert_id for c in (proposal.proposed, *proposal.alternatives) if c}
    with pytest.raises(Refused, match="autre expert"), db.write() as s:
        assignment.request_counter_appraisal(
            s, handler, ref.id, expert_id=experts["far"], reason="L'assuré conteste le montant"
        )
    with db.write() as s:
        counter = assignment.request_counter_appraisal(
            s, handler, ref.id, reason="L'assuré conteste le montant"
        )
    assert counter.kind is AssignmentKind.COUNTER_APPRAISAL and counter.expert_id != experts["far"]


def test_overdue_mandates_are_listed(db: Database, agents, handler, experts, clock: FixedClock) -> None:
    ref = declare(db, agents["agent"], contract_number(db))
    with db.write() as s:
        claims.confirm_triage(s, handler, ref.id)
        mandate = assignment.assign_expert(s, handler, ref.id)
    with db.read() as s:
        assert assignment.overdue_assignments(s, handler) == ()
    clock.advance(timedelta(days=15))
    with db.read() as s:
        overdue = assignment.overdue_assignments(s, handler)
    assert [a.id for a in overdue] == [mandate.id] and overdue[0].overdue


def test_expert_proposal_uses_load_then_distance(db: Database, agents, handler, experts) -> None:
    number = contract_number(db)
    refs = [declare(db, agents["agent"], number) for _ in range(3)]
    chosen = []
    for ref in refs:
        with db.write() as s:
            claims.confirm_triage(s, handler, ref.id)
            chosen.append(assignment.assign_expert(s, handler, ref.id).expert_id)
    # near (93, 0/10) → then far is 0/10 at 30 km vs busy 0/2 at 10 km … loads tie at 0, distance decides.
    assert chosen[0] == experts["near"]
    assert chosen[1] in (experts["busy_ratio"], experts["far"])
    with db.read() as s:
        proposal = assignment.propose_experts(s, handler, refs[0].id)
    loads = [c.load for c in (proposal.proposed, *proposal.alternatives) if c]
    assert loads == sorted(loads)


def test_glass_claims_go_to_glass_experts(db: Database, agents, handler, experts) -> None:
    ref = declare(db, agents["agent"], contract_number(db), claim_type=ClaimType.GLASS)
    with db.read() as s:
        proposal = assignment.propose_experts(s, handler, ref.id)
    assert proposal.proposed.expert_id == experts["glass"] and proposal.alternatives == ()


def test_retriage_all_open_claims_in_batches(db: Database, agents, handler) -> None:
    number = contract_number(db)
    refs = [declare(db, agents["agent"], number) for _ in range(5)]
    with db.write() as s:
        claims.close_claim(s, handler, refs[0].id, reason="Doublon de déclaration")
    db.settings.claims.retriage_batch_size = 2
    db.settings.claims.claims_in_12_months_flag = 10
    assert claims.retriage_all(db, handler) == 4
    with db.read() as s:
        open_flags = [s.get(Claim, r.id).flags for r in refs[1:]]
    assert all("repeated_claims" not in f for f in open_flags)


def test_take_next_tries_again_when_sqlite_stays_busy(sqlite_db: Database, settings, clock) -> None:
    import sqlite3
    import threading

    from backoffice.models import Role
    from tests.conftest import add_agent

    agent = add_agent(sqlite_db, "claire.sinistres", Role.CLAIMS_HANDLER)
    declare(sqlite_db, agent, contract_number(sqlite_db))
    settings.database.sqlite_busy_timeout_ms = 50
    impatient = Database(sqlite_db.url.render_as_string(), settings, clock)
    blocker = sqlite3.connect(sqlite_db.url.database, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, blocker.rollback).start()
    try:
        ref = claims.take_next_retrying(impatient, agent, attempts=50)
    finally:
        impatient.dispose()
        blocker.close()
    assert ref is not None


def test_retriage_writes_only_the_claims_whose_result_changed(db: Database, agents, handler) -> None:
    number = contract_number(db)
    refs = [declare(db, agents["agent"], number, estimated_amount=Decimal(amount)) for amount in (500, 9000)]
    with db.write() as s:
        unchanged = claims.retriage_open_claims(s, handler)
    assert (unchanged.count, unchanged.changed) == (2, 0)
    db.settings.claims.high_amount_flag = Decimal("5000")
    with db.write() as s:
        batch = claims.retriage_open_claims(s, handler)
    assert (batch.count, batch.changed, batch.skipped) == (2, 1, 0)
    with db.read() as s:
        cheap, dear = (s.get(Claim, r.id) for r in refs)
        assert cheap.version == refs[0].version and "high_amount" not in cheap.flags
        assert dear.version == refs[1].version + 1 and "high_amount" in dear.flags
        assert dear.triage["flags"] == dear.flags
        summaries = (
            s.execute(
                select(AuditRecord.summary)
                .where(AuditRecord.action == "claims.retriage")
                .order_by(AuditRecord.seq)
            )
            .scalars()
            .all()
        )
    assert len(summaries) == 2 and "1 résultat(s) changé(s)" in summaries[1]


def test_retriage_leaves_a_claim_a_handler_saved_meanwhile(
    db: Database, agents, handler, monkeypatch
) -> None:
    """The re-triage read version N; a handler's save made it N+1 before the write: the handler's triage stays."""
    ref = declare(db, agents["agent"], contract_number(db), estimated_amount=Decimal(9000))
    db.settings.claims.high_amount_flag = Decimal("5000")
    engine_run = claims._compute

    def handler_saves_meanwhile(session, rows):
        session.execute(
            update(Claim).where(Claim.id == ref.id).values(version=Claim.version + 1, override_reason="vu")
        )
        return engine_run(session, rows)

    monkeypatch.setattr(claims, "_compute", handler_saves_meanwhile)
    with db.write() as s:
        batch = claims.retriage_open_claims(s, handler)
    assert (batch.count, batch.changed, batch.skipped) == (1, 0, 1)
    with db.read() as s:
        claim = s.get(Claim, ref.id)
        assert "high_amount" not in claim.flags and claim.version == ref.version + 1
        summary = s.execute(
            select(AuditRecord.summary).where(AuditRecord.action == "claims.retriage")
        ).scalar_one()
    assert "1 modifié(s) entre-temps" in summary
