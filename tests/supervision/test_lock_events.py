"""The lock-event list (filters, keyset paging, sorting), its review, its export and the daily trends."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from backoffice.db import Database
from backoffice.errors import ConcurrentEdit, InvalidInput, PermissionDenied, Refused
from backoffice.models import AuditRecord, LockEvent, LockReason
from backoffice.workflows import lock_events as le
from backoffice.workflows.lock_events import (
    ExportFormat,
    LockEventFilter,
    ReviewState,
    ReviewTarget,
    SortSpec,
)
from tests.supervision.conftest import add_lock, paris


def all_pages(
    db: Database, actor, filters: LockEventFilter, sort: SortSpec, limit: int = 7
) -> list[le.LockEventRow]:  # type: ignore[no-untyped-def]
    rows: list[le.LockEventRow] = []
    cursor = None
    with db.read() as s:
        while True:
            page = le.list_lock_events(s, actor, filters, sort=sort, after=cursor, limit=limit)
            rows.extend(page.rows)
            cursor = page.next_cursor
            if cursor is None:
                return rows


def test_keyset_pages_walk_every_row_once_in_order_for_every_sort(
    db: Database, agents, normal_traffic
) -> None:  # type: ignore[no-untyped-def]
    sup = agents["supervisor"]
    with db.write() as s:  # some reviewed rows, so that "Revu le" has values and empty cells
        le.review_lock_events(s, sup, [ReviewTarget(i, 1) for i in normal_traffic[::3]], "Vu")
    for key in le.SORT_LABELS:
        for descending in (True, False):
            rows = all_pages(db, sup, LockEventFilter(), SortSpec(key, descending), limit=9)
            assert sorted(r.id for r in rows) == sorted(normal_traffic), key

            def value(row: le.LockEventRow, key: str = key):  # type: ignore[no-untyped-def]
                return getattr(row, key) if key != "reason" else row.reason.value

            present = [r for r in rows if value(r) is not None]
            empty = [r for r in rows if value(r) is None]
            assert rows == present + empty, key  # empty values last whatever the direction
            keys = [(value(r), r.id) for r in present]
            assert keys == sorted(keys, reverse=descending), key


def test_filters_narrow_the_list_and_the_count(db: Database, agents, normal_traffic, holders) -> None:  # type: ignore[no-untyped-def]
    sup = agents["supervisor"]
    (target,) = holders(1)
    with db.write() as s:
        mine = [
            add_lock(
                s,
                target,
                paris(2026, 11, 25, 3, i),
                reason=LockReason.SECURITY,
                ip=f"198.51.100.{i}",
                country="RU",
            )
            for i in range(3)
        ]
        add_lock(s, target, paris(2026, 11, 25, 4), ip="198.51.101.1")

    def ids(**kw) -> set[int]:  # type: ignore[no-untyped-def]
        filters = LockEventFilter(**kw)
        with db.read() as s:
            found = {r.id for r in le.list_lock_events(s, sup, filters, limit=500).rows}
            assert le.count_lock_events(s, sup, filters) == len(found)
        return found

    assert ids(origin="198.51.100.0/24") == set(mine)
    assert ids(origin="198.51.100.") == set(mine)
    assert ids(origin="198.51.100.*") == set(mine)
    assert ids(origin="198.51.100") == set(mine)
    assert ids(origin=" 198.51.100.1 ") == {mine[1]}
    assert ids(country="ru") == set(mine)
    assert ids(client_number="ti 000 " + target.client_number[5:]) == {
        *mine,
        max(ids(client_number=target.client_number)),
    }
    assert ids(reasons=(LockReason.SECURITY,), start=date(2026, 11, 25), end=date(2026, 11, 25)) == set(mine)
    assert len(ids(start=date(2026, 11, 16), end=date(2026, 11, 16))) == 10
    unlocked_by_agent = ids(unlocked_by_id=agents["agent"].agent_id)
    assert len(unlocked_by_agent) == 15
    assert ids(event_ids=tuple(mine[:2])) == set(mine[:2])
    assert len(ids(review=ReviewState.UNREVIEWED)) == 64
    assert ids(review=ReviewState.REVIEWED) == set()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("origin", "192.0.2", None),
        ("origin", "10.0.0.0/16", "Préfixe /24 non reconnu"),
        ("origin", "pas une ip", "Adresse IP non reconnue"),
        ("client_number", "ABC", "Numéro client non reconnu"),
        ("country", "France", "code à deux lettres"),
    ],
)
def test_bad_filter_values_are_explained_in_french(
    db: Database, agents, field: str, value: str, message: str | None
) -> None:  # type: ignore[no-untyped-def]
    with db.read() as s:
        if message is None:
            le.count_lock_events(s, agents["supervisor"], LockEventFilter(**{field: value}))
            return
        with pytest.raises(InvalidInput, match=message):
            le.count_lock_events(s, agents["supervisor"], LockEventFilter(**{field: value}))


def test_period_is_in_paris_days(db: Database, agents, holders) -> None:  # type: ignore[no-untyped-def]
    (holder,) = holders(1)
    with db.write() as s:
        late = add_lock(s, holder, paris(2026, 11, 25, 23, 30))  # 22:30 UTC, still 25 November in Paris
        early = add_lock(
            s, holder, paris(2026, 11, 26, 0, 30)
        )  # 23:30 UTC on the 25th, but the 26th in Paris
    with db.read() as s:
        rows = le.list_lock_events(
            s, agents["supervisor"], LockEventFilter(start=date(2026, 11, 26), end=date(2026, 11, 26))
        ).rows
    assert [r.id for r in rows] == [early]
    assert late != early


def test_only_supervisors_see_the_list(db: Database, agents) -> None:  # type: ignore[no-untyped-def]
    for role in ("agent", "claims_handler", "admin"):
        with pytest.raises(PermissionDenied), db.read() as s:
            le.list_lock_events(s, agents[role], LockEventFilter())


def test_review_single_and_batch_with_comment_is_audited(db: Database, agents, normal_traffic) -> None:  # type: ignore[no-untyped-def]
    sup = agents["supervisor"]
    with db.read() as s:
        rows = le.list_lock_events(s, sup, LockEventFilter(), limit=3).rows
    with db.write() as s:
        outcome = le.review_lock_events(
            s, sup, [ReviewTarget(r.id, r.version) for r in rows], "  Rafale connue, client rappelé. "
        )
    assert set(outcome.versions) == {r.id for r in rows}
    with db.read() as s:
        again = le.list_lock_events(s, sup, LockEventFilter(event_ids=tuple(r.id for r in rows))).rows
        records = (
            s.execute(select(AuditRecord).where(AuditRecord.action == "lock_events.review")).scalars().all()
        )
    assert all(
        r.reviewed_by == "Sophie Laurent" and r.review_comment == "Rafale connue, client rappelé."
        for r in again
    )
    assert all(outcome.versions[r.id] == r.version for r in again)
    assert {int(r.target_id) for r in records} == {r.id for r in rows}  # type: ignore[arg-type]
    assert all("(lot de 3)" in r.summary and r.customer_id for r in records)


def test_review_of_a_row_changed_meanwhile_writes_nothing_and_says_who(
    db: Database, agents, normal_traffic
) -> None:  # type: ignore[no-untyped-def]
    sup, other = agents["supervisor"], agents["supervisor2"]
    with db.read() as s:
        first, second = le.list_lock_events(s, sup, LockEventFilter(), limit=2).rows
    with db.write() as s:
        le.review_lock_events(s, other, [ReviewTarget(first.id, first.version)], "Vu par Samuel")
    with (
        pytest.raises(
            ConcurrentEdit, match=r"modifié par samuel.superviseur le 26/11/2026 à 10:00"
        ) as caught,
        db.write() as s,
    ):
        le.review_lock_events(
            s,
            sup,
            [ReviewTarget(second.id, second.version), ReviewTarget(first.id, first.version)],
            "Mon avis",
        )
    assert caught.value.changed_by == "samuel.superviseur"
    with db.read() as s:
        untouched = s.get(LockEvent, second.id)
        assert untouched is not None and untouched.reviewed_at is None


def test_review_needs_a_comment_and_refuses_an_already_reviewed_event(
    db: Database, agents, normal_traffic
) -> None:  # type: ignore[no-untyped-def]
    sup = agents["supervisor"]
    with db.read() as s:
        (row,) = le.list_lock_events(s, sup, LockEventFilter(), limit=1).rows
    with pytest.raises(InvalidInput, match="commentaire"), db.write() as s:
        le.review_lock_events(s, sup, [ReviewTarget(row.id, row.version)], "   ")
    with db.write() as s:
        versions = le.review_lock_events(s, sup, [ReviewTarget(row.id, row.version)], "OK").versions
    with pytest.raises(Refused, match="déjà été revu"), db.write() as s:
        le.review_lock_events(s, sup, [ReviewTarget(row.id, versions[row.id])], "Encore")
    with db.read() as s:
        refusal = s.execute(select(AuditRecord).where(AuditRecord.outcome == "refused")).scalar_one()
    assert refusal.action == "lock_events.review" and refusal.target_id == str(row.id)
    with pytest.raises(PermissionDenied), db.write() as s:
        le.review_lock_events(s, agents["agent"], [ReviewTarget(row.id, versions[row.id])], "Pas mon rôle")


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_csv_export_pseudonymises_customers_with_a_per_export_key(
    db: Database, agents, normal_traffic, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sup = agents["supervisor"]
    filters = LockEventFilter(start=date(2026, 11, 16), end=date(2026, 11, 30))
    with db.write() as s:
        first = le.export_lock_events(s, sup, filters, tmp_path / "a.csv")
    with db.write() as s:
        le.export_lock_events(s, sup, filters, tmp_path / "b.csv")
    rows_a, rows_b = read_csv(tmp_path / "a.csv"), read_csv(tmp_path / "b.csv")
    assert first.rows == 60 and first.pseudonymised
    assert rows_a[0][:4] == ["Blocage n°", "Date du blocage", "Motif", "Client"]
    content = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert "TI000" not in content and "Durand" not in content
    by_event_a = {r[0]: r[3] for r in rows_a[1:]}
    by_event_b = {r[0]: r[3] for r in rows_b[1:]}
    assert all(p.startswith("P-") and len(p) == 18 for p in by_event_a.values())
    assert len(set(by_event_a.values())) == 30  # 30 customers, two locks each: same pseudonym within a file
    assert set(by_event_a.values()).isdisjoint(by_event_b.values())  # not linkable across exports
    with db.read() as s:
        audit_rows = (
            s.execute(select(AuditRecord).where(AuditRecord.action == "supervision.export")).scalars().all()
        )
    assert len(audit_rows) == 2 and "pseudonymisé" in audit_rows[0].summary
    assert audit_rows[0].details["names"] is False


def test_named_export_needs_a_justification_and_is_audited(
    db: Database, agents, normal_traffic, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sup = agents["supervisor"]
    with pytest.raises(InvalidInput, match="justifié"), db.write() as s:
        le.export_lock_events(s, sup, LockEventFilter(), tmp_path / "n.csv", include_names=True)
    with db.write() as s:
        result = le.export_lock_events(
            s,
            sup,
            LockEventFilter(),
            tmp_path / "n.xlsx",
            format=ExportFormat.XLSX,
            include_names=True,
            justification="Réquisition judiciaire n° 42",
        )
    assert not result.pseudonymised and result.rows == 60
    sheet = load_workbook(tmp_path / "n.xlsx").worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3] == "Client (numéro et nom)"
    assert len(values) == 61 and str(values[1][3]).startswith("TI000") and "DURAND" in str(values[1][3])
    with db.read() as s:
        entry = s.execute(select(AuditRecord).where(AuditRecord.action == "supervision.export")).scalar_one()
    assert "NOMINATIF" in entry.summary and "Réquisition judiciaire n° 42" in entry.summary
    with pytest.raises(PermissionDenied), db.write() as s:
        le.export_lock_events(s, agents["agent"], LockEventFilter(), tmp_path / "x.csv")


def test_export_neutralises_formulas_in_comments(db: Database, agents, holders, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (holder,) = holders(1)
    sup = agents["supervisor"]
    with db.write() as s:
        event_id = add_lock(s, holder, paris(2026, 11, 25))
    with db.write() as s:
        le.review_lock_events(s, sup, [ReviewTarget(event_id, 1)], '=HYPERLINK("http://x")')
    with db.write() as s:
        le.export_lock_events(s, sup, LockEventFilter(), tmp_path / "f.csv")
    assert read_csv(tmp_path / "f.csv")[1][-1] == '\'=HYPERLINK("http://x")'


def test_trends_count_per_paris_day_and_reason(db: Database, agents, holders) -> None:  # type: ignore[no-untyped-def]
    (holder,) = holders(1)
    with db.write() as s:
        add_lock(
            s, holder, paris(2026, 11, 24, 0, 30), reason=LockReason.SECURITY
        )  # 23:30 UTC the day before
        add_lock(s, holder, paris(2026, 11, 24, 23, 30), reason=LockReason.SECURITY)
        for minute in range(4):
            add_lock(s, holder, paris(2026, 11, 25, 10, minute))
        add_lock(s, holder, paris(2026, 11, 23, 23, 59), reason=LockReason.MANUAL)  # before the period
    with db.read() as s:
        trends = le.lock_trends(s, agents["supervisor"], date(2026, 11, 24), date(2026, 11, 26))
    assert trends.days == (date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26))
    assert trends.per_day[LockReason.SECURITY] == (2, 0, 0)
    assert trends.per_day[LockReason.FAILED_LOGINS] == (0, 4, 0)
    assert trends.totals[LockReason.MANUAL] == 0
    assert trends.total == 6
    with pytest.raises(InvalidInput, match="au plus"), db.read() as s:
        le.lock_trends(s, agents["supervisor"], date(2025, 1, 1), date(2026, 11, 26))
