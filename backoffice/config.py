"""Settings: defaults, then a TOML file in the user config dir, then ``BACKOFFICE_*`` environment variables.

Every number that a rule or a contract may change lives here, once (RULES.md "(config)").
Environment variables name a field as ``BACKOFFICE_<SECTION>__<FIELD>`` (e.g. ``BACKOFFICE_UNLOCK__CODE_TTL_MINUTES``);
``BACKOFFICE_DATABASE_URL`` is accepted as a shortcut for the database URL.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import platformdirs

from backoffice.errors import BackofficeError

APP_NAME = "backoffice"
APP_AUTHOR = "CentreCourriers"


@dataclass
class Paths:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> Paths:
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        )

    @classmethod
    def under(cls, root: Path) -> Paths:
        return cls(config_dir=root / "config", data_dir=root / "data", log_dir=root / "logs")


@dataclass
class DatabaseSettings:
    url: str = ""  # empty: SQLite file "backoffice.sqlite3" in the user data dir
    readonly_url: str = ""  # optional replica for supervision and reporting screens
    keyring_service: str = "backoffice-db"
    sqlite_busy_timeout_ms: int = 15000
    demo_customers_on_first_run: int = 2000
    demo_seed: int = 42
    # PostgreSQL: each workstation listens for changes to agents (LISTEN/NOTIFY), so the search box checks the
    # agent without a round trip. Off behind a PgBouncer in transaction mode, which cannot hold a LISTEN.
    agent_change_notices: bool = True


@dataclass
class SessionSettings:
    idle_lock_minutes: int = 15
    login_max_failures: int = 5
    login_delay_base_seconds: float = 1.0


@dataclass
class DocumentSettings:
    max_upload_bytes: int = 15 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    max_pdf_pages: int = 20
    allowed_types: tuple[str, ...] = ("image/jpeg", "image/png", "application/pdf")


@dataclass
class VerificationSettings:
    proof_of_address_max_age_months: int = 3
    tax_notice_max_age_months: int = 12
    old_french_id_card_extension_years: int = 5
    verification_valid_days: int = 30


@dataclass
class UnlockSettings:
    code_digits: int = 6
    code_ttl_minutes: int = 10
    code_max_attempts: int = 5
    recent_security_lock_days: int = 90
    outbox_drop_dir: str = ""  # empty: "outbox" in the user data dir


@dataclass
class SupervisionSettings:
    burst_ip_window_minutes: int = 15
    burst_ip_min_locks: int = 10
    burst_subnet_min_locks: int = 20
    repeated_lock_window_days: int = 7
    repeated_lock_min_count: int = 3
    unlock_after_bank_change_hours: int = 72
    agent_unlock_ratio_to_peers: float = 3.0
    agent_unlock_min_count: int = 10
    opening_hours: str = "Mon-Fri 09:00-12:30,14:00-18:30; Sat 09:00-12:30"


@dataclass
class ClaimsSettings:
    declaration_working_days: int = 5
    theft_declaration_working_days: int = 2
    natural_disaster_days_after_decree: int = 30
    whit_monday_is_holiday: bool = True
    on_site_amount_threshold: Decimal = Decimal("6500.00")
    irsa_threshold_before_2025_03_01: Decimal = Decimal("6500.00")
    irsa_threshold_from_2025_03_01: Decimal = Decimal("19500.00")
    early_loss_days: int = 60
    claims_in_12_months_flag: int = 2
    bank_change_before_claim_days: int = 30
    high_amount_flag: Decimal = Decimal("15000.00")
    appraisal_sla_days: int = 10
    queue_lock_timeout_minutes: int = 30
    replacement_value_max_vehicle_age_months: int = 24
    fraud_referral_min_flags: int = 2
    retriage_batch_size: int = 2000


@dataclass
class RetentionSettings:
    kyc_years_after_relationship: int = 5
    contract_years_after_end: int = 2
    prospect_years: int = 3


@dataclass
class BrandingSettings:
    insurer_name: str = "Maxance Assurances"
    centre_name: str = "Centre Courriers"
    street: str = "6 rue de Gracchus Babeuf"
    postcode: str = "93130"
    city: str = "Noisy-le-Sec"
    phone: str = "01 49 15 33 00"
    email: str = "contact@maxance.com"
    opening_hours: str = "du lundi au vendredi de 9 h à 12 h 30 et de 14 h à 18 h 30, le samedi matin"
    ombudsman: str = "La Médiation de l'Assurance, TSA 50110, 75441 Paris Cedex 09"


@dataclass
class LettersSettings:
    documents_reply_days: int = 15  # "pièces à nous adresser avant le …"
    indemnity_reply_days: int = 30  # time to accept an indemnity proposal
    indemnity_payment_days: int = 21  # payment after acceptance (the cat nat legal delay, used for all)
    batch_chunk_size: int = 100  # letters archived per transaction in a batch


@dataclass
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    session: SessionSettings = field(default_factory=SessionSettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    verification: VerificationSettings = field(default_factory=VerificationSettings)
    unlock: UnlockSettings = field(default_factory=UnlockSettings)
    supervision: SupervisionSettings = field(default_factory=SupervisionSettings)
    claims: ClaimsSettings = field(default_factory=ClaimsSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    branding: BrandingSettings = field(default_factory=BrandingSettings)
    letters: LettersSettings = field(default_factory=LettersSettings)
    paths: Paths = field(default_factory=Paths.default)

    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.paths.data_dir / 'backoffice.sqlite3'}"


class SettingsError(BackofficeError):
    """A settings file or variable that cannot be read; the message is French, for the user."""


def _convert(value: Any, annotation: Any, where: str) -> Any:
    target = annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        target = next(a for a in typing.get_args(annotation) if a is not type(None))
    try:
        if target is bool:
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered in {"1", "true", "yes", "oui", "on"}:
                    return True
                if lowered in {"0", "false", "no", "non", "off"}:
                    return False
                raise ValueError(value)
            return bool(value)
        if target is Decimal:
            return Decimal(str(value))
        if typing.get_origin(target) is tuple:
            if isinstance(value, str):
                return tuple(part.strip() for part in value.split(",") if part.strip())
            return tuple(value)
        return target(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise SettingsError(f"Paramètre « {where} » invalide : {value!r}.") from exc


def _apply(settings: Settings, section: str, key: str, value: Any, where: str) -> None:
    if section == "paths" or not hasattr(settings, section):
        raise SettingsError(f"Section de paramètres inconnue : « {section} » ({where}).")
    target = getattr(settings, section)
    hints = typing.get_type_hints(type(target))
    if key not in hints:
        raise SettingsError(f"Paramètre inconnu : « {section}.{key} » ({where}).")
    setattr(target, key, _convert(value, hints[key], f"{section}.{key}"))


def load_settings(
    paths: Paths | None = None,
    environ: typing.Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    settings = Settings(paths=paths or Paths.default())
    env = os.environ if environ is None else environ
    file = config_file or Path(env.get("BACKOFFICE_CONFIG", settings.paths.config_dir / "settings.toml"))
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"Le fichier de paramètres {file} est illisible : {exc}") from exc
        for section, values in data.items():
            if not isinstance(values, dict):
                raise SettingsError(f"Section attendue dans {file} : « {section} ».")
            for key, value in values.items():
                _apply(settings, section, key, value, str(file))
    for name, value in env.items():
        if name == "BACKOFFICE_DATABASE_URL":
            settings.database.url = value
        elif name.startswith("BACKOFFICE_") and "__" in name:
            section, _, key = name[len("BACKOFFICE_") :].lower().partition("__")
            _apply(settings, section, key, value, name)
    return settings


def as_dict(settings: Settings) -> dict[str, Any]:
    return dataclasses.asdict(settings)
