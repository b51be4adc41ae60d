"""The letter templates, as code: named typed fields and a builder that turns checked values into blocks.

Each template has a version; the archive records it, and a letter is regenerated with the version it was
made with. Change the wording of a template → bump its version and keep the old one registered, so that
archived letters still regenerate byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backoffice.errors import InvalidInput, NotFound
from backoffice.letters.fields import Field, Kind, Values, mask_last4, show, validate
from backoffice.letters.formatting import french_amount
from backoffice.letters.layout import Block, Bullets, Card, Column, Para, Run, Signature, Table, plain


@dataclass(frozen=True)
class Letterhead:
    """The sender as printed; archived with each letter so a later change of address does not alter it."""

    insurer_name: str
    centre_name: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    opening_hours: str

    @property
    def address(self) -> str:
        return f"{self.centre_name}, {self.street}, {self.postcode} {self.city}"


@dataclass(frozen=True)
class Content:
    subject: str
    references: tuple[tuple[str, str], ...]
    blocks: tuple[Block, ...]


Builder = Callable[[Values, Letterhead], Content]


@dataclass(frozen=True)
class LetterTemplate:
    code: str
    version: str
    title: str  # French, shown to agents and in the archive list
    prefix: str  # first letters of the reference
    fields: tuple[Field, ...]
    build: Builder
    recipient: str = "customer"  # "customer" or "expert"
    service: str = "Le service Clients"

    def validate(self, values: dict[str, Any]) -> dict[str, Any]:
        return validate(self.title, self.fields, values)

    def content(self, values: dict[str, Any], letterhead: Letterhead) -> Content:
        specs = {f.name: f for f in self.fields}
        return self.build(Values(values, specs), letterhead)


BODY_HEADING = 10.5
SALUTATION = Field("salutation", "Formule d'appel")
CLIENT = Field("client_number", "Numéro client")
CONTRACT = Field("contract_number", "Numéro de contrat")
CLAIM = Field("claim_number", "Numéro de sinistre")
OCCURRED = Field("occurred_on", "Date du sinistre", Kind.DATE)
REGISTRATION = Field("vehicle_registration", "Immatriculation")
VEHICLE = Field("vehicle", "Véhicule (marque et modèle)")
CLAIM_TYPE = Field("claim_type", "Nature du sinistre")


def _refs(v: Values, *names: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, str(v[name])) for label, name in names if v.has(name))


def _closing(v: Values, lh: Letterhead, service: str) -> tuple[Block, ...]:
    return (
        Para(
            plain(
                f"Pour toute question, notre centre est joignable au {lh.phone}, {lh.opening_hours}, "
                f"ou par courriel à {lh.email}, en rappelant la référence de ce courrier."
            )
        ),
        Para(
            plain(
                f"Nous vous prions d'agréer, {v['salutation']}, l'expression de nos salutations distinguées."
            )
        ),
        Signature((service, lh.insurer_name)),
    )


def _hello(v: Values) -> Para:
    return Para(plain(f"{v['salutation']},"), space_after=8)


# --- Acknowledgement of a claim declaration ------------------------------------------------------------

ACK_FIELDS = (
    SALUTATION,
    CLIENT,
    CONTRACT,
    CLAIM,
    CLAIM_TYPE,
    OCCURRED,
    Field("declared_on", "Date de la déclaration", Kind.DATE),
    VEHICLE,
    REGISTRATION,
)


def _ack_claim(v: Values, lh: Letterhead) -> Content:
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            (
                Run(
                    f"Nous avons bien reçu, le {v.date('declared_on')}, votre déclaration du sinistre survenu le "
                    f"{v.date('occurred_on')} ({v['claim_type'].lower()}) concernant votre véhicule "
                    f"{v['vehicle']} immatriculé {v['vehicle_registration']}. Votre dossier est enregistré sous le "
                    "numéro\u00a0"
                ),
                Run(v["claim_number"], bold=True),
                Run(" : rappelez-le dans tous vos échanges avec nous."),
            )
        ),
        Para(
            plain(
                "Un gestionnaire examine votre déclaration. Si une expertise est nécessaire, l'expert désigné "
                "prendra contact avec vous pour convenir d'un rendez-vous ou vous demander des photographies "
                "des dommages. Nous pourrons également vous demander des pièces complémentaires."
            )
        ),
        Para(
            plain(
                "Vous pouvez suivre l'avancement de votre dossier et nous transmettre vos documents depuis votre "
                "espace assuré."
            )
        ),
        *_closing(v, lh, "Le service Sinistres"),
    )
    return Content(
        f"Accusé de réception de votre déclaration de sinistre n°\u00a0{v['claim_number']}",
        _refs(
            v, ("N° client", "client_number"), ("Contrat", "contract_number"), ("Sinistre", "claim_number")
        ),
        blocks,
    )


# --- Request for missing documents ---------------------------------------------------------------------

MISSING_FIELDS = (
    SALUTATION,
    CLIENT,
    Field("contract_number", "Numéro de contrat", required=False),
    Field("claim_number", "Numéro de sinistre", required=False),
    Field("documents", "Pièces demandées", Kind.TEXT_LIST),
    Field("reply_by", "Date limite de réponse", Kind.DATE),
)


def _missing_documents(v: Values, lh: Letterhead) -> Content:
    about = (
        f"de votre dossier sinistre n°\u00a0{v['claim_number']}"
        if v.has("claim_number")
        else "de votre dossier"
    )
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(plain(f"Afin de poursuivre l'instruction {about}, nous avons besoin des pièces suivantes :")),
        Bullets(tuple(plain(item) for item in v["documents"])),
        Para(
            (
                Run("Merci de nous les transmettre "),
                Run(f"avant le {v.date('reply_by')}", bold=True),
                Run(
                    ", depuis votre espace assuré ou par courrier à l'adresse ci-dessus, en rappelant la "
                    "référence de ce courrier."
                ),
            )
        ),
        Para(plain("Sans ces documents, nous ne pourrons pas poursuivre le traitement de votre dossier.")),
        *_closing(v, lh, "Le service Sinistres" if v.has("claim_number") else "Le service Clients"),
    )
    subject = (
        f"Sinistre n°\u00a0{v['claim_number']} : pièces complémentaires à nous adresser"
        if v.has("claim_number")
        else "Pièces complémentaires à nous adresser"
    )
    return Content(
        subject,
        _refs(
            v, ("N° client", "client_number"), ("Contrat", "contract_number"), ("Sinistre", "claim_number")
        ),
        blocks,
    )


# --- Appraisal mandate to the expert -------------------------------------------------------------------

MANDATE_FIELDS = (
    Field("expert_name", "Nom de l'expert"),
    Field("expert_firm", "Cabinet d'expertise"),
    CLAIM,
    CONTRACT,
    Field("mandate_kind", "Nature de la mission"),
    Field("mode", "Mode d'expertise"),
    Field("due_on", "Date de remise du rapport", Kind.DATE),
    Field("insured_name", "Assuré"),
    Field("insured_phone", "Téléphone de l'assuré", required=False),
    VEHICLE,
    REGISTRATION,
    CLAIM_TYPE,
    OCCURRED,
    Field("place", "Lieu du sinistre", required=False),
    Field("circumstances", "Circonstances déclarées"),
    Field("safety_parts_declared", "Organes de sécurité déclarés endommagés", Kind.BOOL),
    Field("vehicle_drivable", "Véhicule roulant", Kind.BOOL, required=False),
    Field("estimated_amount", "Estimation déclarée", Kind.AMOUNT, required=False),
)


def _appraisal_mandate(v: Values, lh: Letterhead) -> Content:
    rows: list[tuple[str, str]] = [
        ("Sinistre", v["claim_number"]),
        ("Contrat", v["contract_number"]),
        ("Nature de la mission", v["mandate_kind"]),
        ("Mode d'expertise", v["mode"]),
        ("Assuré", v["insured_name"]),
    ]
    if v.has("insured_phone"):
        rows.append(("Téléphone de l'assuré", v["insured_phone"]))
    rows += [
        ("Véhicule", f"{v['vehicle']} — {v['vehicle_registration']}"),
        ("Nature du sinistre", v["claim_type"]),
        ("Date du sinistre", v.date("occurred_on")),
    ]
    if v.has("place"):
        rows.append(("Lieu", v["place"]))
    if v.has("vehicle_drivable"):
        rows.append(("Véhicule roulant", "oui" if v["vehicle_drivable"] else "non"))
    if v.has("estimated_amount"):
        rows.append(("Estimation déclarée", v.amount("estimated_amount")))
    blocks: list[Block] = [
        Para(plain("Madame, Monsieur,"), space_after=8),
        Para(
            (
                Run(
                    "Nous vous confions la mission d'expertise décrite ci-dessous. Merci de nous adresser votre "
                    "rapport "
                ),
                Run(f"au plus tard le {v.date('due_on')}", bold=True),
                Run("."),
            )
        ),
        Table(
            (Column("Dossier", 0.34), Column("", 0.66)),
            tuple(rows),
            header=False,
        ),
        Para((Run("Circonstances déclarées : ", bold=True), Run(v["circumstances"]))),
    ]
    if v["safety_parts_declared"]:
        blocks.append(
            Para(
                (
                    Run("Organes de sécurité : ", bold=True),
                    Run(
                        "l'assuré déclare des dommages aux organes de sécurité (freins, direction, suspension, "
                        "pneumatiques ou éclairage) ; l'expertise doit avoir lieu sur place et le véhicule ne "
                        "doit pas circuler avant votre examen."
                    ),
                )
            )
        )
    blocks += [
        Para(
            plain(
                "Votre rapport précisera le montant des dommages, la valeur du véhicule avant sinistre, le taux "
                "de vétusté retenu et, le cas échéant, si le véhicule est économiquement irréparable."
            )
        ),
        Para(plain("Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.")),
        Signature(("Le service Sinistres", lh.insurer_name)),
    ]
    return Content(
        f"Ordre de mission d'expertise — sinistre n°\u00a0{v['claim_number']}",
        _refs(v, ("Expert", "expert_name"), ("Sinistre", "claim_number"), ("Contrat", "contract_number")),
        tuple(blocks),
    )


# --- Indemnity proposal --------------------------------------------------------------------------------

INDEMNITY_FIELDS = (
    SALUTATION,
    CLIENT,
    CONTRACT,
    CLAIM,
    OCCURRED,
    REGISTRATION,
    Field("basis", "Base d'indemnisation"),
    Field(
        "lines",
        "Détail du calcul",
        Kind.ROWS,
        columns=(Field("label", "Libellé"), Field("amount", "Montant", Kind.AMOUNT)),
    ),
    Field("indemnity_amount", "Indemnité proposée", Kind.AMOUNT),
    Field("reply_by", "Date limite de réponse", Kind.DATE),
    Field("payment_days", "Délai de règlement (jours)", Kind.INTEGER),
    Field("iban", "Compte de règlement", required=False, mask=mask_last4),
)


def _indemnity_proposal(v: Values, lh: Letterhead) -> Content:
    total = sum((Decimal(line["amount"]) for line in v["lines"]), Decimal("0.00"))
    if total != Decimal(v["indemnity_amount"]):
        raise InvalidInput(
            f"Le total des lignes du calcul ({french_amount(total)}) ne correspond pas à l'indemnité proposée "
            f"({v.amount('indemnity_amount')}) : corrigez le calcul avant d'envoyer le courrier.",
            "lines",
        )
    payment = f"Le règlement interviendra par virement dans un délai de {v['payment_days']} jours à compter de votre accord"
    payment += f", sur votre compte bancaire ({v['iban']})." if v.has("iban") else "."
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            (
                Run(
                    f"À la suite de l'expertise de votre véhicule immatriculé {v['vehicle_registration']}, "
                    f"endommagé lors du sinistre du {v.date('occurred_on')}, nous vous proposons une indemnité de "
                ),
                Run(v.amount("indemnity_amount"), bold=True),
                Run(", calculée comme suit :"),
            )
        ),
        Table(
            (Column("Libellé", 0.72), Column("Montant", 0.28, "right")),
            tuple((line["label"], french_amount(Decimal(line["amount"]))) for line in v["lines"]),
            total=("Indemnité proposée", v.amount("indemnity_amount")),
        ),
        Para(plain(f"Base d'indemnisation retenue : {v['basis']}.")),
        Para(
            (
                Run(
                    "Si vous acceptez cette proposition, retournez-nous ce courrier daté et signé, précédé de la "
                    "mention « Bon pour accord », "
                ),
                Run(f"avant le {v.date('reply_by')}", bold=True),
                Run(f". {payment}"),
            )
        ),
        Para(
            plain(
                "Si vous contestez cette évaluation, vous pouvez demander une contre-expertise, confiée à un autre "
                "expert que le premier."
            )
        ),
        *_closing(v, lh, "Le service Sinistres"),
        Para(plain("Bon pour accord, date et signature :"), space_after=40),
    )
    return Content(
        f"Sinistre n°\u00a0{v['claim_number']} : proposition d'indemnisation",
        _refs(
            v, ("N° client", "client_number"), ("Contrat", "contract_number"), ("Sinistre", "claim_number")
        ),
        blocks,
    )


# --- Refusal with reasons ------------------------------------------------------------------------------

REFUSAL_FIELDS = (
    SALUTATION,
    CLIENT,
    CONTRACT,
    CLAIM,
    OCCURRED,
    Field("reasons", "Motifs du refus", Kind.TEXT_LIST),
    Field("ombudsman", "Adresse du médiateur"),
)


def _claim_refusal(v: Values, lh: Letterhead) -> Content:
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            plain(
                f"Après examen de votre déclaration du sinistre survenu le {v.date('occurred_on')} "
                f"(dossier n°\u00a0{v['claim_number']}), nous ne pouvons pas le prendre en charge, pour les raisons "
                "suivantes :"
            )
        ),
        Bullets(tuple(plain(reason) for reason in v["reasons"])),
        Para(
            plain(
                "Si vous n'êtes pas d'accord avec cette décision, vous pouvez adresser une réclamation écrite à "
                f"notre service Réclamations, {lh.address}. Nous en accuserons réception sous 10 jours ouvrés et "
                "vous répondrons dans un délai de deux mois au plus."
            )
        ),
        Para(
            (
                Run(
                    "Si le désaccord persiste, ou sans réponse dans ce délai, vous pouvez saisir gratuitement le "
                    "médiateur : "
                ),
                Run(v["ombudsman"], bold=True),
                Run("."),
            )
        ),
        Para(
            plain(
                "Toute action dérivant du contrat d'assurance se prescrit par deux ans à compter de l'événement "
                "qui y donne naissance (article L114-1 du Code des assurances)."
            )
        ),
        *_closing(v, lh, "Le service Sinistres"),
    )
    return Content(
        f"Sinistre n°\u00a0{v['claim_number']} : refus de prise en charge",
        _refs(
            v, ("N° client", "client_number"), ("Contrat", "contract_number"), ("Sinistre", "claim_number")
        ),
        blocks,
    )


# --- Identity verification: confirmation / refusal -----------------------------------------------------

VERIFIED_FIELDS = (
    SALUTATION,
    CLIENT,
    Field("decided_on", "Date de la décision", Kind.DATE),
    Field("purpose", "Objet de la vérification"),
    Field("documents", "Pièces examinées", Kind.TEXT_LIST),
)


def _identity_verified(v: Values, lh: Letterhead) -> Content:
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            plain(
                f"Nous avons examiné les pièces que vous nous avez transmises pour {v['purpose']}. Nous vous "
                f"confirmons que votre identité a été vérifiée le {v.date('decided_on')}."
            )
        ),
        Para(plain("Pièces examinées :"), space_after=3),
        Bullets(tuple(plain(item) for item in v["documents"])),
        Para(
            plain(
                "Conformément à la réglementation, ces pièces sont conservées de façon sécurisée pendant la durée "
                "légale, puis supprimées."
            )
        ),
        *_closing(v, lh, "Le service Clients"),
    )
    return Content(
        "Confirmation de la vérification de votre identité",
        _refs(v, ("N° client", "client_number")),
        blocks,
    )


REJECTED_FIELDS = (
    SALUTATION,
    CLIENT,
    Field("decided_on", "Date de la décision", Kind.DATE),
    Field("purpose", "Objet de la vérification"),
    Field("reasons", "Motifs", Kind.TEXT_LIST),
)


def _identity_rejected(v: Values, lh: Letterhead) -> Content:
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            plain(
                f"Nous avons examiné les pièces que vous nous avez transmises pour {v['purpose']}. Nous ne "
                f"pouvons pas, à ce jour ({v.date('decided_on')}), confirmer votre identité, pour les raisons "
                "suivantes :"
            )
        ),
        Bullets(tuple(plain(item) for item in v["reasons"])),
        Para(
            plain(
                "Vous pouvez nous adresser de nouvelles pièces lisibles et en cours de validité depuis votre "
                "espace assuré ou par courrier à l'adresse ci-dessus. Nous les examinerons dès réception."
            )
        ),
        *_closing(v, lh, "Le service Clients"),
    )
    return Content(
        "Vérification de votre identité : pièces à compléter",
        _refs(v, ("N° client", "client_number")),
        blocks,
    )


# --- Online account unlocked (never any code) ----------------------------------------------------------

UNLOCKED_FIELDS = (
    SALUTATION,
    CLIENT,
    Field("unlocked_on", "Date du déblocage", Kind.DATE),
    Field("code_channel", "Canal d'envoi du code (par courriel, par SMS)", required=False),
)


def _account_unlocked(v: Values, lh: Letterhead) -> Content:
    code = (
        f"Le code d'accès temporaire vous a été adressé séparément, {v['code_channel']}. "
        if v.has("code_channel")
        else ""
    )
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            plain(f"Nous vous confirmons que votre espace assuré a été débloqué le {v.date('unlocked_on')}.")
        ),
        Para(
            plain(
                f"{code}Pour votre sécurité, aucun code ni mot de passe ne vous est jamais communiqué par "
                "courrier ou par téléphone, et nos conseillers ne vous le demanderont jamais. À votre prochaine "
                "connexion, choisissez un nouveau mot de passe que vous n'utilisez sur aucun autre site."
            )
        ),
        Para(
            (
                Run("Si vous n'êtes pas à l'origine de cette demande, ", bold=True),
                Run(f"appelez-nous sans attendre au {lh.phone} : nous bloquerons de nouveau votre espace."),
            )
        ),
        *_closing(v, lh, "Le service Clients"),
    )
    return Content("Déblocage de votre espace assuré", _refs(v, ("N° client", "client_number")), blocks)


# --- Bank details changed (sent to the address known before the change) --------------------------------

BANK_FIELDS = (
    SALUTATION,
    CLIENT,
    Field("changed_on", "Date de la modification", Kind.DATE),
    Field("old_iban", "Ancien IBAN", required=False, mask=mask_last4),
    Field("new_iban", "Nouvel IBAN", mask=mask_last4),
    Field("new_holder", "Titulaire du nouveau compte"),
)


def _bank_details_changed(v: Values, lh: Letterhead) -> Content:
    rows: list[tuple[str, str]] = []
    if v.has("old_iban"):
        rows.append(("Ancien compte", v["old_iban"]))
    rows += [("Nouveau compte", v["new_iban"]), ("Titulaire", v["new_holder"])]
    blocks: tuple[Block, ...] = (
        _hello(v),
        Para(
            plain(
                f"Nous vous informons que les coordonnées bancaires de votre dossier ont été modifiées le "
                f"{v.date('changed_on')}. Les prochains règlements et prélèvements utiliseront ce nouveau compte :"
            )
        ),
        Table((Column("", 0.34), Column("", 0.66)), tuple(rows), header=False),
        Para(
            plain(
                "Par sécurité, ce courrier est adressé à vos coordonnées connues avant la modification, et seuls "
                "les quatre derniers caractères des numéros de compte y figurent."
            )
        ),
        Para(
            (
                Run("Si vous n'êtes pas à l'origine de ce changement, ", bold=True),
                Run(
                    f"appelez-nous sans attendre au {lh.phone} : nous suspendrons les règlements le temps de "
                    "vérifier."
                ),
            )
        ),
        *_closing(v, lh, "Le service Clients"),
    )
    return Content(
        "Modification de vos coordonnées bancaires", _refs(v, ("N° client", "client_number")), blocks
    )


# --- Relevé d'information (claims history statement) ---------------------------------------------------

STATEMENT_FIELDS = (
    CLIENT,
    CONTRACT,
    Field("subscriber", "Souscripteur"),
    Field("subscription_date", "Date de souscription", Kind.DATE),
    Field("end_date", "Date de fin du contrat", Kind.DATE, required=False),
    VEHICLE,
    REGISTRATION,
    Field(
        "drivers",
        "Conducteurs désignés",
        Kind.ROWS,
        columns=(
            Field("name", "Nom"),
            Field("birth_date", "Date de naissance", Kind.DATE, required=False),
            Field("licence_date", "Date du permis", Kind.DATE, required=False),
        ),
    ),
    Field("period_start", "Début de la période", Kind.DATE),
    Field("period_end", "Fin de la période", Kind.DATE),
    Field(
        "claims",
        "Sinistres des 5 dernières années",
        Kind.ROWS,
        allow_empty=True,
        columns=(
            Field("occurred_on", "Date", Kind.DATE),
            Field("nature", "Nature"),
            Field("fault_share", "Responsabilité", Kind.PERCENT),
        ),
    ),
    Field("bonus_malus", "Coefficient de réduction-majoration", Kind.COEFFICIENT),
    Field("issued_on", "Date d'établissement", Kind.DATE),
)


def _cells(v: Values, name: str, row: dict[str, Any]) -> tuple[str, ...]:
    spec = v.specs[name]
    return tuple(show(c, row[c.name]) if c.name in row else "—" for c in spec.columns)


def _claims_history_statement(v: Values, lh: Letterhead) -> Content:
    contract_rows: list[tuple[str, str]] = [
        ("Souscripteur", v["subscriber"]),
        ("Contrat", v["contract_number"]),
        ("Date de souscription", v.date("subscription_date")),
    ]
    if v.has("end_date"):
        contract_rows.append(("Fin du contrat", v.date("end_date")))
    contract_rows += [("Véhicule", v["vehicle"]), ("Immatriculation", v["vehicle_registration"])]
    blocks: tuple[Block, ...] = (
        Para(
            plain(
                f"Relevé d'information établi le {v.date('issued_on')} en application de l'article A121-1 du Code "
                "des assurances. Remettez-le à votre nouvel assureur si vous changez de contrat."
            )
        ),
        Table((Column("", 0.34), Column("", 0.66)), tuple(contract_rows), header=False),
        Para(plain("Conducteurs désignés"), space_after=3, keep_with_next=True, size=BODY_HEADING),
        Table(
            (Column("Nom", 0.5), Column("Date de naissance", 0.25), Column("Date du permis", 0.25)),
            tuple(_cells(v, "drivers", row) for row in v["drivers"]),
        ),
        Para(
            plain(
                f"Sinistres déclarés du {v.date('period_start')} au {v.date('period_end')} (5 dernières années)"
            ),
            space_after=3,
            keep_with_next=True,
            size=BODY_HEADING,
        ),
        Table(
            (Column("Date", 0.25), Column("Nature", 0.5), Column("Part de responsabilité", 0.25, "right")),
            tuple(_cells(v, "claims", row) for row in v["claims"]),
            empty_text="Aucun sinistre déclaré sur la période.",
        ),
        Para(
            (
                Run("Coefficient de réduction-majoration (bonus-malus) à la date du relevé : "),
                Run(v.coefficient("bonus_malus"), bold=True),
            )
        ),
        Signature(("Le service Clients", lh.insurer_name)),
    )
    return Content(
        f"Relevé d'information — contrat n°\u00a0{v['contract_number']}",
        _refs(v, ("N° client", "client_number"), ("Contrat", "contract_number")),
        blocks,
    )


# --- Mémo véhicule assuré ------------------------------------------------------------------------------

MEMO_FIELDS = (
    Field("insurer_name", "Nom de l'assureur"),
    Field("insurer_address", "Adresse de l'assureur"),
    Field("policy_number", "Numéro de contrat"),
    Field("subscriber", "Souscripteur"),
    REGISTRATION,
    VEHICLE,
    Field("cover_start", "Date de début de la garantie", Kind.DATE),
    Field("issued_on", "Date d'émission", Kind.DATE),
)


def _vehicle_memo(v: Values, lh: Letterhead) -> Content:
    blocks: tuple[Block, ...] = (
        Para(
            plain(
                "Depuis le 1er avril 2024, la carte verte n'est plus délivrée : ce mémo récapitule les "
                "informations de l'assurance de votre véhicule. Conservez-le à bord ; il vous sera utile pour "
                "remplir un constat amiable."
            )
        ),
        Card(
            "Mémo véhicule assuré",
            (
                ("Assureur", v["insurer_name"]),
                ("Adresse de l'assureur", v["insurer_address"]),
                ("Numéro de contrat", v["policy_number"]),
                ("Souscripteur", v["subscriber"]),
                ("Immatriculation", v["vehicle_registration"]),
                ("Marque et modèle", v["vehicle"]),
                ("Début de la garantie", v.date("cover_start")),
                ("Date d'émission", v.date("issued_on")),
            ),
            note="Les forces de l'ordre vérifient l'assurance du véhicule dans le Fichier des véhicules assurés "
            "(FVA) à partir de son immatriculation.",
        ),
        Signature(("Le service Clients", lh.insurer_name)),
    )
    return Content(
        f"Mémo véhicule assuré — {v['vehicle_registration']}",
        _refs(v, ("Contrat", "policy_number")),
        blocks,
    )


TEMPLATES: dict[tuple[str, str], LetterTemplate] = {}


def _register(*templates: LetterTemplate) -> None:
    for template in templates:
        TEMPLATES[(template.code, template.version)] = template


_register(
    LetterTemplate(
        "ack_claim", "1", "Accusé de réception de déclaration de sinistre", "AR", ACK_FIELDS, _ack_claim
    ),
    LetterTemplate(
        "missing_documents",
        "1",
        "Demande de pièces complémentaires",
        "PC",
        MISSING_FIELDS,
        _missing_documents,
    ),
    LetterTemplate(
        "appraisal_mandate",
        "1",
        "Ordre de mission d'expertise",
        "OM",
        MANDATE_FIELDS,
        _appraisal_mandate,
        recipient="expert",
    ),
    LetterTemplate(
        "indemnity_proposal", "1", "Proposition d'indemnisation", "PI", INDEMNITY_FIELDS, _indemnity_proposal
    ),
    LetterTemplate("claim_refusal", "1", "Refus de prise en charge", "RF", REFUSAL_FIELDS, _claim_refusal),
    LetterTemplate(
        "identity_verified",
        "1",
        "Confirmation de vérification d'identité",
        "IV",
        VERIFIED_FIELDS,
        _identity_verified,
    ),
    LetterTemplate(
        "identity_rejected",
        "1",
        "Refus de vérification d'identité",
        "IR",
        REJECTED_FIELDS,
        _identity_rejected,
    ),
    LetterTemplate(
        "account_unlocked",
        "1",
        "Confirmation de déblocage de l'espace assuré",
        "DE",
        UNLOCKED_FIELDS,
        _account_unlocked,
    ),
    LetterTemplate(
        "bank_details_changed",
        "1",
        "Notification de changement de coordonnées bancaires",
        "RB",
        BANK_FIELDS,
        _bank_details_changed,
    ),
    LetterTemplate(
        "claims_history_statement",
        "1",
        "Relevé d'information",
        "RI",
        STATEMENT_FIELDS,
        _claims_history_statement,
    ),
    LetterTemplate("vehicle_memo", "1", "Mémo véhicule assuré", "MV", MEMO_FIELDS, _vehicle_memo),
)


def current_templates() -> list[LetterTemplate]:
    """The newest version of each template, in menu order."""
    latest: dict[str, LetterTemplate] = {}
    for (code, _), template in TEMPLATES.items():
        if code not in latest or int(template.version) > int(latest[code].version):
            latest[code] = template
    return list(latest.values())


def get_template(code: str, version: str | None = None) -> LetterTemplate:
    if version is None:
        for template in current_templates():
            if template.code == code:
                return template
        raise NotFound(f"Modèle de courrier inconnu : « {code} ».")
    found = TEMPLATES.get((code, version))
    if found is None:
        raise NotFound(
            f"La version {version} du modèle « {code} » n'est plus disponible : réimprimez l'original archivé."
        )
    return found
