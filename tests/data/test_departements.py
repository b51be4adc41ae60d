"""Reference data the demo builder and expert assignment rely on."""

from __future__ import annotations

import itertools
import re

import pytest

from backoffice.data.departements import (
    COMMUNES,
    DEPARTEMENTS,
    Departement,
    departement_of_postcode,
    distance_km,
    get_departement,
)

OVERSEAS = {"971", "972", "973", "974", "976"}
METROPOLITAN = {d.code for d in DEPARTEMENTS} - OVERSEAS


def test_there_are_101_departements_with_unique_codes_and_names() -> None:
    codes = [d.code for d in DEPARTEMENTS]
    assert len(DEPARTEMENTS) == 101
    assert len(set(codes)) == 101
    assert len({d.name for d in DEPARTEMENTS}) == 101
    assert len(METROPOLITAN) == 96
    assert {"2A", "2B"} <= METROPOLITAN
    assert "20" not in codes


def test_metropolitan_codes_are_01_to_95_without_20() -> None:
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
    assert expected == METROPOLITAN


def test_eighteen_regions() -> None:
    assert len({d.region for d in DEPARTEMENTS}) == 18


@pytest.mark.parametrize(
    ("code", "name", "prefecture", "postcode", "region"),
    [
        ("93", "Seine-Saint-Denis", "Bobigny", "93000", "Île-de-France"),
        ("75", "Paris", "Paris", "75004", "Île-de-France"),
        ("2A", "Corse-du-Sud", "Ajaccio", "20000", "Corse"),
        ("2B", "Haute-Corse", "Bastia", "20200", "Corse"),
        ("974", "La Réunion", "Saint-Denis", "97400", "La Réunion"),
        ("976", "Mayotte", "Mamoudzou", "97600", "Mayotte"),
        ("67", "Bas-Rhin", "Strasbourg", "67000", "Grand Est"),
        ("59", "Nord", "Lille", "59000", "Hauts-de-France"),
    ],
)
def test_known_departements(code: str, name: str, prefecture: str, postcode: str, region: str) -> None:
    dep = get_departement(code)
    assert (dep.name, dep.prefecture.name, dep.prefecture.postcode, dep.region) == (
        name,
        prefecture,
        postcode,
        region,
    )
    assert dep.prefecture.departement == code


def test_get_departement_accepts_lower_case_and_spaces_and_rejects_unknown() -> None:
    assert get_departement(" 2a ").code == "2A"
    for bad in ("20", "00", "96", "975", "", "Paris"):
        with pytest.raises(ValueError, match="Département inconnu"):
            get_departement(bad)


def test_every_departement_has_three_to_six_other_communes_except_paris() -> None:
    for dep in DEPARTEMENTS:
        others = [c for c in COMMUNES if c.departement == dep.code and c != dep.prefecture]
        if dep.code == "75":
            assert sorted(c.postcode for c in others) == [f"750{n:02d}" for n in range(1, 21) if n != 4]
        else:
            assert 3 <= len(others) <= 6, dep.code


def test_communes_are_unique_and_well_formed() -> None:
    assert len(set(COMMUNES)) == len(COMMUNES)
    assert len({(c.name, c.departement) for c in COMMUNES if c.departement != "75"}) == len(
        [c for c in COMMUNES if c.departement != "75"]
    )
    for commune in COMMUNES:
        assert re.fullmatch(r"\d{5}", commune.postcode), commune
        assert commune.name and commune.name == commune.name.strip()


def test_prefectures_come_first_in_communes() -> None:
    assert COMMUNES[: len(DEPARTEMENTS)] == tuple(d.prefecture for d in DEPARTEMENTS)


@pytest.mark.parametrize("commune", COMMUNES, ids=lambda c: f"{c.name}-{c.postcode}")
def test_each_commune_postcode_maps_back_to_its_departement(commune: object) -> None:
    assert departement_of_postcode(commune.postcode) == commune.departement  # type: ignore[attr-defined]


def test_seed_examples_for_seine_saint_denis() -> None:
    expected = {
        ("Noisy-le-Sec", "93130"),
        ("Montreuil", "93100"),
        ("Saint-Denis", "93200"),
        ("Bobigny", "93000"),
        ("Aubervilliers", "93300"),
    }
    assert expected <= {(c.name, c.postcode) for c in COMMUNES if c.departement == "93"}


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("93130", "93"),
        ("01000", "01"),
        ("95000", "95"),
        ("20000", "2A"),
        ("20090", "2A"),
        ("20137", "2A"),
        ("20169", "2A"),
        ("20200", "2B"),
        ("20290", "2B"),
        ("20600", "2B"),
        ("20620", "2B"),
        ("20700", None),
        ("97100", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97400", "974"),
        ("97600", "976"),
        ("97500", None),  # Saint-Pierre-et-Miquelon
        ("97133", None),  # Saint-Barthélemy
        ("97150", None),  # Saint-Martin
        ("97700", None),
        ("98000", None),  # Monaco
        ("98800", None),  # Nouvelle-Calédonie
        ("96000", None),
        ("00100", None),
        (" 93 130 ", "93"),
        ("93013", "93"),  # CEDEX
    ],
)
def test_departement_of_postcode(postcode: str, expected: str | None) -> None:
    assert departement_of_postcode(postcode) == expected


@pytest.mark.parametrize(
    "garbage",
    ["", "9313", "931300", "93-130", "abcde", "٩٣١٣٠", "９３１３０", "9313O", "🚗🚗🚗🚗🚗", "93130" * 100],
)
def test_departement_of_postcode_rejects_garbage(garbage: str) -> None:
    assert departement_of_postcode(garbage) is None


def test_paris_marseille_distance() -> None:
    assert distance_km("75", "13") == pytest.approx(660, abs=60)


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [("75", "59", 204), ("75", "69", 392), ("31", "33", 212), ("67", "29", 875), ("2A", "2B", 100)],
)
def test_known_distances(a: str, b: str, km: float) -> None:
    assert distance_km(a, b) == pytest.approx(km, rel=0.1)


def test_distances_are_symmetric_zero_on_self_and_positive_otherwise() -> None:
    for a, b in itertools.combinations([d.code for d in DEPARTEMENTS], 2):
        assert distance_km(a, b) == pytest.approx(distance_km(b, a))
        assert distance_km(a, b) > 0
    assert all(distance_km(d.code, d.code) == 0 for d in DEPARTEMENTS)


def test_metropolitan_prefectures_lie_in_metropolitan_france_and_near_a_neighbour() -> None:
    """Catches a swapped sign or digit in a coordinate."""
    metro = [d for d in DEPARTEMENTS if d.code in METROPOLITAN]
    for dep in metro:
        assert 41.3 <= dep.latitude <= 51.1 and -5.2 <= dep.longitude <= 9.6, dep.code
        nearest = min(distance_km(dep.code, other.code) for other in metro if other is not dep)
        assert nearest < 130, dep.code
    for a, b in itertools.combinations(metro, 2):
        assert distance_km(a.code, b.code) < 1300


def test_overseas_are_far_from_paris() -> None:
    for code in OVERSEAS:
        assert distance_km("75", code) > 6000


def test_distance_rejects_unknown_code() -> None:
    with pytest.raises(ValueError):
        distance_km("75", "20")


def test_departement_is_frozen() -> None:
    dep: Departement = DEPARTEMENTS[0]
    with pytest.raises(AttributeError):
        dep.name = "x"  # type: ignore[misc]
