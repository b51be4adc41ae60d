"""Supervision of account-lock events: the filtered list, its review, its export and the daily trends.

The list is paged by keyset (the sort key of the last row shown), so the hundredth page costs what the first does
and a table of hundreds of thousands of rows never freezes. Periods are Paris dates; storage is UTC.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from backoffice.checks.identifiers import normalize_client_number
from backoffice.clock import PARIS
from backoffice.errors import ConcurrentEdit, InvalidInput, NotFound, Refused
from backoffice.models.accounts import LOCK_REASON_LABELS, LockEvent, LockReason
from backoffice.models.customers import Customer
from backoffice.models.staff import Agent
from backoffice.workflows import audit
from backoffice.workflows.context import Actor, now
from backoffice.workflows.permissions import Permission, require

MAX_PAGE_SIZE = 500
MAX_REVIEW_BATCH = 1000
MAX_COMMENT_LENGTH = 2000
MAX_TREND_DAYS = 366
IN_CHUNK = 900  # below SQLite's bound-parameter limit
TREND_DAYS_PER_QUERY = 100  # below SQLite's limit of 500 terms in a compound SELECT


class ReviewState(enum.Enum):
    ALL = "all"
    REVIEWED = "reviewed"
    UNREVIEWED = "unreviewed"


REVIEW_STATE_LABELS = {
    ReviewState.ALL: "Tous",
    ReviewState.REVIEWED: "Revus",
    ReviewState.UNREVIEWED: "À revoir",
}


@dataclass(frozen=True)
class LockEventFilter:
    """What the supervisor asked for. Dates are Paris calendar days, both ends included."""

    start: date | None = None
    end: date | None = None
    reasons: tuple[LockReason, ...] = ()
    review: ReviewState = ReviewState.ALL
    unlocked_by_id: int | None = None
    client_number: str | None = None
    origin: str | None = None  # an IP address, or a /24 prefix ("192.0.2.0/24", "192.0.2.", "192.0.2.*")
    country: str | None = None
    event_ids: tuple[int, ...] = ()  # the events a red flag links to

    def describe(self) -> str:
        """A French one-liner for audit summaries and export headers."""
        parts = []
        if self.start or self.end:
            parts.append(f"du {self.start or '…'} au {self.end or '…'}")
        if self.reasons:
            parts.append("motifs " + ", ".join(LOCK_REASON_LABELS[r] for r in self.reasons))
        if self.review is not ReviewState.ALL:
            parts.append(REVIEW_STATE_LABELS[self.review].lower())
        if self.unlocked_by_id:
            parts.append(f"débloqués par l'agent n° {self.unlocked_by_id}")
        if self.client_number:
            parts.append(f"client {self.client_number}")
        if self.origin:
            parts.append(f"origine {self.origin}")
        if self.country:
            parts.append(f"pays {self.country}")
        if self.event_ids:
            parts.append(f"{len(self.event_ids)} événements désignés")
        return "; ".join(parts) or "aucun filtre"


@dataclass(frozen=True)
class SortSpec:
    key: str = "occurred_at"
    descending: bool = True


SORT_LABELS = {
    "occurred_at": "Date du blocage",
    "reason": "Motif",
    "client_number": "Client",
    "origin_ip": "IP d'origine",
    "origin_country": "Pays",
    "failed_attempts": "Tentatives",
    "unlocked_at": "Débloqué le",
    "reviewed_at": "Revu le",
}


@dataclass(frozen=True)
class Cursor:
    """Where the previous page stopped: the sort values of its last row (with the id as tie-breaker)."""

    sort: SortSpec
    values: tuple[Any, ...]


@dataclass(frozen=True)
class LockEventRow:
    id: int
    version: int
    occurred_at: datetime
    reason: LockReason
    customer_id: int
    client_number: str
    origin_ip: str | None
    origin_country: str | None
    failed_attempts: int
    detail: str | None
    unlocked_at: datetime | None
    unlocked_by: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_comment: str | None

    @property
    def reason_label(self) -> str:
        return LOCK_REASON_LABELS[self.reason]


@dataclass(frozen=True)
class LockEventPage:
    rows: tuple[LockEventRow, ...]
    next_cursor: Cursor | None  # None: this was the last page


# --- filters ---------------------------------------------------------------------------------------------


def paris_day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC instants of Paris midnight at the start and just after the end (half-open interval)."""
    lower = datetime.combine(start, time(0), PARIS).astimezone(UTC) if start else None
    upper = datetime.combine(end + timedelta(days=1), time(0), PARIS).astimezone(UTC) if end else None
    return lower, upper


def parse_origin(text: str) -> tuple[str, ...]:
    """The addresses an origin filter matches: one address, or the 256 of a /24.

    A /24 is matched as an explicit list rather than with LIKE, so the (origin_ip, occurred_at) index serves it
    under any database collation.
    """
    value = text.strip().rstrip("*").strip()
    if not value:
        raise InvalidInput("Indiquez une adresse IP ou un préfixe /24.", "origin")
    if "/" in value or value.endswith("."):
        if "/" in value and not value.endswith("/24"):
            raise InvalidInput(
                f"Préfixe /24 non reconnu : « {text.strip()} » (exemple : 192.0.2.0/24).", "origin"
            )
        value = value.removesuffix("/24").rstrip(".")
        octets = value.split(".")
        if len(octets) == 4 and octets[3] == "0":
            octets = octets[:3]
        if len(octets) == 3:
            try:
                network = ipaddress.IPv4Network(".".join([*octets, "0"]) + "/24")
            except ValueError:
                pass
            else:
                return tuple(str(a) for a in network)
        raise InvalidInput(
            f"Préfixe /24 non reconnu : « {text.strip()} » (exemple : 192.0.2.0/24).", "origin"
        )
    octets = value.split(".")
    if len(octets) == 3 and all(o.isdigit() for o in octets):
        return parse_origin(value + ".")
    try:
        return (str(ipaddress.ip_address(value)),)
    except ValueError:
        raise InvalidInput(
            f"Adresse IP non reconnue : « {text.strip()} » (exemples : 192.0.2.7 ou 192.0.2.0/24).", "origin"
        ) from None


def _conditions(filters: LockEventFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.start and filters.end and filters.end < filters.start:
        raise InvalidInput("La fin de la période précède son début.", "period")
    lower, upper = paris_day_bounds(filters.start, filters.end)
    if lower is not None:
        conditions.append(LockEvent.occurred_at >= lower)
    if upper is not None:
        conditions.append(LockEvent.occurred_at < upper)
    if filters.reasons:
        conditions.append(LockEvent.reason.in_(filters.reasons))
    if filters.review is ReviewState.REVIEWED:
        conditions.append(LockEvent.reviewed_at.is_not(None))
    elif filters.review is ReviewState.UNREVIEWED:
        conditions.append(LockEvent.reviewed_at.is_(None))
    if filters.unlocked_by_id is not None:
        conditions.append(LockEvent.unlocked_by_id == filters.unlocked_by_id)
    if filters.client_number:
        number = normalize_client_number(filters.client_number)
        if number is None:
            raise InvalidInput(
                f"Numéro client non reconnu : « {filters.client_number.strip()} » (exemple : TI0001234567).",
                "client_number",
            )
        customer_id = select(Customer.id).where(Customer.client_number == number).scalar_subquery()
        conditions.append(LockEvent.customer_id == customer_id)
    if filters.origin:
        conditions.append(LockEvent.origin_ip.in_(parse_origin(filters.origin)))
    if filters.country:
        country = filters.country.strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise InvalidInput("Le pays s'indique par son code à deux lettres (FR, BE, …).", "country")
        conditions.append(LockEvent.origin_country == country)
    if filters.event_ids:
        conditions.append(LockEvent.id.in_(filters.event_ids))
    return conditions


# --- the paged list ----------------------------------------------------------------------------------------

_UnlockedBy = aliased(Agent, name="unlocked_by")
_ReviewedBy = aliased(Agent, name="reviewed_by")

_SORT_COLUMNS: dict[str, tuple[Any, bool]] = {  # key -> (column, nullable)
    "occurred_at": (LockEvent.occurred_at, False),
    "reason": (LockEvent.reason, False),
    "client_number": (Customer.client_number, False),
    "origin_ip": (LockEvent.origin_ip, True),
    "origin_country": (LockEvent.origin_country, True),
    "failed_attempts": (LockEvent.failed_attempts, False),
    "unlocked_at": (LockEvent.unlocked_at, True),
    "reviewed_at": (LockEvent.reviewed_at, True),
}


def _sort_keys(sort: SortSpec) -> list[tuple[Any, bool]]:
    """(expression, descending) pairs; empty values always come last, the id breaks ties."""
    if sort.key not in _SORT_COLUMNS:
        raise InvalidInput(f"Tri impossible sur « {sort.key} ».", "sort")
    column, nullable = _SORT_COLUMNS[sort.key]
    keys: list[tuple[Any, bool]] = []
    if nullable:
        keys.append((case((column.is_(None), 1), else_=0), False))
    keys.append((column, sort.descending))
    keys.append((LockEvent.id, sort.descending))
    return keys


def _after(keys: list[tuple[Any, bool]], values: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in the sort order (a lexicographic keyset condition, NULL-aware)."""
    alternatives = []
    equal_so_far: list[ColumnElement[bool]] = []
    for (expression, descending), value in zip(keys, values, strict=True):
        if value is None:
            equal_so_far.append(expression.is_(None))
            continue
        strictly = expression < value if descending else expression > value
        alternatives.append(and_(*equal_so_far, strictly))
        equal_so_far.append(expression == value)
    return or_(*alternatives)


def _row_select() -> Any:
    return (
        select(LockEvent, Customer.client_number, _UnlockedBy.full_name, _ReviewedBy.full_name)
        .join(Customer, Customer.id == LockEvent.customer_id)
        .outerjoin(_UnlockedBy, _UnlockedBy.id == LockEvent.unlocked_by_id)
        .outerjoin(_ReviewedBy, _ReviewedBy.id == LockEvent.reviewed_by_id)
    )


def _to_row(
    event: LockEvent, client_number: str, unlocked_by: str | None, reviewed_by: str | None
) -> LockEventRow:
    return LockEventRow(
        id=event.id,
        version=event.version,
        occurred_at=event.occurred_at,
        reason=event.reason,
        customer_id=event.customer_id,
        client_number=client_number,
        origin_ip=event.origin_ip,
        origin_country=event.origin_country,
        failed_attempts=event.failed_attempts,
        detail=event.detail,
        unlocked_at=event.unlocked_at,
        unlocked_by=unlocked_by,
        reviewed_at=event.reviewed_at,
        reviewed_by=reviewed_by,
        review_comment=event.review_comment,
    )


def _sort_values(row: LockEventRow, sort: SortSpec) -> tuple[Any, ...]:
    value = row.client_number if sort.key == "client_number" else getattr(row, sort.key)
    _, nullable = _SORT_COLUMNS[sort.key]
    head = (1 if value is None else 0,) if nullable else ()
    return (*head, value, row.id)


def list_lock_events(
    session: Session,
    actor: Actor,
    filters: LockEventFilter,
    *,
    sort: SortSpec | None = None,
    after: Cursor | None = None,
    limit: int = 100,
) -> LockEventPage:
    """One page of the filtered list; pass the returned cursor back to get the next one."""
    require(session, actor, Permission.SUPERVISION_VIEW)
    sort = after.sort if after is not None else (sort or SortSpec())
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    keys = _sort_keys(sort)
    statement = _row_select().where(*_conditions(filters))
    if after is not None:
        statement = statement.where(_after(keys, after.values))
        leading, descending = keys[0]
        if not _SORT_COLUMNS[sort.key][
            1
        ]:  # a plain range on the sort column lets the index start at the cursor
            statement = statement.where(
                leading <= after.values[0] if descending else leading >= after.values[0]
            )
    statement = statement.order_by(*(expr.desc() if desc else expr.asc() for expr, desc in keys)).limit(
        limit + 1
    )
    rows = [_to_row(*r) for r in session.execute(statement)]
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = Cursor(sort, _sort_values(rows[-1], sort)) if more else None
    return LockEventPage(tuple(rows), cursor)


def count_lock_events(session: Session, actor: Actor, filters: LockEventFilter) -> int:
    require(session, actor, Permission.SUPERVISION_VIEW)
    statement = select(func.count()).select_from(LockEvent).where(*_conditions(filters))
    return int(session.execute(statement).scalar_one())


def get_lock_event(session: Session, actor: Actor, event_id: int) -> LockEventRow:
    require(session, actor, Permission.SUPERVISION_VIEW, target_type="lock_event", target_id=event_id)
    found = session.execute(_row_select().where(LockEvent.id == event_id)).first()
    if found is None:
        raise NotFound(f"Le blocage n° {event_id} n'existe pas.")
    return _to_row(*found)


# --- review ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTarget:
    event_id: int
    expected_version: int  # the version the supervisor was looking at


@dataclass(frozen=True)
class ReviewOutcome:
    reviewed_at: datetime
    versions: dict[int, int] = field(default_factory=dict)  # event id -> new version


def review_lock_events(
    session: Session, actor: Actor, targets: Sequence[ReviewTarget], comment: str
) -> ReviewOutcome:
    """Mark events reviewed with the supervisor's comment, all or none.

    If anyone changed one of them since it was loaded (another review, an unlock), nothing is written and the
    supervisor is told who did it and when.
    """
    first = targets[0].event_id if targets else None
    require(session, actor, Permission.LOCK_EVENTS_REVIEW, target_type="lock_event", target_id=first)
    text = comment.strip()
    if not targets:
        raise InvalidInput("Sélectionnez au moins un blocage à revoir.", "selection")
    if len(targets) > MAX_REVIEW_BATCH:
        raise InvalidInput(f"Revoyez au plus {MAX_REVIEW_BATCH} blocages à la fois.", "selection")
    if not text:
        raise InvalidInput("Le commentaire de revue est obligatoire.", "comment")
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"Le commentaire dépasse {MAX_COMMENT_LENGTH} caractères.", "comment")
    wanted = {t.event_id: t.expected_version for t in targets}
    events: dict[int, LockEvent] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        events.update(
            (e.id, e) for e in session.execute(select(LockEvent).where(LockEvent.id.in_(chunk))).scalars()
        )
    missing = [i for i in ids if i not in events]
    if missing:
        raise NotFound(f"Le blocage n° {missing[0]} n'existe plus.")
    for event_id in ids:
        event = events[event_id]
        if event.version != wanted[event_id]:
            change = audit.last_change(session, "lock_event", event_id)
            who = f" par {change.actor_username} le {_french_moment(change.at)}" if change else ""
            raise ConcurrentEdit(
                f"Le blocage n° {event_id} a été modifié{who} depuis son affichage : rien n'a été enregistré. "
                "Rechargez la liste puis recommencez.",
                changed_by=change.actor_username if change else None,
                changed_at=change.at if change else None,
            )
        if event.reviewed_at is not None:
            raise Refused(
                f"Le blocage n° {event_id} a déjà été revu : rien n'a été enregistré.",
                action="lock_events.review",
                target_type="lock_event",
                target_id=event_id,
                customer_id=event.customer_id,
                actor=actor,
            )
    moment = now(session)
    for event_id in ids:
        event = events[event_id]
        event.reviewed_at = moment
        event.reviewed_by_id = actor.agent_id
        event.review_comment = text
    session.flush()
    for event_id in ids:
        event = events[event_id]
        audit.record(
            session,
            actor,
            "lock_events.review",
            f"Blocage n° {event_id} ({LOCK_REASON_LABELS[event.reason]}) revu"
            + (f" (lot de {len(ids)})" if len(ids) > 1 else "")
            + f" : {text}",
            target_type="lock_event",
            target_id=event_id,
            customer_id=event.customer_id,
            details={"batch_size": len(ids)},
        )
    return ReviewOutcome(moment, {i: events[i].version for i in ids})


def _french_moment(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


# --- export ----------------------------------------------------------------------------------------------


class ExportFormat(enum.Enum):
    CSV = "csv"
    XLSX = "xlsx"


EXPORT_COLUMNS = (
    "Blocage n°",
    "Date du blocage",
    "Motif",
    "Client",
    "IP d'origine",
    "Pays",
    "Tentatives",
    "Débloqué le",
    "Débloqué par",
    "Revu le",
    "Revu par",
    "Commentaire de revue",
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    format: ExportFormat
    pseudonymised: bool


class Pseudonymiser:
    """Keyed HMAC-SHA256 of the client number, with a random secret that lives only for one export.

    A plain hash would not protect anything: there are only ten million client numbers, so anyone could hash them
    all and reverse the file. With a secret key nobody can, and because the key is drawn for each export and never
    stored, two exports cannot be linked to each other either; inside one export the same customer always gets
    the same pseudonym, so repeated locks stay visible. (A per-installation key kept in the keyring would let
    analysts join exports over months, at the price of one key whose leak de-pseudonymises every file ever sent:
    we chose the per-export key.)
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def __call__(self, client_number: str) -> str:
        digest = hmac.new(self._key, client_number.encode("ascii"), hashlib.sha256).hexdigest()
        return f"P-{digest[:16]}"


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _local(moment: datetime | None) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def _export_rows(
    session: Session,
    filters: LockEventFilter,
    sort: SortSpec,
    pseudonym: Pseudonymiser | None,
) -> Iterator[list[Any]]:
    keys = _sort_keys(sort)
    statement = (
        _row_select()
        .add_columns(Customer.civility, Customer.first_names, Customer.last_name)
        .where(*_conditions(filters))
        .order_by(*(expr.desc() if desc else expr.asc() for expr, desc in keys))
        .execution_options(yield_per=2000)
    )
    for event, client_number, unlocked_by, reviewed_by, civility, first_names, last_name in session.execute(
        statement
    ):
        customer = (
            pseudonym(client_number)
            if pseudonym
            else f"{client_number} {civility.value} {first_names} {last_name.upper()}"
        )
        yield [
            event.id,
            _local(event.occurred_at),
            LOCK_REASON_LABELS[event.reason],
            customer,
            event.origin_ip or "",
            event.origin_country or "",
            event.failed_attempts,
            _local(event.unlocked_at),
            unlocked_by or "",
            _local(event.reviewed_at),
            reviewed_by or "",
            _cell(event.review_comment or ""),
        ]


def export_lock_events(
    session: Session,
    actor: Actor,
    filters: LockEventFilter,
    destination: Path,
    *,
    format: ExportFormat = ExportFormat.CSV,
    sort: SortSpec | None = None,
    include_names: bool = False,
    justification: str | None = None,
) -> ExportResult:
    """Write the current filter to a file; customers are pseudonymised unless names are explicitly asked for.

    Asking for names needs a justification, and both kinds of export are audited with the filter used.
    """
    require(session, actor, Permission.SUPERVISION_EXPORT)
    reason = (justification or "").strip()
    if include_names and not reason:
        raise InvalidInput(
            "Un export nominatif doit être justifié : indiquez pourquoi les noms sont nécessaires.",
            "justification",
        )
    sort = sort or SortSpec()
    pseudonym = None if include_names else Pseudonymiser()
    rows = _export_rows(session, filters, sort, pseudonym)
    header = list(EXPORT_COLUMNS)
    if include_names:
        header[3] = "Client (numéro et nom)"
    count = 0
    try:
        if format is ExportFormat.CSV:
            with destination.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";")
                writer.writerow(header)
                for row in rows:
                    writer.writerow(row)
                    count += 1
        else:
            count = _write_xlsx(destination, header, rows, filters)
    except OSError as exc:
        destination.unlink(missing_ok=True)
        raise InvalidInput(
            f"Le fichier {destination} n'a pas pu être écrit : {exc.strerror}.", "destination"
        ) from exc
    summary = (
        f"Export {format.value.upper()} de {count} blocages "
        + ("NOMINATIF" if include_names else "pseudonymisé")
        + f" ({filters.describe()})"
        + (f" ; justification : {reason}" if include_names else "")
    )
    audit.record(
        session,
        actor,
        "supervision.export",
        summary,
        target_type="lock_event",
        details={
            "rows": count,
            "format": format.value,
            "names": include_names,
            "file": destination.name,
        },
    )
    return ExportResult(destination, count, format, pseudonymised=not include_names)


def _write_xlsx(
    destination: Path, header: list[str], rows: Iterator[list[Any]], filters: LockEventFilter
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Blocages")
    sheet.freeze_panes = "A2"
    widths = (11, 20, 30, 22, 16, 6, 10, 20, 22, 20, 22, 50)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    about = workbook.create_sheet("Filtre")
    about.append(["Filtre", filters.describe()])
    about.append(["Lignes", count])
    workbook.save(destination)
    return count


# --- trends ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockTrends:
    """Events per Paris day and reason over a period, and the totals per reason."""

    start: date
    end: date
    days: tuple[date, ...]
    reasons: tuple[LockReason, ...]
    per_day: dict[LockReason, tuple[int, ...]]  # one count per day of ``days``
    totals: dict[LockReason, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def lock_trends(session: Session, actor: Actor, start: date, end: date) -> LockTrends:
    """Counts per Paris day and reason.

    One small grouped query per day, joined with UNION ALL: each is a range scan of the (reason, occurred_at)
    index that returns rows already grouped, so the database never sorts the period's events (several times
    faster than grouping by a computed day, and exact at the Paris day boundaries on SQLite too).
    """
    require(session, actor, Permission.SUPERVISION_VIEW)
    if end < start:
        raise InvalidInput("La fin de la période précède son début.", "period")
    if (end - start).days + 1 > MAX_TREND_DAYS:
        raise InvalidInput(f"Choisissez une période d'au plus {MAX_TREND_DAYS} jours.", "period")
    days = tuple(start + timedelta(days=i) for i in range((end - start).days + 1))
    reasons = tuple(LockReason)
    counts = {reason: [0] * len(days) for reason in reasons}
    for first in range(0, len(days), TREND_DAYS_PER_QUERY):
        parts = []
        for index in range(first, min(first + TREND_DAYS_PER_QUERY, len(days))):
            lower, upper = paris_day_bounds(days[index], days[index])
            parts.append(
                select(literal(index).label("day"), LockEvent.reason, func.count().label("n"))
                .where(
                    LockEvent.reason.in_(reasons),
                    LockEvent.occurred_at >= lower,
                    LockEvent.occurred_at < upper,
                )
                .group_by(LockEvent.reason)
            )
        for index, reason, n in session.execute(union_all(*parts)):
            counts[reason][index] = n
    return LockTrends(
        start,
        end,
        days,
        reasons,
        {r: tuple(counts[r]) for r in reasons},
        {r: sum(counts[r]) for r in reasons},
    )
