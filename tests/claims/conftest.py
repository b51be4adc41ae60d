"""Claims fixtures: the claims handler acting, and experts serving Seine-Saint-Denis."""

from __future__ import annotations

import pytest

from backoffice.db import Database
from backoffice.models import Specialty
from backoffice.workflows.context import Actor
from tests.claims.builders import make_expert


@pytest.fixture
def handler(agents: dict[str, Actor]) -> Actor:
    return agents["claims_handler"]


@pytest.fixture
def experts(db: Database) -> dict[str, int]:
    """Three car experts around the 93 (one busy, one far, one glass-only) and one inactive."""
    with db.write() as s:
        return {
            "near": make_expert(s, name="Paul Garnier", home="93", capacity=10).id,
            "far": make_expert(s, name="Luc Bernard", home="77", areas=("93", "77"), capacity=10).id,
            "busy_ratio": make_expert(s, name="Nadia Haddad", home="94", capacity=2).id,
            "glass": make_expert(s, name="Vitrage Martin", specialties=(Specialty.GLASS,)).id,
            "inactive": make_expert(s, name="Inactif Durand", active=False).id,
        }
