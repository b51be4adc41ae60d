"""Longer names with first names, read name by name on SQLite (the distinct-name vocabulary, then a seek per name):
exactly the rows of the walk over the name index, in the same order, whatever the names look like."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backoffice.db import Database
from backoffice.workflows import lookup
from backoffice.workflows.context import Actor
from backoffice.workflows.lookup import MatchKind, search
from tests.factories import make_customer

PEOPLE = [
    ("Martin", "Laure"),  # the exact name: not a longer one
    ("Martinez", "Laure"),
    ("Martinez", "Laurence"),
    ("Martinez", "Paul"),  # other first names, skipped
    ("Martineau", "Laure-Anne"),
    ("Martin-Dubois", "Laure"),  # a compound name, folded "martin dubois"
    ("Martins", "Laure"),
    ("Marti", "Laure"),  # shorter: not in the range
    ("Martinon", "Laure"),  # merged below: never listed
    ("Martinez", "Laure"),  # namesakes: newest activity first
]


@pytest.fixture
def martins(db: Database) -> None:
    with db.write() as s:
        now = db.clock.now()
        made = [
            make_customer(s, last_name=last, first_names=first, last_activity_at=now - timedelta(hours=i))
            for i, (last, first) in enumerate(PEOPLE)
        ]
        made[8].merged_into_id = made[1].id
        renamed = make_customer(s, last_name="Martinot", first_names="Laure")
        renamed.last_name, renamed.last_name_key = "Durand", "durand"  # "martinot" stays in the vocabulary


@pytest.mark.parametrize(
    ("last", "first", "limit"), [("martin", "laure", 50), ("martin", "laure", 2), ("mar", "l", 50)]
)
def test_name_by_name_reads_what_the_walk_reads(
    db: Database, martins: None, last: str, first: str, limit: int
) -> None:
    params = lookup._name_params(lookup.NameReading(last, first), limit)
    with db.read() as s:
        walked = lookup._NAME_STATEMENTS[("longer", True)].all(s, params)
        by_name = lookup._LONGER_NAME_BY_NAME.all(s, params)
    assert by_name == walked
    assert len(walked) == min(limit + 1, {"martin": 6, "mar": 8}[last])


def test_a_search_lists_longer_names_after_the_exact_one(
    db: Database, agents: dict[str, Actor], martins: None
) -> None:
    with db.read(snapshot=False) as s:
        result = search(s, agents["agent"], "MARTIN Laure")
    names = [(hit.display_name, hit.match) for hit in result.hits if hit.match is not MatchKind.NAME_TYPO]
    assert names == [
        ("Mme Laure MARTIN", MatchKind.NAME_EXACT),
        ("Mme Laure MARTIN-DUBOIS", MatchKind.NAME_PREFIX),
        ("Mme Laure-Anne MARTINEAU", MatchKind.NAME_PREFIX),
        ("Mme Laure MARTINEZ", MatchKind.NAME_PREFIX),
        ("Mme Laure MARTINEZ", MatchKind.NAME_PREFIX),
        ("Mme Laurence MARTINEZ", MatchKind.NAME_PREFIX),
        ("Mme Laure MARTINS", MatchKind.NAME_PREFIX),
    ]
    namesakes = [hit for hit in result.hits if hit.display_name == "Mme Laure MARTINEZ"]
    assert namesakes[0].last_activity_at > namesakes[1].last_activity_at
