"""What every view receives: the database, settings, the logged-in actor and the operation runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backoffice.clock import Clock
from backoffice.config import Settings
from backoffice.db import Database
from backoffice.ui.operations import OperationRunner
from backoffice.workflows.context import Actor
from backoffice.workflows.permissions import Permission, has_permission


@dataclass
class AppContext:
    db: Database
    settings: Settings
    actor: Actor
    ops: OperationRunner
    clock: Clock
    services: dict[str, Any] = field(default_factory=dict)  # e.g. "open_customer": callable(customer_id)

    def can(self, permission: Permission) -> bool:
        return has_permission(self.actor.role, permission)

    def open_customer(self, customer_id: int) -> None:
        opener = self.services.get("open_customer")
        if opener is not None:
            opener(customer_id)

    def notify(self, message: str, timeout_ms: int = 6000) -> None:
        notifier = self.services.get("notify")
        if notifier is not None:
            notifier(message, timeout_ms)
