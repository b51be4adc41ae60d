"""Red flags in lock events: bursts from one address or /24, repeated locks, suspicious unlocks.

The detectors are pure functions over event streams (easy to prove on constructed traffic); ``detect_red_flags``
runs the few index-backed queries that feed them. Thresholds come from ``settings.supervision``; every flag says
in French why it fired and lists the lock events behind it.
"""

from __future__ import annotations

import enum
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, text
from sqlalchemy.orm import Session

from backoffice.checks.calendar_fr import is_public_holiday
from backoffice.clock import PARIS
from backoffice.config import SupervisionSettings
from backoffice.errors import InvalidInput
from backoffice.models.accounts import LockEvent
from backoffice.models.customers import Customer
from backoffice.models.documents import BankDetailsChange
from backoffice.models.staff import Agent
from backoffice.workflows.context import Actor, settings_of
from backoffice.workflows.lock_events import IN_CHUNK, paris_day_bounds
from backoffice.workflows.permissions import Permission, require

TERMS_PER_QUERY = 150  # (prefix, time range) terms per query, well below SQLite's parameter limit


class FlagKind(enum.Enum):
    IP_BURST = "ip_burst"
    SUBNET_BURST = "subnet_burst"
    REPEATED_LOCKS = "repeated_locks"
    UNLOCK_AFTER_BANK_CHANGE = "unlock_after_bank_change"
    AGENT_OUTLIER = "agent_outlier"
    OUT_OF_HOURS_UNLOCK = "out_of_hours_unlock"


FLAG_KIND_LABELS = {
    FlagKind.IP_BURST: "Rafale depuis une adresse IP",
    FlagKind.SUBNET_BURST: "Rafale depuis un réseau /24",
    FlagKind.REPEATED_LOCKS: "Compte bloqué à répétition",
    FlagKind.UNLOCK_AFTER_BANK_CHANGE: "Déblocage après changement de RIB",
    FlagKind.AGENT_OUTLIER: "Déblocages très supérieurs aux pairs",
    FlagKind.OUT_OF_HOURS_UNLOCK: "Déblocage hors heures d'ouverture",
}


@dataclass(frozen=True)
class RedFlag:
    kind: FlagKind
    explanation: str  # French, complete: what was seen, against which threshold
    event_ids: tuple[int, ...]
    first_at: datetime
    last_at: datetime
    subject: str  # the address, network, client number or agent concerned
    customer_id: int | None = None
    agent_id: int | None = None

    @property
    def title(self) -> str:
        return FLAG_KIND_LABELS[self.kind]


@dataclass(frozen=True)
class LockSample:
    event_id: int
    occurred_at: datetime
    origin_ip: str | None
    account_id: int
    customer_id: int
    client_number: str = ""


@dataclass(frozen=True)
class UnlockSample:
    event_id: int
    customer_id: int
    unlocked_at: datetime
    agent_id: int
    agent_name: str
    client_number: str = ""


@dataclass(frozen=True)
class BankChangeSample:
    customer_id: int
    changed_at: datetime


# --- French wording --------------------------------------------------------------------------------------

_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(day: date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {_MONTHS[day.month - 1]} {day.year}"


def french_time(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local.hour} h {local.minute:02d}"


def french_moment(moment: datetime) -> str:
    return f"le {french_date(moment.astimezone(PARIS).date())} à {french_time(moment)}"


def french_span(first: datetime, last: datetime) -> str:
    start, end = first.astimezone(PARIS), last.astimezone(PARIS)
    if start.date() == end.date():
        return f"le {french_date(start.date())} entre {french_time(first)} et {french_time(last)}"
    return f"du {french_date(start.date())} {french_time(first)} au {french_date(end.date())} {french_time(last)}"


def french_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d}" if rest else f"{hours} h"
    return f"{hours // 24} jours"


# --- opening hours -----------------------------------------------------------------------------------------

_DAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6,
}  # fmt: skip
_RANGE = re.compile(r"^(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})$")


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening ranges (Paris time); public holidays are closed."""

    ranges: dict[int, tuple[tuple[time, time], ...]]

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(PARIS)
        if is_public_holiday(local.date()):
            return False
        clock = local.time().replace(tzinfo=None)
        return any(start <= clock < end for start, end in self.ranges.get(local.weekday(), ()))


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse "Mon-Fri 09:00-12:30,14:00-18:30; Sat 09:00-12:30" (French day names accepted too)."""

    def fail(detail: str) -> InvalidInput:
        return InvalidInput(
            f"Heures d'ouverture illisibles ({detail}) : « {text} ». "
            "Exemple : « Mon-Fri 09:00-12:30,14:00-18:30; Sat 09:00-12:30 ».",
            "opening_hours",
        )

    ranges: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for group in filter(None, (g.strip() for g in text.split(";"))):
        days_text, _, hours_text = group.partition(" ")
        days: list[int] = []
        for part in days_text.split(","):
            first, _, last = part.strip().lower().partition("-")
            if first[:3] not in _DAYS or (last and last[:3] not in _DAYS):
                raise fail(f"jour inconnu « {part} »")
            a, b = _DAYS[first[:3]], _DAYS[(last or first)[:3]]
            if b < a:
                raise fail(f"jours à l'envers « {part} »")
            days.extend(range(a, b + 1))
        if not hours_text.strip():
            raise fail(f"pas d'horaire pour « {days_text} »")
        for span in hours_text.split(","):
            match = _RANGE.match(span.strip())
            if not match:
                raise fail(f"plage « {span.strip()} »")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
                raise fail(f"heure impossible « {span.strip()} »")
            start = time(h1, m1)
            end = time.max if h2 == 24 else time(h2, m2)
            if end <= start:
                raise fail(f"plage à l'envers « {span.strip()} »")
            for day in days:
                ranges[day].append((start, end))
    if not ranges:
        raise fail("aucune plage")
    return OpeningHours({d: tuple(sorted(r)) for d, r in ranges.items()})


# --- pure detectors ----------------------------------------------------------------------------------------


def _bursts(times: Sequence[datetime], window: timedelta, minimum: int) -> list[tuple[int, int]]:
    """Index ranges [first, last] of the sorted times where at least ``minimum`` fall within ``window``;
    overlapping qualifying windows are merged into one burst."""
    bursts: list[tuple[int, int]] = []
    left = 0
    for right in range(len(times)):
        while times[right] - times[left] > window:
            left += 1
        if right - left + 1 >= minimum:
            if bursts and left <= bursts[-1][1]:
                bursts[-1] = (bursts[-1][0], right)
            else:
                bursts.append((left, right))
    return bursts


def subnet_of(ip: str) -> str | None:
    """The /24 of an IPv4 address ("192.0.2.0/24"); None for IPv6 or garbage."""
    parts = ip.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    return ".".join(parts[:3]) + ".0/24"


def _group_bursts(
    events: Iterable[LockSample], key_of: str, window: timedelta, minimum: int
) -> list[tuple[str, list[LockSample]]]:
    groups: dict[str, list[LockSample]] = defaultdict(list)
    for event in events:
        if event.origin_ip:
            key = event.origin_ip if key_of == "ip" else subnet_of(event.origin_ip)
            if key:
                groups[key].append(event)
    found = []
    for key, group in groups.items():
        if len(group) < minimum:
            continue
        group.sort(key=lambda e: (e.occurred_at, e.event_id))
        for first, last in _bursts([e.occurred_at for e in group], window, minimum):
            found.append((key, group[first : last + 1]))
    return found


def detect_ip_bursts(events: Iterable[LockSample], window: timedelta, minimum: int) -> list[RedFlag]:
    """Credential stuffing from one address: many locks within a short window."""
    flags = []
    for ip, burst in _group_bursts(events, "ip", window, minimum):
        accounts = len({e.account_id for e in burst})
        first, last = burst[0].occurred_at, burst[-1].occurred_at
        flags.append(
            RedFlag(
                FlagKind.IP_BURST,
                f"{len(burst)} blocages depuis l'adresse {ip} {french_span(first, last)} "
                f"({accounts} compte{'s' if accounts > 1 else ''} différent{'s' if accounts > 1 else ''}). "
                f"Seuil : {minimum} blocages en {french_duration(window)} depuis une même adresse — "
                "signe d'une attaque par bourrage d'identifiants (credential stuffing).",
                tuple(e.event_id for e in burst),
                first,
                last,
                ip,
            )
        )
    return flags


def detect_subnet_bursts(events: Iterable[LockSample], window: timedelta, minimum: int) -> list[RedFlag]:
    """The same attack spread over the addresses of one /24, to slip under the per-address threshold."""
    flags = []
    for subnet, burst in _group_bursts(events, "subnet", window, minimum):
        addresses = len({e.origin_ip for e in burst})
        if addresses < 2:
            continue  # one address only: already an address burst
        first, last = burst[0].occurred_at, burst[-1].occurred_at
        accounts = len({e.account_id for e in burst})
        flags.append(
            RedFlag(
                FlagKind.SUBNET_BURST,
                f"{len(burst)} blocages depuis {addresses} adresses du réseau {subnet} {french_span(first, last)} "
                f"({accounts} comptes différents). Seuil : {minimum} blocages en {french_duration(window)} "
                "depuis un même réseau /24 — attaque répartie sur plusieurs adresses voisines.",
                tuple(e.event_id for e in burst),
                first,
                last,
                subnet,
            )
        )
    return flags


def detect_repeated_locks(events: Iterable[LockSample], window: timedelta, minimum: int) -> list[RedFlag]:
    """One account locked again and again: targeted attack, or a customer in trouble worth a call."""
    flags = []
    by_account: dict[int, list[LockSample]] = defaultdict(list)
    for event in events:
        by_account[event.account_id].append(event)
    for group in by_account.values():
        if len(group) < minimum:
            continue
        group.sort(key=lambda e: (e.occurred_at, e.event_id))
        for first_i, last_i in _bursts([e.occurred_at for e in group], window, minimum):
            burst = group[first_i : last_i + 1]
            first, last = burst[0].occurred_at, burst[-1].occurred_at
            who = burst[0].client_number or f"client n° {burst[0].customer_id}"
            flags.append(
                RedFlag(
                    FlagKind.REPEATED_LOCKS,
                    f"Le compte du client {who} a été bloqué {len(burst)} fois {french_span(first, last)}. "
                    f"Seuil : {minimum} blocages en {french_duration(window)} pour un même compte — attaque "
                    "ciblée, ou client en difficulté à rappeler.",
                    tuple(e.event_id for e in burst),
                    first,
                    last,
                    who,
                    customer_id=burst[0].customer_id,
                )
            )
    return flags


def detect_unlock_after_bank_change(
    unlocks: Iterable[UnlockSample], changes: Iterable[BankChangeSample], within: timedelta
) -> list[RedFlag]:
    """An unlock soon after the IBAN changed: the classic route to divert an indemnity."""
    by_customer: dict[int, list[datetime]] = defaultdict(list)
    for change in changes:
        by_customer[change.customer_id].append(change.changed_at)
    flags = []
    for unlock in unlocks:
        before = [
            c
            for c in by_customer.get(unlock.customer_id, ())
            if timedelta(0) <= unlock.unlocked_at - c <= within
        ]
        if not before:
            continue
        changed = max(before)
        who = unlock.client_number or f"client n° {unlock.customer_id}"
        flags.append(
            RedFlag(
                FlagKind.UNLOCK_AFTER_BANK_CHANGE,
                f"Le compte du client {who} a été débloqué par {unlock.agent_name} {french_moment(unlock.unlocked_at)}, "
                f"{french_duration(unlock.unlocked_at - changed)} après un changement de coordonnées bancaires "
                f"({french_moment(changed)}). Seuil : déblocage dans les {french_duration(within)} qui suivent "
                "un changement de RIB — vérifier que le client est bien à l'origine des deux demandes.",
                (unlock.event_id,),
                changed,
                unlock.unlocked_at,
                who,
                customer_id=unlock.customer_id,
                agent_id=unlock.agent_id,
            )
        )
    return flags


def detect_agent_outliers(unlocks: Iterable[UnlockSample], ratio: float, minimum: int) -> list[RedFlag]:
    """An agent who unlocks far more than the others over the same period (median of the others as reference)."""
    by_agent: dict[int, list[UnlockSample]] = defaultdict(list)
    for unlock in unlocks:
        by_agent[unlock.agent_id].append(unlock)
    if len(by_agent) < 2:
        return []
    counts = {agent: len(items) for agent, items in by_agent.items()}
    flags = []
    for agent, items in by_agent.items():
        count = counts[agent]
        peers = [n for other, n in counts.items() if other != agent]
        reference = statistics.median(peers)
        if count < minimum or count < ratio * max(reference, 1):
            continue
        items.sort(key=lambda u: (u.unlocked_at, u.event_id))
        flags.append(
            RedFlag(
                FlagKind.AGENT_OUTLIER,
                f"{items[0].agent_name} a débloqué {count} comptes sur la période, contre {reference:g} "
                f"en médiane pour ses {len(peers)} collègue{'s' if len(peers) > 1 else ''} "
                f"(× {count / max(reference, 1):.1f}). Seuil : {ratio:g} fois la médiane des pairs et au moins "
                f"{minimum} déblocages.",
                tuple(u.event_id for u in items),
                items[0].unlocked_at,
                items[-1].unlocked_at,
                items[0].agent_name,
                agent_id=agent,
            )
        )
    return flags


def detect_out_of_hours_unlocks(unlocks: Iterable[UnlockSample], hours: OpeningHours) -> list[RedFlag]:
    """Unlocks when the centre is closed, grouped per agent and Paris day."""
    groups: dict[tuple[int, date], list[UnlockSample]] = defaultdict(list)
    for unlock in unlocks:
        if not hours.is_open(unlock.unlocked_at):
            groups[(unlock.agent_id, unlock.unlocked_at.astimezone(PARIS).date())].append(unlock)
    flags = []
    for (agent, day), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        items.sort(key=lambda u: (u.unlocked_at, u.event_id))
        moments = ", ".join(french_time(u.unlocked_at) for u in items[:10]) + ("…" if len(items) > 10 else "")
        closed = "jour férié" if is_public_holiday(day) else "centre fermé"
        flags.append(
            RedFlag(
                FlagKind.OUT_OF_HOURS_UNLOCK,
                f"{items[0].agent_name} a débloqué {len(items)} compte{'s' if len(items) > 1 else ''} "
                f"le {french_date(day)} en dehors des heures d'ouverture ({closed}) : {moments}.",
                tuple(u.event_id for u in items),
                items[0].unlocked_at,
                items[-1].unlocked_at,
                items[0].agent_name,
                agent_id=agent,
            )
        )
    return flags


# --- the queries feeding them ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlagReport:
    start: date
    end: date
    flags: tuple[RedFlag, ...]

    def of_kind(self, kind: FlagKind) -> tuple[RedFlag, ...]:
        return tuple(f for f in self.flags if f.kind is kind)


def _chunks(values: Sequence[object]) -> Iterable[Sequence[object]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _lock_samples(session: Session, *conditions: object) -> list[LockSample]:
    statement = (
        select(
            LockEvent.id,
            LockEvent.occurred_at,
            LockEvent.origin_ip,
            LockEvent.account_id,
            LockEvent.customer_id,
            Customer.client_number,
        )
        .join(Customer, Customer.id == LockEvent.customer_id)
        .where(*conditions)  # type: ignore[arg-type]
    )
    return [LockSample(*row) for row in session.execute(statement)]


def _time_bucket(session: Session, length: timedelta) -> Any:
    """Hour or day buckets (``length``): ISO text prefixes on SQLite, date_trunc on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour" if length == timedelta(hours=1) else "day", LockEvent.occurred_at)
    return func.substr(LockEvent.occurred_at, 1, 13 if length == timedelta(hours=1) else 10)


def _bucket_start(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.strptime(value, "%Y-%m-%d %H" if len(value) == 13 else "%Y-%m-%d").replace(tzinfo=UTC)


def burst_candidates(
    session: Session, lower: datetime, upper: datetime, cfg: SupervisionSettings
) -> list[LockSample]:
    """The events that can belong to a burst, read without scanning the period twice.

    ``n`` locks within a window lie in at most two consecutive buckets at least as long as the window, so one of
    them holds ``ceil(n / 2)``: one grouped pass over the (occurred_at, origin_ip) index finds those (/24 or IPv6
    prefix, bucket) pairs, and only the events of that prefix within a window of the bucket are read and given to
    the pure detectors — every qualifying window is entirely among them.
    """
    window = timedelta(minutes=cfg.burst_ip_window_minutes)
    period = and_(
        LockEvent.occurred_at >= lower, LockEvent.occurred_at < upper, LockEvent.origin_ip.is_not(None)
    )
    prefix = func.rtrim(LockEvent.origin_ip, "0123456789")  # "192.0.2.17" -> "192.0.2."
    minimum = min(cfg.burst_ip_min_locks, cfg.burst_subnet_min_locks)
    length = timedelta(hours=1) if window <= timedelta(hours=1) else timedelta(days=1)
    if window > length:
        length = upper - lower  # windows of more than a day: the whole period is one bucket
        grouped = select(prefix, literal(lower.strftime("%Y-%m-%d %H"))).where(period).group_by(prefix)
        grouped = grouped.having(func.count() >= minimum)
    else:
        bucket = _time_bucket(session, length)
        grouped = select(prefix, bucket).where(period).group_by(prefix, bucket)
        grouped = grouped.having(func.count() >= math.ceil(minimum / 2))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SET LOCAL work_mem = '64MB'")
        )  # the grouping stays in memory instead of spilling
    ranges: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for key, start in session.execute(grouped):
        begin = _bucket_start(start)
        ranges[key].append((max(lower, begin - window), min(upper, begin + length + window)))
    terms = []
    for key, spans in ranges.items():
        spans.sort()
        merged = [spans[0]]
        for begin, end in spans[1:]:
            if begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((begin, end))
        terms += [
            and_(LockEvent.occurred_at >= b, LockEvent.occurred_at < e, prefix == key) for b, e in merged
        ]
    ids: list[int] = []
    for start in range(0, len(terms), TERMS_PER_QUERY):  # ids first: answered from the index alone
        chunk = terms[start : start + TERMS_PER_QUERY]
        ids.extend(
            session.execute(
                select(LockEvent.id).where(LockEvent.origin_ip.is_not(None), or_(*chunk))
            ).scalars()
        )
    samples: list[LockSample] = []
    for some_ids in _chunks(sorted(set(ids))):
        samples.extend(_lock_samples(session, LockEvent.id.in_(some_ids)))
    return samples


def repeated_lock_candidates(
    session: Session, lower: datetime, upper: datetime, cfg: SupervisionSettings
) -> list[LockSample]:
    period = and_(LockEvent.occurred_at >= lower, LockEvent.occurred_at < upper)
    accounts = list(
        session.execute(
            select(LockEvent.account_id)
            .where(period)
            .group_by(LockEvent.account_id)
            .having(func.count() >= cfg.repeated_lock_min_count)
        ).scalars()
    )
    samples: list[LockSample] = []
    for chunk in _chunks(accounts):
        samples.extend(_lock_samples(session, period, LockEvent.account_id.in_(chunk)))
    return samples


def unlocks_and_bank_changes(
    session: Session, lower: datetime, upper: datetime, since: datetime
) -> tuple[list[UnlockSample], list[BankChangeSample]]:
    """The unlocks of the period, and the bank-details changes since ``since``: the applied changes, plus the
    customer's own ``iban_changed_at`` read in the same pass (a change made outside the four-eyes workflow)."""
    statement = (
        select(
            LockEvent.id,
            LockEvent.customer_id,
            LockEvent.unlocked_at,
            LockEvent.unlocked_by_id,
            Agent.full_name,
            Customer.client_number,
            Customer.iban_changed_at,
        )
        .join(Agent, Agent.id == LockEvent.unlocked_by_id)
        .join(Customer, Customer.id == LockEvent.customer_id)
        .where(LockEvent.unlocked_at >= lower, LockEvent.unlocked_at < upper)
    )
    unlocks = []
    changes: set[tuple[int, datetime]] = set()
    for event_id, customer_id, at, agent_id, name, number, iban_changed_at in session.execute(statement):
        if at is None or agent_id is None:
            continue
        unlocks.append(UnlockSample(event_id, customer_id, at, agent_id, name, number))
        if iban_changed_at is not None and iban_changed_at >= since:
            changes.add((customer_id, iban_changed_at))
    applied = select(BankDetailsChange.customer_id, BankDetailsChange.applied_at).where(
        BankDetailsChange.applied_at >= since, BankDetailsChange.applied_at < upper
    )
    changes.update((c, at) for c, at in session.execute(applied) if at is not None)
    return unlocks, [BankChangeSample(customer_id, at) for customer_id, at in changes]


def detect_bursts(session: Session, actor: Actor, start: date, end: date) -> RedFlagReport:
    """Address and /24 bursts only (the credential-stuffing scan, the heaviest one)."""
    require(session, actor, Permission.SUPERVISION_VIEW)
    cfg = settings_of(session).supervision
    lower, upper = _period(start, end)
    window = timedelta(minutes=cfg.burst_ip_window_minutes)
    samples = burst_candidates(session, lower, upper, cfg)
    flags = detect_ip_bursts(samples, window, cfg.burst_ip_min_locks) + detect_subnet_bursts(
        samples, window, cfg.burst_subnet_min_locks
    )
    return RedFlagReport(start, end, tuple(sorted(flags, key=lambda f: f.first_at, reverse=True)))


def detect_red_flags(session: Session, actor: Actor, start: date, end: date) -> RedFlagReport:
    """Every detector over the Paris days ``start``..``end``, most recent flags first."""
    require(session, actor, Permission.SUPERVISION_VIEW)
    cfg = settings_of(session).supervision
    hours = parse_opening_hours(cfg.opening_hours)
    lower, upper = _period(start, end)
    window = timedelta(minutes=cfg.burst_ip_window_minutes)
    bursts = burst_candidates(session, lower, upper, cfg)
    repeated_window = timedelta(days=cfg.repeated_lock_window_days)
    repeated = repeated_lock_candidates(session, lower, upper, cfg)
    after_change = timedelta(hours=cfg.unlock_after_bank_change_hours)
    unlocks, changes = unlocks_and_bank_changes(session, lower, upper, lower - after_change)
    flags = (
        detect_ip_bursts(bursts, window, cfg.burst_ip_min_locks)
        + detect_subnet_bursts(bursts, window, cfg.burst_subnet_min_locks)
        + detect_repeated_locks(repeated, repeated_window, cfg.repeated_lock_min_count)
        + detect_unlock_after_bank_change(unlocks, changes, after_change)
        + detect_agent_outliers(unlocks, cfg.agent_unlock_ratio_to_peers, cfg.agent_unlock_min_count)
        + detect_out_of_hours_unlocks(unlocks, hours)
    )
    return RedFlagReport(start, end, tuple(sorted(flags, key=lambda f: f.last_at, reverse=True)))


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise InvalidInput("La fin de la période précède son début.", "period")
    lower, upper = paris_day_bounds(start, end)
    assert lower is not None and upper is not None
    return lower, upper
