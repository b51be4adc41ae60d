"""French public holidays and working days ("jours ouvrés"), for legal declaration and response deadlines.

Working days are Monday to Friday minus public holidays, the count the Code des assurances uses for the
declaration delays (L113-2: 5 working days, 2 for theft).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

ALSACE_MOSELLE_DEPARTEMENTS = frozenset({"57", "67", "68"})

DECLARATION_WORKING_DAYS = 5
THEFT_DECLARATION_WORKING_DAYS = 2
NATURAL_DISASTER_DECLARATION_DAYS = 30

_FIRST_GREGORIAN_EASTER_YEAR = 1583


@dataclass(frozen=True, slots=True)
class HolidayRules:
    """Which optional days count: Whit Monday is often worked (journée de solidarité), Alsace-Moselle adds two."""

    whit_monday: bool = True
    alsace_moselle: bool = False

    @classmethod
    def for_departement(cls, code: str, *, whit_monday: bool = True) -> HolidayRules:
        return cls(
            whit_monday=whit_monday, alsace_moselle=code.strip().upper() in ALSACE_MOSELLE_DEPARTEMENTS
        )


DEFAULT_RULES = HolidayRules()


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name: str


def easter_sunday(year: int) -> date:
    """Western Easter by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    if year < _FIRST_GREGORIAN_EASTER_YEAR:
        raise ValueError(f"Année hors du calendrier grégorien : {year}")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lunar = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lunar) // 451
    month, day = divmod(h + lunar - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int, rules: HolidayRules = DEFAULT_RULES) -> tuple[Holiday, ...]:
    """The year's public holidays in date order; two can share a date (Ascension on 1 May in 2008)."""
    easter = easter_sunday(year)
    days = [
        Holiday(date(year, 1, 1), "Jour de l'an"),
        Holiday(easter + timedelta(days=1), "Lundi de Pâques"),
        Holiday(date(year, 5, 1), "Fête du Travail"),
        Holiday(date(year, 5, 8), "Victoire 1945"),
        Holiday(easter + timedelta(days=39), "Ascension"),
        Holiday(date(year, 7, 14), "Fête nationale"),
        Holiday(date(year, 8, 15), "Assomption"),
        Holiday(date(year, 11, 1), "Toussaint"),
        Holiday(date(year, 11, 11), "Armistice 1918"),
        Holiday(date(year, 12, 25), "Noël"),
    ]
    if rules.whit_monday:
        days.append(Holiday(easter + timedelta(days=50), "Lundi de Pentecôte"))
    if rules.alsace_moselle:
        days.append(Holiday(easter - timedelta(days=2), "Vendredi saint"))
        days.append(Holiday(date(year, 12, 26), "Saint-Étienne"))
    return tuple(sorted(days, key=lambda h: h.day))


@cache
def _holiday_dates(year: int, rules: HolidayRules) -> frozenset[date]:
    return frozenset(h.day for h in public_holidays(year, rules))


def holiday_name(day: date, rules: HolidayRules = DEFAULT_RULES) -> str | None:
    """The holiday's French name for display, or None on an ordinary day."""
    names = [h.name for h in public_holidays(day.year, rules) if h.day == day]
    return " et ".join(names) or None


def is_public_holiday(day: date, rules: HolidayRules = DEFAULT_RULES) -> bool:
    return day in _holiday_dates(day.year, rules)


def is_working_day(day: date, rules: HolidayRules = DEFAULT_RULES) -> bool:
    """Monday to Friday and not a public holiday (jour ouvré)."""
    return day.weekday() < 5 and not is_public_holiday(day, rules)


def add_working_days(day: date, n: int, rules: HolidayRules = DEFAULT_RULES) -> date:
    """The n-th working day after `day` (before it when n is negative); `day` itself is returned for n = 0."""
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, rules):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, rules: HolidayRules = DEFAULT_RULES) -> int:
    """Working days after `start` up to and including `end`; negative when `end` comes first.

    Counted by whole weeks plus holidays, so a span of years costs no more than a span of days.
    """
    if end < start:
        return -working_days_between(end, start, rules)
    weeks, extra = divmod((end - start).days, 7)
    weekdays = 5 * weeks + sum(1 for i in range(1, extra + 1) if (start + timedelta(days=i)).weekday() < 5)
    holidays_on_weekdays = {
        h
        for year in range(start.year, end.year + 1)
        for h in _holiday_dates(year, rules)
        if start < h <= end and h.weekday() < 5
    }
    return weekdays - len(holidays_on_weekdays)


def declaration_deadline(known_on: date, working_days: int, rules: HolidayRules = DEFAULT_RULES) -> date:
    """Last day to declare a loss known on `known_on` (L113-2): the day of knowledge itself does not count."""
    if working_days < 0:
        raise ValueError(f"Délai de déclaration négatif : {working_days}")
    return add_working_days(known_on, working_days, rules)


def natural_disaster_declaration_deadline(published_on: date) -> date:
    """Cat nat: 30 calendar days after the arrêté is published in the Journal officiel (L125-1)."""
    return published_on + timedelta(days=NATURAL_DISASTER_DECLARATION_DAYS)


def is_declaration_late(
    known_on: date, declared_on: date, working_days: int, rules: HolidayRules = DEFAULT_RULES
) -> bool:
    """Flags a late declaration; it is never grounds for refusal on its own (needs a clause and proven harm)."""
    return declared_on > declaration_deadline(known_on, working_days, rules)
