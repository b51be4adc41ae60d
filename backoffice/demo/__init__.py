"""Demo and scale data: realistic, deterministic French customers, contracts, portal accounts, locks and claims.

``build_demo_data(db, customers, seed)`` fills an empty migrated database (SQLite or PostgreSQL); the same seed and
``now`` give the same rows on both. ``ensure_first_run_demo(db)`` does it once on a database without agents, so the
app can be tried at first start. The demo logins are listed in ``DEMO_AGENTS`` (password ``DEMO_PASSWORD``).
"""

from backoffice.demo.build import (
    DEMO_AGENTS,
    DEMO_PASSWORD,
    BuildReport,
    DatabaseNotEmpty,
    DemoAgent,
    ProgressCallback,
    build_demo_data,
    ensure_first_run_demo,
)

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
