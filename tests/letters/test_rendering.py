"""What a reader of the letter sees: fields checked first, French formats, the address block, page numbers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from backoffice.config import BrandingSettings
from backoffice.errors import InvalidInput
from backoffice.letters import MissingFields, prepare, render
from backoffice.letters.formatting import french_amount, french_date
from backoffice.letters.render import letterhead_from
from tests.letters.samples import LETTER_DATE, RECIPIENT, SAMPLES


def make(code: str, values: dict, recipient: tuple[str, ...] = RECIPIENT):  # type: ignore[no-untyped-def]
    return prepare(
        code,
        values,
        recipient_lines=recipient,
        letterhead=letterhead_from(BrandingSettings()),
        letter_date=LETTER_DATE,
    )


def text(pdf: bytes) -> str:
    """The extracted text with line breaks read as spaces (a sentence may wrap anywhere)."""
    raw = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return re.sub(r" *\n *", " ", raw)


def test_a_missing_field_is_an_error_naming_it_in_french() -> None:
    values = dict(SAMPLES["ack_claim"])
    del values["claim_number"]
    values["occurred_on"] = None
    with pytest.raises(MissingFields) as caught:
        make("ack_claim", values)
    message = caught.value.message
    assert (
        "« Numéro de sinistre » (claim_number)" in message and "« Date du sinistre » (occurred_on)" in message
    )
    assert "manquants" in message and caught.value.field == "claim_number"


def test_blank_text_or_empty_list_counts_as_missing() -> None:
    with pytest.raises(MissingFields, match="Pièces demandées"):
        make("missing_documents", {**SAMPLES["missing_documents"], "documents": ["  ", ""]})
    with pytest.raises(MissingFields, match="Formule d'appel"):
        make("missing_documents", {**SAMPLES["missing_documents"], "salutation": "   "})


def test_an_empty_claims_history_is_printed_as_such() -> None:
    letter = make("claims_history_statement", {**SAMPLES["claims_history_statement"], "claims": []})
    assert "Aucun sinistre déclaré sur la période." in text(render(letter).pdf)


def test_unknown_fields_are_refused_so_no_code_can_slip_into_a_letter() -> None:
    with pytest.raises(InvalidInput, match="champ inconnu « code »"):
        make("account_unlocked", {**SAMPLES["account_unlocked"], "code": "483920"})


def test_wrong_types_are_refused() -> None:
    with pytest.raises(InvalidInput, match="virgule flottante"):
        make("indemnity_proposal", {**SAMPLES["indemnity_proposal"], "indemnity_amount": 2700.24})
    with pytest.raises(InvalidInput, match="date AAAA-MM-JJ"):
        make("ack_claim", {**SAMPLES["ack_claim"], "occurred_on": "23/11/2026"})


def test_indemnity_lines_must_add_up_to_the_proposed_amount() -> None:
    letter = make(
        "indemnity_proposal", {**SAMPLES["indemnity_proposal"], "indemnity_amount": Decimal("2800.00")}
    )
    with pytest.raises(InvalidInput, match="ne correspond pas à l'indemnité proposée"):
        render(letter)


def test_french_dates_and_amounts() -> None:
    assert french_date(date(2026, 11, 26)) == "26\u00a0novembre\u00a02026"
    assert french_date(date(2026, 12, 1)) == "1er\u00a0décembre\u00a02026"
    assert french_amount(Decimal("1234.56")) == "1\u202f234,56\u00a0€"


def test_accents_quotes_euro_and_narrow_space_are_really_in_the_pdf() -> None:
    content = text(render(make("indemnity_proposal", SAMPLES["indemnity_proposal"])).pdf)
    assert "« Bon pour accord »" in content
    assert "2\u202f700,24 €" in content and "3\u202f412,80 €" in content
    assert "Noisy-le-Sec, le 26 novembre 2026" in content
    assert "IBAN se terminant par 2606" in content and "FR1420041010050500013M02606" not in content


def test_recipient_block_follows_nf_z10_011() -> None:
    too_many = ("A", "B", "C", "D", "E", "F", "93130 NOISY LE SEC")
    with pytest.raises(InvalidInput, match="6 lignes de 38 caractères"):
        make("ack_claim", SAMPLES["ack_claim"], too_many)
    with pytest.raises(InvalidInput, match="NF Z10-011"):
        make("ack_claim", SAMPLES["ack_claim"], ("X" * 39, "93130 NOISY LE SEC"))


def test_long_letter_flows_over_pages_with_numbers_and_running_reference() -> None:
    reasons = [f"Motif n° {n} : une exclusion du contrat s'applique à ce sinistre." for n in range(1, 61)]
    letter = make("claim_refusal", {**SAMPLES["claim_refusal"], "reasons": reasons})
    rendered = render(letter)
    assert rendered.page_count >= 2
    pages = [page.extract_text() for page in PdfReader(BytesIO(rendered.pdf)).pages]
    assert f"Page 1/{rendered.page_count}" in pages[0]
    assert f"Page 2/{rendered.page_count}" in pages[1] and f"{letter.reference} (suite)" in pages[1]
    assert "Motif n° 60" in pages[-1] or any("Motif n° 60" in p for p in pages)


def test_characters_outside_the_bundled_alphabet_still_render() -> None:
    letter = make(
        "claim_refusal", {**SAMPLES["claim_refusal"], "reasons": ["Véhicule conduit par Łukasz Żółw (Ω)."]}
    )
    assert "Łukasz Żółw (Ω)" in text(render(letter).pdf)
