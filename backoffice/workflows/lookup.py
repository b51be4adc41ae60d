"""The one search box: whatever the caller gives (client or contract number, e-mail, phone, postcode, end of an
IBAN, a name with or without a typo), the agent lands on the right file before the caller finishes the sentence.

Every query is a Core ``select()`` on an index: exact identifiers are point lookups; names are a range on the
folded ``last_name_key`` read in index order (name, first names, then newest activity first for namesakes), so
the first 50 cost the same for "d" as for "dupont". One-typo names are found among the *distinct* names
(their deletion neighbourhood, ``customer_name_deletion``), never by scanning customers.
Wildcards, quotes and emoji never reach SQL as patterns: names are matched by ranges on sanitised tokens.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    exists,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from backoffice.checks.bank import normalize_iban
from backoffice.checks.identifiers import IdentifierKind, classify_identifier
from backoffice.checks.phone import national_phone, national_phone_unchecked, searched_phone
from backoffice.checks.text import fold
from backoffice.models import (
    AccountStatus,
    Contract,
    ContractStatus,
    Customer,
    CustomerNameDeletion,
    CustomerNameTerm,
    PortalAccount,
    Product,
)
from backoffice.models.customers import display_name
from backoffice.prepared import Prepared, PreparedIn, Query, fetch, padded_in_list
from backoffice.workflows.context import Actor
from backoffice.workflows.permissions import Permission, require

MAX_QUERY_LENGTH = 120  # longer text is a paste, not something said on the phone
MAX_NAME_TOKENS = 4
MIN_PREFIX_WITH_FIRST_NAMES = 3  # "dup marie" finds Dupont Marie; "le" + first names means the name "Le"
MIN_TYPO_LENGTH = 4  # one edit away from a 3-letter name is half the phone book
DEFAULT_LIMIT = 50
_PREFIX_END = "\uffff"  # sorts after every character a folded key holds (C/binary collation)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_POSTCODE = re.compile(r"\d{5}")
_IBAN_END = re.compile(r"(?:iban|rib)?\s*[*.•…]*\s*([0-9A-Za-z]{4})", re.IGNORECASE)
_IBAN_FULL = re.compile(r"[A-Za-z]{2}\d{2}[0-9A-Za-z ]{10,40}")


class QueryKind(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    IDENTIFIER = "identifier"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    IBAN = "iban"
    NAME = "name"
    UNRECOGNISED = "unrecognised"


class MatchKind(enum.StrEnum):
    CLIENT_NUMBER = "client_number"
    CONTRACT_NUMBER = "contract_number"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    IBAN = "iban"
    NAME_EXACT = "name_exact"
    NAME_PREFIX = "name_prefix"
    NAME_TYPO = "name_typo"


# Rank of a match: exact identifiers first, then names from the closest to the loosest.
_RANK = {kind: rank for rank, kind in enumerate(MatchKind)}
EXACT_KINDS = frozenset(
    {MatchKind.CLIENT_NUMBER, MatchKind.CONTRACT_NUMBER, MatchKind.EMAIL, MatchKind.PHONE}
)


@dataclass(frozen=True)
class SearchFilters:
    contract_status: ContractStatus | None = None
    product: Product | None = None
    locked_account: bool = False

    @property
    def active(self) -> bool:
        return self.contract_status is not None or self.product is not None or self.locked_account


NO_FILTERS = SearchFilters()


class SearchHit(NamedTuple):
    """One file found (a named tuple: immutable, and a fifth of a frozen dataclass's cost at 50 per keystroke)."""

    customer_id: int
    client_number: str
    display_name: str
    birth_date: date
    postcode: str
    city: str
    last_activity_at: datetime
    match: MatchKind
    reason: str  # French: why this file matched


class SearchResult(NamedTuple):
    """What a search found (a named tuple: immutable, and built at every keystroke)."""

    text: str
    kind: QueryKind
    hits: tuple[SearchHit, ...]
    message: str | None = None  # French, when the text could not be searched as typed
    more: bool = False  # more files matched than shown: refine the search

    @property
    def open_directly(self) -> int | None:
        """The file to open at once: one hit on an exact identifier (client, contract, e-mail, phone)."""
        if len(self.hits) == 1 and self.hits[0].match in EXACT_KINDS:
            return self.hits[0].customer_id
        return None


# --- classification (pure) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameReading:
    """One way to read the typed words: which part is the last name, which the first names."""

    last: str
    first: str


class Classification(NamedTuple):
    """What the typed text is (a named tuple: one is built at each keystroke)."""

    kind: QueryKind
    identifiers: tuple[tuple[IdentifierKind, str], ...] = ()
    value: str = ""  # the normalised e-mail, phone (E.164), postcode or IBAN end
    full_iban: str | None = None
    names: tuple[NameReading, ...] = ()
    checked: bool = True  # False: a phone read without phonenumbers' validity check (see ``search``)


def name_tokens(text: str) -> list[str] | None:
    """Folded words of a name, or None when a word holds anything but letters (digits, %, _, emoji…)."""
    tokens = fold(text).split()
    if not tokens or len(tokens) > MAX_NAME_TOKENS or not all(t.isalpha() for t in tokens):
        return None
    return tokens


def name_readings(tokens: Sequence[str]) -> tuple[NameReading, ...]:
    """ "dupont marie", "marie dupont", "jean pierre dupont", "de la fontaine": every split, last name first."""
    n = len(tokens)
    readings = [NameReading(" ".join(tokens[:k]), " ".join(tokens[k:])) for k in range(1, n + 1)]
    readings += [NameReading(" ".join(tokens[k:]), " ".join(tokens[:k])) for k in range(1, n)]
    return tuple(dict.fromkeys(readings))


def classify(text: str) -> Classification:
    return _classify(text, check_phone=True)


def _classify(text: str, *, check_phone: bool) -> Classification:
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        return Classification(QueryKind.EMPTY)
    if len(stripped) > MAX_QUERY_LENGTH:
        return Classification(QueryKind.TOO_LONG)
    # The form agents type most, and one no other reading accepts.
    phone = national_phone(stripped) if check_phone else national_phone_unchecked(stripped)
    if phone is not None:
        return Classification(QueryKind.PHONE, value=phone, checked=check_phone)
    identifiers = classify_identifier(stripped)
    if identifiers:
        return Classification(QueryKind.IDENTIFIER, identifiers)  # (kind, value) named tuples
    if "@" in stripped:
        if _EMAIL.fullmatch(stripped):
            return Classification(QueryKind.EMAIL, value=stripped.lower())
        return Classification(QueryKind.UNRECOGNISED)
    if _POSTCODE.fullmatch(stripped):
        return Classification(QueryKind.POSTCODE, value=stripped)
    phone = searched_phone(stripped)
    if phone is not None:
        return Classification(QueryKind.PHONE, value=phone)
    if _IBAN_FULL.fullmatch(stripped) and any(c.isdigit() for c in stripped[4:]):
        iban = normalize_iban(stripped)
        return Classification(QueryKind.IBAN, value=iban[-4:], full_iban=iban)
    iban_end = _IBAN_END.fullmatch(stripped)
    if iban_end and (stripped[:1] in "*.•…" or stripped[:3].lower() in ("iba", "rib") or stripped.isdigit()):
        return Classification(QueryKind.IBAN, value=iban_end.group(1).upper())
    tokens = name_tokens(stripped)
    if tokens is None:
        return Classification(QueryKind.UNRECOGNISED)
    return Classification(QueryKind.NAME, names=name_readings(tokens))


def within_one_edit(a: str, b: str) -> bool:
    """Damerau distance ≤ 1: one letter wrong, missing, extra, or two neighbours swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]


def deletion_variants(term: str) -> set[str]:
    return {term} | {term[:i] + term[i + 1 :] for i in range(len(term))}


# --- queries ------------------------------------------------------------------------------------------------

_c = Customer.__table__.c
# What a list of customers shows and sorts on (the search results, the possible duplicates of a file).
SUMMARY_COLUMNS = (
    _c.id,
    _c.client_number,
    _c.civility,
    _c.first_names,
    _c.last_name,
    _c.birth_date,
    _c.postcode,
    _c.city,
    _c.last_activity_at,
    _c.last_name_key,
    _c.first_names_key,
    _c.merged_into_id,
)
_LIVE = _c.merged_into_id.is_(None)
_NAME_ORDER = (_c.last_name_key, _c.first_names_key, _c.last_activity_at.desc(), _c.id)
_BY_ACTIVITY = (_c.last_activity_at.desc(), _c.id)


def _base() -> Select[Any]:
    return select(*SUMMARY_COLUMNS)


# Statements compiled once and run on the driver (backoffice.prepared): a search costs little more than its SQL.
_BY_CLIENT = Prepared(_base().where(_c.client_number == bindparam("v")))
_BY_ID = Prepared(_base().where(_c.id == bindparam("v")))
_BY_CONTRACT = Prepared(
    _base()
    .select_from(Customer.__table__.join(Contract.__table__, Contract.__table__.c.customer_id == _c.id))
    .where(Contract.__table__.c.number == bindparam("v"))
)


_d = CustomerNameDeletion.__table__.c
_TERMS_TABLE = CustomerNameTerm.__table__
_t = _TERMS_TABLE.c
_TERMS = PreparedIn(lambda variants: select(_d.variant, _d.term).where(_d.variant.in_(variants)))


def _filter_clauses(filters: SearchFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.contract_status is not None or filters.product is not None:
        k = Contract.__table__.c
        conditions: list[ColumnElement[bool]] = [k.customer_id == _c.id]
        if filters.contract_status is not None:
            conditions.append(k.status == filters.contract_status)
        if filters.product is not None:
            conditions.append(k.product == filters.product)
        clauses.append(exists().where(*conditions))
    if filters.locked_account:
        a = PortalAccount.__table__.c
        clauses.append(exists().where(a.customer_id == _c.id, a.status == AccountStatus.LOCKED))
    return clauses


def _query(prepared: Prepared, params: dict[str, Any], filters: SearchFilters) -> Query:
    return (prepared, params) if filters is NO_FILTERS else _filtered((prepared, params), filters)


def _filtered(query: Query, filters: SearchFilters) -> Query:
    """The prepared query, or with filters its statement plus their clauses (rarer, cached by SQLAlchemy)."""
    prepared, params = query
    if filters is NO_FILTERS or not filters.active:
        return query
    if not isinstance(prepared, Prepared) or not isinstance(prepared.stmt, Select):
        # A WHERE added to a union would filter nothing: its parts take the clauses (see ``_by_phone``).
        raise TypeError("search filters apply to a prepared select; build a union's into each of its parts")
    return (prepared.stmt.where(*_filter_clauses(filters)), params)


def _hit(row: Any, match: MatchKind, reason: str) -> SearchHit:
    return SearchHit(
        row.id,
        row.client_number,
        display_name(row.civility, row.first_names, row.last_name),
        row.birth_date,
        row.postcode,
        row.city,
        row.last_activity_at,
        match,
        reason,
    )


class _Collector:
    """Hits in rank order without duplicates (a customer found twice keeps its best reason).

    Rows are kept as they came; only the ones shown become ``SearchHit``s.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.hits: dict[int, _Entry] = {}
        self.more = False

    def add(self, row: Any, match: MatchKind, reason: str, key_of: Callable[[Any], tuple[Any, ...]]) -> None:
        """``key_of`` orders the row among its match kind's; keys are computed only to compare or sort (the one
        file an exact identifier finds needs none)."""
        entry = (match, row, reason, key_of)
        known = self.hits.get(row.id)
        if known is None or _entry_key(entry) < _entry_key(known):
            self.hits[row.id] = entry

    def result(self) -> tuple[tuple[SearchHit, ...], bool]:
        if len(self.hits) == 1:  # an exact identifier's one file (the limit is at least 1)
            ((match, row, reason, _),) = self.hits.values()
            return (_hit(row, match, reason),), self.more
        entries = list(self.hits.values())
        if len(entries) > 1:
            entries.sort(key=_entry_key)
        shown = tuple(_hit(row, match, reason) for match, row, reason, _ in entries[: self.limit])
        return shown, self.more or len(entries) > self.limit


_Entry = tuple[MatchKind, Any, str, Callable[[Any], tuple[Any, ...]]]


def _entry_key(entry: _Entry) -> tuple[Any, ...]:
    match, row, _, key_of = entry
    return (_RANK[match], *key_of(row))


def _name_key(row: Any) -> tuple[Any, ...]:
    return (row.last_name_key, row.first_names_key, -row.last_activity_at.timestamp(), row.id)


def _activity_key(row: Any) -> tuple[Any, ...]:
    return (-row.last_activity_at.timestamp(), row.id)


_SHAPES = ("prefix", "exact", "longer")  # how a reading's last name is matched, see ``_name_plan``


def _first_prefix(suffix: str) -> ColumnElement[bool]:
    lo: BindParameter[str] = bindparam(f"first_lo{suffix}")
    hi: BindParameter[str] = bindparam(f"first_hi{suffix}")
    return and_(_c.first_names_key >= lo, _c.first_names_key < hi)


def _last_name(shape: str, suffix: str) -> ColumnElement[bool]:
    lo: BindParameter[str] = bindparam(f"lo{suffix}")
    hi: BindParameter[str] = bindparam(f"hi{suffix}")
    if shape == "exact":
        return _c.last_name_key == lo
    if shape == "longer":
        return and_(_c.last_name_key > lo, _c.last_name_key < hi)
    return and_(_c.last_name_key >= lo, _c.last_name_key < hi)


def _name_select(shape: str, with_first: bool, suffix: str = "") -> Select[Any]:
    first = (_first_prefix(suffix),) if with_first else ()
    return (
        _base().where(_last_name(shape, suffix), _LIVE, *first).order_by(*_NAME_ORDER).limit(bindparam("n"))
    )


def _longer_name_by_name() -> Select[Any]:
    """Longer names with first names ("martin" + "laure": Martinez, Martineau… Laure) read name by name, for
    SQLite: the distinct names in the range (``customer_name_term`` holds every last name), then for each an
    index seek on (name, first names), in name order so the limit still stops early.

    Walking the name index over the range read every "martinez…" to find its Laures, 12,500 entries: 1.6–2.8 ms
    on SQLite for a common name, against 0.3 name by name (p95 of last + first name searches 2.1–2.4 → 1.3–1.8
    ms, alternating). On PostgreSQL each seek of a nested loop costs more and the walk less: name by name was
    slower there (p95 1.4–2.0 → 2.3–2.5 ms), so it keeps the walk.
    """
    by_name = _TERMS_TABLE.join(Customer.__table__, _c.last_name_key == _t.term)
    return (
        _base()
        .select_from(by_name)
        .where(_t.term > bindparam("lo"), _t.term < bindparam("hi"), _LIVE, _first_prefix(""))
        .order_by(_t.term, *_NAME_ORDER[1:])
        .limit(bindparam("n"))
    )


def _near_select(variants: int, suffix: str) -> Select[Any]:
    """Customers with the typed first names whose last name shares a deletion variant with the typed one, the
    name itself and the names it starts excluded: a superset of the one-typo matches (Python keeps those one
    edit away). Each distinct name is a seek in the name index (a lateral join, whatever the plan's estimates).
    """
    variant_list: list[BindParameter[str]] = [bindparam(f"in_{i}{suffix}") for i in range(variants)]
    outside = or_(_d.term < bindparam(f"lo{suffix}"), _d.term >= bindparam(f"hi{suffix}"))
    terms = select(_d.term).where(_d.variant.in_(variant_list), outside).distinct().subquery("near_terms")
    near = (
        _base()
        .where(_c.last_name_key == terms.c.term, _LIVE, _first_prefix(suffix))
        .order_by(*_NAME_ORDER)
        .limit(bindparam("n"))
        .lateral("near")
    )
    order = (near.c.last_name_key, near.c.first_names_key, near.c.last_activity_at.desc(), near.c.id)
    return select(*near.c).select_from(terms.join(near, true())).order_by(*order).limit(bindparam("n"))


# One statement per shape, built once (with filters, built per search: rarer, and cached by SQLAlchemy).
_NAME_STATEMENTS = {
    (shape, with_first): Prepared(_name_select(shape, with_first))
    for shape in _SHAPES
    for with_first in (False, True)
}

_LONGER_NAME_BY_NAME = Prepared(_longer_name_by_name())

#: A branch of a name search sent as one statement: (shape or "near", with first names, IN-list size of "near").
Branch = tuple[str, bool, int]
_UNIONS: dict[tuple[Branch, ...], Prepared] = {}


def _union(branches: tuple[Branch, ...]) -> Prepared:
    """All the branches of a name search's first round as one statement, each row tagged with its branch.

    PostgreSQL plans and runs one statement instead of five to nine (the pipeline already spared the round
    trips, not the cost of each statement on both ends).
    """
    prepared = _UNIONS.get(branches)
    if prepared is None:
        selects = [
            (
                _near_select(variants, f"_{i}")
                if shape == "near"
                else _name_select(shape, with_first, f"_{i}")
            ).add_columns(literal_column(str(i)).label("branch"))
            for i, (shape, with_first, variants) in enumerate(branches)
        ]
        prepared = _UNIONS[branches] = Prepared(union_all(*selects))
    return prepared


def _typo_names(with_first: bool) -> PreparedIn:
    """Names one edit away, with or without first names."""
    first = (_first_prefix(""),) if with_first else ()
    return PreparedIn(
        lambda terms: (
            _base()
            .where(_c.last_name_key.in_(terms), _LIVE, *first)
            .order_by(*_NAME_ORDER)
            .limit(bindparam("n"))
        )
    )


_TYPO_STATEMENTS = {with_first: _typo_names(with_first) for with_first in (False, True)}


def _name_params(reading: NameReading, limit: int) -> dict[str, Any]:
    params: dict[str, Any] = {"n": limit + 1, "lo": reading.last, "hi": reading.last + _PREFIX_END}
    if reading.first:
        params.update(first_lo=reading.first, first_hi=reading.first + _PREFIX_END)
    return params


def _typo_query(reading: NameReading, filters: SearchFilters, limit: int, terms: list[str]) -> Query:
    """Customers bearing one of ``terms``, the names one edit away from the reading's last name."""
    prepared = _TYPO_STATEMENTS[bool(reading.first)]
    return _filtered(prepared.query(terms, _name_params(reading, limit)), filters)


class _Step(NamedTuple):
    reading: NameReading
    shape: str  # one of _SHAPES, or "near" (the one-typo superset, read speculatively)
    params: dict[str, Any]


def _name_plan(readings: Sequence[NameReading], limit: int, near: bool) -> list[_Step]:
    """The first round of a name search: every reading's exact and starting names.

    With first names, the exact last name is asked apart ("martin" + "marie…" is a seek in the (last name,
    first names) index) and the longer names too, used only if the exact ones left room; a 2-letter name asks
    no longer ones ("le" + "bihan patricia" would walk every name in "le…" for nothing). With ``near``, a
    reading with first names also asks for its one-typo superset (few rows, as the first names narrow it).
    """
    plan = []
    for reading in readings:
        params = _name_params(reading, limit)
        if not reading.first:
            plan.append(_Step(reading, "prefix", params))
            continue
        plan.append(_Step(reading, "exact", params))
        if len(reading.last) >= MIN_PREFIX_WITH_FIRST_NAMES:
            plan.append(_Step(reading, "longer", params))
        if near and _typo_allowed(reading.last):
            variants = padded_in_list(sorted(deletion_variants(reading.last)))
            plan.append(_Step(reading, "near", {**params, **{f"in_{i}": v for i, v in enumerate(variants)}}))
    return plan


def _plan_queries(plan: list[_Step], filters: SearchFilters, together: bool, by_name: bool) -> list[Query]:
    """The plan's statements: one (``together``) or one per step; ``by_name``, longer names are read name by
    name (SQLite, see ``_longer_name_by_name``)."""
    if not together:
        return [
            _query(
                _LONGER_NAME_BY_NAME
                if by_name and step.shape == "longer"
                else _NAME_STATEMENTS[(step.shape, bool(step.reading.first))],
                step.params,
                filters,
            )
            for step in plan
        ]
    branches = tuple(
        (step.shape, bool(step.reading.first), sum(1 for k in step.params if k.startswith("in_")))
        for step in plan
    )
    params = {"n": plan[0].params["n"]}
    for i, step in enumerate(plan):
        params.update({f"{k}_{i}": v for k, v in step.params.items() if k != "n"})
    return [(_union(branches), params)]


def _split_union(plan: list[_Step], rows: list[Any]) -> list[list[Any]]:
    fetched: list[list[Any]] = [[] for _ in plan]
    for row in rows:
        fetched[row.branch].append(row)
    return fetched


def _collect_names(
    session: Session,
    plan: list[_Step],
    fetched: list[list[Any]],
    terms_of: dict[str, list[str]],
    filters: SearchFilters,
    out: _Collector,
) -> None:
    found = 0
    by_reading: dict[NameReading, list[Any]] = {}
    near: dict[NameReading, list[Any]] = {}
    for step, rows in zip(plan, fetched, strict=True):
        if step.shape == "near":
            near[step.reading] = rows
            continue
        known = by_reading.setdefault(step.reading, [])
        if step.shape == "longer" and len(known) > out.limit:
            continue  # exact names filled the page: longer ones could not be shown
        known.extend(rows)
    for reading, rows in by_reading.items():
        with_first = " et prénom" if reading.first else ""
        if len(rows) > out.limit:
            out.more = True
        found += len(rows)
        for row in rows:
            if row.last_name_key == reading.last:
                out.add(row, MatchKind.NAME_EXACT, f"Nom{with_first}", _name_key)
            else:
                out.add(row, MatchKind.NAME_PREFIX, f"Début du nom{with_first}", _name_key)
    if found < out.limit:
        _collect_typos(session, list(by_reading), near, terms_of, filters, out)


def _typo_lasts(readings: Sequence[NameReading]) -> list[str]:
    return list(dict.fromkeys(r.last for r in readings if _typo_allowed(r.last)))


def _terms_query(lasts: list[str]) -> Query:
    """The names sharing a deletion variant with any of ``lasts``: one statement for all the readings."""
    variants: set[str] = set()
    for last in lasts:
        variants |= deletion_variants(last)
    return _TERMS.query(sorted(variants))


def _terms_of(lasts: list[str], rows: list[Any]) -> dict[str, list[str]]:
    """For each last name, the names among ``rows`` one edit away from it."""
    terms = {}
    for last in lasts:
        variants = deletion_variants(last)
        terms[last] = _one_edit_away(last, (r.term for r in rows if r.variant in variants))
    return terms


def _collect_typos(
    session: Session,
    readings: list[NameReading],
    near: dict[NameReading, list[Any]],
    terms_of: dict[str, list[str]],
    filters: SearchFilters,
    out: _Collector,
) -> None:
    """Names one letter away, for every reading at once.

    A reading whose one-typo superset came with the first round needs nothing more when it is complete (fewer
    rows than asked) or holds a page of one-typo names anyway (rows come in name order: any one it misses would
    be shown after them). For the others: their candidate names (already read with the first round, ``terms_of``,
    or now in one round trip), then the customers bearing them in another.
    """
    remaining = []
    for reading in readings:
        rows = near.get(reading)
        close = [row for row in rows if within_one_edit(row.last_name_key, reading.last)] if rows else []
        if rows is None or (len(rows) > out.limit >= len(close)):
            # Not asked, or cut by the limit before a page of one-typo names: what lies beyond is unknown.
            remaining.append(reading)
            continue
        _add_typos(out, reading, close)
    lasts = _typo_lasts(remaining)
    if not lasts:
        return
    missing = [last for last in lasts if last not in terms_of]  # not read with the first round
    if missing:
        terms_of = {**terms_of, **_terms_of(missing, fetch(session, _terms_query(missing))[0])}
    typo_readings = [r for r in remaining if terms_of.get(r.last)]
    fetched = fetch(session, *(_typo_query(r, filters, out.limit, terms_of[r.last]) for r in typo_readings))
    for reading, rows in zip(typo_readings, fetched, strict=True):
        _add_typos(out, reading, rows)


def _add_typos(out: _Collector, reading: NameReading, rows: Iterable[Any]) -> None:
    with_first = " et prénom" if reading.first else ""
    reason = f"Nom à une lettre près (« {reading.last} »){with_first}"
    for row in rows:
        out.add(row, MatchKind.NAME_TYPO, reason, _name_key)


def _one_edit_away(last: str, candidates: Iterable[str]) -> list[str]:
    """The distinct names among the candidates one edit away from ``last`` (not itself, nor names it starts)."""
    return sorted({term for term in candidates if not term.startswith(last) and within_one_edit(term, last)})


def _typo_allowed(last: str) -> bool:
    """Only a one-word name is forgiven a typo: "d_pont" is the words "d pont", not "dupont" with a joker."""
    return MIN_TYPO_LENGTH <= len(last) <= 80 and " " not in last


def _add_rows(out: _Collector, rows: Iterable[Any], match: MatchKind, reason: str, *, by_name: bool) -> None:
    for row in rows:
        out.add(row, match, reason, _name_key if by_name else _activity_key)


def _collect_identifiers(
    session: Session,
    identifiers: Sequence[tuple[IdentifierKind, str]],
    fetched: list[list[Any]],
    filters: SearchFilters,
    out: _Collector,
) -> None:
    merged: list[tuple[str, int]] = []  # an old client number: its file lives on in the survivor's
    for (kind, value), rows in zip(identifiers, fetched, strict=True):
        for row in rows:
            if kind is not IdentifierKind.CLIENT_NUMBER:
                out.add(row, MatchKind.CONTRACT_NUMBER, f"Contrat {value}", _activity_key)
            elif row.merged_into_id is None:
                out.add(row, MatchKind.CLIENT_NUMBER, "Numéro client", _activity_key)
            else:
                merged.append((value, row.merged_into_id))
    if not merged:
        return
    survivors = fetch(session, *(_query(_BY_ID, {"v": survivor}, filters) for _, survivor in merged))
    for (value, _), rows in zip(merged, survivors, strict=True):
        for row in rows:
            reason = f"Ancien numéro client {value} (dossier fusionné)"
            out.add(row, MatchKind.CLIENT_NUMBER, reason, _activity_key)


_BY_EMAIL = Prepared(_base().where(_c.email_key == bindparam("v"), _LIVE).order_by(*_BY_ACTIVITY))


def _by_phone(clauses: Sequence[ColumnElement[bool]] = ()) -> CompoundSelect[Any]:
    """Customers with the number as mobile or home phone: one statement (a seek in each column's index), each
    row tagged with the column it matched (``home``: 0 for the mobile, 1 for the home phone).
    """
    return union_all(
        *(
            _base()
            .add_columns(literal_column(str(home)).label("home"))
            .where(column == bindparam("v"), _LIVE, *clauses)
            for home, column in enumerate((_c.phone_mobile, _c.phone_home))
        )
    )


_BY_PHONE = Prepared(_by_phone())
_PHONE_REASONS = ("Téléphone mobile", "Téléphone fixe")
_column_matched = attrgetter("home")
_BY_POSTCODE = Prepared(
    _base().where(_c.postcode == bindparam("v"), _LIVE).order_by(*_NAME_ORDER).limit(bindparam("n"))
)
_BY_IBAN_END = Prepared(
    _base().where(_c.iban_last4 == bindparam("v"), _LIVE).order_by(*_NAME_ORDER).limit(bindparam("n"))
)
_IBAN_OF = Prepared(select(_c.iban).where(_c.id == bindparam("v")))

_MESSAGES = {
    QueryKind.EMPTY: "Saisissez un nom, un numéro client ou de contrat, un e-mail, un téléphone ou un code postal.",
    QueryKind.TOO_LONG: f"Recherche trop longue (plus de {MAX_QUERY_LENGTH} caractères) : rien n'a été cherché.",
    QueryKind.UNRECOGNISED: "Saisie non reconnue : ni un nom, ni un numéro, ni un e-mail, ni un téléphone.",
}


class _FirstRound(NamedTuple):
    queries: list[Query]
    plan: list[_Step]  # a name search's steps
    together: bool  # the plan's steps are one statement (PostgreSQL)
    speculated: list[str]  # last names whose typo candidates come with the first round (PostgreSQL)


def _first_round(what: Classification, filters: SearchFilters, limit: int, speculate: bool) -> _FirstRound:
    """The queries a search starts with (sent together), and for names their plan.

    With ``speculate`` (PostgreSQL, where a round trip costs more than the SQL), a name search's steps go as
    one statement, and what its one-typo names need is read up front: for a reading with first names, the
    customers themselves (``near``); for one without, the candidate names (primary-key lookups).
    """
    if what.kind is QueryKind.IDENTIFIER:
        queries = [
            _query(
                _BY_CLIENT if kind is IdentifierKind.CLIENT_NUMBER else _BY_CONTRACT, {"v": value}, filters
            )
            for kind, value in what.identifiers
        ]
    elif what.kind is QueryKind.EMAIL:
        queries = [_query(_BY_EMAIL, {"v": what.value}, filters)]
    elif what.kind is QueryKind.PHONE:
        params = {"v": what.value}
        queries = [(_by_phone(_filter_clauses(filters)), params) if filters.active else (_BY_PHONE, params)]
    elif what.kind is QueryKind.POSTCODE:
        queries = [_query(_BY_POSTCODE, {"v": what.value, "n": limit + 1}, filters)]
    elif what.kind is QueryKind.IBAN:
        queries = [_query(_BY_IBAN_END, {"v": what.value, "n": limit + 1}, filters)]
    elif what.kind is QueryKind.NAME:
        together = speculate and not filters.active  # filters make statements of their own
        plan = _name_plan(what.names, limit, near=together)
        queries = _plan_queries(plan, filters, together, by_name=not speculate)
        speculated: list[str] = []
        if speculate:
            with_near = {step.reading for step in plan if step.shape == "near"}
            speculated = _typo_lasts([r for r in what.names if r not in with_near])
            if speculated:
                queries.append(_terms_query(speculated))
        return _FirstRound(queries, plan, together, speculated)
    else:
        queries = []
    return _FirstRound(queries, [], False, [])


def _speculates(session: Session) -> bool:
    """Whether to read ahead what a search may need (PostgreSQL, where a round trip costs more than SQL)."""
    bind = session.bind if session.bind is not None else session.get_bind()
    return bind.dialect.name == "postgresql"


def search(
    session: Session,
    actor: Actor,
    text: str,
    filters: SearchFilters = NO_FILTERS,
    limit: int = DEFAULT_LIMIT,
) -> SearchResult:
    """Recognise what was typed and return the matching files, best first, each with why it matched.

    The permission check comes first, on its own: nothing about customers is read for an agent it refuses.
    The search's first queries then go together (one round trip on PostgreSQL).

    A French national number is searched before phonenumbers says whether it is valid, which costs more than
    the lookup itself: only a number that found nobody is checked, and an invalid one is then searched as what
    ``classify`` reads (the text is unrecognised), as if it had been checked first.
    """
    require(session, actor, Permission.CUSTOMER_VIEW)
    what = _classify(text, check_phone=False)
    result = _search_as(session, text, what, filters, limit)
    if not what.checked and not result.hits:
        checked = classify(text)
        if checked.kind is not QueryKind.PHONE or checked.value != what.value:
            return _search_as(session, text, checked, filters, limit)
    return result


def _search_as(
    session: Session, text: str, what: Classification, filters: SearchFilters, limit: int
) -> SearchResult:
    out = _Collector(max(1, min(limit, 500)))
    speculate = what.kind is QueryKind.NAME and _speculates(session)  # only a name search reads ahead
    first = _first_round(what, filters, out.limit, speculate)
    fetched = fetch(session, *first.queries) if first.queries else []
    message = _MESSAGES.get(what.kind)
    if what.kind is QueryKind.IDENTIFIER:
        _collect_identifiers(session, what.identifiers, fetched, filters, out)
    elif what.kind is QueryKind.EMAIL:
        _add_rows(out, fetched[0], MatchKind.EMAIL, "E-mail", by_name=False)
    elif what.kind is QueryKind.PHONE:
        for row in sorted(fetched[0], key=_column_matched):  # a customer found by both keeps its mobile
            out.add(row, MatchKind.PHONE, _PHONE_REASONS[row.home], _activity_key)
    elif what.kind is QueryKind.POSTCODE:
        _add_rows(out, fetched[0], MatchKind.POSTCODE, f"Code postal {what.value}", by_name=True)
    elif what.kind is QueryKind.IBAN:
        rows = fetched[0]
        if what.full_iban is not None:
            ibans = fetch(session, *((_IBAN_OF, {"v": row.id}) for row in rows))
            rows = [
                row for row, iban in zip(rows, ibans, strict=True) if iban and iban[0].iban == what.full_iban
            ]
            reason = "IBAN complet"
        else:
            reason = f"IBAN se terminant par {what.value}"
        _add_rows(out, rows, MatchKind.IBAN, reason, by_name=True)
    elif what.kind is QueryKind.NAME:
        terms_of = _terms_of(first.speculated, fetched.pop()) if first.speculated else {}
        if first.together:
            fetched = _split_union(first.plan, fetched[0])
        _collect_names(session, first.plan, fetched, terms_of, filters, out)
    hits, more = out.result()
    if not hits and message is None:
        message = "Aucun dossier ne correspond."
    return SearchResult(
        text=text if isinstance(text, str) else "", kind=what.kind, hits=hits, message=message, more=more
    )
