"""Demo and scale data: realistic, deterministic French customers, contracts, portal accounts, locks and claims.

``build_demo_data(db, customers, seed)`` fills an empty migrated database (SQLite or PostgreSQL); the same seed and
``now`` give the same rows on both. ``ensure_first_run_demo(db)`` does it once on a database without agents, so the
app can be tried at first start. The demo logins are listed in ``DEMO_AGENTS`` (password ``DEMO_PASSWORD``).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from backoffice.demo.logins import DEMO_AGENTS, DEMO_PASSWORD, DemoAgent

if TYPE_CHECKING:
    from backoffice.demo.build import (
        BuildReport,
        DatabaseNotEmpty,
        ProgressCallback,
        build_demo_data,
        ensure_first_run_demo,
    )

_BUILDER = {"BuildReport", "DatabaseNotEmpty", "ProgressCallback", "build_demo_data", "ensure_first_run_demo"}


def __getattr__(name: str) -> Any:
    """The builder (Faker, the generators) is imported on first use: the login window only needs the logins."""
    if name in _BUILDER:
        return getattr(import_module("backoffice.demo.build"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEMO_AGENTS",
    "DEMO_PASSWORD",
    "BuildReport",
    "DatabaseNotEmpty",
    "DemoAgent",
    "ProgressCallback",
    "build_demo_data",
    "ensure_first_run_demo",
]
