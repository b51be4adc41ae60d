"""What a workflow needs besides its session and actor: the settings and the clock, carried by the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from backoffice.clock import Clock, SystemClock, paris_today
from backoffice.config import Settings
from backoffice.models.staff import Role


@dataclass(frozen=True)
class Actor:
    """The logged-in agent as workflows see it. Re-checked against the database on every permission check."""

    agent_id: int
    username: str
    full_name: str
    role: Role


SYSTEM_ACTOR = Actor(agent_id=0, username="system", full_name="Traitement automatique", role=Role.ADMIN)


def settings_of(session: Session) -> Settings:
    settings = session.info.get("settings")
    if settings is None:
        settings = Settings()
        session.info["settings"] = settings
    return settings


def clock_of(session: Session) -> Clock:
    clock = session.info.get("clock")
    if clock is None:
        clock = SystemClock()
        session.info["clock"] = clock
    return clock


def now(session: Session) -> datetime:
    return clock_of(session).now()


def today(session: Session) -> date:
    """Today in Paris, the date an agent means."""
    return paris_today(clock_of(session))
