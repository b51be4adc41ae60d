"""ICAO 9303 machine-readable zones (passport TD3, French ID card TD1 and the pre-2021 French ID card).

Agents type or paste the MRZ of a customer's identity document; this module reads it the way the
document reader would, keeps every check digit's outcome apart so the screen can show which one failed,
and names look-alike characters (O for 0, I for 1) because they are the most common typing mistake.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from backoffice.checks.names import names_match
from backoffice.checks.text import fold

FILLER = "<"
_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"[A-Z0-9<]*")
_LOOK_ALIKE_DIGITS = {
    "O": "0",
    "Q": "0",
    "D": "0",
    "I": "1",
    "L": "1",
    "Z": "2",
    "S": "5",
    "G": "6",
    "B": "8",
}
_OLD_FRENCH_ID_EXTENDED_FROM = date(2004, 1, 1)
_OLD_FRENCH_ID_ADULT_AGE = 18


class MrzFormat(Enum):
    PASSPORT_TD3 = "passeport (TD3, 2 lignes de 44)"
    ID_CARD_TD1 = "carte d'identité (TD1, 3 lignes de 30)"
    OLD_FRENCH_ID_CARD = "ancienne carte d'identité française (2 lignes de 36)"


class CheckStatus(Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class CheckOutcome:
    """One named verification a screen can show as passed, failed (with a French reason) or not applicable."""

    name: str
    label: str
    status: CheckStatus
    reason: str | None = None

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED

    @property
    def failed(self) -> bool:
        return self.status is CheckStatus.FAILED


@dataclass(frozen=True)
class LookAlike:
    """A letter typed where the MRZ can only hold a digit, with the digit it probably stands for."""

    line: int
    column: int
    found: str
    probable_digit: str | None

    @property
    def place(self) -> str:
        return f"ligne {self.line}, position {self.column}"

    @property
    def message(self) -> str:
        if self.probable_digit is None:
            return f"caractère « {self.found} » trouvé à la place d'un chiffre ({self.place})"
        return (
            f"caractère « {self.found} » trouvé à la place d'un chiffre — "
            f"vérifiez {self.probable_digit}/{self.found} ({self.place})"
        )


@dataclass(frozen=True)
class MrzResult:
    format: MrzFormat
    lines: tuple[str, ...]
    document_type: str
    issuing_country: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str | None
    expiry_date: date | None
    optional_data: str
    checks: tuple[CheckOutcome, ...]
    look_alikes: tuple[LookAlike, ...] = ()
    corrected_lines: tuple[str, ...] | None = None
    issue_date: date | None = None
    issuing_office: str | None = None
    surname_may_be_truncated: bool = False
    given_names_may_be_truncated: bool = False

    @property
    def checks_passed(self) -> bool:
        return not any(check.failed for check in self.checks)

    def check(self, name: str) -> CheckOutcome:
        for outcome in self.checks:
            if outcome.name == name:
                return outcome
        raise KeyError(name)

    def is_expired(self, today: date) -> bool | None:
        """None when the expiry date is unknown: the caller must then look at the document itself."""
        if self.expiry_date is None:
            return None
        return self.expiry_date < today


class MrzFormatError(ValueError):
    """The text cannot be read as an MRZ; the message is French and meant for the agent."""


_LABELS = {
    "document_number": "Clé du numéro de document",
    "birth_date": "Clé de la date de naissance",
    "expiry_date": "Clé de la date d'expiration",
    "optional_data": "Clé des données facultatives (numéro personnel)",
    "composite": "Clé composite",
}


def char_value(char: str) -> int:
    """ICAO value of one MRZ character: digits as is, A–Z = 10–35, filler = 0."""
    if char.isdigit() and char.isascii():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == FILLER:
        return 0
    raise ValueError(f"caractère « {char} » interdit dans une MRZ")


def check_digit(field: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1 repeating, sum modulo 10."""
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def normalize_mrz_lines(raw: str) -> tuple[str, ...]:
    """Read what an agent typed into MRZ lines, or refuse with a French message.

    Case, surrounding spaces and blank lines are forgiven. Spaces and « inside a line are read as fillers
    only when exactly one reading gives a known MRZ layout, so a guess never silently changes the content.
    """
    lines = [line.strip().upper() for line in raw.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise MrzFormatError("MRZ vide : saisissez ou collez les lignes du bas du document.")
    readings: set[tuple[str, ...]] = set()
    for variant in _variants(lines):
        if _layout(variant) is not None:
            readings.add(variant)
        if len(variant) == 1:
            split = _split_single_line(variant[0])
            if split is not None:
                readings.add(split)
    if len(readings) > 1:
        raise MrzFormatError(
            "MRZ ambiguë : les espaces ou « » » saisis peuvent se lire de plusieurs façons ; "
            "saisissez les caractères de remplissage avec « < »."
        )
    if not readings:
        raise MrzFormatError(_layout_refusal(lines))
    (reading,) = readings
    for number, line in enumerate(reading, start=1):
        if not _ALLOWED.fullmatch(line):
            bad = sorted({c for c in line if not _ALLOWED.fullmatch(c)})
            shown = ", ".join(f"« {c} »" for c in bad)
            raise MrzFormatError(
                f"Caractère(s) interdit(s) ligne {number} : {shown}. Seuls A–Z, 0–9 et « < » sont permis."
            )
    return reading


def _variants(lines: list[str]) -> set[tuple[str, ...]]:
    variants: set[tuple[str, ...]] = set()
    for guillemet in (FILLER, FILLER * 2):
        for space in (FILLER, ""):
            variants.add(tuple(re.sub(r"\s", space, line.replace("«", guillemet)) for line in lines))
    return variants


def _split_single_line(line: str) -> tuple[str, ...] | None:
    """A pasted MRZ sometimes arrives as one line: cut it when its length names the layout."""
    for count, width in ((2, 44), (3, 30), (2, 36)):
        if len(line) == count * width:
            lines = tuple(line[i * width : (i + 1) * width] for i in range(count))
            if _layout(lines) is not None:
                return lines
    return None


def _layout(lines: Sequence[str]) -> MrzFormat | None:
    lengths = [len(line) for line in lines]
    if lengths == [44, 44]:
        return MrzFormat.PASSPORT_TD3
    if lengths == [30, 30, 30]:
        return MrzFormat.ID_CARD_TD1
    if lengths == [36, 36] and lines[0].startswith("IDFRA"):
        return MrzFormat.OLD_FRENCH_ID_CARD
    return None


def _layout_refusal(lines: list[str]) -> str:
    lengths = " + ".join(str(len(line)) for line in lines)
    if [len(line) for line in lines] == [36, 36]:
        return (
            "MRZ de 2 lignes de 36 caractères qui ne commence pas par « IDFRA » : seuls l'ancienne carte "
            "d'identité française, le passeport (2 × 44) et la carte d'identité (3 × 30) sont pris en charge."
        )
    return (
        f"Format de MRZ non reconnu ({len(lines)} ligne(s) de {lengths} caractères) : attendu 2 lignes de 44 "
        "(passeport), 3 lignes de 30 (carte d'identité depuis 2021) ou 2 lignes de 36 (ancienne carte "
        "d'identité française). Vérifiez qu'aucun caractère « < » ne manque en fin de ligne."
    )


@dataclass(frozen=True)
class _Span:
    """A run of characters on one line, so look-alikes and reasons can point at a place."""

    line: int
    start: int
    end: int

    def text(self, lines: Sequence[str]) -> str:
        return lines[self.line][self.start : self.end]


@dataclass(frozen=True)
class _Layout:
    document_number: tuple[_Span, ...]
    document_number_check: _Span
    birth_date: _Span
    birth_date_check: _Span
    sex: _Span
    expiry_date: _Span | None
    expiry_date_check: _Span | None
    optional_data: _Span | None
    optional_data_check: _Span | None
    composite: tuple[_Span, ...]
    composite_check: _Span
    numeric: tuple[_Span, ...]


def parse_mrz(raw: str, today: date, *, old_id_extension_years: int = 5) -> MrzResult:
    """Read and check an MRZ; raises MrzFormatError (French message) when the layout is not recognised.

    `today` resolves two-digit years: a birth date is never in the future. For the pre-2021 French card the
    expiry is deduced from the issue month held in the card number (see `old_french_id_expiry`).
    """
    lines = normalize_mrz_lines(raw)
    result = _parse(lines, today, old_id_extension_years)
    if not result.look_alikes:
        return result
    corrected = _correct_look_alikes(lines, result.look_alikes)
    if corrected is None:
        return result
    reread = _parse(corrected, today, old_id_extension_years)
    return replace(result, corrected_lines=corrected if reread.checks_passed else None)


def _parse(lines: tuple[str, ...], today: date, extension_years: int) -> MrzResult:
    kind = _layout(lines)
    if kind is MrzFormat.PASSPORT_TD3:
        return _parse_td3(lines, today)
    if kind is MrzFormat.ID_CARD_TD1:
        return _parse_td1(lines, today)
    return _parse_old_french_id(lines, today, extension_years)


def _parse_td3(lines: tuple[str, ...], today: date) -> MrzResult:
    l1, l2 = lines
    layout = _Layout(
        document_number=(_Span(1, 0, 9),),
        document_number_check=_Span(1, 9, 10),
        birth_date=_Span(1, 13, 19),
        birth_date_check=_Span(1, 19, 20),
        sex=_Span(1, 20, 21),
        expiry_date=_Span(1, 21, 27),
        expiry_date_check=_Span(1, 27, 28),
        optional_data=_Span(1, 28, 42),
        optional_data_check=_Span(1, 42, 43),
        composite=(_Span(1, 0, 10), _Span(1, 13, 20), _Span(1, 21, 43)),
        composite_check=_Span(1, 43, 44),
        numeric=(_Span(1, 13, 20), _Span(1, 21, 28), _Span(1, 9, 10), _Span(1, 42, 44)),
    )
    surname, given, surname_full, given_full = _split_names(l1[5:44])
    return _build(
        MrzFormat.PASSPORT_TD3,
        lines,
        layout,
        today,
        document_type=_clean(l1[0:2]),
        issuing_country=_clean(l1[2:5]),
        nationality=_clean(l2[10:13]),
        surname=surname,
        given_names=given,
        surname_may_be_truncated=surname_full,
        given_names_may_be_truncated=given_full,
    )


def _parse_td1(lines: tuple[str, ...], today: date) -> MrzResult:
    l1, l2, l3 = lines
    number_spans: tuple[_Span, ...] = (_Span(0, 5, 14),)
    number_check = _Span(0, 14, 15)
    optional = _Span(0, 15, 30)
    if l1[14] == FILLER and l1[15] != FILLER:
        # ICAO 9303-5 §4.2.2: a number over 9 characters continues in the optional data, then its check.
        tail = l1[15:30].rstrip(FILLER)
        number_spans = (_Span(0, 5, 14), _Span(0, 15, 15 + len(tail) - 1))
        number_check = _Span(0, 15 + len(tail) - 1, 15 + len(tail))
        optional = _Span(0, 15 + len(tail), 30)
    layout = _Layout(
        document_number=number_spans,
        document_number_check=number_check,
        birth_date=_Span(1, 0, 6),
        birth_date_check=_Span(1, 6, 7),
        sex=_Span(1, 7, 8),
        expiry_date=_Span(1, 8, 14),
        expiry_date_check=_Span(1, 14, 15),
        optional_data=None,
        optional_data_check=None,
        composite=(_Span(0, 5, 30), _Span(1, 0, 7), _Span(1, 8, 15), _Span(1, 18, 29)),
        composite_check=_Span(1, 29, 30),
        numeric=(_Span(1, 0, 7), _Span(1, 8, 15), number_check, _Span(1, 29, 30)),
    )
    surname, given, surname_full, given_full = _split_names(l3)
    optional_text = (optional.text(lines) + FILLER + l2[18:29]).strip(FILLER)
    return _build(
        MrzFormat.ID_CARD_TD1,
        lines,
        layout,
        today,
        document_type=_clean(l1[0:2]),
        issuing_country=_clean(l1[2:5]),
        nationality=_clean(l2[15:18]),
        surname=surname,
        given_names=given,
        surname_may_be_truncated=surname_full,
        given_names_may_be_truncated=given_full,
        optional_data=re.sub(f"{FILLER}+", " ", optional_text),
    )


def _parse_old_french_id(lines: tuple[str, ...], today: date, extension_years: int) -> MrzResult:
    l1, l2 = lines
    layout = _Layout(
        document_number=(_Span(1, 0, 12),),
        document_number_check=_Span(1, 12, 13),
        birth_date=_Span(1, 27, 33),
        birth_date_check=_Span(1, 33, 34),
        sex=_Span(1, 34, 35),
        expiry_date=None,
        expiry_date_check=None,
        optional_data=None,
        optional_data_check=None,
        composite=(_Span(0, 0, 36), _Span(1, 0, 35)),
        composite_check=_Span(1, 35, 36),
        numeric=(_Span(1, 0, 13), _Span(1, 27, 34), _Span(1, 35, 36)),
    )
    result = _build(
        MrzFormat.OLD_FRENCH_ID_CARD,
        lines,
        layout,
        today,
        document_type="ID",
        issuing_country="FRA",
        nationality="FRA",
        surname=_clean(l1[5:30]),
        given_names=_clean(l2[13:27]),
        surname_may_be_truncated=l1[29] != FILLER,
        given_names_may_be_truncated=l2[26] != FILLER,
    )
    issue = _old_card_issue_month(l2[0:4], today)
    expiry = None
    if issue is not None and result.birth_date is not None:
        expiry = old_french_id_expiry(issue, result.birth_date, extension_years=extension_years)
    return replace(result, issue_date=issue, expiry_date=expiry, issuing_office=_clean(l1[30:36]) or None)


def _old_card_issue_month(yymm: str, today: date) -> date | None:
    if not yymm.isdigit():
        return None
    month = int(yymm[2:4])
    if not 1 <= month <= 12:
        return None
    issued = date(_resolve_century(int(yymm[0:2]), today, past=True), month, 1)
    return issued if issued <= today else issued.replace(year=issued.year - 100)


def old_french_id_expiry(issue_month: date, birth_date: date, *, extension_years: int = 5) -> date:
    """Last valid day of a pre-2021 French ID card.

    Cards are valid 10 years; those issued to adults from 2004 gained `extension_years` (5 since the 2014
    decree, which may change, hence the parameter). The MRZ only holds the issue month, so the earliest
    possible expiry is returned (as if issued on the 1st): never accept a card that may already be expired.
    A holder who came of age during the issue month is treated as a minor for the same reason.
    """
    first_of_month = issue_month.replace(day=1)
    adult = _add_years(birth_date, _OLD_FRENCH_ID_ADULT_AGE) <= first_of_month
    years = 10
    if adult and first_of_month >= _OLD_FRENCH_ID_EXTENDED_FROM:
        years += extension_years
    return date.fromordinal(_add_years(first_of_month, years).toordinal() - 1)


def _add_years(value: date, years: int) -> date:
    year = value.year + years
    day = min(value.day, calendar.monthrange(year, value.month)[1])
    return value.replace(year=year, day=day)


def _build(
    kind: MrzFormat,
    lines: tuple[str, ...],
    layout: _Layout,
    today: date,
    *,
    document_type: str,
    issuing_country: str,
    nationality: str,
    surname: str,
    given_names: str,
    surname_may_be_truncated: bool,
    given_names_may_be_truncated: bool,
    optional_data: str | None = None,
) -> MrzResult:
    look_alikes = _find_look_alikes(lines, layout.numeric)
    birth_text = layout.birth_date.text(lines)
    birth_date = _parse_date(birth_text, today, past=True)
    expiry_text = layout.expiry_date.text(lines) if layout.expiry_date else ""
    expiry_date = _parse_date(expiry_text, today, past=False) if layout.expiry_date else None
    number = "".join(span.text(lines) for span in layout.document_number)
    checks = [
        _digit_outcome(
            "document_number",
            number,
            layout.document_number,
            layout.document_number_check,
            lines,
            look_alikes,
        ),
        _date_outcome(
            "birth_date",
            birth_text,
            birth_date,
            layout.birth_date,
            layout.birth_date_check,
            lines,
            look_alikes,
        ),
    ]
    if layout.expiry_date is not None and layout.expiry_date_check is not None:
        checks.append(
            _date_outcome(
                "expiry_date",
                expiry_text,
                expiry_date,
                layout.expiry_date,
                layout.expiry_date_check,
                lines,
                look_alikes,
            )
        )
    else:
        checks.append(
            CheckOutcome(
                "expiry_date",
                _LABELS["expiry_date"],
                CheckStatus.NOT_APPLICABLE,
                "pas de date d'expiration dans cette MRZ : elle est déduite de la date de délivrance",
            )
        )
    if layout.optional_data is not None and layout.optional_data_check is not None:
        checks.append(_optional_outcome(layout.optional_data, layout.optional_data_check, lines, look_alikes))
    else:
        checks.append(
            CheckOutcome(
                "optional_data",
                _LABELS["optional_data"],
                CheckStatus.NOT_APPLICABLE,
                "pas de clé pour les données facultatives sur ce document",
            )
        )
    composite = "".join(span.text(lines) for span in layout.composite)
    checks.append(
        _digit_outcome("composite", composite, layout.composite, layout.composite_check, lines, look_alikes)
    )
    sex = layout.sex.text(lines)
    if optional_data is None:
        optional_data = _clean(layout.optional_data.text(lines)) if layout.optional_data else ""
    return MrzResult(
        format=kind,
        lines=lines,
        document_type=document_type,
        issuing_country=issuing_country,
        document_number=number.rstrip(FILLER),
        surname=surname,
        given_names=given_names,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex if sex in ("M", "F") else None,
        expiry_date=expiry_date,
        optional_data=optional_data,
        checks=tuple(checks),
        look_alikes=look_alikes,
        surname_may_be_truncated=surname_may_be_truncated,
        given_names_may_be_truncated=given_names_may_be_truncated,
    )


def _find_look_alikes(lines: Sequence[str], spans: Sequence[_Span]) -> tuple[LookAlike, ...]:
    found = []
    for span in spans:
        for column in range(span.start, span.end):
            char = lines[span.line][column]
            if char.isalpha():
                found.append(LookAlike(span.line + 1, column + 1, char, _LOOK_ALIKE_DIGITS.get(char)))
    return tuple(found)


def _in_spans(look_alike: LookAlike, spans: Sequence[_Span]) -> bool:
    return any(
        span.line + 1 == look_alike.line and span.start < look_alike.column <= span.end for span in spans
    )


def _digit_outcome(
    name: str,
    field: str,
    spans: Sequence[_Span],
    check_span: _Span,
    lines: Sequence[str],
    look_alikes: Sequence[LookAlike],
) -> CheckOutcome:
    label = _LABELS[name]
    suspects = [la for la in look_alikes if _in_spans(la, (*spans, check_span))]
    if suspects:
        return CheckOutcome(name, label, CheckStatus.FAILED, " ; ".join(la.message for la in suspects))
    expected = check_digit(field)
    found = check_span.text(lines)
    if found == expected:
        return CheckOutcome(name, label, CheckStatus.PASSED)
    return CheckOutcome(
        name,
        label,
        CheckStatus.FAILED,
        f"clé de contrôle incorrecte : lu « {found} », calculé « {expected} » — vérifiez la saisie",
    )


def _date_outcome(
    name: str,
    text: str,
    value: date | None,
    span: _Span,
    check_span: _Span,
    lines: Sequence[str],
    look_alikes: Sequence[LookAlike],
) -> CheckOutcome:
    outcome = _digit_outcome(name, text, (span,), check_span, lines, look_alikes)
    if outcome.failed or value is not None or FILLER in text:
        return outcome
    return CheckOutcome(
        name, outcome.label, CheckStatus.FAILED, f"date impossible « {text} » (format AAMMJJ attendu)"
    )


def _optional_outcome(
    span: _Span, check_span: _Span, lines: Sequence[str], look_alikes: Sequence[LookAlike]
) -> CheckOutcome:
    text = span.text(lines)
    if set(text) == {FILLER} and check_span.text(lines) in (FILLER, "0"):
        return CheckOutcome("optional_data", _LABELS["optional_data"], CheckStatus.PASSED)
    return _digit_outcome("optional_data", text, (span,), check_span, lines, look_alikes)


def _correct_look_alikes(lines: tuple[str, ...], look_alikes: Sequence[LookAlike]) -> tuple[str, ...] | None:
    rows = [list(line) for line in lines]
    for look_alike in look_alikes:
        if look_alike.probable_digit is None:
            return None
        rows[look_alike.line - 1][look_alike.column - 1] = look_alike.probable_digit
    return tuple("".join(row) for row in rows)


def _parse_date(text: str, today: date, *, past: bool) -> date | None:
    if not (len(text) == 6 and text.isdigit() and text.isascii()):
        return None
    year = _resolve_century(int(text[0:2]), today, past=past)
    try:
        value = date(year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None
    if past and value > today:
        # Same year as today but later in it: born a century ago (29 February needs the earlier leap year).
        return _past_century(value)
    return value


def _past_century(value: date) -> date | None:
    try:
        return value.replace(year=value.year - 100)
    except ValueError:
        return None


def _resolve_century(two_digits: int, today: date, *, past: bool) -> int:
    """Birth and issue years are not after this year; expiry years are taken within 50 years of today."""
    year = today.year - today.year % 100 + two_digits
    if past:
        return year - 100 if year > today.year else year
    if year > today.year + 50:
        return year - 100
    if year < today.year - 50:
        return year + 100
    return year


def _clean(field: str) -> str:
    return re.sub(f"{FILLER}+", " ", field).strip()


def _split_names(field: str) -> tuple[str, str, bool, bool]:
    """Surname and given names of a TD1/TD3 name field, and whether each may have been cut at its end."""
    full = not field.endswith(FILLER)
    surname, separator, given = field.partition(FILLER * 2)
    if not separator:
        return _clean(surname), "", full, False
    return _clean(surname), _clean(given), False, full and bool(_clean(given))


def compare_identity(
    mrz: MrzResult,
    surname: str | None,
    given_names: str | None,
    birth_date: date | None,
    sex: str | None,
    today: date,
    *,
    birth_surname: str | None = None,
) -> list[CheckOutcome]:
    """Compare the document with the customer file; each outcome says what disagrees, in French.

    `birth_surname` is the file's birth name when `surname` is a usage (married) name: French documents
    carry the birth name in the MRZ, so either is accepted.
    """
    return [
        _compare_surname(mrz, surname, birth_surname),
        _compare_given_names(mrz, given_names),
        _compare_birth_date(mrz, birth_date),
        _compare_sex(mrz, sex),
        _compare_expiry(mrz, today),
    ]


def _compare_surname(mrz: MrzResult, surname: str | None, birth_surname: str | None) -> CheckOutcome:
    label = "Nom"
    candidates = [name for name in (surname, birth_surname) if name]
    if not candidates:
        return CheckOutcome("surname", label, CheckStatus.NOT_APPLICABLE, "nom absent du dossier")
    truncated = mrz.surname_may_be_truncated
    if any(
        names_match(mrz.surname, name, a_may_be_truncated=truncated, partial=False) for name in candidates
    ):
        return CheckOutcome("surname", label, CheckStatus.PASSED)
    shown = " / ".join(candidates)
    return CheckOutcome(
        "surname",
        label,
        CheckStatus.FAILED,
        f"nom différent : document « {mrz.surname} », dossier « {shown} »",
    )


def _compare_given_names(mrz: MrzResult, given_names: str | None) -> CheckOutcome:
    label = "Prénom(s)"
    if not given_names:
        return CheckOutcome("given_names", label, CheckStatus.NOT_APPLICABLE, "prénom absent du dossier")
    if not mrz.given_names:
        return CheckOutcome("given_names", label, CheckStatus.NOT_APPLICABLE, "aucun prénom dans la MRZ")
    if names_match(mrz.given_names, given_names, a_may_be_truncated=mrz.given_names_may_be_truncated):
        return CheckOutcome("given_names", label, CheckStatus.PASSED)
    return CheckOutcome(
        "given_names",
        label,
        CheckStatus.FAILED,
        f"prénom(s) différent(s) : document « {mrz.given_names} », dossier « {given_names} »",
    )


def _compare_birth_date(mrz: MrzResult, birth_date: date | None) -> CheckOutcome:
    label = "Date de naissance"
    if birth_date is None:
        return CheckOutcome(
            "birth_date", label, CheckStatus.NOT_APPLICABLE, "date de naissance absente du dossier"
        )
    if mrz.birth_date is None:
        return CheckOutcome(
            "birth_date",
            label,
            CheckStatus.NOT_APPLICABLE,
            "date de naissance illisible ou incomplète dans la MRZ",
        )
    if mrz.birth_date == birth_date:
        return CheckOutcome("birth_date", label, CheckStatus.PASSED)
    return CheckOutcome(
        "birth_date",
        label,
        CheckStatus.FAILED,
        f"date de naissance différente : document {mrz.birth_date:%d/%m/%Y}, dossier {birth_date:%d/%m/%Y}",
    )


_SEX_WORDS = {"m": "M", "h": "M", "homme": "M", "masculin": "M", "f": "F", "femme": "F", "feminin": "F"}


def _compare_sex(mrz: MrzResult, sex: str | None) -> CheckOutcome:
    label = "Sexe"
    wanted = _SEX_WORDS.get(fold(sex))
    if wanted is None:
        return CheckOutcome("sex", label, CheckStatus.NOT_APPLICABLE, "sexe non renseigné dans le dossier")
    if mrz.sex is None:
        return CheckOutcome("sex", label, CheckStatus.NOT_APPLICABLE, "sexe non précisé dans la MRZ")
    if mrz.sex == wanted:
        return CheckOutcome("sex", label, CheckStatus.PASSED)
    return CheckOutcome(
        "sex", label, CheckStatus.FAILED, f"sexe différent : document {mrz.sex}, dossier {wanted}"
    )


def _compare_expiry(mrz: MrzResult, today: date) -> CheckOutcome:
    label = "Validité du document"
    expired = mrz.is_expired(today)
    if expired is None or mrz.expiry_date is None:
        return CheckOutcome(
            "expiry",
            label,
            CheckStatus.NOT_APPLICABLE,
            "date d'expiration inconnue : vérifiez la date de validité imprimée sur le document",
        )
    deduced = ""
    if mrz.format is MrzFormat.OLD_FRENCH_ID_CARD and mrz.issue_date is not None:
        deduced = f" (date déduite de la délivrance en {mrz.issue_date:%m/%Y} ; vérifiez la date imprimée)"
    if expired:
        return CheckOutcome(
            "expiry",
            label,
            CheckStatus.FAILED,
            f"document expiré depuis le {mrz.expiry_date:%d/%m/%Y}{deduced}",
        )
    return CheckOutcome("expiry", label, CheckStatus.PASSED)
