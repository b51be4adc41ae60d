"""Exceptions that reach the user: each carries a French message that can be shown as is."""

from __future__ import annotations

from datetime import datetime


class BackofficeError(Exception):
    """Base of every error with a user-readable French message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(BackofficeError):
    """What the user typed cannot be accepted; nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(BackofficeError):
    pass


class Refused(BackofficeError):
    """A rule or a permission forbids the action. The refusal itself is audited (in its own transaction)."""

    def __init__(
        self,
        message: str,
        *,
        action: str,
        target_type: str | None = None,
        target_id: object | None = None,
        customer_id: int | None = None,
        actor: object | None = None,
    ) -> None:
        super().__init__(message)
        self.actor = actor
        self.action = action
        self.target_type = target_type
        self.target_id = None if target_id is None else str(target_id)
        self.customer_id = customer_id


class PermissionDenied(Refused):
    pass


class ConcurrentEdit(BackofficeError):
    """Someone else saved the same record since it was loaded: nothing was overwritten."""

    def __init__(
        self, message: str, *, changed_by: str | None = None, changed_at: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class AuthenticationFailed(BackofficeError):
    pass


class DatabaseUnavailable(BackofficeError):
    pass


class SchemaMismatch(BackofficeError):
    pass
