"""The areas of the main window. Each module exposes ``create(ctx) -> QWidget``; the list order is the menu order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from backoffice.ui.context import AppContext
from backoffice.workflows.permissions import Permission


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    module: str
    permissions: tuple[Permission, ...]  # visible when the role has any of them
    icon: str

    def factory(self) -> Callable[[AppContext], QWidget]:
        return importlib.import_module(self.module).create  # type: ignore[no-any-return]


AREAS: tuple[Area, ...] = (
    Area("lookup", "Recherche client", "backoffice.ui.areas.lookup", (Permission.CUSTOMER_VIEW,), "search"),
    Area(
        "verification",
        "Vérification d'identité",
        "backoffice.ui.areas.verification",
        (Permission.VERIFICATION_DECIDE,),
        "id-card",
    ),
    Area(
        "unlock",
        "Déblocage espace assuré",
        "backoffice.ui.areas.unlock",
        (Permission.ACCOUNT_UNLOCK, Permission.APPROVAL_DECIDE),
        "unlock",
    ),
    Area(
        "supervision",
        "Supervision",
        "backoffice.ui.areas.supervision",
        (Permission.SUPERVISION_VIEW,),
        "chart",
    ),
    Area(
        "claims",
        "Sinistres",
        "backoffice.ui.areas.claims",
        (Permission.CLAIM_TRIAGE, Permission.CLAIM_DECLARE),
        "car",
    ),
    Area("letters", "Courriers", "backoffice.ui.areas.letters", (Permission.LETTER_GENERATE,), "letter"),
)


def visible_areas(ctx: AppContext) -> list[Area]:
    return [a for a in AREAS if any(ctx.can(p) for p in a.permissions)]
