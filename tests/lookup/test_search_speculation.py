"""PostgreSQL reads a name search's branches as one statement, with the one-typo names read ahead; the results
must be exactly those of the step-by-step search (the SQLite path), whatever the data makes of the read-ahead."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backoffice.db import Database
from backoffice.workflows import lookup
from backoffice.workflows.context import Actor
from backoffice.workflows.lookup import MatchKind, SearchFilters, SearchResult, search
from tests.factories import make_customer

ON_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)

QUERIES = [
    "dupont marie",  # exact names, one-typo names (Dupond), a 2-edit name sharing a deletion (Adupon)
    "DUPOND Marie",
    "marie dupont",
    "dupont",
    "dupon marie",
    "martin lou",  # more one-typo names than a page (Martn), none 2 edits away
    "martin louise",
    "martni lou",
    "petit jean claude",
    "jean petit",
    "lefevre",
    "le marie",
    "zzzz marie",
]


@pytest.fixture
def town(db: Database) -> None:
    with db.write() as s:
        now = db.clock.now()
        people = [("Dupont", "Marie")] * 3 + [("Dupond", "Marie-Claire")] * 4 + [("Dupons", "Marie")]
        people += [("Adupon", "Marie")] * 60  # shares "dupon" with Dupont, two edits away, sorts first
        people += [("Martin", "Louise")] * 2 + [("Martn", "Louis")] * 70 + [("Martine", "Lou")] * 3
        people += [("Petit", "Jean-Claude"), ("Petti", "Jean"), ("Lefèvre", "Marie"), ("Le", "Marie")]
        for i, (last, first) in enumerate(people):
            make_customer(s, last_name=last, first_names=first, last_activity_at=now - timedelta(minutes=i))


def _search(db: Database, actor: Actor, typed: str, filters: SearchFilters) -> SearchResult:
    with db.read(snapshot=False) as s:
        return search(s, actor, typed, filters)


@ON_POSTGRESQL
@pytest.mark.parametrize("typed", QUERIES)
def test_read_ahead_finds_what_the_step_by_step_search_finds(
    db: Database, agents: dict[str, Actor], town: None, typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead = _search(db, agents["agent"], typed, lookup.NO_FILTERS)
    monkeypatch.setattr(lookup, "_speculates", lambda _session: False)
    assert _search(db, agents["agent"], typed, lookup.NO_FILTERS) == ahead


@ON_POSTGRESQL
def test_read_ahead_of_a_name_with_first_names_is_one_statement(
    db: Database, agents: dict[str, Actor], town: None
) -> None:
    first = lookup._first_round(lookup.classify("DUPONT Marie"), lookup.NO_FILTERS, 50, True)
    assert len(first.queries) == 1  # every reading and its one-typo names: no candidate names to ask apart
    result = _search(db, agents["agent"], "DUPONT Marie", lookup.NO_FILTERS)
    kinds = [h.match for h in result.hits]
    assert kinds.count(MatchKind.NAME_EXACT) == 3
    assert kinds.count(MatchKind.NAME_TYPO) == 5  # Dupond ×4, Dupons; never Adupon
    assert all("Adupon" not in h.display_name for h in result.hits)


@ON_POSTGRESQL
def test_a_page_of_one_typo_names_comes_from_the_read_ahead(
    db: Database, agents: dict[str, Actor], town: None
) -> None:
    result = _search(db, agents["agent"], "martin lou", lookup.NO_FILTERS)
    assert len(result.hits) == 50 and result.more
    assert [h.match for h in result.hits[:5]] == [MatchKind.NAME_EXACT] * 2 + [MatchKind.NAME_PREFIX] * 3
