from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.checks.mrz import (
    CheckOutcome,
    CheckStatus,
    MrzFormat,
    MrzFormatError,
    MrzResult,
    char_value,
    check_digit,
    compare_identity,
    normalize_mrz_lines,
    old_french_id_expiry,
    parse_mrz,
)

TODAY = date(2026, 11, 26)

# ICAO 9303 part 4 (TD3) and part 5 (TD1) specimens.
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
# Public French specimens: the 2021 card (Marie Martin) and the old card (Corinne Berthier).
FR_TD1 = (
    "IDFRAX4RTBPFW46<<<<<<<<<<<<<<<",
    "9007138F3002119FRA<<<<<<<<<<<6",
    "MARTIN<<MAELYS<GAELLE<MARIE<<<",
)
FR_OLD = (
    "IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<",
    "8806923102858CORINNE<<<<<<<6512068F6",
)

_VALUES = {
    **{str(d): d for d in range(10)},
    **{c: 10 + i for i, c in enumerate(string.ascii_uppercase)},
    "<": 0,
}


def literal_check_digit(field: str) -> str:
    """Second, independent computation of the ICAO check digit used to confirm the vectors below."""
    weights = [7, 3, 1] * (len(field) // 3 + 1)
    return str(sum(_VALUES[c] * w for c, w in zip(field, weights, strict=False)) % 10)


def mrz(*lines: str) -> str:
    return "\n".join(lines)


def statuses(result: MrzResult) -> dict[str, CheckStatus]:
    return {check.name: check.status for check in result.checks}


# -- check digits -------------------------------------------------------------------------------------


def test_check_digit_by_hand_on_icao_document_number() -> None:
    # L=21 8 9 8 9 0 2 C=12 3 with weights 7 3 1 7 3 1 7 3 1
    total = 21 * 7 + 8 * 3 + 9 * 1 + 8 * 7 + 9 * 3 + 0 * 1 + 2 * 7 + 12 * 3 + 3 * 1
    assert total == 316
    assert check_digit("L898902C3") == "6" == str(total % 10)


def test_check_digit_by_hand_on_old_french_card_number() -> None:
    # 8 8 0 6 9 2 3 1 0 2 8 5
    total = 8 * 7 + 8 * 3 + 0 * 1 + 6 * 7 + 9 * 3 + 2 * 1 + 3 * 7 + 1 * 3 + 0 * 1 + 2 * 7 + 8 * 3 + 5 * 1
    assert check_digit("880692310285") == str(total % 10) == "8"


@pytest.mark.parametrize(
    ("field", "expected"),
    [("740812", "2"), ("120415", "9"), ("ZE184226B<<<<<", "1"), ("D23145890", "7"), ("X4RTBPFW4", "6")],
)
def test_check_digit_matches_published_specimens(field: str, expected: str) -> None:
    assert check_digit(field) == expected == literal_check_digit(field)


def test_char_values() -> None:
    assert [char_value(c) for c in "09AZ<"] == [0, 9, 10, 35, 0]
    with pytest.raises(ValueError, match="interdit"):
        char_value("é")


@given(st.text(alphabet=string.ascii_uppercase + string.digits + "<", min_size=1, max_size=44))
def test_check_digit_agrees_with_literal_computation(field: str) -> None:
    assert check_digit(field) == literal_check_digit(field)


@given(
    st.text(alphabet=string.ascii_uppercase + string.digits + "<", min_size=1, max_size=44),
    st.data(),
)
def test_changing_one_digit_changes_the_check_digit(field: str, data: st.DataObject) -> None:
    digits = [i for i, c in enumerate(field) if c.isdigit()]
    if not digits:
        return
    position = data.draw(st.sampled_from(digits))
    replacement = data.draw(st.sampled_from([d for d in string.digits if d != field[position]]))
    altered = field[:position] + replacement + field[position + 1 :]
    assert check_digit(altered) != check_digit(field)


def test_letter_o_typed_for_zero_changes_the_check_digit() -> None:
    assert check_digit("740812") != check_digit("74O812")


# -- TD3 ------------------------------------------------------------------------------------------------


def test_td3_specimen() -> None:
    result = parse_mrz(mrz(*TD3), TODAY)
    assert result.format is MrzFormat.PASSPORT_TD3
    assert result.document_type == "P"
    assert result.issuing_country == "UTO"
    assert result.document_number == "L898902C3"
    assert result.surname == "ERIKSSON"
    assert result.given_names == "ANNA MARIA"
    assert result.nationality == "UTO"
    assert result.birth_date == date(1974, 8, 12)
    assert result.sex == "F"
    assert result.expiry_date == date(2012, 4, 15)
    assert result.optional_data == "ZE184226B"
    assert result.checks_passed
    assert set(statuses(result).values()) == {CheckStatus.PASSED}
    assert result.look_alikes == ()
    assert result.corrected_lines is None
    assert result.is_expired(TODAY) is True


@pytest.mark.parametrize(
    ("position", "replacement", "failed"),
    [
        (9, "7", {"document_number", "composite"}),
        (19, "3", {"birth_date", "composite"}),
        (27, "8", {"expiry_date", "composite"}),
        (42, "2", {"optional_data", "composite"}),
        (43, "1", {"composite"}),
    ],
)
def test_td3_each_wrong_check_digit_is_reported_on_its_own(
    position: int, replacement: str, failed: set[str]
) -> None:
    line2 = TD3[1][:position] + replacement + TD3[1][position + 1 :]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert {name for name, status in statuses(result).items() if status is CheckStatus.FAILED} == failed
    assert not result.checks_passed
    reason = result.check(min(failed)).reason
    assert reason is not None and "clé de contrôle incorrecte" in reason


def test_td3_wrong_digit_in_the_number_fails_number_and_composite() -> None:
    line2 = "L898902C46" + TD3[1][10:]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert result.check("document_number").failed
    assert result.check("composite").failed
    assert result.check("birth_date").passed


def test_td3_empty_personal_number_accepts_filler_or_zero_as_its_check() -> None:
    base = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<"
    for check in "<0":
        line2 = base + check
        line2 += literal_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
        result = parse_mrz(mrz(TD3[0], line2), TODAY)
        assert result.check("optional_data").passed
        assert result.checks_passed
        assert result.optional_data == ""


def test_td3_impossible_date_fails_even_with_a_correct_check_digit() -> None:
    birth = "740231"
    line2 = "L898902C36UTO" + birth + literal_check_digit(birth) + "F1204159ZE184226B<<<<<1"
    line2 += literal_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert result.birth_date is None
    outcome = result.check("birth_date")
    assert outcome.failed and outcome.reason is not None and "date impossible" in outcome.reason
    assert result.check("composite").passed


# -- tolerant input -------------------------------------------------------------------------------------


def test_lower_case_blank_lines_and_surrounding_spaces_are_forgiven() -> None:
    text = "\n\n   " + TD3[0].lower() + "   \n\n\t" + TD3[1].lower() + "  \n"
    assert normalize_mrz_lines(text) == TD3


def test_guillemet_typed_for_one_filler() -> None:
    line1 = TD3[0].replace("<<<<<<<<<<<<<<<<<<<", "«««««««««««««««««««")
    assert normalize_mrz_lines(mrz(line1, TD3[1])) == TD3


def test_guillemet_typed_for_two_fillers() -> None:
    line1 = "P<UTOERIKSSON«ANNA<MARIA" + "<" * 19
    assert normalize_mrz_lines(mrz(line1, TD3[1])) == TD3


def test_spaces_typed_for_fillers() -> None:
    line1 = TD3[0].replace("<", " ")
    # Leading "P " keeps its filler; trailing fillers would be stripped, so keep the last one typed.
    line1 = line1[:-1] + "<"
    assert normalize_mrz_lines(mrz(line1, TD3[1])) == TD3


def test_spaces_added_for_readability_are_dropped() -> None:
    line2 = "L898902C3 6 UTO 7408122 F 1204159 ZE184226B<<<<< 1 0"
    assert normalize_mrz_lines(mrz(TD3[0], line2)) == TD3


def test_mrz_pasted_as_one_line_is_cut_by_length() -> None:
    assert normalize_mrz_lines("".join(TD1)) == TD1
    assert normalize_mrz_lines("".join(TD3)) == TD3


def test_ambiguous_spaces_are_refused() -> None:
    # Eight spaces in each line of an old French card: read as fillers the lines are 2 × 44 (passport),
    # dropped they are 2 × 36 (old card). Nothing tells which one the agent meant.
    line1 = FR_OLD[0][:13] + " " * 8 + FR_OLD[0][13:]
    line2 = FR_OLD[1][:20] + " " * 8 + FR_OLD[1][20:]
    with pytest.raises(MrzFormatError, match="ambiguë"):
        normalize_mrz_lines(mrz(line1, line2))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n  ",
        mrz(TD3[0][:-1], TD3[1]),
        mrz(TD3[0], TD3[1], TD3[1]),
        mrz(TD1[0], TD1[1]),
        "P<UTOERIKSSON",
    ],
)
def test_wrong_layouts_are_refused_in_french(text: str) -> None:
    with pytest.raises(MrzFormatError) as error:
        parse_mrz(text, TODAY)
    message = str(error.value)
    assert "MRZ" in message


def test_wrong_length_message_names_the_lengths() -> None:
    with pytest.raises(MrzFormatError, match=r"43 \+ 44"):
        parse_mrz(mrz(TD3[0][:-1], TD3[1]), TODAY)


def test_two_lines_of_36_that_are_not_a_french_card_are_refused() -> None:
    with pytest.raises(MrzFormatError, match="IDFRA"):
        parse_mrz(mrz("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"), TODAY)


def test_forbidden_characters_are_named() -> None:
    with pytest.raises(MrzFormatError, match="« # »"):
        parse_mrz(mrz(TD3[0][:-1] + "#", TD3[1]), TODAY)


# -- look-alikes -------------------------------------------------------------------------------------------


def test_letter_o_in_birth_date_is_named_and_corrected() -> None:
    line2 = TD3[1][:13] + "74O8122" + TD3[1][20:]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    outcome = result.check("birth_date")
    assert outcome.failed
    assert outcome.reason is not None
    assert "caractère « O » trouvé à la place d'un chiffre — vérifiez 0/O" in outcome.reason
    assert result.check("composite").failed
    assert result.birth_date is None
    assert [(la.found, la.probable_digit, la.line, la.column) for la in result.look_alikes] == [
        ("O", "0", 2, 16)
    ]
    assert result.corrected_lines == TD3


def test_lower_case_l_for_one_in_a_check_digit() -> None:
    line2 = TD3[1][:42] + "l" + TD3[1][43:]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    outcome = result.check("optional_data")
    assert outcome.failed
    assert outcome.reason is not None and "« L »" in outcome.reason and "vérifiez 1/L" in outcome.reason
    assert result.corrected_lines == TD3


def test_capital_i_for_one_in_expiry_date() -> None:
    line2 = TD3[1][:21] + "I204159" + TD3[1][28:]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert result.check("expiry_date").failed
    assert "vérifiez 1/I" in (result.check("expiry_date").reason or "")
    assert result.corrected_lines == TD3


def test_correction_is_only_offered_when_it_makes_every_check_pass() -> None:
    line2 = TD3[1][:13] + "74O8123" + TD3[1][20:]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert result.look_alikes
    assert result.corrected_lines is None


def test_letter_without_a_look_alike_digit_is_still_reported() -> None:
    line2 = TD3[1][:13] + "74X8122" + TD3[1][20:]
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert "caractère « X » trouvé à la place d'un chiffre" in (result.check("birth_date").reason or "")
    assert result.corrected_lines is None


def test_letters_in_alphanumeric_document_number_are_not_look_alikes() -> None:
    assert parse_mrz(mrz(*TD3), TODAY).look_alikes == ()


# -- TD1 ------------------------------------------------------------------------------------------------


def test_td1_specimen() -> None:
    result = parse_mrz(mrz(*TD1), TODAY)
    assert result.format is MrzFormat.ID_CARD_TD1
    assert (result.document_type, result.issuing_country, result.nationality) == ("I", "UTO", "UTO")
    assert result.document_number == "D23145890"
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (result.birth_date, result.sex, result.expiry_date) == (date(1974, 8, 12), "F", date(2012, 4, 15))
    assert result.checks_passed
    assert result.check("optional_data").status is CheckStatus.NOT_APPLICABLE


def test_new_french_id_card_specimen() -> None:
    composite = FR_TD1[0][5:30] + FR_TD1[1][0:7] + FR_TD1[1][8:15] + FR_TD1[1][18:29]
    assert literal_check_digit(composite) == FR_TD1[1][29]
    assert literal_check_digit("X4RTBPFW4") == "6"
    result = parse_mrz(mrz(*FR_TD1), TODAY)
    assert result.document_type == "ID"
    assert result.document_number == "X4RTBPFW4"
    assert result.surname == "MARTIN"
    assert result.given_names == "MAELYS GAELLE MARIE"
    assert result.birth_date == date(1990, 7, 13)
    assert result.expiry_date == date(2030, 2, 11)
    assert result.nationality == "FRA"
    assert result.checks_passed
    assert result.is_expired(TODAY) is False


def test_td1_wrong_composite() -> None:
    result = parse_mrz(mrz(FR_TD1[0], FR_TD1[1][:29] + "5", FR_TD1[2]), TODAY)
    assert {n for n, s in statuses(result).items() if s is CheckStatus.FAILED} == {"composite"}


def test_td1_long_document_number_continues_in_optional_data() -> None:
    number = "D23145890ABC"
    check = literal_check_digit(number)
    line1 = ("I<UTO" + number[:9] + "<" + number[9:] + check).ljust(30, "<")
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    line2 += literal_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    result = parse_mrz(mrz(line1, line2, TD1[2]), TODAY)
    assert result.document_number == "D23145890ABC"
    assert result.checks_passed


# -- old French ID card ------------------------------------------------------------------------------------


def test_old_french_card_specimen_vectors_by_hand() -> None:
    line1, line2 = FR_OLD
    assert literal_check_digit(line2[0:12]) == line2[12] == "8"
    assert literal_check_digit(line2[27:33]) == line2[33] == "8"
    assert literal_check_digit(line1 + line2[:35]) == line2[35] == "6"


def test_old_french_card_specimen() -> None:
    result = parse_mrz(mrz(*FR_OLD), TODAY)
    assert result.format is MrzFormat.OLD_FRENCH_ID_CARD
    assert (result.document_type, result.issuing_country, result.nationality) == ("ID", "FRA", "FRA")
    assert result.document_number == "880692310285"
    assert (result.surname, result.given_names) == ("BERTHIER", "CORINNE")
    assert (result.birth_date, result.sex) == (date(1965, 12, 6), "F")
    assert result.issue_date == date(1988, 6, 1)
    assert result.expiry_date == date(1998, 5, 31)
    assert result.checks_passed
    assert result.check("expiry_date").status is CheckStatus.NOT_APPLICABLE
    assert result.check("optional_data").status is CheckStatus.NOT_APPLICABLE


def test_old_french_card_with_issuing_office() -> None:
    line1 = "IDFRABERTHIER<<<<<<<<<<<<<<<<<92C001"
    line2 = FR_OLD[1][:35] + literal_check_digit(line1 + FR_OLD[1][:35])
    assert line2[35] == "8"
    result = parse_mrz(mrz(line1, line2), TODAY)
    assert result.issuing_office == "92C001"
    assert result.checks_passed


def build_old_card(
    number: str, birth: str, surname: str = "DUPONT", given: str = "JEAN", sex: str = "M"
) -> str:
    line1 = ("IDFRA" + surname).ljust(30, "<") + "750123"
    line2 = (
        number + literal_check_digit(number) + given.ljust(14, "<") + birth + literal_check_digit(birth) + sex
    )
    line2 += literal_check_digit(line1 + line2)
    return mrz(line1, line2)


def test_old_french_card_issued_to_an_adult_in_2012_is_valid_until_2027() -> None:
    result = parse_mrz(build_old_card("120375012345", "800101"), TODAY)
    assert result.checks_passed
    assert result.issue_date == date(2012, 3, 1)
    assert result.expiry_date == date(2027, 2, 28)
    assert result.is_expired(TODAY) is False
    outcomes = {o.name: o for o in compare_identity(result, "Dupont", "Jean", date(1980, 1, 1), "M", TODAY)}
    assert outcomes["expiry"].passed


def test_old_french_card_issued_to_a_minor_is_not_extended() -> None:
    result = parse_mrz(build_old_card("120375012345", "000101"), TODAY)
    assert result.expiry_date == date(2022, 2, 28)
    outcome = {o.name: o for o in compare_identity(result, "Dupont", "Jean", date(2000, 1, 1), "M", TODAY)}[
        "expiry"
    ]
    assert outcome.failed
    assert outcome.reason is not None and "expiré depuis le 28/02/2022" in outcome.reason
    assert "03/2012" in outcome.reason


def test_old_french_card_extension_is_a_parameter() -> None:
    result = parse_mrz(build_old_card("120375012345", "800101"), TODAY, old_id_extension_years=0)
    assert result.expiry_date == date(2022, 2, 28)


@pytest.mark.parametrize(
    ("issue", "birth", "extension", "expected"),
    [
        (date(2003, 12, 1), date(1970, 5, 5), 5, date(2013, 11, 30)),
        (date(2004, 1, 1), date(1970, 5, 5), 5, date(2018, 12, 31)),
        (date(2013, 12, 1), date(1970, 5, 5), 5, date(2028, 11, 30)),
        (date(2013, 12, 1), date(1995, 12, 1), 5, date(2028, 11, 30)),
        (date(2013, 12, 1), date(1995, 12, 2), 5, date(2023, 11, 30)),
        (date(2010, 6, 1), date(1970, 5, 5), 7, date(2027, 5, 31)),
        (date(2008, 3, 1), date(1992, 2, 29), 5, date(2018, 2, 28)),
    ],
)
def test_old_french_id_expiry(issue: date, birth: date, extension: int, expected: date) -> None:
    assert old_french_id_expiry(issue, birth, extension_years=extension) == expected


def test_old_card_number_with_look_alike_is_named() -> None:
    text = build_old_card("120375012345", "800101")
    line1, line2 = text.split("\n")
    result = parse_mrz(mrz(line1, line2[:4] + "O" + line2[5:]), TODAY)
    assert "vérifiez 0/O" in (result.check("document_number").reason or "")


# -- centuries --------------------------------------------------------------------------------------------


def test_birth_dates_are_never_in_the_future() -> None:
    birth = "261231"
    line2 = "L898902C36UTO" + birth + literal_check_digit(birth) + "F1204159ZE184226B<<<<<1"
    line2 += literal_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    assert parse_mrz(mrz(TD3[0], line2), TODAY).birth_date == date(1926, 12, 31)
    assert parse_mrz(mrz(TD3[0], line2), date(2027, 1, 1)).birth_date == date(2026, 12, 31)


def test_expiry_dates_may_be_in_the_future() -> None:
    assert parse_mrz(mrz(*FR_TD1), TODAY).expiry_date == date(2030, 2, 11)
    assert parse_mrz(mrz(*TD3), date(2060, 1, 1)).expiry_date == date(2012, 4, 15)


# -- comparison with the customer file ---------------------------------------------------------------------


def by_name(outcomes: list[CheckOutcome]) -> dict[str, CheckOutcome]:
    return {o.name: o for o in outcomes}


def test_identity_matches_with_first_given_name_and_accents() -> None:
    result = parse_mrz(mrz(*FR_TD1), TODAY)
    outcomes = by_name(compare_identity(result, "Martin", "Maëlys", date(1990, 7, 13), "F", TODAY))
    assert all(o.status is CheckStatus.PASSED for o in outcomes.values()), outcomes


def test_identity_mismatches_are_explained_in_french() -> None:
    result = parse_mrz(mrz(*TD3), TODAY)
    outcomes = by_name(compare_identity(result, "Eriksen", "Maria Anna", date(1974, 8, 13), "M", TODAY))
    assert outcomes["surname"].failed and "nom différent" in (outcomes["surname"].reason or "")
    assert outcomes["given_names"].failed
    assert outcomes["birth_date"].failed
    assert "12/08/1974" in (outcomes["birth_date"].reason or "")
    assert outcomes["sex"].failed
    assert outcomes["expiry"].failed and "15/04/2012" in (outcomes["expiry"].reason or "")


def test_identity_missing_file_data_is_not_applicable() -> None:
    result = parse_mrz(mrz(*FR_TD1), TODAY)
    outcomes = by_name(compare_identity(result, None, "", None, None, TODAY))
    for name in ("surname", "given_names", "birth_date", "sex"):
        assert outcomes[name].status is CheckStatus.NOT_APPLICABLE
        assert outcomes[name].reason


@pytest.mark.parametrize(("mrz_surname", "file_surname"), [("MUELLER", "Müller"), ("MULLER", "Müller")])
def test_icao_transliteration_both_readings_accepted(mrz_surname: str, file_surname: str) -> None:
    line1 = ("P<D<<" + mrz_surname + "<<HANS").ljust(44, "<")
    result = parse_mrz(mrz(line1, TD3[1]), TODAY)
    outcomes = by_name(compare_identity(result, file_surname, "Hans", date(1974, 8, 12), "F", TODAY))
    assert outcomes["surname"].passed


def test_hyphenated_and_compound_names() -> None:
    line1 = "P<FRALEFEVRE<D<ARC<<JEAN<PIERRE".ljust(44, "<")
    result = parse_mrz(mrz(line1, TD3[1]), TODAY)
    assert result.surname == "LEFEVRE D ARC"
    outcomes = by_name(
        compare_identity(result, "Lefèvre-d'Arc", "Jean-Pierre", date(1974, 8, 12), "F", TODAY)
    )
    assert outcomes["surname"].passed
    assert outcomes["given_names"].passed


def test_truncated_names_in_a_full_field_are_accepted_as_prefix() -> None:
    surname_field = "DUPONT<DE<LA<MARCHANDIERE"
    given_field = "MARIE<CHRISTIN"
    assert (len(surname_field), len(given_field)) == (25, 14)
    line1 = "IDFRA" + surname_field + "750123"
    number, birth = "120375012345", "800101"
    line2 = number + literal_check_digit(number) + given_field + birth + literal_check_digit(birth) + "F"
    line2 += literal_check_digit(line1 + line2)
    result = parse_mrz(mrz(line1, line2), TODAY)
    assert result.checks_passed
    assert result.surname_may_be_truncated and result.given_names_may_be_truncated
    outcomes = by_name(
        compare_identity(
            result, "Dupont de la Marchandière-Ollier", "Marie-Christine", date(1980, 1, 1), "F", TODAY
        )
    )
    assert outcomes["surname"].passed
    assert outcomes["given_names"].passed
    assert by_name(compare_identity(result, "Dupont", "Marie", None, None, TODAY))["surname"].failed


def test_sex_words_in_the_file_are_understood() -> None:
    result = parse_mrz(mrz(*TD3), TODAY)
    assert by_name(compare_identity(result, "Eriksson", "Anna", None, "Femme", TODAY))["sex"].passed
    assert by_name(compare_identity(result, "Eriksson", "Anna", None, "H", TODAY))["sex"].failed


def test_unspecified_sex_in_mrz_is_not_applicable() -> None:
    line2 = TD3[1][:20] + "<" + TD3[1][21:43]
    line2 += literal_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    result = parse_mrz(mrz(TD3[0], line2), TODAY)
    assert result.sex is None
    outcome = by_name(compare_identity(result, "Eriksson", "Anna", None, "F", TODAY))["sex"]
    assert outcome.status is CheckStatus.NOT_APPLICABLE


def test_usage_name_in_file_with_birth_name_on_document() -> None:
    result = parse_mrz(mrz(*FR_TD1), TODAY)
    without = by_name(compare_identity(result, "Durand", "Maëlys", date(1990, 7, 13), "F", TODAY))
    assert without["surname"].failed
    assert "« Durand »" in (without["surname"].reason or "")
    outcomes = by_name(
        compare_identity(result, "Durand", "Maëlys", date(1990, 7, 13), "F", TODAY, birth_surname="Martin")
    )
    assert outcomes["surname"].passed
