"""Every workflow, called as every role on a real dataset: refused exactly when the role lacks the permission,
before touching any data, and every refusal audited.

The matrix is discovered, not listed: each public function of backoffice.workflows whose first parameters are
(session, actor) is called with arguments pointing at real rows (tests/security/conftest.py), so a role with the
permission goes through the whole workflow. Each call runs in a session rolled back afterwards, so one role's
success does not change what the next role sees. A workflow that refuses no role is unguarded — a defect — unless
it is listed below with the reason it is open to every agent or is an internal step.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, is_dataclass
from datetime import timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import backoffice.workflows as workflows_package
from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.models import (
    AuditRecord,
    ClaimType,
    CodeChannel,
    DocumentKind,
    LockReason,
    Role,
    SendMethod,
    VerificationPurpose,
)
from backoffice.workflows.assignment import AppraisalReport
from backoffice.workflows.claims import Declaration
from backoffice.workflows.context import Actor
from backoffice.workflows.letters import BatchTarget
from backoffice.workflows.lock_events import ReviewTarget
from backoffice.workflows.permissions import ROLE_PERMISSIONS, Permission
from backoffice.workflows.verification import Decision
from tests.conftest import NOW, TEST_PASSWORD
from tests.security.conftest import JPEG, World
from tests.statements import recorded_statements

OPEN_TO_EVERY_AGENT = {
    "staff.change_password": "an agent changes their own password (checked against the current one)",
    "staff.reauthenticate": "an agent unlocks their own idle session with their password",
    "notifications.work_summary": "counts of the agent's own pending work, filtered by role inside",
}
INTERNAL_STEPS = {
    "audit.record": "infrastructure: called by workflows after their own check",
    "audit.record_refusal": "infrastructure: records a refusal",
    "permissions.require": "the check itself",
    "codes.issue_code": "internal step of unlock_account / resend_code, which check first (takes ORM rows)",
    "approvals.create_request": "internal step of unlock_account / request_change, which check first (returns a row)",
    "claims.apply_transition": "internal step of the claim workflows, which check first (takes an ORM row)",
}

ROLES = {
    Role.AGENT: "agent",
    Role.CLAIMS_HANDLER: "claims_handler",
    Role.SUPERVISOR: "supervisor",
    Role.ADMIN: "admin",
}

# What a refusal may touch: the acting agent's own row (who is asking, with which role) and the refusal's own
# audit row (written by db.write() for the workflows that open their own transaction). Besides, a plain read of
# the target row itself is accepted: it names the customer on the refusal's audit row, so the customer's history
# shows the attempt. Anything else — another table, a row lock, a write — is work a forbidden role must not cause.
CHECK_TABLES = {"agent", "audit_head", "audit_record"}
_TABLE = re.compile(r'\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)', re.IGNORECASE)


def _touched(statements: list[str], target_type: str | None) -> set[str]:
    touched: set[str] = set()
    for statement in statements:
        if re.match(r"\s*(BEGIN|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW|PRAGMA)\b", statement, re.IGNORECASE):
            continue
        tables = {t.lower() for t in _TABLE.findall(statement)} - CHECK_TABLES
        plain_read = statement.lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in statement.upper()
        if plain_read and tables == {target_type}:
            continue
        touched |= {f"{t} (locked)" if "FOR UPDATE" in statement.upper() else t for t in tables}
    return touched


def _workflows() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for info in pkgutil.iter_modules(workflows_package.__path__):
        module = importlib.import_module(f"backoffice.workflows.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if len(params) >= 2 and params[0] in {"session", "s", "db"} and params[1] == "actor":
                found.append((f"{info.name}.{name}", fn))
    return sorted(found, key=lambda item: item[0])


WORKFLOWS = _workflows()


def _takes_db(fn: Callable[..., Any]) -> bool:
    return next(iter(inspect.signature(fn).parameters)) == "db"


def _values(world: World, agents: dict[str, Actor], tmp: Path) -> dict[str, Any]:
    """Argument values by parameter name, pointing at the world's rows."""
    today = NOW.date()
    return {
        "customer_id": world.customer_id,
        "survivor_id": world.customer_id,
        "absorbed_id": world.other_customer_id,
        "account_id": world.account_id,
        "claim_id": world.claim_id,
        "request_id": world.request_id,
        "case_id": world.case_id,
        "verification_case_id": world.case_id,
        "document_id": world.document_id,
        "letter_id": world.letter_id,
        "assignment_id": world.assignment_id,
        "expert_id": world.expert_id,
        "event_id": world.event_id,
        "agent_id": agents["agent"].agent_id,
        "client_number": world.client_number,
        "text": world.client_number,
        "username": agents["agent2"].username,
        "full_name": "Nadia Haddad",
        "role": Role.AGENT,
        "password": TEST_PASSWORD,
        "current_password": TEST_PASSWORD,
        "new_password": "Un-autre-mot-de-passe-2",
        "active": False,
        "template_code": "ack_claim",
        "day": today,
        "start": today - timedelta(days=30),
        "end": today,
        "before": NOW,
        "targets": [ReviewTarget(world.event_id, world.event_version)],
        "report": AppraisalReport(Decimal("1850.00"), safety_parts_damaged=False, total_loss=False),
        "decision": Decision.MORE_DOCUMENTS_NEEDED,
        "method": SendMethod.POST,
        "channel": CodeChannel.SMS,
        "kind": DocumentKind.IDENTITY_DOCUMENT,
        "purpose": VerificationPurpose.UNLOCK,
        "reason": "Vérification de routine",
        "comment": "Vu avec le client au téléphone",
        "note": "Appel du client",
        "field": "iban",
        "section": "contracts",
        "offset": 0,
        "values": {},
        "payload": {},
        "records": [],
        "filename": "cni.jpg",
        "content": JPEG,
        "mrz_text": "IDFRALEFEVRE<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "iban": "FR7630006000011234567890189",
        "holder": "MME LEFEVRE MARIE HELENE",
        "document_date": today,
        "name_on_document": "Marie-Hélène Lefèvre",
        "address_on_document": "6 bis rue de Gracchus Babeuf 93130 Noisy-le-Sec",
        "target_dir": tmp,
        "destination": tmp / "blocages.csv",
        "directory": tmp,
        "justification": "Contrôle interne",
        "data": Declaration(
            contract_number=world.contract_number,
            claim_type=ClaimType.GLASS,
            occurred_on=today - timedelta(days=2),
            known_on=today - timedelta(days=2),
            circumstances="Pare-brise fissuré par un gravillon.",
            place="Noisy-le-Sec",
            place_postcode="93130",
        ),
    }


def _overrides(world: World) -> dict[str, dict[str, Any]]:
    """Where the parameter name alone does not say which value the workflow expects."""
    return {
        "customers.update_identity": {"expected_version": world.customer_version},
        "bank_details.request_change": {"expected_version": world.customer_version},
        "unlock.unlock_account": {"expected_version": world.account_version},
        "unlock.lock_account": {
            "expected_version": world.account_version,
            "reason": LockReason.FRAUD_SUSPICION,
        },
        "documents.list_documents": {"customer_id": world.customer_id},
        "documents.upload_document": {"customer_id": world.customer_id},
        "letters.list_letters": {"customer_id": world.customer_id},
        "letters.generate_letter": {"claim_id": world.claim_id},
        "letters.generate_batch": {"targets": [BatchTarget(claim_id=world.claim_id)]},
    }


def _annotation(fn: Callable[..., Any], name: str) -> Any:
    try:
        return typing.get_type_hints(fn).get(name)
    except NameError:
        return None


def _arguments(
    name: str, fn: Callable[..., Any], values: dict[str, Any], overrides: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in list(inspect.signature(fn).parameters.values())[2:]:
        if param.name in overrides:
            value = overrides[param.name]
        elif param.default is not inspect.Parameter.empty or param.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        else:
            hint = _annotation(fn, param.name)
            if param.name in {"filters", "flt"} and is_dataclass(hint):
                value = hint()  # type: ignore[operator]
            elif (
                isinstance(hint, type)
                and issubclass(hint, Enum)
                and not isinstance(values.get(param.name), hint)
            ):
                value = next(iter(hint))
            elif param.name in values:
                value = values[param.name]
            else:
                raise AssertionError(f"{name}: no value for parameter {param.name!r} — add it to _values")
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return args, kwargs


@dataclass
class Probe:
    denial: PermissionDenied | None
    touched: set[str]  # tables read or written before the refusal


def _probe(
    db: Database, fn: Callable[..., Any], actor: Actor, args: list[Any], kwargs: dict[str, Any]
) -> Probe:
    """Call once; a session-first workflow runs in a session that is rolled back whatever happens."""
    with recorded_statements(db) as seen:
        try:
            if _takes_db(fn):
                fn(db, actor, *args, **kwargs)
            else:
                session = db._write_factory()
                try:
                    fn(session, actor, *args, **kwargs)
                finally:
                    session.rollback()
                    session.close()
        except PermissionDenied as denial:
            return Probe(denial, _touched(seen, denial.target_type))
        except Exception:  # past the check, a business refusal or an invalid input is fine here
            pass
    return Probe(None, set())


def _last_audit(db: Database) -> AuditRecord:
    with db.read() as s:
        return s.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).scalar_one()


def test_the_matrix_covers_the_workflows() -> None:
    names = {name for name, _ in WORKFLOWS}
    for expected in (
        "unlock.unlock_account",
        "approvals.approve",
        "verification.decide",
        "claims.take_next",
        "letters.generate_letter",
        "lock_events.export_lock_events",
        "gdpr.export_customer",
    ):
        assert expected in names
    assert len(WORKFLOWS) >= 60
    assert set(OPEN_TO_EVERY_AGENT) | set(INTERNAL_STEPS) <= names, (
        "an exemption names a workflow that is gone"
    )


def test_every_workflow_refuses_exactly_the_roles_without_its_permission(
    db: Database, agents: dict[str, Actor], world: World, tmp_path: Path
) -> None:
    values = _values(world, agents, tmp_path)
    overrides = _overrides(world)
    # Workflows taking the Database commit their own transactions: run them after all the others.
    ordered = sorted(
        (item for item in WORKFLOWS if item[0] not in INTERNAL_STEPS), key=lambda item: _takes_db(item[1])
    )
    unguarded: list[str] = []
    defects: list[str] = []
    replays: list[tuple[str, Callable[..., Any], Actor, list[Any], dict[str, Any], str]] = []
    checked = 0
    for name, fn in ordered:
        args, kwargs = _arguments(name, fn, values, overrides.get(name, {}))
        refused: dict[Role, str] = {}
        passed: list[Role] = []
        for role, key in ROLES.items():
            probe = _probe(db, fn, agents[key], args, kwargs)
            checked += 1
            if probe.denial is None:
                passed.append(role)
                continue
            refused[role] = probe.denial.action
            if probe.touched:
                defects.append(f"{name}: {role.value} refused only after reading {sorted(probe.touched)}")
            replays.append((name, fn, agents[key], args, kwargs, probe.denial.action))
        if name in OPEN_TO_EVERY_AGENT:
            if refused:
                defects.append(f"{name}: open to every agent but refused {sorted(r.value for r in refused)}")
            continue
        if not refused:
            unguarded.append(name)
            continue
        for role, action in refused.items():
            if Permission(action) in ROLE_PERMISSIONS[role]:
                defects.append(f"{name}: {role.value} refused although it has {action}")
        for role in passed:
            for action in set(refused.values()):
                if Permission(action) not in ROLE_PERMISSIONS[role]:
                    defects.append(f"{name}: {role.value} got past {action} without having it")
    assert (unguarded, defects) == ([], []), f"unguarded: {unguarded}; defects: {defects}"
    assert checked == len(ordered) * len(ROLES)

    # Replayed the way the application calls them (ctx.ops.write / ctx.ops.read): each refusal leaves its audit row.
    units = [db.write, db.read]
    for number, (name, fn, actor, args, kwargs, action) in enumerate(replays):
        with pytest.raises(PermissionDenied):
            if _takes_db(fn):
                fn(db, actor, *args, **kwargs)
            else:
                with units[number % 2]() as session:
                    fn(session, actor, *args, **kwargs)
        last = _last_audit(db)
        assert (last.outcome, last.action, last.actor_username) == ("refused", action, actor.username), name


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_a_purpose(role: Role) -> None:
    assert ROLE_PERMISSIONS[role]


def test_the_detector_tells_a_label_read_from_work_done_before_the_check() -> None:
    agent_row = "SELECT agent.id, agent.role FROM agent WHERE agent.id = %(pk)s"
    label = "SELECT portal_account.customer_id FROM portal_account WHERE portal_account.id = %(id)s"
    locked = label + " FOR UPDATE"
    other = "SELECT customer.id FROM customer WHERE customer.id = %(id)s"
    assert _touched([agent_row, label], "portal_account") == set()
    assert _touched([locked], "portal_account") == {"portal_account (locked)"}
    assert _touched([label, other], "portal_account") == {"customer"}
    assert _touched(["UPDATE portal_account SET version=2"], "portal_account") == {"portal_account"}
