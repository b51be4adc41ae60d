"""Every workflow, called as every role: refused exactly when the role lacks the permission, refusals audited.

The matrix is discovered, not listed: each public function of backoffice.workflows whose first parameters are
(session, actor) is called with placeholder arguments. The permission check comes first in a workflow, so a role
without the permission is refused before the placeholders matter; a role with it gets past the check (and then
fails on the placeholders, which is fine here). A workflow that refuses no role at all is unguarded — a defect —
unless it is listed below with the reason it is open to every agent.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

import backoffice.workflows as workflows_package
from backoffice.db import Database
from backoffice.errors import PermissionDenied
from backoffice.models import AuditRecord, Role
from backoffice.workflows.context import Actor
from backoffice.workflows.permissions import ROLE_PERMISSIONS, Permission

OPEN_TO_EVERY_AGENT = {
    "staff.change_password": "an agent changes their own password (checked against the current one)",
    "staff.reauthenticate": "an agent unlocks their own idle session with their password",
    "notifications.work_summary": "counts of the agent's own pending work, filtered by role inside",
    "audit.record": "infrastructure: called by workflows after their own check",
    "audit.record_refusal": "infrastructure: records a refusal",
    "permissions.require": "the check itself",
    "codes.issue_code": "internal step of unlock_account / resend_code, which check first",
    "claims.apply_transition": "internal step of the claim workflows, which check first",
}

ROLES = {
    Role.AGENT: "agent",
    Role.CLAIMS_HANDLER: "claims_handler",
    Role.SUPERVISOR: "supervisor",
    Role.ADMIN: "admin",
}


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


def _placeholders(fn: Callable[..., Any]) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in list(inspect.signature(fn).parameters.values())[2:]:
        if param.default is not inspect.Parameter.empty:
            continue
        value: Any = 999_999 if param.name.endswith("id") else "x"
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[param.name] = value
        elif param.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            args.append(value)
    return args, kwargs


WORKFLOWS = _workflows()


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


def test_every_workflow_refuses_exactly_the_roles_without_its_permission(
    db: Database, agents: dict[str, Actor]
) -> None:
    unguarded = []
    inconsistent = []
    for name, fn in WORKFLOWS:
        refused: dict[Role, str] = {}
        passed: list[Role] = []
        for role, key in ROLES.items():
            actor = agents[key]
            args, kwargs = _placeholders(fn)
            first = db if next(iter(inspect.signature(fn).parameters)) == "db" else None
            try:
                if first is not None:
                    fn(db, actor, *args, **kwargs)
                else:
                    with db.write() as session:
                        fn(session, actor, *args, **kwargs)
            except PermissionDenied as denial:
                refused[role] = denial.action
                with db.read() as session:
                    last = session.execute(
                        select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)
                    ).scalar_one()
                assert (last.outcome, last.action, last.actor_username) == (
                    "refused",
                    denial.action,
                    actor.username,
                ), name
                continue
            except Exception:
                pass
            passed.append(role)
        if not refused:
            if name not in OPEN_TO_EVERY_AGENT:
                unguarded.append(name)
            continue
        for role, action in refused.items():
            permission = Permission(action)
            if permission in ROLE_PERMISSIONS[role]:
                inconsistent.append(f"{name}: {role.value} refused although it has {action}")
            for other in passed:
                if permission not in ROLE_PERMISSIONS[other]:
                    inconsistent.append(f"{name}: {other.value} got past {action} without having it")
    assert unguarded == [], f"workflows without a permission check: {unguarded}"
    assert inconsistent == []


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_a_purpose(role: Role) -> None:
    assert ROLE_PERMISSIONS[role]
