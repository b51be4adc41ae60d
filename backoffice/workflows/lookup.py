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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, select
from sqlalchemy.orm import Session

from backoffice.checks.bank import normalize_iban
from backoffice.checks.identifiers import IdentifierKind, classify_identifier
from backoffice.checks.phone import searched_phone
from backoffice.checks.text import fold
from backoffice.models import (
    AccountStatus,
    Contract,
    ContractStatus,
    Customer,
    CustomerNameDeletion,
    PortalAccount,
    Product,
)
from backoffice.models.customers import display_name
from backoffice.prepared import Prepared, PreparedIn, Query, fetch
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


@dataclass(frozen=True)
class SearchResult:
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


@dataclass(frozen=True)
class Classification:
    kind: QueryKind
    identifiers: tuple[tuple[IdentifierKind, str], ...] = ()
    value: str = ""  # the normalised e-mail, phone (E.164), postcode or IBAN end
    full_iban: str | None = None
    names: tuple[NameReading, ...] = ()


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
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        return Classification(QueryKind.EMPTY)
    if len(stripped) > MAX_QUERY_LENGTH:
        return Classification(QueryKind.TOO_LONG)
    identifiers = classify_identifier(stripped)
    if identifiers:
        return Classification(QueryKind.IDENTIFIER, tuple((c.kind, c.value) for c in identifiers))
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
_TERMS = PreparedIn(lambda variants: select(_d.term).where(_d.variant.in_(variants)))


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
    return _filtered((prepared, params), filters)


def _filtered(query: Query, filters: SearchFilters) -> Query:
    """The prepared query, or with filters its statement plus their clauses (rarer, cached by SQLAlchemy)."""
    prepared, params = query
    if not filters.active or not isinstance(prepared, Prepared) or not isinstance(prepared.stmt, Select):
        return query
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
        self.hits: dict[int, tuple[tuple[Any, ...], Any, MatchKind, str]] = {}
        self.more = False

    def add(self, row: Any, match: MatchKind, reason: str, sort_key: tuple[Any, ...]) -> None:
        key = (_RANK[match], *sort_key)
        known = self.hits.get(row.id)
        if known is None or key < known[0]:
            self.hits[row.id] = (key, row, match, reason)

    def result(self) -> tuple[tuple[SearchHit, ...], bool]:
        ordered = sorted(self.hits.values(), key=lambda entry: entry[0])
        shown = tuple(_hit(row, match, reason) for _, row, match, reason in ordered[: self.limit])
        return shown, self.more or len(ordered) > self.limit


def _name_key(row: Any) -> tuple[Any, ...]:
    return (row.last_name_key, row.first_names_key, -row.last_activity_at.timestamp(), row.id)


def _activity_key(row: Any) -> tuple[Any, ...]:
    return (-row.last_activity_at.timestamp(), row.id)


_FIRST_PREFIX = and_(_c.first_names_key >= bindparam("first_lo"), _c.first_names_key < bindparam("first_hi"))
# How the last name is matched. With first names too, the exact last name is asked apart ("martin" + "marie…"
# is then a seek in the (last name, first names) index) and the longer ones only if it left room: a range on the
# last name would scan every "martin…" entry to test its first names.
_LAST_NAME = {
    "prefix": and_(_c.last_name_key >= bindparam("lo"), _c.last_name_key < bindparam("hi")),
    "exact": _c.last_name_key == bindparam("lo"),
    "longer": and_(_c.last_name_key > bindparam("lo"), _c.last_name_key < bindparam("hi")),
}
# One statement per shape, built once (with filters, built per search: rarer, and cached by SQLAlchemy).
_NAME_STATEMENTS = {
    (shape, with_first): Prepared(
        _base()
        .where(condition, _LIVE, *((_FIRST_PREFIX,) if with_first else ()))
        .order_by(*_NAME_ORDER)
        .limit(bindparam("n"))
    )
    for shape, condition in _LAST_NAME.items()
    for with_first in (False, True)
}


def _typo_names(with_first: bool) -> PreparedIn:
    """Names one edit away, with or without first names."""
    first = (_FIRST_PREFIX,) if with_first else ()
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
    params: dict[str, Any] = {"n": limit + 1}
    if reading.first:
        params.update(first_lo=reading.first, first_hi=reading.first + _PREFIX_END)
    return params


def _name_query(reading: NameReading, filters: SearchFilters, limit: int, shape: str) -> Query:
    params = {**_name_params(reading, limit), "lo": reading.last, "hi": reading.last + _PREFIX_END}
    return _query(_NAME_STATEMENTS[(shape, bool(reading.first))], params, filters)


def _typo_query(reading: NameReading, filters: SearchFilters, limit: int, terms: list[str]) -> Query:
    """Customers bearing one of ``terms``, the names one edit away from the reading's last name."""
    prepared = _TYPO_STATEMENTS[bool(reading.first)]
    return _filtered(prepared.query(terms, _name_params(reading, limit)), filters)


def _name_plan(
    readings: Sequence[NameReading], filters: SearchFilters, limit: int
) -> list[tuple[NameReading, str, Query]]:
    """The first round of a name search: every reading's exact and starting names.

    With first names, the exact last name is asked apart ("martin" + "marie…" is a seek in the (last name,
    first names) index) and the longer names too, used only if the exact ones left room; a 2-letter name asks
    no longer ones ("le" + "bihan patricia" would walk every name in "le…" for nothing).
    """
    plan = []
    for reading in readings:
        if not reading.first:
            plan.append((reading, "prefix", _name_query(reading, filters, limit, "prefix")))
            continue
        plan.append((reading, "exact", _name_query(reading, filters, limit, "exact")))
        if len(reading.last) >= MIN_PREFIX_WITH_FIRST_NAMES:
            plan.append((reading, "longer", _name_query(reading, filters, limit, "longer")))
    return plan


def _collect_names(
    session: Session,
    plan: list[tuple[NameReading, str, Query]],
    fetched: list[list[Any]],
    filters: SearchFilters,
    out: _Collector,
) -> None:
    candidates = fetched[len(plan) :] or None  # the typo candidates, when read with the first round
    fetched = fetched[: len(plan)]
    found = 0
    by_reading: dict[NameReading, list[Any]] = {}
    for (reading, shape, _), rows in zip(plan, fetched, strict=True):
        known = by_reading.setdefault(reading, [])
        if shape == "longer" and len(known) > out.limit:
            continue  # exact names filled the page: longer ones could not be shown
        known.extend(rows)
    for reading, rows in by_reading.items():
        with_first = " et prénom" if reading.first else ""
        if len(rows) > out.limit:
            out.more = True
        found += len(rows)
        for row in rows:
            if row.last_name_key == reading.last:
                out.add(row, MatchKind.NAME_EXACT, f"Nom{with_first}", _name_key(row))
            else:
                out.add(row, MatchKind.NAME_PREFIX, f"Début du nom{with_first}", _name_key(row))
    if found < out.limit:
        _collect_typos(session, list(by_reading), filters, out, candidates)


def _typo_lasts(readings: Sequence[NameReading]) -> list[str]:
    return list(dict.fromkeys(r.last for r in readings if _typo_allowed(r.last)))


def _terms_queries(lasts: list[str]) -> list[Query]:
    return [_TERMS.query(sorted(deletion_variants(last))) for last in lasts]


def _collect_typos(
    session: Session,
    readings: list[NameReading],
    filters: SearchFilters,
    out: _Collector,
    candidates: list[list[Any]] | None,
) -> None:
    """Names one letter away, for every reading at once: their candidate names in one round trip (or already
    read with the first round, ``candidates``), then the customers bearing them in another."""
    lasts = _typo_lasts(readings)
    if not lasts:
        return
    if candidates is None:
        candidates = fetch(session, *_terms_queries(lasts))
    terms_of = {last: _one_edit_away(last, rows) for last, rows in zip(lasts, candidates, strict=True)}
    typo_readings = [r for r in readings if terms_of.get(r.last)]
    fetched = fetch(session, *(_typo_query(r, filters, out.limit, terms_of[r.last]) for r in typo_readings))
    for reading, rows in zip(typo_readings, fetched, strict=True):
        with_first = " et prénom" if reading.first else ""
        for row in rows:
            out.add(
                row,
                MatchKind.NAME_TYPO,
                f"Nom à une lettre près (« {reading.last} »){with_first}",
                _name_key(row),
            )


def _one_edit_away(last: str, candidates: list[Any]) -> list[str]:
    """The distinct names among the candidates one edit away from ``last`` (not itself, nor names it starts)."""
    return sorted(
        {
            r.term
            for r in candidates
            if r.term != last and not r.term.startswith(last) and within_one_edit(r.term, last)
        }
    )


def _typo_allowed(last: str) -> bool:
    """Only a one-word name is forgiven a typo: "d_pont" is the words "d pont", not "dupont" with a joker."""
    return MIN_TYPO_LENGTH <= len(last) <= 80 and " " not in last


def _add_rows(out: _Collector, rows: Iterable[Any], match: MatchKind, reason: str, *, by_name: bool) -> None:
    for row in rows:
        out.add(row, match, reason, _name_key(row) if by_name else _activity_key(row))


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
                out.add(row, MatchKind.CONTRACT_NUMBER, f"Contrat {value}", _activity_key(row))
            elif row.merged_into_id is None:
                out.add(row, MatchKind.CLIENT_NUMBER, "Numéro client", _activity_key(row))
            else:
                merged.append((value, row.merged_into_id))
    if not merged:
        return
    survivors = fetch(session, *(_query(_BY_ID, {"v": survivor}, filters) for _, survivor in merged))
    for (value, _), rows in zip(merged, survivors, strict=True):
        for row in rows:
            reason = f"Ancien numéro client {value} (dossier fusionné)"
            out.add(row, MatchKind.CLIENT_NUMBER, reason, _activity_key(row))


_BY_EMAIL = Prepared(_base().where(_c.email_key == bindparam("v"), _LIVE).order_by(*_BY_ACTIVITY))
_BY_MOBILE = Prepared(_base().where(_c.phone_mobile == bindparam("v"), _LIVE))
_BY_HOME = Prepared(_base().where(_c.phone_home == bindparam("v"), _LIVE))
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


def _first_round(
    what: Classification, filters: SearchFilters, limit: int, speculate: bool
) -> tuple[list[Query], list[tuple[NameReading, str, Query]]]:
    """The queries a search starts with (sent together), and for names their plan.

    With ``speculate``, a name search also asks for its typo candidates (primary-key lookups) up front: on
    PostgreSQL that saves a round trip whenever the exact and starting names leave room for typos.
    """
    n = {"n": limit + 1}
    if what.kind is QueryKind.IDENTIFIER:
        return [
            _query(
                _BY_CLIENT if kind is IdentifierKind.CLIENT_NUMBER else _BY_CONTRACT, {"v": value}, filters
            )
            for kind, value in what.identifiers
        ], []
    if what.kind is QueryKind.EMAIL:
        return [_query(_BY_EMAIL, {"v": what.value}, filters)], []
    if what.kind is QueryKind.PHONE:
        return [
            _query(_BY_MOBILE, {"v": what.value}, filters),
            _query(_BY_HOME, {"v": what.value}, filters),
        ], []
    if what.kind is QueryKind.POSTCODE:
        return [_query(_BY_POSTCODE, {"v": what.value, **n}, filters)], []
    if what.kind is QueryKind.IBAN:
        return [_query(_BY_IBAN_END, {"v": what.value, **n}, filters)], []
    if what.kind is QueryKind.NAME:
        plan = _name_plan(what.names, filters, limit)
        queries = [query for _, _, query in plan]
        if speculate:
            queries += _terms_queries(_typo_lasts(what.names))
        return queries, plan
    return [], []


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
    """
    require(session, actor, Permission.CUSTOMER_VIEW)
    what = classify(text)
    out = _Collector(max(1, min(limit, 500)))
    speculate = session.connection().dialect.name == "postgresql"  # where a round trip costs more than SQL
    queries, plan = _first_round(what, filters, out.limit, speculate)
    fetched = fetch(session, *queries) if queries else []
    message = _MESSAGES.get(what.kind)
    if what.kind is QueryKind.IDENTIFIER:
        _collect_identifiers(session, what.identifiers, fetched, filters, out)
    elif what.kind is QueryKind.EMAIL:
        _add_rows(out, fetched[0], MatchKind.EMAIL, "E-mail", by_name=False)
    elif what.kind is QueryKind.PHONE:
        _add_rows(out, fetched[0], MatchKind.PHONE, "Téléphone mobile", by_name=False)
        _add_rows(out, fetched[1], MatchKind.PHONE, "Téléphone fixe", by_name=False)
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
        _collect_names(session, plan, fetched, filters, out)
    hits, more = out.result()
    if not hits and message is None:
        message = "Aucun dossier ne correspond."
    return SearchResult(
        text=text if isinstance(text, str) else "", kind=what.kind, hits=hits, message=message, more=more
    )
