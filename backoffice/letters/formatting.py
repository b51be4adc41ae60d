"""French dates and amounts as letters print them ("26 novembre 2026", "1 234,56 €"), through babel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency

from backoffice.checks.bonus_malus import format_coefficient

LOCALE = "fr_FR"


@lru_cache(maxsize=4096)
def french_date(day: date) -> str:
    """ "26 novembre 2026" (no-break spaces); the first of the month is "1er" as French typography wants."""
    text = format_date(day, format="long", locale=LOCALE)
    text = "1er" + text[1:] if day.day == 1 else text
    return text.replace(" ", "\u00a0")  # a date never breaks across two lines


def french_amount(amount: Decimal) -> str:
    """ "1 234,56 €" with the narrow no-break space babel uses for thousands and a no-break space before €."""
    return str(format_currency(amount, "EUR", locale=LOCALE))


def french_coefficient(value: Decimal) -> str:
    return format_coefficient(value)


def french_percent(value: int) -> str:
    return f"{value}\u202f%"
