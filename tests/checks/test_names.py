from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.checks.names import holder_matches_customer, name_variants, names_match
from backoffice.checks.text import fold


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ERIKSSON", "Eriksson"),
        ("LEFEVRE", "Lefèvre"),
        ("JEAN PIERRE", "Jean-Pierre"),
        ("JEANPIERRE", "Jean-Pierre"),
        ("D ARC", "d'Arc"),
        ("DARC", "d'Arc"),
        ("ANNA MARIA", "Anna"),
        ("Anna", "ANNA MARIA"),
        ("MARIA", "Anna Maria"),
        ("DE LA TOUR", "Delatour"),
        ("TOUR", "de La Tour"),
        ("MUELLER", "Müller"),
        ("MULLER", "Müller"),
        ("OESTERGAARD", "Østergaard"),
        ("OSTERGAARD", "Østergaard"),
        ("HAAKON", "Håkon"),
        ("COEUR", "Cœur"),
        ("  eloise  ", "ÉLOÏSE"),
    ],
)
def test_names_that_match(a: str, b: str) -> None:
    assert names_match(a, b)
    assert names_match(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MARTIN", "Martine"),
        ("ANNA", "Anne"),
        ("ANNA MARIA", "Maria Anna Sofia"),
        ("DUPONT", "Durand"),
        ("", "Dupont"),
        (None, "Dupont"),
        ("DE LA", "Dupont"),
    ],
)
def test_names_that_do_not_match(a: str | None, b: str) -> None:
    assert not names_match(a, b)


def test_surnames_compared_without_partial_given_names() -> None:
    assert names_match("DUPONT DURAND", "Dupont")
    assert not names_match("DUPONT DURAND", "Dupont", partial=False)
    assert names_match("DUPONT-DURAND", "Dupont Durand", partial=False)


def test_truncated_field_is_a_prefix() -> None:
    assert names_match("MARIE CHRISTIN", "Marie-Christine", a_may_be_truncated=True, partial=False)
    assert not names_match("MARIE CHRISTIN", "Marie-Christine", partial=False)
    assert not names_match("MARIE CHRISTIN", "Marie-Claude", a_may_be_truncated=True, partial=False)


def test_name_variants() -> None:
    assert name_variants("Müller") == {"muller", "mueller"}
    assert name_variants("") == frozenset()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêàçôûüöä -'", min_size=1, max_size=30))
def test_a_name_always_matches_its_own_capitals_and_folding(name: str) -> None:
    if not fold(name):
        return
    assert names_match(name.upper(), name)
    assert names_match(fold(name), name)


# -- bank account holders ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "holder",
    [
        "M OU MME DUPONT JEAN",
        "DUPONT J.",
        "MR JEAN DUPONT",
        "M. JEAN DUPONT",
        "MONSIEUR DUPONT JEAN",
        "Dupont Jean",
        "M JEAN DUPONT OU MME MARIE DURAND",
        "MME MARIE DURAND ET M JEAN DUPONT",
        "M OU MME JEAN ET MARIE DUPONT",
        "DUPONT JEAN PIERRE",
        "DUPONT J P",
    ],
)
def test_holder_matches_jean_dupont(holder: str) -> None:
    result = holder_matches_customer(holder, "Dupont", "Jean-Pierre")
    assert result.matched, result.reason


def test_holder_with_surname_only_matches_with_a_caveat() -> None:
    result = holder_matches_customer("M OU MME DUPONT", "Dupont", "Jean")
    assert result.matched
    assert result.reason is not None and "seul le nom" in result.reason


def test_holder_with_accented_and_compound_surname() -> None:
    assert holder_matches_customer("MME LEFEVRE D ARC HELENE", "Lefèvre-d'Arc", "Hélène").matched
    assert holder_matches_customer("MME DELATOUR HELENE", "de La Tour", "Hélène").matched
    assert holder_matches_customer("MME LA TOUR HELENE", "de La Tour", "Hélène").matched


@pytest.mark.parametrize(
    ("holder", "fragment"),
    [
        ("MME MARTIN CLAIRE", "le nom « Dupont » ne figure pas"),
        ("M DUPONT PAUL", "le prénom de l'intitulé"),
        ("DUPONT P.", "le prénom de l'intitulé"),
        ("M DUPONTEL JEAN", "ne figure pas"),
        ("M PAUL DUPONT OU MME MARTIN CLAIRE", "le prénom"),
    ],
)
def test_holder_that_is_not_the_customer(holder: str, fragment: str) -> None:
    result = holder_matches_customer(holder, "Dupont", "Jean")
    assert not result.matched
    assert result.reason is not None and fragment in result.reason


def test_other_persons_given_name_in_another_segment_does_not_count() -> None:
    assert not holder_matches_customer("M DUPONT PAUL OU MME MARTIN CLAIRE", "Dupont", "Claire").matched


def test_empty_holder_or_customer() -> None:
    assert holder_matches_customer("", "Dupont", "Jean").reason == "titulaire du compte non renseigné"
    assert not holder_matches_customer("M DUPONT", None, "Jean").matched


def test_customer_without_given_name_is_matched_on_surname() -> None:
    assert holder_matches_customer("M DUPONT JEAN", "Dupont", None).matched
