"""RGPD retention: purge what the law no longer lets us keep, and keep evidence of what was purged.

Rules (RULES.md, numbers in settings.retention):
- ``contract_data``: 2 years after the end of the relationship, the contracts, claims, letters, portal account,
  lock events, codes and messages of a former customer are deleted (identity and KYC stay for the next rule);
- ``kyc``: 5 years after the end of the relationship (CMF L561-12), identity documents, verification cases and
  the customer record itself are deleted;
- ``prospect``: prospects with no activity for 3 years are deleted entirely;
- ``orphan_blob``: file contents no longer referenced by any document or letter are deleted.
The evidence (PurgeEvidence + one audit record per run) names ids and rules, never the purged content.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from backoffice.models import Blob, Customer, CustomerKind, Document, Letter, PurgeEvidence
from backoffice.models.documents import verification_case_document
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now, settings_of, today
from backoffice.workflows.customer_data import CustomerData, collect
from backoffice.workflows.permissions import Permission, require

# Child tables first: the order in which rows can be deleted without breaking a foreign key.
CONTRACT_DATA_TABLES = (
    "one_time_code",
    "outbox_message",
    "lock_event",
    "approval_request",
    "claim_transition",
    "appraisal_assignment",
    "letter",
    "claim_documents",
    "claim",
    "coverage",
    "contract",
    "portal_account",
)
KYC_TABLES = (
    "verification_check",
    "verification_case_document",
    "bank_details_change",
    "verification_case",
    "document",
)

RULE_LABELS = {
    "contract_data": "données de contrat conservées {years} ans après la fin de la relation",
    "kyc": "pièces d'identification conservées {years} ans après la fin de la relation (CMF L561-12)",
    "prospect": "prospect sans activité depuis {years} ans",
    "orphan_blob": "contenu de fichier plus référencé",
}


@dataclass
class RetentionReport:
    run_id: str
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # rule -> table -> rows

    def add(self, rule: str, table: str, n: int) -> None:
        if n:
            self.counts.setdefault(rule, {}).setdefault(table, 0)
            self.counts[rule][table] += n

    def total(self) -> int:
        return sum(sum(t.values()) for t in self.counts.values())

    def lines(self) -> list[str]:
        if not self.counts:
            return ["Rien à purger."]
        return [
            f"{rule} : {table} × {n}"
            for rule, tables in sorted(self.counts.items())
            for table, n in sorted(tables.items())
        ]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _delete_rows(session: Session, table: Table, ids: Iterable[int]) -> int:
    ids = list(ids)
    for start in range(0, len(ids), 500):
        session.execute(delete(table).where(table.c.id.in_(ids[start : start + 500])))
    return len(ids)


def _purge(
    session: Session,
    data: CustomerData,
    tables: tuple[str, ...],
    rule: str,
    reason: str,
    report: RetentionReport,
    evidence: list[PurgeEvidence],
) -> None:
    from backoffice.models import Base

    metadata = Base.metadata.tables
    for name in tables:
        if name == "claim_documents":
            claim_ids = set(data.ids("claim"))
            rows = [r for r in data.rows.get("document", []) if r.get("claim_id") in claim_ids]
            table_name = "document"
        else:
            rows = data.rows.get(name, [])
            table_name = name
        if not rows:
            continue
        table = metadata[table_name]
        if name == "verification_case_document":
            if not report.dry_run:
                session.execute(delete(table).where(table.c.case_id.in_(data.ids("verification_case"))))
            report.add(rule, table_name, len(rows))
            continue
        ids = [r["id"] for r in rows]
        if not report.dry_run:
            if table_name == "document":
                session.execute(
                    delete(verification_case_document).where(
                        verification_case_document.c.document_id.in_(ids)
                    )
                )
            _delete_rows(session, table, ids)
        report.add(rule, table_name, len(ids))
        evidence.extend(
            PurgeEvidence(
                run_id=report.run_id,
                run_at=now(session),
                rule=rule,
                target_type=table_name,
                target_ref=str(i),
                reason=reason,
            )
            for i in ids
        )


def _delete_customer(
    session: Session,
    customer_id: int,
    rule: str,
    reason: str,
    report: RetentionReport,
    evidence: list[PurgeEvidence],
) -> None:
    if not report.dry_run:
        session.execute(
            update(Customer).where(Customer.merged_into_id == customer_id).values(merged_into_id=None)
        )
        session.execute(delete(Customer).where(Customer.id == customer_id))
    report.add(rule, "customer", 1)
    evidence.append(
        PurgeEvidence(
            run_id=report.run_id,
            run_at=now(session),
            rule=rule,
            target_type="customer",
            target_ref=str(customer_id),
            reason=reason,
        )
    )


def run_retention(
    session: Session, actor: Actor, *, dry_run: bool = False, batch_size: int = 500
) -> RetentionReport:
    require(session, actor, Permission.RETENTION_RUN)
    rules = settings_of(session).retention
    day = today(session)
    report = RetentionReport(run_id=str(uuid.uuid4()), dry_run=dry_run)
    evidence: list[PurgeEvidence] = []

    kyc_limit = _years_before(day, rules.kyc_years_after_relationship)
    contract_limit = _years_before(day, rules.contract_years_after_end)
    prospect_limit = _years_before(day, rules.prospect_years)
    kyc_reason = RULE_LABELS["kyc"].format(years=rules.kyc_years_after_relationship)
    contract_reason = RULE_LABELS["contract_data"].format(years=rules.contract_years_after_end)
    prospect_reason = RULE_LABELS["prospect"].format(years=rules.prospect_years)

    former = session.execute(
        select(Customer.id, Customer.relationship_ended_on)
        .where(Customer.kind == CustomerKind.CUSTOMER, Customer.relationship_ended_on.is_not(None))
        .where(Customer.relationship_ended_on < contract_limit)
        .order_by(Customer.id)
    ).all()
    for customer_id, ended_on in former:
        data = collect(session, customer_id)
        _purge(session, data, CONTRACT_DATA_TABLES, "contract_data", contract_reason, report, evidence)
        if ended_on is not None and ended_on < kyc_limit:
            _purge(session, data, KYC_TABLES, "kyc", kyc_reason, report, evidence)
            _delete_customer(session, customer_id, "kyc", kyc_reason, report, evidence)

    prospects = (
        session.execute(
            select(Customer.id)
            .where(
                Customer.kind == CustomerKind.PROSPECT, Customer.last_activity_at < _start_of(prospect_limit)
            )
            .order_by(Customer.id)
        )
        .scalars()
        .all()
    )
    for customer_id in prospects:
        data = collect(session, customer_id)
        _purge(
            session, data, CONTRACT_DATA_TABLES + KYC_TABLES, "prospect", prospect_reason, report, evidence
        )
        _delete_customer(session, customer_id, "prospect", prospect_reason, report, evidence)

    session.flush()
    referenced = select(Document.blob_sha256).union(select(Letter.blob_sha256))
    orphans = session.execute(select(Blob.sha256).where(Blob.sha256.not_in(referenced))).scalars().all()
    if orphans and not dry_run:
        for start in range(0, len(orphans), batch_size):
            session.execute(delete(Blob).where(Blob.sha256.in_(orphans[start : start + batch_size])))
    report.add("orphan_blob", "blob", len(orphans))
    evidence.extend(
        PurgeEvidence(
            run_id=report.run_id,
            run_at=now(session),
            rule="orphan_blob",
            target_type="blob",
            target_ref=sha,
            reason=RULE_LABELS["orphan_blob"],
        )
        for sha in orphans
    )
    if not dry_run:
        session.add_all(evidence)
    audit.record(
        session,
        actor,
        "retention.dry_run" if dry_run else "retention.run",
        f"Purge de conservation{' (simulation)' if dry_run else ''} : {report.total()} lignes",
        target_type="retention_run",
        target_id=report.run_id,
        details={"counts": report.counts},
    )
    return report


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
