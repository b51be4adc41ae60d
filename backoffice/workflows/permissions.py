"""The one place that maps roles to permissions. Workflows call ``require``; hiding a button is never enough."""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from backoffice.agent_changes import AgentChanges
from backoffice.errors import PermissionDenied
from backoffice.models.staff import Agent, Role
from backoffice.prepared import Prepared
from backoffice.workflows.context import Actor


class Permission(enum.Enum):
    CUSTOMER_VIEW = "customer.view"
    CUSTOMER_EDIT = "customer.edit"
    CUSTOMER_MERGE = "customer.merge"
    SENSITIVE_REVEAL = "sensitive.reveal"
    DOCUMENT_UPLOAD = "document.upload"
    DOCUMENT_VIEW = "document.view"
    VERIFICATION_DECIDE = "verification.decide"
    ACCOUNT_UNLOCK = "account.unlock"
    ACCOUNT_LOCK = "account.lock"
    APPROVAL_DECIDE = "approval.decide"
    BANK_DETAILS_CHANGE = "bank_details.change"
    LOCK_EVENTS_REVIEW = "lock_events.review"
    SUPERVISION_VIEW = "supervision.view"
    SUPERVISION_EXPORT = "supervision.export"
    AGENT_ACTIVITY_VIEW = "agent_activity.view"
    CLAIM_DECLARE = "claim.declare"
    CLAIM_TRIAGE = "claim.triage"
    CLAIM_ASSIGN = "claim.assign"
    CLAIM_SETTLE = "claim.settle"
    EXPERT_MANAGE = "expert.manage"
    LETTER_GENERATE = "letter.generate"
    LETTER_SEND = "letter.send"
    LETTER_BATCH = "letter.batch"
    AUDIT_VERIFY = "audit.verify"
    AGENT_MANAGE = "agent.manage"
    GDPR_EXPORT = "gdpr.export"
    RETENTION_RUN = "retention.run"
    OUTBOX_EXPORT = "outbox.export"


P = Permission

_AGENT = {
    P.CUSTOMER_VIEW,
    P.CUSTOMER_EDIT,
    P.DOCUMENT_UPLOAD,
    P.DOCUMENT_VIEW,
    P.VERIFICATION_DECIDE,
    P.ACCOUNT_UNLOCK,
    P.ACCOUNT_LOCK,
    P.BANK_DETAILS_CHANGE,
    P.CLAIM_DECLARE,
    P.LETTER_GENERATE,
    P.LETTER_SEND,
    P.SENSITIVE_REVEAL,
}
_CLAIMS_HANDLER = {
    P.CUSTOMER_VIEW,
    P.DOCUMENT_UPLOAD,
    P.DOCUMENT_VIEW,
    P.CLAIM_DECLARE,
    P.CLAIM_TRIAGE,
    P.CLAIM_ASSIGN,
    P.CLAIM_SETTLE,
    P.LETTER_GENERATE,
    P.LETTER_SEND,
    P.LETTER_BATCH,
}
_SUPERVISOR = (
    _AGENT
    | _CLAIMS_HANDLER
    | {
        P.CUSTOMER_MERGE,
        P.APPROVAL_DECIDE,
        P.LOCK_EVENTS_REVIEW,
        P.SUPERVISION_VIEW,
        P.SUPERVISION_EXPORT,
        P.AGENT_ACTIVITY_VIEW,
        P.EXPERT_MANAGE,
        P.AUDIT_VERIFY,
        P.GDPR_EXPORT,
    }
)
_ADMIN = {
    P.AGENT_MANAGE,
    P.AUDIT_VERIFY,
    P.RETENTION_RUN,
    P.GDPR_EXPORT,
    P.OUTBOX_EXPORT,
    P.EXPERT_MANAGE,
    P.AGENT_ACTIVITY_VIEW,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(_AGENT),
    Role.CLAIMS_HANDLER: frozenset(_CLAIMS_HANDLER),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(_ADMIN),
}

PERMISSION_LABELS: dict[Permission, str] = {
    P.CUSTOMER_VIEW: "consulter un dossier client",
    P.CUSTOMER_EDIT: "modifier un dossier client",
    P.CUSTOMER_MERGE: "fusionner des dossiers clients",
    P.SENSITIVE_REVEAL: "afficher une donnée masquée",
    P.DOCUMENT_UPLOAD: "déposer un document",
    P.DOCUMENT_VIEW: "consulter un document",
    P.VERIFICATION_DECIDE: "décider d'une vérification d'identité",
    P.ACCOUNT_UNLOCK: "débloquer un espace assuré",
    P.ACCOUNT_LOCK: "bloquer un espace assuré",
    P.APPROVAL_DECIDE: "approuver une demande (double validation)",
    P.BANK_DETAILS_CHANGE: "changer des coordonnées bancaires",
    P.LOCK_EVENTS_REVIEW: "revoir les blocages de comptes",
    P.SUPERVISION_VIEW: "consulter la supervision",
    P.SUPERVISION_EXPORT: "exporter des données de supervision",
    P.AGENT_ACTIVITY_VIEW: "consulter l'activité des conseillers",
    P.CLAIM_DECLARE: "enregistrer une déclaration de sinistre",
    P.CLAIM_TRIAGE: "trier un sinistre",
    P.CLAIM_ASSIGN: "missionner un expert",
    P.CLAIM_SETTLE: "proposer ou régler une indemnité",
    P.EXPERT_MANAGE: "gérer les experts",
    P.LETTER_GENERATE: "générer un courrier",
    P.LETTER_SEND: "envoyer un courrier",
    P.LETTER_BATCH: "générer des courriers en lot",
    P.AUDIT_VERIFY: "vérifier le journal d'audit",
    P.AGENT_MANAGE: "gérer les comptes des agents",
    P.GDPR_EXPORT: "exporter les données d'un client (RGPD)",
    P.RETENTION_RUN: "lancer la purge de conservation",
    P.OUTBOX_EXPORT: "exporter les messages en attente",
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


class AgentCheck(NamedTuple):
    """The acting agent as the database knows it at this moment (a plain row: no ORM load on every call; a
    named tuple, as one is made for every action and every keystroke in the search box)."""

    id: int
    username: str
    full_name: str
    role: Role


_a = Agent.__table__.c
_AGENT_STATE = Prepared(
    select(_a.username, _a.full_name, _a.role, _a.active, _a.locked_at).where(_a.id == bindparam("id"))
)


def require(
    session: Session,
    actor: Actor,
    permission: Permission,
    *,
    target_type: str | None = None,
    target_id: object | None = None,
    customer_id: int | None = None,
) -> AgentCheck:
    """The acting agent, or a refusal: unknown, disabled, locked, or role without the permission.

    Read afresh on every call, so a disabled agent is stopped at the next action, not at the next login. The
    search box's sessions on PostgreSQL reuse the row read since the last change to agents, which the database
    notifies (``backoffice.agent_changes``): the same guarantee without a round trip per keystroke.
    """
    session.info["actor"] = actor
    changes: AgentChanges | None = session.info.get("agent_changes")
    row, generation = changes.known(actor.agent_id) if changes is not None else (None, None)
    if row is None:
        # A prepared row on the session's connection: no ORM entity, no autoflush (nothing depends on pending
        # changes here), and no statement machinery on the path of every action.
        row = _AGENT_STATE.first(session, {"id": actor.agent_id})
        if changes is not None and row is not None:
            changes.remember(actor.agent_id, row, generation)

    if row is not None and row.username == actor.username and row.active and row.locked_at is None:
        role: Role = row.role  # the column type reads it as the enum
        if permission in ROLE_PERMISSIONS[role]:
            return AgentCheck(actor.agent_id, row.username, row.full_name, role)
    raise _refusal(row, actor, permission, target_type, target_id, customer_id)


def _refusal(
    row: Any,
    actor: Actor,
    permission: Permission,
    target_type: str | None,
    target_id: object | None,
    customer_id: int | None,
) -> PermissionDenied:
    """Why ``require`` refuses, in French."""
    if row is None or row.username != actor.username:
        message = "Votre compte d'agent est introuvable. Reconnectez-vous."
    elif not row.active:
        message = "Votre compte d'agent a été désactivé : l'action est refusée."
    elif row.locked_at is not None:
        message = "Votre compte d'agent est verrouillé : demandez à un administrateur de le déverrouiller."
    else:
        role = Role(row.role)
        message = f"Votre rôle ({role.label}) ne permet pas de {PERMISSION_LABELS[permission]}."
    return PermissionDenied(
        message,
        action=permission.value,
        target_type=target_type,
        target_id=target_id,
        customer_id=customer_id,
        actor=actor,
    )
