"""Fixed inputs for every template: the golden files, the PNGs under docs/letters and the benchmark use them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backoffice.config import BrandingSettings
from backoffice.letters.render import LetterInput, letterhead_from, prepare

LETTER_DATE = date(2026, 11, 26)
RECIPIENT = ("MADAME MARIE-HÉLÈNE LEFÈVRE", "6 BIS RUE DE GRACCHUS BABEUF", "93130 NOISY LE SEC")
EXPERT = (
    "CABINET EXPERTISES DE L'EST",
    "À l'attention de M. Karim Benali",
    "12 AVENUE GALLIENI",
    "93100 MONTREUIL",
)

SAMPLES: dict[str, dict[str, Any]] = {
    "ack_claim": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "contract_number": "AUT0008000123",
        "claim_number": "S2026-004211",
        "claim_type": "Collision / accident",
        "occurred_on": date(2026, 11, 23),
        "declared_on": date(2026, 11, 24),
        "vehicle": "Peugeot 308",
        "vehicle_registration": "GA-123-BC",
    },
    "missing_documents": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "contract_number": "AUT0008000123",
        "claim_number": "S2026-004211",
        "documents": [
            "Le constat amiable signé par les deux conducteurs",
            "Trois photographies des dommages (vue d'ensemble et détails)",
            "La copie du certificat d'immatriculation",
        ],
        "reply_by": date(2026, 12, 10),
    },
    "appraisal_mandate": {
        "expert_name": "Karim Benali",
        "expert_firm": "Cabinet Expertises de l'Est",
        "claim_number": "S2026-004211",
        "contract_number": "AUT0008000123",
        "mandate_kind": "Expertise initiale",
        "mode": "Sur place",
        "due_on": date(2026, 12, 10),
        "insured_name": "Mme Marie-Hélène LEFÈVRE",
        "insured_phone": "06 12 34 56 78",
        "vehicle": "Peugeot 308",
        "vehicle_registration": "GA-123-BC",
        "claim_type": "Collision / accident",
        "occurred_on": date(2026, 11, 23),
        "place": "Avenue Jean Jaurès, 93130 Noisy-le-Sec",
        "circumstances": "Choc arrière à un feu rouge ; le tiers a reconnu sa responsabilité sur le constat.",
        "safety_parts_declared": True,
        "vehicle_drivable": False,
        "estimated_amount": Decimal("3200.00"),
    },
    "indemnity_proposal": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "contract_number": "AUT0008000123",
        "claim_number": "S2026-004211",
        "occurred_on": date(2026, 11, 23),
        "vehicle_registration": "GA-123-BC",
        "basis": "valeur d'usage (vétusté de 20 % appliquée aux pièces)",
        "lines": [
            {"label": "Montant des dommages évalué par l'expert", "amount": Decimal("3412.80")},
            {"label": "Vétusté sur pièces (20 %)", "amount": Decimal("-412.56")},
            {"label": "Franchise contractuelle (dommages tous accidents)", "amount": Decimal("-300.00")},
        ],
        "indemnity_amount": Decimal("2700.24"),
        "reply_by": date(2026, 12, 26),
        "payment_days": 21,
        "iban": "FR1420041010050500013M02606",
    },
    "claim_refusal": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "contract_number": "AUT0008000123",
        "claim_number": "S2026-004211",
        "occurred_on": date(2026, 11, 23),
        "reasons": [
            "Le sinistre est survenu alors que le conducteur n'était pas titulaire d'un permis valide "
            "(exclusion prévue à l'article 5.2 des conditions générales).",
            "La garantie « Dommages tous accidents » n'était pas souscrite à la date du sinistre.",
        ],
        "ombudsman": BrandingSettings().ombudsman,
    },
    "identity_verified": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "decided_on": date(2026, 11, 26),
        "purpose": "le déblocage de votre espace assuré",
        "documents": ["Carte nationale d'identité", "Justificatif de domicile"],
    },
    "identity_rejected": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "decided_on": date(2026, 11, 26),
        "purpose": "le changement de vos coordonnées bancaires",
        "reasons": [
            "La pièce d'identité transmise est expirée.",
            "Le justificatif de domicile date de plus de trois mois.",
        ],
    },
    "account_unlocked": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "unlocked_on": date(2026, 11, 26),
        "code_channel": "par SMS au numéro se terminant par 78",
    },
    "bank_details_changed": {
        "salutation": "Madame",
        "client_number": "TI0001234567",
        "changed_on": date(2026, 11, 26),
        "old_iban": "FR1420041010050500013M02606",
        "new_iban": "FR7630006000011234567890189",
        "new_holder": "MME LEFEVRE MARIE HELENE",
    },
    "claims_history_statement": {
        "client_number": "TI0001234567",
        "contract_number": "AUT0008000123",
        "subscriber": "Mme Marie-Hélène LEFÈVRE",
        "subscription_date": date(2022, 3, 1),
        "vehicle": "Peugeot 308",
        "vehicle_registration": "GA-123-BC",
        "drivers": [
            {
                "name": "Marie-Hélène Lefèvre",
                "birth_date": date(1980, 5, 17),
                "licence_date": date(2000, 6, 1),
            },
            {"name": "Julien Lefèvre", "licence_date": date(2019, 9, 12)},
        ],
        "period_start": date(2021, 11, 26),
        "period_end": date(2026, 11, 26),
        "claims": [
            {"occurred_on": date(2023, 4, 2), "nature": "Collision / accident", "fault_share": 100},
            {"occurred_on": date(2024, 1, 15), "nature": "Bris de glace", "fault_share": 0},
            {"occurred_on": date(2025, 8, 30), "nature": "Collision / accident", "fault_share": 50},
        ],
        "bonus_malus": Decimal("0.85"),
        "issued_on": date(2026, 11, 26),
    },
    "vehicle_memo": {
        "insurer_name": "Maxance Assurances",
        "insurer_address": "Centre Courriers, 6 rue de Gracchus Babeuf, 93130 Noisy-le-Sec",
        "policy_number": "AUT0008000123",
        "subscriber": "Mme Marie-Hélène LEFÈVRE",
        "vehicle_registration": "GA-123-BC",
        "vehicle": "Peugeot 308",
        "cover_start": date(2022, 3, 1),
        "issued_on": date(2026, 11, 26),
    },
}


def sample_input(code: str) -> LetterInput:
    recipient = EXPERT if code == "appraisal_mandate" else RECIPIENT
    return prepare(
        code,
        SAMPLES[code],
        recipient_lines=recipient,
        letterhead=letterhead_from(BrandingSettings()),
        letter_date=LETTER_DATE,
    )
