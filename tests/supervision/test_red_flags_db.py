"""Red flags found by the queries on real databases, and the agent activity read from the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.models import (
    BankDetailsChange,
    BankDetailsChangeStatus,
    LockReason,
    VerificationCase,
    VerificationPurpose,
    VerificationStatus,
)
from backoffice.workflows import audit
from backoffice.workflows.agent_activity import ActivityKind, agent_activity, list_agents, verify_audit_chain
from backoffice.workflows.red_flags import FlagKind, detect_bursts, detect_red_flags
from tests.conftest import tamper
from tests.supervision.conftest import add_lock, customer, paris

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


def test_normal_traffic_raises_no_flag(db: Database, agents, normal_traffic) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        assert detect_red_flags(s, agents["supervisor"], *PERIOD).flags == ()


def test_every_pattern_is_found_in_the_database(db: Database, agents, normal_traffic, holders) -> None:  # type: ignore[no-untyped-def]
    people = holders(30)
    agent, agent2 = agents["agent"].agent_id, agents["agent2"].agent_id
    with db.write() as s:
        stuffing = [
            add_lock(s, people[i], paris(2026, 11, 24, 3, 0) + timedelta(seconds=30 * i), ip="198.51.100.23")
            for i in range(10)
        ]
        spread = [
            add_lock(
                s, people[i], paris(2026, 11, 24, 4, 0) + timedelta(seconds=20 * i), ip=f"192.0.2.{i + 1}"
            )
            for i in range(20)
        ]
        target = people[25]
        repeated = [add_lock(s, target, paris(2026, 11, d, 9), ip=f"10.99.{d}.1") for d in (20, 22, 25)]
        changed = people[26]
        case = VerificationCase(
            customer_id=changed.customer_id,
            purpose=VerificationPurpose.BANK_DETAILS_CHANGE,
            status=VerificationStatus.VERIFIED,
            opened_by_id=agent,
            opened_at=paris(2026, 11, 23, 9),
        )
        s.add(case)
        s.flush()
        s.add(
            BankDetailsChange(
                customer_id=changed.customer_id,
                new_iban="FR7630006000011234567890189",
                new_holder="M DURAND",
                verification_case_id=case.id,
                status=BankDetailsChangeStatus.APPLIED,
                requested_by_id=agent,
                requested_at=paris(2026, 11, 23, 9),
                applied_at=paris(2026, 11, 23, 10),
            )
        )
        after_change = add_lock(
            s,
            changed,
            paris(2026, 11, 23, 15),
            reason=LockReason.SECURITY,
            ip="10.98.0.1",
            unlocked_at=paris(2026, 11, 24, 11),
            unlocked_by=agent2,
        )
        elsewhere = people[27]
        customer(s, elsewhere).iban_changed_at = paris(2026, 11, 25, 9)
        after_iban = add_lock(
            s,
            elsewhere,
            paris(2026, 11, 25, 9, 5),
            ip="10.97.0.1",
            unlocked_at=paris(2026, 11, 25, 11),
            unlocked_by=agent2,
        )
        night = add_lock(
            s,
            people[28],
            paris(2026, 11, 21, 22),
            ip="10.96.0.1",
            unlocked_at=paris(2026, 11, 21, 23, 10),
            unlocked_by=agent,
        )
    with db.read() as s:
        report = detect_red_flags(s, agents["supervisor"], *PERIOD)
        bursts = detect_bursts(s, agents["supervisor"], *PERIOD)
    assert [f.event_ids for f in report.of_kind(FlagKind.IP_BURST)] == [tuple(stuffing)]
    assert [f.event_ids for f in report.of_kind(FlagKind.SUBNET_BURST)] == [tuple(spread)]
    assert {f.kind for f in bursts.flags} == {FlagKind.IP_BURST, FlagKind.SUBNET_BURST}
    assert [f.event_ids for f in report.of_kind(FlagKind.REPEATED_LOCKS)] == [tuple(repeated)]
    assert report.of_kind(FlagKind.REPEATED_LOCKS)[0].subject == target.client_number
    assert {f.event_ids for f in report.of_kind(FlagKind.UNLOCK_AFTER_BANK_CHANGE)} == {
        (after_change,),
        (after_iban,),
    }
    out_of_hours = report.of_kind(FlagKind.OUT_OF_HOURS_UNLOCK)
    assert [f.event_ids for f in out_of_hours] == [(night,)]  # 21 November is a Saturday, 23:10
    assert "Alice Martin a débloqué 1 compte le 21 novembre 2026" in out_of_hours[0].explanation
    assert report.of_kind(FlagKind.AGENT_OUTLIER) == ()
    assert [f.last_at for f in report.flags] == sorted((f.last_at for f in report.flags), reverse=True)


def test_an_agent_unlocking_far_more_than_peers(db: Database, agents, holders) -> None:  # type: ignore[no-untyped-def]
    people = holders(40)
    with db.write() as s:
        for i, holder in enumerate(people):
            at = paris(2026, 11, 2 + i % 20, 10)
            by = agents["agent2"] if i < 33 else (agents["agent"] if i < 36 else agents["supervisor"])
            add_lock(
                s, holder, at - timedelta(hours=1), ip=f"10.{i}.0.1", unlocked_at=at, unlocked_by=by.agent_id
            )
    with db.read() as s:
        flags = detect_red_flags(s, agents["supervisor"], *PERIOD).of_kind(FlagKind.AGENT_OUTLIER)
    assert [f.agent_id for f in flags] == [agents["agent2"].agent_id]
    assert "Bruno Petit a débloqué 33 comptes" in flags[0].explanation


def test_red_flags_are_for_supervisors(db: Database, agents) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied), db.read() as s:
        detect_red_flags(s, agents["agent"], *PERIOD)


def test_agent_activity_groups_actions_and_shows_the_chain_is_intact(db: Database, agents, clock) -> None:  # type: ignore[no-untyped-def]
    agent = agents["agent"]
    with db.write() as s:
        for action in (
            "account.unlock",
            "account.unlock",
            "document.view",
            "approval.decide",
            "gdpr.export",
            "customer.edit",
        ):
            audit.record(
                s, agent, action, f"Action {action}", target_type="customer", target_id=1, customer_id=1
            )
        audit.record(s, agent, "account.unlock", "Refusé : pas le droit", outcome="refused")
        audit.record(s, agents["agent2"], "account.unlock", "Un autre agent")
    clock.advance(timedelta(days=3))
    with db.write() as s:
        audit.record(s, agent, "document.view", "Hors période")
    sup = agents["supervisor"]
    with db.read() as s:
        activity = agent_activity(s, sup, agent.agent_id, date(2026, 11, 26), date(2026, 11, 27))
        chain = verify_audit_chain(s, sup)
        choices = list_agents(s, sup)
    assert activity.counts == {
        ActivityKind.UNLOCK: 2,
        ActivityKind.APPROVAL: 1,
        ActivityKind.DOCUMENT_VIEW: 1,
        ActivityKind.EXPORT: 1,
        ActivityKind.OTHER: 1,
    }
    assert activity.refused == 1 and activity.total == 7 and not activity.truncated
    assert [e.entry.action for e in activity.entries][:2] == ["account.unlock", "customer.edit"]
    assert chain.ok and chain.checked == 9
    assert "Alice Martin (alice.agent)" in [c.label for c in choices]
    tamper(db, "UPDATE audit_record SET summary = 'effacé' WHERE seq = 2")  # behind the application's back
    with db.read() as s:
        broken = verify_audit_chain(s, sup)
    assert not broken.ok and broken.first_broken_seq == 2
    assert "altéré à l'enregistrement n° 2" in broken.message()
    with pytest.raises(PermissionDenied), db.read() as s:
        agent_activity(s, agents["agent2"], agent.agent_id, date(2026, 11, 26), date(2026, 11, 27))
