from __future__ import annotations

from datetime import date

import pytest

from backoffice.db import Database
from backoffice.models import Civility
from tests.factories import make_customer


@pytest.fixture
def customer_id(db: Database) -> int:
    """Anna Maria Eriksson: the holder of the ICAO 9303 specimens, living in Noisy-le-Sec."""
    with db.write() as s:
        return make_customer(
            s,
            civility=Civility.MRS,
            last_name="Eriksson",
            first_names="Anna Maria",
            birth_date=date(1974, 8, 12),
            address_line="6 bis boulevard de la République",
            postcode="93130",
            city="Noisy-le-Sec",
            iban="FR1420041010050500013M02606",
            bank_holder="MME ERIKSSON ANNA",
        ).id
