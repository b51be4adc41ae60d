"""Small builders of real rows for tests (the demo-data builder is for volume, these are for precision)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from backoffice.checks.text import fold
from backoffice.models import (
    AccountStatus,
    Civility,
    Contract,
    ContractStatus,
    Coverage,
    CoverageCode,
    Customer,
    LockEvent,
    LockReason,
    PaymentSchedule,
    PortalAccount,
    Product,
)
from backoffice.workflows.context import now

_seq = itertools.count(1)


def make_customer(session: Session, **overrides: Any) -> Customer:
    n = next(_seq)
    moment = now(session)
    values: dict[str, Any] = {
        "client_number": f"TI000{9000000 + n:07d}",
        "civility": Civility.MRS,
        "last_name": "Lefèvre",
        "first_names": "Marie-Hélène",
        "birth_date": date(1980, 5, 17),
        "birth_place": "Bobigny",
        "email": f"marie.lefevre{n}@example.fr",
        "phone_mobile": "+33612345678",
        "address_line": "6 bis rue de Gracchus Babeuf",
        "postcode": "93130",
        "city": "Noisy-le-Sec",
        "country": "FR",
        "iban": "FR1420041010050500013M02606",
        "bic": "PSSTFRPPLIL",
        "bank_holder": "MME LEFEVRE MARIE HELENE",
        "created_at": moment,
        "updated_at": moment,
        "last_activity_at": moment,
    }
    values.update(overrides)
    customer = Customer(**values)
    customer.last_name_key = fold(customer.last_name)
    customer.first_names_key = fold(customer.first_names)
    customer.email_key = customer.email.strip().lower() if customer.email else None
    customer.iban_last4 = customer.iban[-4:] if customer.iban else None
    session.add(customer)
    session.flush()
    return customer


def make_contract(session: Session, customer: Customer, **overrides: Any) -> Contract:
    n = next(_seq)
    moment = now(session)
    product = overrides.pop("product", Product.CAR)
    prefix = "AUT" if product is Product.CAR else "MOT"
    start = overrides.pop("start_date", date(2022, 3, 1))
    values: dict[str, Any] = {
        "number": f"{prefix}000{8000000 + n:07d}",
        "customer_id": customer.id,
        "product": product,
        "status": ContractStatus.ACTIVE,
        "start_date": start,
        "renewal_date": date(2027, 3, 1),
        "automatic_renewal": True,
        "annual_premium": Decimal("612.40"),
        "payment_schedule": PaymentSchedule.MONTHLY,
        "bonus_malus": Decimal("0.85"),
        "replacement_value_option": False,
        "vehicle_registration": f"GA-{n % 1000:03d}-BC",
        "vehicle_make": "Peugeot" if product is Product.CAR else "Yamaha",
        "vehicle_model": "308" if product is Product.CAR else "MT-07",
        "vehicle_first_registration": date(2021, 6, 1),
        "vehicle_value": Decimal("18500.00"),
        "drivers": [{"name": f"{customer.first_names} {customer.last_name}", "licence_date": "2000-06-01"}],
        "created_at": moment,
        "updated_at": moment,
    }
    coverage_codes = overrides.pop(
        "coverages",
        [
            CoverageCode.CIVIL_LIABILITY,
            CoverageCode.ALL_RISKS_DAMAGE,
            CoverageCode.THEFT,
            CoverageCode.FIRE,
            CoverageCode.GLASS,
            CoverageCode.NATURAL_DISASTER,
        ],
    )
    values.update(overrides)
    contract = Contract(**values)
    for code in coverage_codes:
        contract.coverages.append(
            Coverage(
                code=code,
                deductible=Decimal("0") if code is CoverageCode.CIVIL_LIABILITY else Decimal("300"),
                start_date=start,
            )
        )
    session.add(contract)
    session.flush()
    return contract


def make_account(
    session: Session,
    customer: Customer,
    *,
    locked: LockReason | None = None,
    locked_at: datetime | None = None,
    failed_attempts: int = 0,
    origin_ip: str | None = "203.0.113.7",
) -> PortalAccount:
    moment = now(session)
    account = PortalAccount(
        customer_id=customer.id,
        status=AccountStatus.LOCKED if locked else AccountStatus.ACTIVE,
        lock_reason=locked,
        locked_at=(locked_at or moment - timedelta(hours=2)) if locked else None,
        failed_attempts=failed_attempts,
        created_at=moment,
        updated_at=moment,
    )
    session.add(account)
    session.flush()
    if locked:
        session.add(
            LockEvent(
                account_id=account.id,
                customer_id=customer.id,
                occurred_at=account.locked_at,
                reason=locked,
                origin_ip=origin_ip,
                origin_country="FR",
                failed_attempts=failed_attempts,
            )
        )
        session.flush()
    return account
