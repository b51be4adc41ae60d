"""Row generation: pools precomputed once (Faker, phone prefixes, banks), then rows drawn with ``random.Random``.

Rows are plain tuples of ``str | int | None`` in the column order of ``COLUMNS``: dates and times are already text
("2026-11-26", "2026-11-26 09:00:00.000000", naive UTC as SQLAlchemy stores it on SQLite), amounts are decimal
text, booleans 0/1 and JSON is text, so the same rows feed SQLite ``executemany`` and PostgreSQL ``COPY``. Each chunk
of customers has its own random stream and id ranges, so chunks can be generated in parallel and the result only
depends on the seed and ``now``.
"""

from __future__ import annotations

import bisect
import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import phonenumbers
from faker import Faker
from faker.providers.person.fr_FR import Provider as FrenchNames

from backoffice.checks.calendar_fr import is_working_day
from backoffice.checks.text import fold
from backoffice.data.departements import COMMUNES, DEPARTEMENTS, Commune, distance_km
from backoffice.demo import reference as ref

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "agent": (
        "id",
        "version",
        "username",
        "full_name",
        "role",
        "password_hash",
        "active",
        "failed_logins",
        "locked_at",
        "last_failed_login_at",
        "last_login_at",
        "password_changed_at",
        "created_at",
    ),
    "expert": (
        "id",
        "version",
        "firm",
        "name",
        "email",
        "phone",
        "home_departement",
        "capacity",
        "active",
        "created_at",
    ),
    "expert_specialty": ("expert_id", "specialty"),
    "expert_area": ("expert_id", "departement"),
    "customer": (
        "id",
        "version",
        "client_number",
        "kind",
        "civility",
        "last_name",
        "birth_name",
        "first_names",
        "birth_date",
        "birth_place",
        "email",
        "phone_mobile",
        "phone_home",
        "address_line",
        "address_complement",
        "postcode",
        "city",
        "country",
        "iban",
        "bic",
        "bank_holder",
        "iban_changed_at",
        "relationship_ended_on",
        "merged_into_id",
        "created_at",
        "updated_at",
        "last_activity_at",
        "last_name_key",
        "first_names_key",
        "email_key",
        "iban_last4",
    ),
    "contract": (
        "id",
        "version",
        "number",
        "customer_id",
        "product",
        "status",
        "start_date",
        "end_date",
        "termination_reason",
        "renewal_date",
        "automatic_renewal",
        "annual_premium",
        "payment_schedule",
        "bonus_malus",
        "years_at_minimum_bonus",
        "replacement_value_option",
        "vehicle_registration",
        "vehicle_make",
        "vehicle_model",
        "vehicle_first_registration",
        "vehicle_value",
        "drivers",
        "created_at",
        "updated_at",
    ),
    "coverage": (
        "id",
        "contract_id",
        "code",
        "deductible",
        "ceiling",
        "exclusions",
        "start_date",
        "end_date",
    ),
    "portal_account": (
        "id",
        "version",
        "customer_id",
        "status",
        "lock_reason",
        "locked_at",
        "failed_attempts",
        "last_login_at",
        "password_reset_required",
        "created_at",
        "updated_at",
    ),
    "lock_event": (
        "id",
        "version",
        "account_id",
        "customer_id",
        "occurred_at",
        "reason",
        "origin_ip",
        "origin_country",
        "failed_attempts",
        "detail",
        "locked_by_id",
        "unlocked_at",
        "unlocked_by_id",
        "reviewed_at",
        "reviewed_by_id",
        "review_comment",
    ),
    "claim": (
        "id",
        "version",
        "number",
        "contract_id",
        "customer_id",
        "claim_type",
        "channel",
        "occurred_on",
        "known_on",
        "declared_at",
        "catnat_decree_published_on",
        "circumstances",
        "place",
        "place_postcode",
        "departement",
        "third_party",
        "third_party_details",
        "police_report",
        "keys_available",
        "safety_parts_declared",
        "vehicle_drivable",
        "estimated_amount",
        "fault_share",
        "status",
        "priority",
        "appraisal_mode",
        "late_declaration",
        "fraud_referral",
        "flags",
        "triage",
        "triaged_at",
        "override_reason",
        "handler_id",
        "taken_at",
        "assessed_damage",
        "deductible_applied",
        "indemnity_amount",
        "indemnity_basis",
        "indemnity_details",
        "closed_at",
        "created_at",
        "updated_at",
    ),
    "appraisal_assignment": (
        "id",
        "version",
        "claim_id",
        "expert_id",
        "kind",
        "mode",
        "status",
        "choice",
        "choice_reason",
        "assigned_by_id",
        "mandated_at",
        "due_on",
        "report_received_at",
        "damage_amount",
        "safety_parts_damaged",
        "total_loss",
        "depreciation_rate",
        "vehicle_value",
        "report_notes",
    ),
}
COLUMNS["coverage_plan"] = (
    "contract_id",
    "formula",
    "damage_deductible",
    "glass_deductible",
    "start_date",
    "end_date",
)
#: Tables filled from customer chunks, in foreign-key order. Coverages are expanded in SQL from a per-contract
#: plan (formula and deductibles), nine rows in ten of the whole load written by the database itself.
CHUNK_TABLES = (
    "customer",
    "contract",
    "coverage_plan",
    "portal_account",
    "lock_event",
    "claim",
    "appraisal_assignment",
)
#: The tables a bulk load fills, whose secondary indexes are rebuilt afterwards.
BULK_TABLES = (
    "customer",
    "contract",
    "coverage",
    "portal_account",
    "lock_event",
    "claim",
    "appraisal_assignment",
)
#: Reference tables generated once, before the chunks.
REFERENCE_TABLES = ("agent", "expert", "expert_specialty", "expert_area")

# Demo agents get fixed ids so that generated rows can point at them.
AGENT_CONSEILLER, AGENT_GESTIONNAIRE, AGENT_SUPERVISEUR, AGENT_SUPERVISEUR2, AGENT_ADMIN = 1, 2, 3, 4, 5

# Id ranges per chunk: an upper bound of rows per customer for each table.
MAX_CONTRACTS = 3
MAX_COVERAGES = 10
MAX_CLAIMS_PER_CONTRACT = 2
MAX_EVENTS = 10
LOCK_HISTORY_DAYS = 180
CLAIM_NUMBER_YEAR_DIGITS = 7
EXPERT_COUNT = 72

DAY = 86400
HOUR = 3600
NOW_DATE_MARGIN_DAYS = 1200
OLDEST_DATE = date(1930, 1, 1)


def _expand(weighted: tuple[tuple[Any, float], ...], size: int = 4000) -> tuple[Any, ...]:
    """A table where picking a uniform index draws with the given weights (fast weighted choice)."""
    total = sum(w for _, w in weighted)
    out: list[Any] = []
    for value, weight in weighted:
        out.extend([value] * max(1, round(weight / total * size)))
    return tuple(out)


def _valid_prefixes(country_code: str, candidates: range, tail_digits: int) -> tuple[str, ...]:
    samples = ("0" * tail_digits, "123456789"[:tail_digits], "9" * tail_digits, "5" * tail_digits)
    return tuple(
        str(p)
        for p in candidates
        if all(phonenumbers.is_valid_number(phonenumbers.parse(f"+{country_code}{p}{s}")) for s in samples)
    )


@dataclass
class Pools:
    """Everything drawn per row, precomputed once from Faker and the reference data."""

    male_first: tuple[str, ...]
    female_first: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    communes: tuple[Commune, ...]  # population-weighted
    commune_departement: dict[str, Any]
    birth_places: tuple[str, ...]
    email_domains: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]
    landline_prefixes: dict[str, tuple[str, ...]]  # zone digit -> "1xx" prefixes
    overseas: dict[
        str, tuple[str, tuple[str, ...], tuple[str, ...]]
    ]  # dep -> (cc, landline, mobile prefixes)
    banks: tuple[tuple[int, str, str], ...]  # weighted (bank code, bank code text, BIC)
    cars: tuple[tuple[str, str, int], ...]
    two_wheelers: tuple[tuple[str, str, int], ...]
    termination_reasons: tuple[str, ...]
    foreign_ips: tuple[tuple[str, str], ...]
    slugs: dict[str, str] = field(default_factory=dict)
    folds: dict[str, str] = field(default_factory=dict)

    def slug(self, value: str) -> str:
        s = self.slugs.get(value)
        if s is None:
            s = self.slugs[value] = fold(value).replace(" ", "-")
        return s

    def fold(self, value: str) -> str:
        s = self.folds.get(value)
        if s is None:
            s = self.folds[value] = fold(value)
        return s


@functools.lru_cache(maxsize=2)
def build_pools(seed: int) -> Pools:
    """Cached: worker processes forked after the first call, and repeated builds, reuse the same pools."""
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    male = tuple(dict.fromkeys((*FrenchNames.first_names_male, *ref.EXTRA_FIRST_NAMES_MALE)))
    female = tuple(dict.fromkeys((*FrenchNames.first_names_female, *ref.EXTRA_FIRST_NAMES_FEMALE)))
    ranked = tuple(dict.fromkeys((*FrenchNames.last_names, *ref.EXTRA_LAST_NAMES)))
    last_names = _expand(tuple((name, 1.0 / (rank + 25)) for rank, name in enumerate(ranked)), 20000)
    faker_streets = tuple(faker.street_name() for _ in range(1500))
    streets = ref.STREET_NAMES * 25 + faker_streets
    by_dep: dict[str, list[Commune]] = {}
    for c in COMMUNES:
        by_dep.setdefault(c.departement, []).append(c)
    weighted_communes: list[tuple[Commune, float]] = []
    for d in DEPARTEMENTS:
        pop = ref.POPULATION_THOUSANDS.get(d.code, ref.DEFAULT_POPULATION)
        members = by_dep[d.code]
        shares = [3.0 if c == d.prefecture else 1.0 for c in members]
        for c, share in zip(members, shares, strict=True):
            weighted_communes.append((c, pop * share / sum(shares)))
    communes = _expand(tuple(weighted_communes), 40000)
    birth_places = tuple(c.name for c in communes[::7]) + ref.FOREIGN_BIRTH_PLACES
    mobile = _valid_prefixes("33", range(600, 800), 6)
    landlines = {z: _valid_prefixes("33", range(int(z) * 100, int(z) * 100 + 100), 6) for z in "12345"}
    overseas = {
        dep: (
            cc,
            _valid_prefixes(cc, range(int(land) * 10, int(land) * 10 + 10), 5),
            _valid_prefixes(cc, range(int(mob) * 10, int(mob) * 10 + 10), 5),
        )
        for dep, (cc, land, mob) in ref.OVERSEAS_PHONES.items()
    }
    banks = _expand(
        tuple(((int(code), code, _bic(code, fallback)), w) for code, fallback, w, _ in ref.BANKS), 1000
    )
    names = (
        *male,
        *female,
        *ranked,
        *ref.COMPOUND_MALE_HEADS,
        *ref.COMPOUND_MALE_TAILS,
        *ref.COMPOUND_FEMALE_HEADS,
        *ref.COMPOUND_FEMALE_TAILS,
    )
    return Pools(
        folds={name: fold(name) for name in names},
        male_first=male,
        female_first=female,
        last_names=last_names,
        streets=streets,
        communes=communes,
        commune_departement={d.code: d for d in DEPARTEMENTS},
        birth_places=birth_places,
        email_domains=_expand(ref.EMAIL_DOMAINS, 1000),
        mobile_prefixes=mobile,
        landline_prefixes=landlines,
        overseas=overseas,
        banks=banks,
        cars=_expand(tuple(((m, mo, p), w) for m, mo, p, w in ref.CARS), 2000),
        two_wheelers=_expand(tuple(((m, mo, p), w) for m, mo, p, w in ref.TWO_WHEELERS), 2000),
        termination_reasons=_expand(ref.TERMINATION_REASONS, 1000),
        foreign_ips=_expand(tuple(((c, p), w) for c, p, w in ref.FOREIGN_IP_PREFIXES), 1000),
    )


def _bic(bank_code: str, fallback: str) -> str:
    try:
        from schwifty import IBAN

        bic = IBAN.generate("FR", bank_code=bank_code + "00001", account_code="00000000001").bic
        return str(bic) if bic else fallback
    except Exception:  # pragma: no cover - registry data missing
        return fallback


class TimeText:
    """Dates and times as the text both databases accept, from integer days and seconds (fast)."""

    def __init__(self, now: datetime) -> None:
        now = now.astimezone(UTC).replace(microsecond=0)
        self.now = now
        self.today = now.date().toordinal()
        self.now_ts = self.today * DAY + now.hour * HOUR + now.minute * 60 + now.second
        self.base = OLDEST_DATE.toordinal()
        end = self.today + NOW_DATE_MARGIN_DAYS
        self.dates = [date.fromordinal(o).isoformat() for o in range(self.base, end)]
        self.prefix = [d + " " for d in self.dates]
        self.years = [int(d[:4]) for d in self.dates]
        self.ordinal_of = {d: o for o, d in enumerate(self.dates, self.base)}
        self.hms = [
            f"{h:02d}:{m:02d}:{s:02d}.000000" for h in range(24) for m in range(60) for s in range(60)
        ]
        work_start = self.today - 12 * 366
        self.work_base = work_start
        cum = [0]
        for o in range(work_start, self.today + 400):
            cum.append(cum[-1] + (1 if is_working_day(date.fromordinal(o)) else 0))
        self.work_cum = cum
        self.renewals: dict[int, int] = {}  # start day -> first anniversary after today (cached)

    def ts(self, t: int) -> str:
        d, s = divmod(t, DAY)
        return self.prefix[d - self.base] + self.hms[s]

    def day(self, o: int) -> str:
        return self.dates[o - self.base]

    def year(self, o: int) -> int:
        return self.years[o - self.base]

    def anniversary_after(self, start: int, after: int) -> int:
        """First anniversary of day ``start`` strictly after day ``after`` (29 February falls on the 28th)."""
        text = self.dates[start - self.base]
        month_day = text[4:]
        year = max(self.years[start - self.base] + 1, self.years[after - self.base])
        while True:
            o = self.ordinal_of.get(f"{year}{month_day}")
            if o is None:
                o = self.ordinal_of[f"{year}-02-28"]
            if o > after:
                return o
            year += 1

    def renewal_after_today(self, start: int) -> int:
        """``anniversary_after(start, today)``, computed once per start day (starts repeat across contracts)."""
        o = self.renewals.get(start)
        if o is None:
            o = self.renewals[start] = self.anniversary_after(start, self.today)
        return o

    def working_days_between(self, start: int, end: int) -> int:
        lo, hi = start - self.work_base + 1, end - self.work_base + 1
        return self.work_cum[hi] - self.work_cum[lo]


def _bonus_table() -> list[int]:
    """Coefficient in hundredths after k claim-free years (×0.95 truncated each year, floor 0.50)."""
    c, out = 100, [100]
    for _ in range(60):
        c = max(50, c * 95 // 100)
        out.append(c)
    return out


BONUS_AFTER_YEARS = _bonus_table()
FIRST_YEAR_AT_FLOOR = BONUS_AFTER_YEARS.index(50)


@functools.lru_cache(maxsize=2)
def time_text(now: datetime) -> TimeText:
    """The date and time tables for one ``now``, built once per process."""
    return TimeText(now)


@dataclass(frozen=True)
class Burst:
    """A credential-stuffing wave: many accounts locked from one IP or one /24 within minutes."""

    start: int
    duration: int
    prefix: str
    country: str
    single_ip: int
    share: float  # fraction of accounts hit
    recent: bool


@dataclass
class Plan:
    """What every chunk needs besides its own index: shared by the worker processes."""

    seed: int
    customers: int
    chunk_size: int
    now: datetime
    bursts: tuple[Burst, ...]
    experts_by_area: dict[tuple[str, str], tuple[int, ...]]
    assignment_share: float
    lock_slots: tuple[int, ...] = ()
    lock_cum: tuple[float, ...] = ()


def make_lock_rhythm(tt: TimeText) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Hourly slots of the last 180 days weighted by when people log in (Paris hours, weekdays, slow growth)."""
    from backoffice.clock import PARIS

    hour_weight = (
        0.15,
        0.08,
        0.05,
        0.04,
        0.04,
        0.08,
        0.3,
        0.8,
        1.3,
        1.5,
        1.3,
        1.2,
        1.4,
        1.5,
        1.1,
        1.0,
        1.0,
        1.1,
        1.3,
        1.6,
        1.8,
        1.6,
        1.0,
        0.45,
    )
    slots: list[int] = []
    cum: list[float] = []
    total = 0.0
    start = (tt.now_ts // HOUR - LOCK_HISTORY_DAYS * 24) * HOUR
    epoch = datetime(1, 1, 1, tzinfo=UTC)
    for k in range(LOCK_HISTORY_DAYS * 24):
        t = start + k * HOUR
        if t >= tt.now_ts:
            break
        local = (epoch + timedelta(days=t // DAY - 1, seconds=t % DAY)).astimezone(PARIS)
        weekday = local.weekday()
        w = hour_weight[local.hour] * (1.0 if weekday < 5 else 0.7 if weekday == 5 else 0.55)
        w *= 0.85 + 0.3 * k / (LOCK_HISTORY_DAYS * 24)
        total += w
        slots.append(t)
        cum.append(total)
    return tuple(slots), tuple(c / total for c in cum)


def make_bursts(seed: int, tt: TimeText, customers: int) -> tuple[Burst, ...]:
    rng = random.Random(f"{seed}-bursts")
    bursts = []
    count = 6
    for k in range(count):
        recent = k == count - 1
        if recent:
            start = tt.now_ts - rng.randint(6 * HOUR, 30 * HOUR)
        else:
            start = tt.now_ts - rng.randint(3 * DAY, (LOCK_HISTORY_DAYS - 2) * DAY)
        prefix, country = ref.STUFFING_SOURCES[rng.randrange(len(ref.STUFFING_SOURCES))]
        share = rng.uniform(0.002, 0.008) if customers >= 20000 else rng.uniform(0.006, 0.015)
        bursts.append(
            Burst(start, rng.randint(4 * 60, 20 * 60), prefix, country, rng.randint(2, 254), share, recent)
        )
    return tuple(bursts)


# Coverage sets of the three formulas (code, deductible kind).
TIERS = (("civil_liability", "zero"), ("legal_protection", "zero"), ("assistance", "zero"))
INTERMEDIATE = (
    *TIERS,
    ("theft", "damage"),
    ("fire", "damage"),
    ("glass", "glass"),
    ("natural_disaster", "catnat"),
    ("climate_events", "damage"),
)
ALL_RISKS = (*INTERMEDIATE, ("all_risks_damage", "damage"), ("vandalism", "damage"))
FORMULAS = (TIERS, INTERMEDIATE, ALL_RISKS)
THEFT_EXCLUSION = "Vol sans effraction lorsque les clés sont laissées sur ou dans le véhicule"
LEGAL_PROTECTION_CEILING = 20000
#: (formula, position, code, deductible kind, ceiling): the coverages each formula expands to.
COVERAGE_TEMPLATE: tuple[tuple[int, int, str, str, int | None], ...] = tuple(
    (f, k, code, kind, LEGAL_PROTECTION_CEILING if code == "legal_protection" else None)
    for f, formula in enumerate(FORMULAS)
    for k, (code, kind) in enumerate(formula)
)
EXPAND_COVERAGES_SQL = f"""
INSERT INTO coverage (id, contract_id, code, deductible, ceiling, exclusions, start_date, end_date)
SELECT p.contract_id * {MAX_COVERAGES} + t.position, p.contract_id, t.code,
       CASE t.kind WHEN 'damage' THEN p.damage_deductible WHEN 'glass' THEN p.glass_deductible
                   WHEN 'catnat' THEN 380 ELSE 0 END,
       t.ceiling,
       CASE WHEN t.code = 'theft' AND p.contract_id % 10 < 3 THEN '{THEFT_EXCLUSION.replace("'", "''")}' END,
       p.start_date, p.end_date
FROM coverage_plan p JOIN coverage_template t ON t.formula = p.formula
"""

CLAIM_TYPES = _expand(
    (
        ("collision", 45),
        ("glass", 22),
        ("theft", 8),
        ("vandalism", 9),
        ("fire", 3),
        ("water", 5),
        ("natural_disaster", 8),
    ),
    1000,
)
CHANNELS = _expand((("portal", 35), ("mobile_app", 25), ("phone", 32), ("mail", 8)), 100)
OPEN_STATUSES = _expand(
    (("declared", 35), ("triaged", 25), ("in_appraisal", 25), ("indemnity_proposed", 15)), 100
)
CLOSED_STATUSES = _expand((("settled", 70), ("refused", 12), ("closed", 18)), 100)
SCHEDULES = _expand((("monthly", 55), ("annual", 25), ("quarterly", 10), ("semiannual", 10)), 100)
AMOUNT_RANGES = {
    "collision": (400, 9000),
    "glass": (250, 1400),
    "vandalism": (300, 3000),
    "fire": (2500, 15000),
    "water": (1500, 12000),
    "natural_disaster": (2000, 16000),
    "theft": (1500, 20000),
}
DECLARATION_LIMIT = {"theft": 2}
RULE_TEXTS = {
    "late": "Déclaration au-delà du délai légal (L113-2) : signalée, jamais refusée d'office",
    "safety": "Pièces de sécurité déclarées endommagées : expertise sur place obligatoire",
    "amount": "Montant estimé au-dessus du seuil d'expertise sur place",
    "recent": "Sinistre peu après la souscription",
    "default": "Aucune règle particulière : traitement standard",
}


def _money(x: float) -> str:
    return f"{x:.2f}"


def _euros(amount: str, deducted: bool = False) -> str:
    """The amount as babel writes it in French ("1 234,50 €", narrow spaces), without calling babel per claim."""
    units, cents = amount.split(".")
    grouped = f"{int(units):,}".replace(",", "\u202f")
    return ("− " if deducted else "") + f"{grouped},{cents}\u00a0€"


_BASIS_REASONS = {
    "replacement_value": "Option valeur à neuf au contrat : véhicule récent, valeur à neuf.",
    "depreciated_value": "Pas d'option valeur à neuf au contrat : valeur d'usage.",
}


def _indemnity_json(basis: str, assessed: str, deductible: str, indemnity: str) -> str:
    """indemnity_details in the shape workflows.indemnity.Indemnity.as_json() writes, so every screen reads it."""
    lines = (
        ("Dommages évalués par l'expert", assessed, assessed, False),
        ("Franchise", deductible, deductible, True),
        ("Indemnité proposée", indemnity, indemnity, False),
    )
    shown = ", ".join(
        f'{{"label": "{label}", "amount": "{amount}", "text": "{_euros(text, deducted)}"}}'
        for label, amount, text, deducted in lines
    )
    return (
        f'{{"basis": "{basis}", "basis_reason": "{_BASIS_REASONS[basis]}", "lines": [{shown}], '
        f'"amount": "{indemnity}", "deductible": "{deductible}"}}'
    )


def generate_chunk(plan: Plan, pools: Pools, tt: TimeText, index: int) -> dict[str, list[Row]]:
    """All rows of customers ``index*chunk_size+1 …`` (customers, contracts, coverages, accounts, events, claims)."""
    rng = random.Random(f"{plan.seed}-chunk-{index}")
    r = rng.random

    def randint(a: int, b: int) -> int:
        return a + int(r() * (b - a + 1))

    first_customer = index * plan.chunk_size
    count = min(plan.chunk_size, plan.customers - first_customer)
    cs = plan.chunk_size
    contract_id = index * cs * MAX_CONTRACTS
    event_id = index * cs * MAX_EVENTS
    claim_id = index * cs * MAX_CONTRACTS * MAX_CLAIMS_PER_CONTRACT

    customers: list[Row] = []
    contracts: list[Row] = []
    coverage_plans: list[Row] = []
    accounts: list[Row] = []
    events: list[Row] = []
    claims: list[Row] = []
    assignments: list[Row] = []

    P = pools
    folds = P.folds
    year_of, anniversary_after, renewal_after_today = tt.year, tt.anniversary_after, tt.renewal_after_today
    today, now_ts = tt.today, tt.now_ts
    dates, prefix, hms, base = tt.dates, tt.prefix, tt.hms, tt.base
    oldest_registration = date(1995, 1, 1).toordinal()

    # Closures over locals: these run hundreds of thousands of times per chunk.
    def ts(t: int) -> str:
        return prefix[t // DAY - base] + hms[t % DAY]

    def day(o: int) -> str:
        return dates[o - base]

    male, female, lasts, streets = P.male_first, P.female_first, P.last_names, P.streets
    n_male, n_female, n_last, n_street = len(male), len(female), len(lasts), len(streets)
    communes, n_communes = P.communes, len(P.communes)
    mobiles, n_mobiles = P.mobile_prefixes, len(P.mobile_prefixes)
    banks, n_banks = P.banks, len(P.banks)
    domains, n_domains = P.email_domains, len(P.email_domains)
    cars, n_cars, motos, n_motos = P.cars, len(P.cars), P.two_wheelers, len(P.two_wheelers)
    deps = P.commune_departement
    letters = ref.PLATE_LETTERS
    birth_lo = date(1940, 1, 1).toordinal()
    birth_span = date(2006, 12, 31).toordinal() - birth_lo
    slots, slot_cum, n_slots = plan.lock_slots, plan.lock_cum, len(plan.lock_slots)
    bursts = plan.bursts
    burst_cum = []
    acc = 0.0
    for b in bursts:
        acc += b.share
        burst_cum.append(acc)
    burst_total = acc
    need = {"security": True, "manual": True, "fraud_suspicion": True}
    recent: list[tuple[str, str, str, int]] = []  # (last, first, birth, id) for look-alike duplicates
    prev_contact: tuple[str | None, str | None] = (None, None)

    for k in range(count):
        cid = first_customer + k + 1
        is_female = r() < 0.52
        civility = "Mme" if is_female else "M."
        # Search keys are built along with the names (fold works word by word), not folded again per row.
        if is_female:
            if r() < 0.12:
                head, tail = ref.COMPOUND_FEMALE_HEADS[int(r() * 4)], ref.COMPOUND_FEMALE_TAILS[int(r() * 9)]
                first, first_key = f"{head}-{tail}", f"{folds[head]} {folds[tail]}"
            else:
                first = female[int(r() * n_female)]
                first_key = folds[first]
            if r() < 0.15:
                second = female[int(r() * n_female)]
                first, first_key = f"{first} {second}", f"{first_key} {folds[second]}"
        else:
            if r() < 0.12:
                head, tail = ref.COMPOUND_MALE_HEADS[int(r() * 5)], ref.COMPOUND_MALE_TAILS[int(r() * 10)]
                first, first_key = f"{head}-{tail}", f"{folds[head]} {folds[tail]}"
            else:
                first = male[int(r() * n_male)]
                first_key = folds[first]
            if r() < 0.15:
                second = male[int(r() * n_male)]
                first, first_key = f"{first} {second}", f"{first_key} {folds[second]}"
        last = lasts[int(r() * n_last)]
        last_key = folds[last]
        if r() < 0.03:
            other_last = lasts[int(r() * n_last)]
            last, last_key = f"{last}-{other_last}", f"{last_key} {folds[other_last]}"
        birth_name = None
        if is_female and r() < 0.3:
            birth_name = last
            last = lasts[int(r() * n_last)]
            last_key = folds[last]
        birth = birth_lo + int((r() + r()) * 0.5 * birth_span)
        duplicate = r() < 0.0025 and recent
        dup_contact = False
        if duplicate:
            src = recent[int(r() * len(recent))]
            mode = r()
            if mode < 0.6:  # same person typed twice: same name and birth date, accents may differ
                last, first, birth_text = src[0], src[1], src[2]
                birth = date.fromisoformat(birth_text).toordinal()
                if r() < 0.5:
                    first = P.fold(first).title().replace(" ", "-") if "-" in first else P.fold(first).title()
                first_key, last_key = P.fold(first), P.fold(last)
            else:
                dup_contact = True
        birth_text = day(birth)
        if len(recent) < 64:
            recent.append((last, first, birth_text, cid))
        elif r() < 0.05:
            recent[int(r() * 64)] = (last, first, birth_text, cid)

        commune = communes[int(r() * n_communes)]
        dep_code = commune.departement
        birth_place = P.birth_places[int(r() * len(P.birth_places))] if r() < 0.93 else None
        num = randint(1, 180)
        suffix = " bis" if r() < 0.04 else (" ter" if r() < 0.01 else "")
        address = f"{num}{suffix} {streets[int(r() * n_street)]}"
        complement = ref.ADDRESS_COMPLEMENTS[int(r() * 12)] if r() < 0.1 else None

        email = None
        if r() < 0.88:
            digits = "" if r() < 0.55 else str(randint(1, 99) if r() < 0.7 else birth_text[:4])
            sep = "." if r() < 0.8 else ("_" if r() < 0.5 else "")
            email = f"{P.slug(first.split(' ')[0])}{sep}{P.slug(last).replace('-', '')}{digits}@{domains[int(r() * n_domains)]}"
        overseas = P.overseas.get(dep_code)
        mobile = home = None
        if overseas:
            cc, land, mob = overseas
            if r() < 0.93:
                mobile = f"+{cc}{mob[int(r() * len(mob))]}{int(r() * 100000):05d}"
            if r() < 0.4:
                home = f"+{cc}{land[int(r() * len(land))]}{int(r() * 100000):05d}"
        else:
            if r() < 0.93:
                mobile = f"+33{mobiles[int(r() * n_mobiles)]}{int(r() * 1000000):06d}"
            if r() < 0.4:
                zone = ref.LANDLINE_ZONE_BY_REGION.get(deps[dep_code].region, "1")
                lp = P.landline_prefixes[zone]
                home = f"+33{lp[int(r() * len(lp))]}{int(r() * 1000000):06d}"
        if dup_contact and prev_contact != (None, None):
            if r() < 0.5 and prev_contact[0]:
                email = prev_contact[0]
            elif prev_contact[1]:
                mobile = prev_contact[1]
        if r() < 0.02:
            prev_contact = (email, mobile)

        # Relationship: prospects have nothing yet, former customers only terminated contracts.
        x = r()
        prospect = x < 0.02
        former = not prospect and x < 0.08
        n_contracts = 0 if prospect else (1 if (y := r()) < 0.78 else 2 if y < 0.96 else 3)
        adult = birth + 18 * 365 + 30
        lo = max(adult, today - 18 * 365)
        if lo > today - 40:
            lo = today - 40
        span = today - 7 - lo
        contract_rows: list[tuple[int, int, str, int, int | None, str, int, int]] = []
        first_start = today
        last_end = 0
        for c in range(n_contracts):
            start = lo + int(span * (1 - r() ** 1.4))
            if start < first_start:
                first_start = start
            if former:
                status = "terminated"
            elif c == 0:
                status = "active" if r() < 0.96 else "suspended"
            else:
                y = r()
                status = "active" if y < 0.67 else ("suspended" if y < 0.70 else "terminated")
            end = None
            reason = None
            if status == "terminated":
                end_lo = min(start + 60, today - 2)
                end = end_lo + int((today - 1 - end_lo) * r())
                reason = P.termination_reasons[int(r() * len(P.termination_reasons))]
                renewal = anniversary_after(start, end)
                if end > last_end:
                    last_end = end
            else:
                renewal = renewal_after_today(start)
            contract_id += 1
            is_car = r() < 0.8
            if is_car:
                make, model, price = cars[int(r() * n_cars)]
                fy = r()
                formula = 0 if fy < 0.28 else (1 if fy < 0.6 else 2)
                number = f"AUT000{contract_id:07d}"
            else:
                make, model, price = motos[int(r() * n_motos)]
                fy = r()
                formula = 0 if fy < 0.45 else (1 if fy < 0.8 else 2)
                number = f"MOT000{contract_id:07d}"
            age_days = int((r() ** 1.5) * 15 * 365) if r() > 0.25 else int(r() * 60)
            first_reg = max(start - age_days, oldest_registration)
            reg_year = year_of(first_reg)
            age_now = (today - first_reg) / 365.25
            value = max(800.0, price * (0.86**age_now) * (0.9 + 0.2 * r()))
            first_letter = letters[min(7, max(0, int((reg_year - 2009) * 0.55)))]
            second = letters[int(r() * 23)]
            if first_letter + second in ("SS", "WW"):
                second = "A"
            plate = f"{first_letter}{second}-{randint(1, 999):03d}-{letters[int(r() * 23)]}{letters[int(r() * 23)]}"
            years = max(0, min(45, (start - adult) // 365 + randint(-2, 3)))
            coef = BONUS_AFTER_YEARS[years]
            at_min = max(0, years - FIRST_YEAR_AT_FLOOR) if coef == 50 else 0
            y = r()
            if y < 0.11:
                coef = min(350, coef * 125 // 100)
                at_min = 0
            elif y < 0.13:
                coef = min(350, coef * 125 // 100 * 125 // 100)
                at_min = 0
            elif y < 0.1335:
                coef = randint(150, 350)
                at_min = 0
            zone_factor = (
                1.25
                if dep_code in ("75", "92", "93", "94")
                else (1.1 if dep_code in ("13", "69", "06", "91", "95", "77", "78") else 1.0)
            )
            premium = (
                (420.0 if is_car else 260.0)
                * (0.65, 1.0, 1.45)[formula]
                * coef
                / 100
                * zone_factor
                * (price / 20000) ** 0.3
                * (0.85 + 0.35 * r())
            )
            replacement = (r() < 0.42) if formula else (r() < 0.05)
            licence = adult + randint(0, 1200)
            drivers = (
                f'[{{"name": "{first} {last}", "birth_date": "{birth_text}", '
                f'"licence_date": "{day(min(licence, start))}"}}'
            )
            if r() < 0.25:
                other = male[int(r() * n_male)] if is_female else female[int(r() * n_female)]
                obirth = birth + randint(-2000, 2000)
                drivers += (
                    f', {{"name": "{other} {last}", "birth_date": "{day(obirth)}", '
                    f'"licence_date": "{day(min(obirth + 18 * 365 + randint(30, 900), today - 1))}"}}'
                )
            drivers += "]"
            created = start * DAY + randint(8 * HOUR, 18 * HOUR) - randint(0, 20) * DAY
            updated = min(now_ts - 60, created + int((now_ts - created) * r()))
            contracts.append(
                (
                    contract_id,
                    1,
                    number,
                    cid,
                    "car" if is_car else "two_wheeler",
                    status,
                    day(start),
                    day(end) if end else None,
                    reason,
                    day(renewal),
                    1 if r() < 0.97 else 0,
                    _money(premium),
                    SCHEDULES[int(r() * 100)],
                    f"{coef / 100:.2f}",
                    at_min,
                    1 if replacement else 0,
                    plate,
                    make,
                    model,
                    day(first_reg),
                    _money(value),
                    drivers,
                    ts(created),
                    ts(updated),
                )
            )
            damage_ded = (300, 400, 500, 800)[int(r() * 4)]
            glass_ded = (0, 60, 90)[int(r() * 3)]
            coverage_plans.append(
                (contract_id, formula, damage_ded, glass_ded, day(start), day(end) if end else None)
            )
            contract_rows.append(
                (
                    contract_id,
                    start,
                    status,
                    formula,
                    end,
                    "car" if is_car else "two_wheeler",
                    int(value),
                    damage_ded * 100 + glass_ded,
                )
            )

        if prospect:
            created_c = (today - randint(1, 1000)) * DAY + randint(8 * HOUR, 19 * HOUR)
        else:
            created_c = first_start * DAY + randint(8 * HOUR, 18 * HOUR) - randint(1, 25) * DAY
        ended_on = last_end if former and r() < 0.9 else None
        if former:
            activity = min(now_ts - HOUR, (last_end + randint(0, 60)) * DAY + randint(0, DAY - 1))
        else:
            activity = now_ts - int((r() ** 1.3) * 3 * 365 * DAY)
        activity = max(activity, created_c)
        updated_c = max(created_c, min(activity, now_ts - 60))

        iban = bic = holder = iban_changed = last4 = None
        if r() < (0.2 if prospect else 0.87):
            bank_int, bank_code, bic = banks[int(r() * n_banks)]
            branch = int(r() * 100000)
            account = int(r() * 100000000000)
            key = 97 - (89 * bank_int + 15 * branch + 3 * account) % 97
            bban = f"{bank_code}{branch:05d}{account:011d}{key:02d}"
            iban = f"FR{98 - int(bban + '152700') % 97:02d}{bban}"
            last4 = iban[-4:]
            upper_name = f"{last_key} {first_key}".upper()
            holder = f"{'MME' if is_female else 'M.'} {upper_name}"
            if r() < 0.08:
                holder = f"M. OU MME {upper_name}"
            if r() < 0.05:
                iban_changed = max(created_c, now_ts - int(r() * 700 * DAY))
        client_number = f"TI000{cid:07d}"
        customers.append(
            (
                cid,
                1,
                client_number,
                "prospect" if prospect else "customer",
                civility,
                last,
                birth_name,
                first,
                birth_text,
                birth_place,
                email,
                mobile,
                home,
                address,
                complement,
                commune.postcode,
                commune.name,
                "FR",
                iban,
                bic,
                holder,
                ts(iban_changed) if iban_changed else None,
                day(ended_on) if ended_on else None,
                None,
                ts(created_c),
                ts(updated_c),
                ts(activity),
                last_key,
                first_key,
                email.lower() if email else None,
                last4,
            )
        )

        # Portal account and its lock history.
        if not prospect and r() < (0.8 if former else 0.9):
            account_created = min(created_c + randint(0, 400) * DAY, now_ts - 2 * DAY)
            account_created = max(account_created, created_c)
            plans: list[
                list[Any]
            ] = []  # [t, reason, planned unlock or None, ip, country, attempts, detail, burst]
            limit = now_ts - 60
            disabled = False
            if former:
                y = r()
                if y < 0.55:
                    t_lock = min(
                        now_ts - HOUR, (last_end + randint(0, 2)) * DAY + randint(6 * HOUR, 22 * HOUR)
                    )
                    plans.append(
                        [
                            t_lock,
                            "terminated_contract",
                            None,
                            None,
                            None,
                            0,
                            "Verrouillage automatique à la résiliation du dernier contrat",
                            False,
                        ]
                    )
                    limit = t_lock - HOUR
                elif y < 0.65:
                    disabled = True
            else:
                y = r()
                reason = None
                if y < 0.022:
                    reason = "failed_logins"
                elif y < 0.028 or (need.get("security") and k >= 37):
                    reason = "security"
                elif y < 0.031 or (need.get("manual") and k >= 53):
                    reason = "manual"
                elif y < 0.0318 or (need.get("fraud_suspicion") and k >= 71):
                    reason = "fraud_suspicion"
                if reason:
                    need.pop(reason, None)
                    if reason == "failed_logins":
                        t_lock = now_ts - int(min(30 * DAY, rng.expovariate(1 / (4 * DAY))))
                    else:
                        t_lock = now_ts - int(r() * (60 if reason != "manual" else 90) * DAY) - HOUR
                    t_lock = max(t_lock, account_created + HOUR)
                    plans.append([t_lock, reason, None, *_lock_origin(rng, pools, reason), False])
                    limit = t_lock - HOUR
            x = r()
            n_hist = 0 if x < 0.6 else 1 if x < 0.85 else 2 if x < 0.95 else 3 if x < 0.985 else randint(4, 6)
            for _ in range(n_hist):
                t = slots[min(n_slots - 1, bisect.bisect_left(slot_cum, r()))] + int(r() * HOUR)
                y = r()
                reason = (
                    "failed_logins"
                    if y < 0.88
                    else "security"
                    if y < 0.97
                    else ("manual" if y < 0.995 else "fraud_suspicion")
                )
                plans.append(
                    [t, reason, t + _unlock_delay(rng, reason), *_lock_origin(rng, pools, reason), False]
                )
            y = r()
            if y < burst_total:
                b = bursts[bisect.bisect_left(burst_cum, y)]
                t = b.start + int(r() * b.duration)
                ip = f"{b.prefix}.{b.single_ip if r() < 0.7 else randint(2, 254)}"
                plans.append(
                    [
                        t,
                        "failed_logins",
                        None if b.recent else b.start + b.duration + randint(1800, 3 * HOUR),
                        ip,
                        b.country,
                        randint(5, 8),
                        ref.BURST_DETAIL.format(ip=f"{b.prefix}.0/24"),
                        True,
                    ]
                )
            plans = [p for p in plans if (p[2] is None and not p[7]) or account_created < p[0] <= limit]
            plans.sort(key=lambda p: p[0])
            open_event: list[Any] | None = None
            for j, p in enumerate(plans):
                t, reason, unlock_at = p[0], p[1], p[2]
                nxt = plans[j + 1][0] if j + 1 < len(plans) else None
                if unlock_at is not None and nxt is not None and unlock_at >= nxt:
                    unlock_at = nxt - randint(60, 1800)
                    unlock_at = max(unlock_at, t + 60)
                if unlock_at is not None and unlock_at > now_ts - 60:
                    unlock_at = None if nxt is None else max(t + 60, nxt - 120)
                if unlock_at is None and nxt is not None:
                    unlock_at = max(t + 60, nxt - 120)
                locked_by = (
                    AGENT_SUPERVISEUR
                    if reason == "fraud_suspicion"
                    else AGENT_CONSEILLER
                    if reason == "manual"
                    else None
                )
                unlocked_by = None
                if unlock_at is not None:
                    if p[7]:
                        unlocked_by = AGENT_SUPERVISEUR
                    elif reason == "failed_logins":
                        unlocked_by = AGENT_CONSEILLER if r() < 0.3 else None
                    elif reason == "fraud_suspicion":
                        unlocked_by = AGENT_SUPERVISEUR2
                    else:
                        unlocked_by = AGENT_CONSEILLER if r() < 0.6 else AGENT_SUPERVISEUR
                reviewed_at = reviewed_by = comment = None
                if t < now_ts - 2 * DAY and (p[7] or r() < (0.25 if reason == "failed_logins" else 0.8)):
                    reviewed_at = min(now_ts - 60, (unlock_at or t) + randint(600, 3 * DAY))
                    reviewed_by = AGENT_SUPERVISEUR if r() < 0.6 else AGENT_SUPERVISEUR2
                    comment = (
                        ref.REVIEW_COMMENTS[3]
                        if p[7]
                        else ref.REVIEW_COMMENTS[int(r() * len(ref.REVIEW_COMMENTS))]
                        if r() < 0.5
                        else None
                    )
                event_id += 1
                events.append(
                    (
                        event_id,
                        1,
                        cid,
                        cid,
                        ts(t),
                        reason,
                        p[3],
                        p[4],
                        p[5],
                        p[6],
                        locked_by,
                        ts(unlock_at) if unlock_at is not None else None,
                        unlocked_by,
                        ts(reviewed_at) if reviewed_at else None,
                        reviewed_by,
                        comment,
                    )
                )
                if unlock_at is None:
                    open_event = p
            if open_event is not None:
                status, lock_reason, locked_at = "locked", open_event[1], ts(open_event[0])
                attempts = open_event[5]
                reset = 1 if open_event[1] in ("security", "fraud_suspicion") or open_event[7] else 0
                last_login = open_event[0] - randint(HOUR, 60 * DAY) if r() < 0.8 else None
            else:
                status = "disabled" if disabled else "active"
                lock_reason = locked_at = None
                attempts = randint(0, 2) if r() < 0.2 else 0
                reset = 0
                last_login = now_ts - int((r() ** 2) * 365 * DAY) if r() < 0.85 else None
            if last_login is not None and last_login < account_created:
                last_login = None
            acc_updated = max([account_created] + [p[0] for p in plans])
            accounts.append(
                (
                    cid,
                    1,
                    cid,
                    status,
                    lock_reason,
                    locked_at,
                    attempts,
                    ts(last_login) if last_login else None,
                    reset,
                    ts(account_created),
                    ts(min(acc_updated, now_ts)),
                )
            )

        # Claims.
        for c_id, start, status, formula, end, product, value, deds in contract_rows:
            y = r()
            n_claims = 0 if y < 0.725 else (1 if y < 0.97 else 2)
            for _ in range(n_claims):
                is_open = status != "terminated" and r() < 0.66
                if is_open:
                    claim_status = OPEN_STATUSES[int(r() * 100)]
                    back = {"declared": 10, "triaged": 30, "in_appraisal": 60, "indemnity_proposed": 120}[
                        claim_status
                    ]
                    declared_day = (
                        today - int(r() * back) if claim_status != "declared" else today - int(r() * 10)
                    )
                else:
                    claim_status = CLOSED_STATUSES[int(r() * 100)]
                    declared_day = today - 120 - int(r() * 1700)
                if end is not None and declared_day > end - 5:
                    declared_day = end - 5 - int(r() * 300)
                if declared_day < start + 10:
                    continue
                claim_type = CLAIM_TYPES[int(r() * 1000)]
                if formula == 0 or (formula == 1 and claim_type == "vandalism"):
                    claim_type = "collision"
                channel = CHANNELS[int(r() * 100)]
                if channel in ("phone", "mail"):
                    declared_at = declared_day * DAY + randint(7 * HOUR, 16 * HOUR)
                else:
                    declared_at = declared_day * DAY + randint(5 * HOUR, 23 * HOUR)
                if declared_at > now_ts - 600:
                    declared_at = now_ts - randint(600, 6 * HOUR)
                    declared_day = declared_at // DAY
                late = r() < 0.07
                delay = randint(6, 40) if late else (0 if r() < 0.45 else randint(1, 4))
                occurred = max(start + 1, declared_day - delay)
                known = occurred + (1 if claim_type == "theft" and r() < 0.3 else 0)
                known = min(known, declared_day)
                decree = None
                if claim_type == "natural_disaster":
                    d = occurred + randint(10, 40)
                    decree = d if d <= declared_day else None
                claim_id += 1
                place_commune = commune if r() < 0.75 else communes[int(r() * n_communes)]
                circumstances = ref.CIRCUMSTANCES[claim_type][
                    int(r() * len(ref.CIRCUMSTANCES[claim_type]))
                ].format(city=place_commune.name, road=randint(1, 89))
                third_party = claim_type == "collision" and r() < 0.6
                third_details = None
                if third_party:
                    third_details = (
                        f"Véhicule adverse immatriculé {letters[int(r() * 23)]}{letters[int(r() * 23)]}-"
                        f"{randint(1, 999):03d}-{letters[int(r() * 23)]}{letters[int(r() * 23)]}, assuré chez "
                        f"{ref.OTHER_INSURERS[int(r() * len(ref.OTHER_INSURERS))]}, constat amiable signé"
                    )
                police = claim_type in ("theft",) or (claim_type in ("vandalism", "fire") and r() < 0.6)
                keys = (r() < 0.85) if claim_type == "theft" else None
                safety = claim_type == "collision" and r() < 0.25
                drivable = None if claim_type in ("theft", "glass") else (r() < (0.6 if safety else 0.85))
                lo_amt, hi_amt = AMOUNT_RANGES[claim_type]
                estimated = (
                    float(value) if claim_type == "theft" else lo_amt + (hi_amt - lo_amt) * (r() ** 2.2)
                )
                estimated = max(150.0, estimated)
                fault = None
                priority = appraisal = triage = triaged_at = handler = taken = None
                flags = "[]"
                late_flag = fraud = 0
                assessed = ded_applied = indemnity = basis = details = closed_at = None
                updated = declared_at
                if claim_status != "declared":
                    if claim_type == "collision":
                        f = r()
                        fault = 0 if f < 0.45 else (50 if f < 0.6 else 100)
                    if claim_type == "natural_disaster":
                        late_days = (declared_day - decree - 30) if decree else 0
                        late_flag = 1 if late_days > 0 else 0
                    else:
                        wd = tt.working_days_between(known, declared_day)
                        late_flag = 1 if wd > DECLARATION_LIMIT.get(claim_type, 5) else 0
                    flag_list = []
                    if late_flag:
                        flag_list.append("late")
                    if declared_day - start < 60:
                        flag_list.append("recent")
                    fraud = 1 if (flag_list and r() < 0.15) or r() < 0.01 else 0
                    if claim_type in ("theft", "fire") or drivable is False:
                        priority = "P1"
                    elif safety or estimated > 6500:
                        priority = "P2"
                    elif claim_type == "glass":
                        priority = "P4"
                    else:
                        priority = "P3"
                    if safety:
                        flag_list.append("safety")
                    if estimated > 6500:
                        flag_list.append("amount")
                    appraisal = (
                        "on_site"
                        if (safety or estimated > 6500 or claim_type in ("fire", "natural_disaster"))
                        else "remote"
                    )
                    flags = "[" + ", ".join(f'"{x}"' for x in flag_list) + "]"
                    rules = ", ".join(
                        f'{{"rule": "{x}", "explanation": "{RULE_TEXTS[x]}"}}'
                        for x in (flag_list or ["default"])
                    )
                    triage = (
                        f'{{"priority": "{priority}", "appraisal_mode": "{appraisal}", '
                        f'"fraud_referral": {"true" if fraud else "false"}, "rules": [{rules}]}}'
                    )
                    triaged_at = min(now_ts - 120, declared_at + randint(HOUR, 3 * DAY))
                    updated = triaged_at
                    if claim_status != "triaged" or r() < 0.3:
                        handler = AGENT_GESTIONNAIRE
                        taken = min(now_ts - 60, triaged_at + randint(600, 2 * DAY))
                        updated = taken
                if claim_status in ("indemnity_proposed", "settled"):
                    assessed_f = estimated * (0.7 + 0.6 * r())
                    if claim_type == "glass":
                        ded = deds % 100
                    elif claim_type == "natural_disaster":
                        ded = 380
                    elif claim_type == "collision" and fault == 0:
                        ded = 0
                    else:
                        ded = deds // 100
                    assessed = _money(assessed_f)
                    ded_applied = f"{ded}.00"
                    indemnity_f = max(0.0, assessed_f - ded)
                    indemnity = _money(indemnity_f)
                    basis = "replacement_value" if (r() < 0.25) else "depreciated_value"
                    details = _indemnity_json(basis, assessed, ded_applied, indemnity)
                if claim_status in ("settled", "refused", "closed"):
                    closed_at = min(now_ts - 60, declared_at + randint(10, 120) * DAY + randint(0, 8 * HOUR))
                    updated = closed_at
                elif claim_status in ("in_appraisal", "indemnity_proposed"):
                    updated = min(now_ts - 60, (taken or declared_at) + randint(HOUR, 5 * DAY))
                number = f"SIN{year_of(declared_day)}-{claim_id:0{CLAIM_NUMBER_YEAR_DIGITS}d}"
                claims.append(
                    (
                        claim_id,
                        1,
                        number,
                        c_id,
                        cid,
                        claim_type,
                        channel,
                        day(occurred),
                        day(known),
                        ts(declared_at),
                        day(decree) if decree else None,
                        circumstances,
                        place_commune.name,
                        place_commune.postcode,
                        place_commune.departement,
                        1 if third_party else 0,
                        third_details,
                        1 if police else 0,
                        None if keys is None else (1 if keys else 0),
                        1 if safety else 0,
                        None if drivable is None else (1 if drivable else 0),
                        _money(estimated),
                        fault,
                        claim_status,
                        priority,
                        appraisal,
                        late_flag,
                        fraud,
                        flags,
                        triage,
                        ts(triaged_at) if triaged_at else None,
                        None,
                        handler,
                        ts(taken) if taken else None,
                        assessed,
                        ded_applied,
                        indemnity,
                        basis,
                        details,
                        ts(closed_at) if closed_at else None,
                        ts(declared_at),
                        ts(max(updated, declared_at)),
                    )
                )
                if claim_status in ("in_appraisal", "indemnity_proposed") and r() < plan.assignment_share:
                    specialty = "glass" if claim_type == "glass" else product
                    candidates = plan.experts_by_area.get(
                        (place_commune.departement, specialty)
                    ) or plan.experts_by_area.get((place_commune.departement, "car"), ())
                    if candidates and taken is not None:
                        mandated = min(now_ts - 60, taken + randint(600, DAY))
                        received = None
                        report = None
                        if claim_status == "indemnity_proposed":
                            received = min(now_ts - 30, mandated + randint(2, 15) * DAY)
                            report = "Rapport d'expertise reçu : réparations chiffrées, véhicule réparable."
                        manual = r() < 0.1
                        assignments.append(
                            (
                                claim_id,
                                1,
                                claim_id,
                                candidates[int(r() * len(candidates))],
                                "initial",
                                appraisal,
                                "report_received" if received else "mandated",
                                "manual" if manual else "proposed",
                                "Expert habituel du garage partenaire du client" if manual else None,
                                AGENT_GESTIONNAIRE,
                                ts(mandated),
                                day(mandated // DAY + 10),
                                ts(received) if received else None,
                                assessed if received else None,
                                (1 if safety else 0) if received else None,
                                0 if received else None,
                                "20.00" if received else None,
                                _money(float(value)) if received else None,
                                report,
                            )
                        )
    return {
        "customer": customers,
        "contract": contracts,
        "coverage_plan": coverage_plans,
        "portal_account": accounts,
        "lock_event": events,
        "claim": claims,
        "appraisal_assignment": assignments,
    }


def _lock_origin(rng: random.Random, pools: Pools, reason: str) -> list[Any]:
    """[origin ip, country, failed attempts, detail] of a lock."""
    r = rng.random
    if reason in ("manual", "fraud_suspicion"):
        texts = ref.LOCK_DETAILS_MANUAL if reason == "manual" else ref.LOCK_DETAILS_FRAUD
        return [None, None, 0, texts[int(r() * len(texts))]]
    foreign = r() < (0.6 if reason == "security" else 0.12)
    if foreign:
        country, prefix = pools.foreign_ips[int(r() * len(pools.foreign_ips))]
    else:
        country, prefix = "FR", ref.FRENCH_IP_PREFIXES[int(r() * len(ref.FRENCH_IP_PREFIXES))]
    ip = f"{prefix}.{int(r() * 256)}.{1 + int(r() * 254)}"
    if reason == "security":
        return [ip, country, 0, ref.LOCK_DETAILS_SECURITY[int(r() * len(ref.LOCK_DETAILS_SECURITY))]]
    attempts = 5 + int(r() * 6)
    return [
        ip,
        country,
        attempts,
        ref.LOCK_DETAILS_FAILED[int(r() * len(ref.LOCK_DETAILS_FAILED))].format(n=attempts),
    ]


def _unlock_delay(rng: random.Random, reason: str) -> int:
    if reason == "failed_logins":
        return rng.randint(600, 2 * DAY)
    if reason == "security":
        return rng.randint(HOUR, 5 * DAY)
    if reason == "manual":
        return rng.randint(HOUR, 10 * DAY)
    return rng.randint(3 * DAY, 20 * DAY)


def generate_experts(seed: int, tt: TimeText) -> tuple[list[Row], list[Row], list[Row]]:
    """Expert firms covering every département: each served by at least two active car experts."""
    rng = random.Random(f"{seed}-experts")
    metro = [d for d in DEPARTEMENTS if len(d.code) == 2]
    overseas = [d for d in DEPARTEMENTS if len(d.code) == 3]
    weights = [ref.POPULATION_THOUSANDS.get(d.code, ref.DEFAULT_POPULATION) for d in metro]
    homes = [d.code for d in rng.choices(metro, weights=weights, k=EXPERT_COUNT - 2 * len(overseas))]
    homes += [d.code for d in overseas for _ in range(2)]
    last_names = tuple(FrenchNames.last_names[:200]) + ref.EXTRA_LAST_NAMES
    experts: list[dict[str, Any]] = []
    inactive = set(rng.sample(range(EXPERT_COUNT - 2 * len(overseas)), 5))
    for i, home in enumerate(homes):
        dep = next(d for d in DEPARTEMENTS if d.code == home)
        last, last2 = rng.choice(last_names), rng.choice(last_names)
        pattern = rng.choice(ref.EXPERT_FIRM_PATTERNS)
        firm = pattern.format(last=last, last2=last2, region=dep.name, city=dep.prefecture.name)
        if any(e["firm"] == firm for e in experts):
            firm = f"{firm} ({dep.prefecture.name})"
        first = rng.choice(FrenchNames.first_names_male + FrenchNames.first_names_female)
        specialties = {"car"} if rng.random() < 0.9 or len(home) == 3 else set()
        if rng.random() < 0.4:
            specialties.add("two_wheeler")
        if rng.random() < 0.2:
            specialties.add("glass")
        if rng.random() < 0.15:
            specialties.add("fire_water")
        if not specialties:
            specialties.add("two_wheeler")
        if len(home) == 3:
            areas = {home}
        else:
            nearest = sorted((m.code for m in metro), key=lambda c: (distance_km(home, c), c))
            areas = set(nearest[: rng.randint(4, 9)])
        zone = ref.LANDLINE_ZONE_BY_REGION.get(dep.region, "1")
        if home in ref.OVERSEAS_PHONES:
            cc, land, _ = ref.OVERSEAS_PHONES[home]
            phone = f"+{cc}{land}{rng.randint(0, 999999):06d}"
        else:
            phone = f"+33{zone}{rng.randint(10, 99)}{rng.randint(0, 999999):06d}"
        experts.append(
            {
                "id": i + 1,
                "firm": firm,
                "name": f"{first} {last}",
                "home": home,
                "phone": phone,
                "email": f"contact@{fold(firm).replace(' ', '-')[:40]}.fr",
                "capacity": rng.randint(8, 40),
                "active": i not in inactive,
                "specialties": specialties,
                "areas": areas,
            }
        )
    for specialty, minimum in (("car", 2), ("two_wheeler", 1)):
        for d in DEPARTEMENTS:
            serving = [
                e for e in experts if e["active"] and specialty in e["specialties"] and d.code in e["areas"]
            ]
            if len(serving) >= minimum:
                continue
            pool = [e for e in experts if e["active"] and specialty in e["specialties"] and e not in serving]
            pool.sort(key=lambda e: (distance_km(e["home"], d.code), e["id"]))
            for e in pool[: minimum - len(serving)]:
                e["areas"].add(d.code)
    created = tt.now_ts - 900 * DAY
    expert_rows = [
        (
            e["id"],
            1,
            e["firm"],
            e["name"],
            e["email"],
            e["phone"],
            e["home"],
            e["capacity"],
            1 if e["active"] else 0,
            tt.ts(created + e["id"] * DAY),
        )
        for e in experts
    ]
    specialty_rows = [(e["id"], s) for e in experts for s in sorted(e["specialties"])]
    area_rows = [(e["id"], a) for e in experts for a in sorted(e["areas"])]
    return expert_rows, specialty_rows, area_rows


def experts_by_area(
    expert_rows: list[Row], specialty_rows: list[Row], area_rows: list[Row]
) -> dict[tuple[str, str], tuple[int, ...]]:
    active = {row[0] for row in expert_rows if row[8]}
    specialties: dict[int, list[str]] = {}
    for expert_id, specialty in specialty_rows:
        specialties.setdefault(expert_id, []).append(specialty)
    out: dict[tuple[str, str], list[int]] = {}
    for expert_id, dep in area_rows:
        if expert_id in active:
            for s in specialties.get(expert_id, ()):
                out.setdefault((dep, s), []).append(expert_id)
    return {key: tuple(ids) for key, ids in out.items()}
