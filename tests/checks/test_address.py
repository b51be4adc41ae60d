from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.checks.address import (
    MAX_LINES,
    MAX_WIDTH,
    addresses_match,
    afnor_upper,
    format_postal_block,
    normalize_address_line,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("6 rue de Gracchus Babeuf", "6 R DE GRACCHUS BABEUF"),
        ("6 bis avenue Jean-Jaurès", "6B AV JEAN JAURES"),
        ("6 bis avenue Jean-Jaurès", "6 b av. Jean Jaurès"),
        ("6bis avenue Jean-Jaurès", "6 BIS AVENUE JEAN JAURES"),
        ("12 ter bd Saint-Michel", "12T BOULEVARD ST MICHEL"),
        ("3 quater place de l'Église", "3Q PL DE L EGLISE"),
        ("Résidence les Pins, bât. B", "RES LES PINS BAT B"),
        ("Appartement 12", "APT 12"),
        ("5 impasse des Lilas", "5 IMP DES LILAS"),
        ("2 route de Lyon", "2 RTE DE LYON"),
        ("18 faubourg Saint-Antoine", "18 FG ST ANTOINE"),
        ("4 allée des Roses", "4 ALL DES ROSES"),
        ("9 chemin des Vignes", "9 CHEM DES VIGNES"),
        ("1 rue Sainte-Catherine", "1 R STE CATHERINE"),
        ("N° 7, rue de la Paix", "7 rue de la Paix"),
        ("7, rue de la Paix", "7 RUE DE LA PAIX"),
    ],
)
def test_normalize_address_line_makes_spellings_equal(a: str, b: str) -> None:
    assert normalize_address_line(a) == normalize_address_line(b)


def test_normalized_form() -> None:
    assert normalize_address_line("6B, bd de la République") == "6 bis boulevard de la republique"
    assert normalize_address_line(None) == ""


def test_bis_is_not_confused_with_a_different_number() -> None:
    assert normalize_address_line("6 bis rue X") != normalize_address_line("6 rue X")
    assert normalize_address_line("6 bis rue X") != normalize_address_line("6 ter rue X")


def test_letter_b_alone_is_not_bis_without_a_number() -> None:
    assert normalize_address_line("Bâtiment B") == "batiment b"


# -- comparison ----------------------------------------------------------------------------------------


def test_addresses_match_across_spellings_and_layouts() -> None:
    file_address = ["6 rue de Gracchus Babeuf", "93130 Noisy-le-Sec"]
    proof = "6, R. DE GRACCHUS BABEUF\n93130 NOISY LE SEC\nFRANCE"
    result = addresses_match(file_address, proof)
    assert result.matched, result.reason


def test_addresses_on_one_line_with_commas() -> None:
    assert addresses_match(
        "6 bis bd Victor Hugo, 75016 Paris", "6B BOULEVARD VICTOR HUGO\n75016 PARIS"
    ).matched


def test_complement_on_one_side_only_still_matches() -> None:
    assert addresses_match(
        "Résidence les Pins, Bât. B\n12 av. Foch\n69006 Lyon", "12 AVENUE FOCH\n69006 LYON"
    ).matched


def test_cedex_is_ignored_in_city() -> None:
    assert addresses_match("6 rue X\n93130 Noisy-le-Sec", "6 rue X\n93130 NOISY LE SEC CEDEX 2").matched


@pytest.mark.parametrize(
    ("a", "b", "fragment"),
    [
        ("6 rue X\n93130 Noisy-le-Sec", "6 rue X\n93100 Montreuil", "code postal différent : 93130 / 93100"),
        ("6 rue X\n93130 Noisy-le-Sec", "6 rue X\n93130 Bondy", "ville différente"),
        ("6 rue X\n93130 Noisy-le-Sec", "8 rue X\n93130 Noisy-le-Sec", "voie différente"),
        ("6 rue X\n93130 Noisy-le-Sec", "6 bis rue X\n93130 Noisy-le-Sec", "voie différente"),
        ("6 rue X", "6 rue X\n93130 Noisy-le-Sec", "code postal introuvable"),
        ("93130 Noisy-le-Sec", "6 rue X\n93130 Noisy-le-Sec", "numéro et voie absents"),
    ],
)
def test_addresses_that_differ_say_why(a: str, b: str, fragment: str) -> None:
    result = addresses_match(a, b)
    assert not result.matched
    assert result.reason is not None and fragment in result.reason


# -- AFNOR block -----------------------------------------------------------------------------------------


def test_centre_address_block() -> None:
    lines = format_postal_block(
        ["Centre Courriers"], "6 rue de Gracchus Babeuf", "", "93130", "Noisy-le-Sec", "France"
    )
    assert lines == ["Centre Courriers", "6 rue de Gracchus Babeuf", "93130 NOISY LE SEC"]


def test_block_with_complements_and_delivery_point() -> None:
    lines = format_postal_block(
        ["Madame Hélène Lefèvre-d'Arc"],
        "12 avenue Foch",
        "Résidence les Pins Bât B",
        "69006",
        "Lyon",
        None,
        delivery_point="BP 12",
    )
    assert lines == [
        "Madame Hélène Lefèvre-d'Arc",
        "Résidence les Pins Bât B",
        "12 avenue Foch",
        "BP 12",
        "69006 LYON",
    ]


def test_city_with_apostrophe_and_accents() -> None:
    lines = format_postal_block(["M Jean Dupont"], "1 place de la Mairie", "", "95310", "Saint-Ouen-l'Aumône")
    assert lines[-1] == "95310 SAINT OUEN L AUMONE"


def test_comma_after_house_number_is_removed() -> None:
    assert format_postal_block(["M Jean Dupont"], "6, rue X", "", "93130", "Noisy-le-Sec")[1] == "6 rue X"


def test_abroad_adds_country_line() -> None:
    lines = format_postal_block(
        ["Mr John Smith"], "10 Downing Street", "", "SW1A 2AA", "London", "Royaume-Uni"
    )
    assert lines[-2:] == ["SW1A 2AA LONDON", "ROYAUME UNI"]


def test_long_street_is_abbreviated_with_afnor_words() -> None:
    lines = format_postal_block(
        ["M Jean Dupont"], "128 boulevard du Maréchal de Lattre de Tassigny", "", "75016", "Paris"
    )
    assert lines[1] == "128 BD du MAL de Lattre de Tassigny"
    assert all(len(line) <= MAX_WIDTH for line in lines)


def test_long_city_is_abbreviated() -> None:
    lines = format_postal_block(
        ["M Jean Dupont"], "1 rue X", "", "38000", "Saint-Martin-de-la-Cluze-sur-Isère"
    )
    assert lines[-1] == "38000 ST MARTIN DE LA CLUZE SUR ISERE"


def test_too_many_lines_raises_in_french() -> None:
    with pytest.raises(ValueError, match="7 lignes : 6 au maximum"):
        format_postal_block(
            ["Société X", "Service sinistres", "À l'attention de M Dupont"],
            "12 avenue Foch",
            "Bâtiment B",
            "69006",
            "Lyon",
            delivery_point="BP 12",
        )


def test_line_that_cannot_be_shortened_raises() -> None:
    with pytest.raises(ValueError, match="38 au maximum"):
        format_postal_block(
            ["Monsieur Jean-Christophe Dupont-Montmorency de la Tour"], "1 rue X", "", "75001", "Paris"
        )


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"postcode": "9313", "city": "Noisy"}, "code postal « 9313 » invalide"),
        ({"postcode": "93130", "city": ""}, "ville manquante"),
        ({"postcode": "93130", "city": "Noisy", "street": ""}, "voie manquante"),
    ],
)
def test_missing_parts_raise(kwargs: dict[str, str], fragment: str) -> None:
    arguments = {"recipient_lines": ["M Jean Dupont"], "street": "1 rue X"} | kwargs
    with pytest.raises(ValueError, match=fragment):
        format_postal_block(**arguments)  # type: ignore[arg-type]


def test_afnor_upper() -> None:
    assert afnor_upper("Noisy-le-Sec") == "NOISY LE SEC"
    assert afnor_upper("L'Haÿ-les-Roses") == "L HAY LES ROSES"


_TEXT = st.text(alphabet="abcdeéèàç ABCDE-'0123456789", max_size=60)


@given(
    st.lists(_TEXT, min_size=1, max_size=5),
    _TEXT,
    _TEXT,
    st.from_regex(r"\d{5}", fullmatch=True),
    _TEXT,
    st.sampled_from([None, "France", "Belgique", "Royaume-Uni"]),
)
def test_block_never_exceeds_six_lines_of_38(
    recipients: list[str], street: str, complement: str, postcode: str, city: str, country: str | None
) -> None:
    try:
        lines = format_postal_block(recipients, street, complement, postcode, city, country)
    except ValueError:
        return
    assert 1 <= len(lines) <= MAX_LINES
    assert all(0 < len(line) <= MAX_WIDTH for line in lines)
    assert lines[-1] == afnor_upper(lines[-1])
