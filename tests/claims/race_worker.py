"""A claims handler in its own process for the race test: its own Database from the URL, take until empty."""

from __future__ import annotations

from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from backoffice.clock import FixedClock
from backoffice.config import Paths, Settings
from backoffice.db import Database
from backoffice.errors import BackofficeError
from backoffice.models import Role
from backoffice.workflows.claims import take_next_retrying
from backoffice.workflows.context import Actor


def take_until_empty(
    url: str,
    home: str,
    at: str,
    agent: tuple[int, str],
    start: Barrier,
    results: Queue[tuple[str, list[int], list[str]]],
) -> None:
    """What a user would see: every error message that would reach the screen is collected, not hidden."""
    db = Database(
        url, Settings(paths=Paths.under(Path(home))), FixedClock(datetime.fromisoformat(at)), pool_size=1
    )
    actor = Actor(agent[0], agent[1], agent[1], Role.CLAIMS_HANDLER)
    taken: list[int] = []
    errors: list[str] = []
    start.wait()
    try:
        while True:
            try:
                ref = take_next_retrying(db, actor)
            except BackofficeError as exc:
                errors.append(exc.message)
                if len(errors) > 20:
                    break
                continue
            if ref is None:
                break
            taken.append(ref.id)
    finally:
        db.dispose()
        results.put((actor.username, taken, errors))
