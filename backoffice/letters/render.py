"""From validated inputs to PDF bytes; everything that shapes the bytes is in ``LetterInput``.

The letter's reference is derived from its inputs, so the preview an agent checks is byte for byte the
letter that gets archived, and regenerating an archived letter from its stored inputs gives the same
SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from backoffice.checks.address import MAX_LINES, MAX_WIDTH
from backoffice.config import BrandingSettings
from backoffice.errors import InvalidInput
from backoffice.letters.formatting import french_date
from backoffice.letters.layout import Page, render_pdf
from backoffice.letters.templates import Letterhead, LetterTemplate, get_template


def letterhead_from(branding: BrandingSettings) -> Letterhead:
    return Letterhead(
        insurer_name=branding.insurer_name,
        centre_name=branding.centre_name,
        street=branding.street,
        postcode=branding.postcode,
        city=branding.city,
        phone=branding.phone,
        email=branding.email,
        opening_hours=branding.opening_hours,
    )


@dataclass(frozen=True)
class LetterInput:
    template_code: str
    template_version: str
    letter_date: date
    recipient_lines: tuple[str, ...]
    letterhead: Letterhead
    values: Mapping[str, Any]  # validated and normalised (JSON form)
    reference: str

    def archived_fields(self) -> dict[str, Any]:
        """What the archive stores to regenerate the letter (sensitive values are already masked)."""
        return {
            "letter_date": self.letter_date.isoformat(),
            "letterhead": dict(_letterhead_dict(self.letterhead)),
            "values": dict(self.values),
        }


@lru_cache(maxsize=16)
def _letterhead_dict(letterhead: Letterhead) -> dict[str, str]:
    """``asdict`` is slow and the letterhead rarely changes: one dict per letterhead (never mutated)."""
    return asdict(letterhead)


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    sha256: str
    page_count: int


def _check_recipient(lines: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(" ".join(line.split()) for line in lines if line and line.strip())
    if not cleaned:
        raise InvalidInput("Le destinataire du courrier est manquant.", "recipient_lines")
    if len(cleaned) > MAX_LINES or any(len(line) > MAX_WIDTH for line in cleaned):
        raise InvalidInput(
            f"Le bloc destinataire doit tenir en {MAX_LINES} lignes de {MAX_WIDTH} caractères au plus "
            "(norme NF Z10-011).",
            "recipient_lines",
        )
    return cleaned


def reference_for(
    template: LetterTemplate,
    letter_date: date,
    recipient_lines: Sequence[str],
    letterhead: Letterhead,
    values: Mapping[str, Any],
    context: Mapping[str, Any],
) -> str:
    """ "AR-20261126-K3M9Q2XWDA": template prefix, date, then 50 bits of the inputs' hash."""
    payload = json.dumps(
        {
            "template": [template.code, template.version],
            "date": letter_date.isoformat(),
            "recipient": list(recipient_lines),
            "letterhead": _letterhead_dict(letterhead),
            "values": values,
            "context": context,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest = base64.b32encode(hashlib.sha256(payload.encode("utf-8")).digest()).decode("ascii")[:10]
    return f"{template.prefix}-{letter_date:%Y%m%d}-{digest}"


def prepare(
    template_code: str,
    values: Mapping[str, Any],
    *,
    recipient_lines: Sequence[str],
    letterhead: Letterhead,
    letter_date: date,
    template_version: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> LetterInput:
    """Validate the fields (a missing one raises, naming it) and fix the reference."""
    template = get_template(template_code, template_version)
    checked = template.validate(dict(values))
    recipient = _check_recipient(recipient_lines)
    reference = reference_for(template, letter_date, recipient, letterhead, checked, context or {})
    return LetterInput(
        template.code, template.version, letter_date, recipient, letterhead, checked, reference
    )


def render(letter: LetterInput) -> RenderedLetter:
    template = get_template(letter.template_code, letter.template_version)
    content = template.content(dict(letter.values), letter.letterhead)
    lh = letter.letterhead
    page = Page(
        letterhead=(
            lh.insurer_name,
            lh.centre_name,
            lh.street,
            f"{lh.postcode} {lh.city}",
            f"Tél. {lh.phone} — {lh.email}",
        ),
        recipient=letter.recipient_lines,
        references=content.references,
        reference=letter.reference,
        place_date=f"{lh.city}, le {french_date(letter.letter_date)}",
        subject=f"Objet : {content.subject}",
        footer=(
            f"{lh.insurer_name} — {lh.address} — Tél. {lh.phone}",
            f"Accueil téléphonique {lh.opening_hours}",
        ),
        title=f"{template.title} — {letter.reference}",
        author=lh.insurer_name,
    )
    pdf, pages = render_pdf(page, content.blocks)
    return RenderedLetter(pdf, hashlib.sha256(pdf).hexdigest(), pages)


def from_archive(
    template_code: str,
    template_version: str,
    reference: str,
    recipient_lines: Sequence[str],
    fields: Mapping[str, Any],
) -> LetterInput:
    """Rebuild the exact inputs of an archived letter from its stored fields."""
    return LetterInput(
        template_code,
        template_version,
        date.fromisoformat(fields["letter_date"]),
        tuple(recipient_lines),
        Letterhead(**fields["letterhead"]),
        dict(fields["values"]),
        reference,
    )
