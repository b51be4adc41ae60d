"""Everything the database holds about one customer, table by table: the basis of the RGPD access export and
of the retention purge, so both always agree on what "the customer's data" is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from backoffice.models import (
    AppraisalAssignment,
    ApprovalRequest,
    BankDetailsChange,
    Claim,
    ClaimTransition,
    Contract,
    Coverage,
    Customer,
    Document,
    Letter,
    LockEvent,
    OneTimeCode,
    OutboxMessage,
    PortalAccount,
    VerificationCase,
    VerificationCheck,
)
from backoffice.models.documents import verification_case_document


@dataclass
class CustomerData:
    customer_id: int
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def ids(self, table: str) -> list[int]:
        return [row["id"] for row in self.rows.get(table, [])]

    def blob_hashes(self) -> set[str]:
        return {r["blob_sha256"] for t in ("document", "letter") for r in self.rows.get(t, [])}


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def _fetch(session: Session, table: Table, column: str, values: list[int]) -> list[dict[str, Any]]:
    if not values:
        return []
    rows: list[dict[str, Any]] = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        result = session.execute(select(table).where(table.c[column].in_(chunk)))
        rows.extend(dict(r._mapping) for r in result)
    return rows


def collect(session: Session, customer_id: int) -> CustomerData:
    """Rows of every table about this customer and nobody else (children found through their parents)."""
    data = CustomerData(customer_id)
    one = [customer_id]
    data.rows["customer"] = _fetch(session, _table(Customer), "id", one)
    for model in (
        Contract,
        PortalAccount,
        LockEvent,
        OutboxMessage,
        Document,
        VerificationCase,
        BankDetailsChange,
        ApprovalRequest,
        Claim,
        Letter,
    ):
        data.rows[_table(model).name] = _fetch(session, _table(model), "customer_id", one)
    data.rows["coverage"] = _fetch(session, _table(Coverage), "contract_id", data.ids("contract"))
    data.rows["one_time_code"] = _fetch(
        session, _table(OneTimeCode), "account_id", data.ids("portal_account")
    )
    claim_ids = data.ids("claim")
    data.rows["claim_transition"] = _fetch(session, _table(ClaimTransition), "claim_id", claim_ids)
    data.rows["appraisal_assignment"] = _fetch(session, _table(AppraisalAssignment), "claim_id", claim_ids)
    case_ids = data.ids("verification_case")
    data.rows["verification_check"] = _fetch(session, _table(VerificationCheck), "case_id", case_ids)
    data.rows["verification_case_document"] = _fetch(session, verification_case_document, "case_id", case_ids)
    known_docs = set(data.ids("document"))
    claim_docs = [
        r for r in _fetch(session, _table(Document), "claim_id", claim_ids) if r["id"] not in known_docs
    ]
    data.rows["document"].extend(claim_docs)
    known_letters = set(data.ids("letter"))
    claim_letters = [
        r for r in _fetch(session, _table(Letter), "claim_id", claim_ids) if r["id"] not in known_letters
    ]
    data.rows["letter"].extend(claim_letters)
    return data
