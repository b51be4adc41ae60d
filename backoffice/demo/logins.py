"""The demo logins, apart from the builder: the login window's hint reads them without importing Faker."""

from __future__ import annotations

from dataclasses import dataclass

from backoffice.demo.reference import DEMO_AGENT_SPECS

DEMO_PASSWORD = "Demo-2026!"


@dataclass(frozen=True)
class DemoAgent:
    username: str
    full_name: str
    role: str
    password: str = DEMO_PASSWORD


#: The documented demo logins (README, login screen hint): every one uses DEMO_PASSWORD.
DEMO_AGENTS: tuple[DemoAgent, ...] = tuple(DemoAgent(u, n, r) for u, n, r in DEMO_AGENT_SPECS)
