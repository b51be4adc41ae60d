"""What is waiting for an agent: the figures behind the non-blocking notifications of the main window."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.models import ApprovalRequest, ApprovalStatus, Claim, ClaimStatus, Role
from backoffice.workflows.audit import CHANNEL as CHANNEL
from backoffice.workflows.context import Actor
from backoffice.workflows.permissions import Permission, has_permission

QUEUE_STATUSES = (ClaimStatus.DECLARED, ClaimStatus.TRIAGED)


@dataclass(frozen=True)
class WorkSummary:
    pending_approvals: int = 0
    queued_claims: int = 0
    my_claims: int = 0

    def news_since(self, before: WorkSummary) -> list[str]:
        """French sentences for what grew since the previous look."""
        news = []
        if self.pending_approvals > before.pending_approvals:
            n = self.pending_approvals - before.pending_approvals
            news.append(f"{n} nouvelle{'s' if n > 1 else ''} demande{'s' if n > 1 else ''} d'approbation")
        if self.queued_claims > before.queued_claims:
            n = self.queued_claims - before.queued_claims
            news.append(f"{n} nouveau{'x' if n > 1 else ''} sinistre{'s' if n > 1 else ''} dans la file")
        if self.my_claims > before.my_claims:
            n = self.my_claims - before.my_claims
            news.append(
                f"{n} sinistre{'s' if n > 1 else ''} vous {'ont' if n > 1 else 'a'} été attribué{'s' if n > 1 else ''}"
            )
        return news


def work_summary(session: Session, actor: Actor) -> WorkSummary:
    """Counts only, index-backed: cheap enough to poll every few seconds from every workstation."""
    approvals = queued = mine = 0
    if has_permission(actor.role, Permission.APPROVAL_DECIDE):
        approvals = session.execute(
            select(func.count(ApprovalRequest.id)).where(
                ApprovalRequest.status == ApprovalStatus.PENDING,
                ApprovalRequest.requested_by_id != actor.agent_id,
            )
        ).scalar_one()
    if has_permission(actor.role, Permission.CLAIM_TRIAGE) and actor.role is not Role.SUPERVISOR:
        queued = session.execute(
            select(func.count(Claim.id)).where(Claim.status.in_(QUEUE_STATUSES), Claim.handler_id.is_(None))
        ).scalar_one()
        mine = session.execute(
            select(func.count(Claim.id)).where(
                Claim.handler_id == actor.agent_id, Claim.status.in_(QUEUE_STATUSES)
            )
        ).scalar_one()
    return WorkSummary(int(approvals), int(queued), int(mine))
