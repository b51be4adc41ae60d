"""What one agent did over a period, read from the audit trail, with the integrity of the chain checked.

Actions are grouped by the verb in their audit name (``account.unlock``, ``approval.decide``, ``document.view``,
``supervision.export`` …), the same names the permissions carry, so a new workflow falls in the right family
without being listed here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.errors import InvalidInput, NotFound
from backoffice.models.audit import AuditRecord
from backoffice.models.staff import Agent, Role
from backoffice.workflows.audit import AuditEntry, ChainReport, to_entry, verify_chain
from backoffice.workflows.context import Actor
from backoffice.workflows.lock_events import paris_day_bounds
from backoffice.workflows.permissions import Permission, require

MAX_ENTRIES = 2000


class ActivityKind(enum.Enum):
    UNLOCK = "unlock"
    APPROVAL = "approval"
    DOCUMENT_VIEW = "document_view"
    EXPORT = "export"
    OTHER = "other"


ACTIVITY_KIND_LABELS = {
    ActivityKind.UNLOCK: "Déblocages",
    ActivityKind.APPROVAL: "Approbations",
    ActivityKind.DOCUMENT_VIEW: "Consultations de documents",
    ActivityKind.EXPORT: "Exports",
    ActivityKind.OTHER: "Autres actions",
}


def activity_kind(action: str) -> ActivityKind:
    name = action.lower()
    if "export" in name:
        return ActivityKind.EXPORT
    if "unlock" in name:
        return ActivityKind.UNLOCK
    if name.startswith("approval.") or ".approv" in name:
        return ActivityKind.APPROVAL
    if name.startswith("document.") and any(v in name for v in ("view", "open", "download", "preview")):
        return ActivityKind.DOCUMENT_VIEW
    if name == "sensitive.reveal":
        return ActivityKind.DOCUMENT_VIEW
    return ActivityKind.OTHER


@dataclass(frozen=True)
class AgentChoice:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool

    @property
    def label(self) -> str:
        return f"{self.full_name} ({self.username})"


@dataclass(frozen=True)
class ActivityEntry:
    entry: AuditEntry
    kind: ActivityKind


@dataclass(frozen=True)
class AgentActivity:
    agent: AgentChoice
    start: date
    end: date
    counts: dict[ActivityKind, int]  # successful actions per family, over the whole period
    refused: int  # actions refused by a rule or a permission
    entries: tuple[ActivityEntry, ...]  # most recent first, at most MAX_ENTRIES
    truncated: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.refused


def list_agents(session: Session, actor: Actor) -> tuple[AgentChoice, ...]:
    """Agents to choose from in the supervision filters."""
    require(session, actor, Permission.SUPERVISION_VIEW)
    rows = session.execute(select(Agent).order_by(Agent.full_name, Agent.username)).scalars()
    return tuple(AgentChoice(a.id, a.username, a.full_name, a.role, a.active) for a in rows)


def agent_activity(session: Session, actor: Actor, agent_id: int, start: date, end: date) -> AgentActivity:
    require(session, actor, Permission.AGENT_ACTIVITY_VIEW, target_type="agent", target_id=agent_id)
    if end < start:
        raise InvalidInput("La fin de la période précède son début.", "period")
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"L'agent n° {agent_id} n'existe pas.")
    lower, upper = paris_day_bounds(start, end)
    period = (AuditRecord.actor_id == agent_id, AuditRecord.at >= lower, AuditRecord.at < upper)
    counts = dict.fromkeys(ActivityKind, 0)
    refused = 0
    grouped = select(AuditRecord.action, AuditRecord.outcome, func.count()).where(*period)
    for action, outcome, n in session.execute(grouped.group_by(AuditRecord.action, AuditRecord.outcome)):
        if outcome == "ok":
            counts[activity_kind(action)] += n
        else:
            refused += n
    rows = session.execute(
        select(AuditRecord)
        .where(*period)
        .order_by(AuditRecord.at.desc(), AuditRecord.seq.desc())
        .limit(MAX_ENTRIES + 1)
    ).scalars()
    entries = [ActivityEntry(to_entry(r), activity_kind(r.action)) for r in rows]
    return AgentActivity(
        AgentChoice(agent.id, agent.username, agent.full_name, agent.role, agent.active),
        start,
        end,
        counts,
        refused,
        tuple(entries[:MAX_ENTRIES]),
        len(entries) > MAX_ENTRIES,
    )


def verify_audit_chain(session: Session, actor: Actor) -> ChainReport:
    """The integrity of the whole trail, shown next to the activity so a supervisor knows it can be trusted."""
    require(session, actor, Permission.AGENT_ACTIVITY_VIEW)
    return verify_chain(session)
