"""Screenshots of every main screen for docs/screens/, taken from the real widgets on a fresh demo database.

Run with ``make screenshots`` (or ``QT_QPA_PLATFORM=offscreen python scripts/screenshots.py``). The states shown are
prepared through the workflows, as an agent would through the screens; nothing is written with SQL.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PySide6.QtWidgets import QMainWindow, QWidget  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from backoffice import migrations  # noqa: E402
from backoffice.clock import FixedClock  # noqa: E402
from backoffice.config import Paths, Settings  # noqa: E402
from backoffice.db import Database  # noqa: E402
from backoffice.demo import DEMO_PASSWORD, build_demo_data  # noqa: E402
from backoffice.ui.app import login_hint, make_application  # noqa: E402
from backoffice.ui.context import AppContext  # noqa: E402
from backoffice.ui.login import LoginDialog  # noqa: E402
from backoffice.ui.main_window import MainWindow  # noqa: E402
from backoffice.ui.operations import OperationRunner  # noqa: E402
from backoffice.workflows.staff import login  # noqa: E402

OUT = ROOT / "docs" / "screens"
SIZE = (1400, 900)


def settle(ops: OperationRunner, rounds: int = 6) -> None:
    """Let background operations finish and their results reach the widgets."""
    for _ in range(rounds):
        ops.wait()
        for _ in range(5):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def wait_until(
    ops: OperationRunner,
    condition: Callable[[], bool],
    what: str,
    timeout: float = 20.0,
    shown: Callable[[], str] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = f" (écran : {shown()})" if shown else ""
            raise SystemExit(f"screenshots: délai dépassé en attendant {what}{detail}")
        settle(ops, 1)
    settle(ops)


def save(widget: QWidget, ops: OperationRunner, name: str) -> None:
    settle(ops)
    if isinstance(widget, QMainWindow):
        widget.statusBar().clearMessage()  # a message left by the previous screen would mislead
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"  {path.relative_to(ROOT)}")


def id_card_image(path: Path, surname: str, given: str, mrz: str) -> None:
    """A fake identity card marked SPÉCIMEN, so the document viewer has something realistic to show."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1280, 810
    image = Image.new("RGB", (width, height), (226, 236, 245))
    draw = ImageDraw.Draw(image)

    def font(size: int, mono: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        names = ["DejaVuSansMono.ttf"] if mono else ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]
        for name in names:
            for folder in ("/usr/share/fonts/truetype/dejavu", ""):
                try:
                    return ImageFont.truetype(str(Path(folder) / name) if folder else name, size)
                except OSError:
                    continue
        return ImageFont.load_default()

    draw.rounded_rectangle((10, 10, width - 10, height - 10), radius=40, outline=(40, 70, 120), width=6)
    draw.rectangle((10, 40, width - 10, 130), fill=(40, 70, 120))
    draw.text((60, 60), "CARTE D'IDENTITÉ — SPÉCIMEN", fill="white", font=font(44))
    draw.rectangle((60, 180, 380, 580), fill=(190, 200, 215), outline=(90, 100, 120), width=3)
    draw.ellipse((150, 230, 290, 370), fill=(150, 160, 180))
    draw.rounded_rectangle((120, 390, 320, 580), radius=60, fill=(150, 160, 180))
    rows = [("Nom", surname), ("Prénoms", given), ("Nationalité", "UTO"), ("Document", "SPÉCIMEN")]
    for i, (label, value) in enumerate(rows):
        draw.text((430, 190 + i * 95), label, fill=(60, 70, 90), font=font(28))
        draw.text((430, 225 + i * 95), value, fill=(10, 20, 40), font=font(40))
    draw.rectangle((10, 620, width - 10, height - 12), fill=(245, 245, 240))
    for i, line in enumerate(mrz.splitlines()):
        draw.text((40, 640 + i * 48), line, fill=(0, 0, 0), font=font(38, mono=True))
    draw.text((700, 300), "SPÉCIMEN", fill=(200, 60, 60), font=font(90))
    image.save(path)


def proof_image(path: Path, lines: list[str]) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((120, 150 + i * 40), line, fill="black")
    image.save(path)


def passport_mrz(surname: str, given: str, birth: date, sex: str, expiry: date) -> str:
    """A TD3 machine-readable zone for a made-up passport, check digits computed like the real ones."""
    from backoffice.checks.mrz import check_digit
    from backoffice.checks.text import fold

    def field(text: str) -> str:
        return "".join(c if c.isalnum() else "<" for c in fold(text).upper())

    line1 = f"P<FRA{field(surname)}<<{field(given)}".ljust(44, "<")[:44]
    number = "25AB12345"
    born = birth.strftime("%y%m%d")
    ends = expiry.strftime("%y%m%d")
    optional = "<" * 14
    parts = (
        number + check_digit(number),
        born + check_digit(born),
        ends + check_digit(ends),
        optional + check_digit(optional),
    )
    composite = check_digit(parts[0] + parts[1] + parts[2] + parts[3])
    line2 = parts[0] + "FRA" + parts[1] + sex + parts[2] + parts[3] + composite
    return f"{line1}\n{line2}"


ICAO_SPECIMEN_MRZ = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)


class Demo:
    """A fresh demo database in a temporary folder, with the clock fixed so every run shows the same dates."""

    def __init__(self, folder: Path) -> None:
        moment = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
        self.settings = Settings(paths=Paths.under(folder))
        self.db = Database(f"sqlite:///{folder / 'demo.sqlite3'}", self.settings, FixedClock(moment))
        migrations.upgrade(self.db)
        build_demo_data(self.db, customers=3000, seed=42)
        self.ops = OperationRunner(self.db)
        self.actors = {name: login(self.db, name, DEMO_PASSWORD) for name in ("conseiller", "superviseur")}
        self.actors["gestionnaire"] = login(self.db, "gestionnaire", DEMO_PASSWORD)

    def window(self, username: str) -> MainWindow:
        actor = self.actors[username]
        ctx = AppContext(db=self.db, settings=self.settings, actor=actor, ops=self.ops, clock=self.db.clock)
        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        settle(self.ops)
        return window


def pick_customer(demo: Demo) -> int:
    """A customer with an active contract, an open portal account and claims: the file then shows every section."""
    from backoffice.models import AccountStatus, Claim, Contract, ContractStatus, Customer, PortalAccount

    with demo.db.read() as s:
        claims = select(Claim.customer_id, func.count().label("n")).group_by(Claim.customer_id).subquery()
        contracts = (
            select(Contract.customer_id, func.count().label("n"))
            .where(Contract.status == ContractStatus.ACTIVE)
            .group_by(Contract.customer_id)
            .subquery()
        )
        return s.execute(
            select(Customer.id)
            .join(claims, claims.c.customer_id == Customer.id)
            .join(contracts, contracts.c.customer_id == Customer.id)
            .join(PortalAccount, PortalAccount.customer_id == Customer.id)
            .where(PortalAccount.status == AccountStatus.ACTIVE)
            .where(Customer.merged_into_id.is_(None))
            .order_by(claims.c.n.desc(), contracts.c.n.desc(), Customer.id)
            .limit(1)
        ).scalar_one()


def prepare_fraud_unlock(demo: Demo, customer_id: int, folder: Path) -> None:
    """Block for suspected fraud, verify identity and address, then ask to unlock: the request awaits a supervisor."""
    from backoffice.models import (
        Civility,
        CodeChannel,
        Customer,
        DocumentKind,
        LockReason,
        PortalAccount,
        VerificationPurpose,
    )
    from backoffice.models.documents import ProofOfAddressKind
    from backoffice.workflows import unlock
    from backoffice.workflows import verification as wf

    agent = demo.actors["conseiller"]
    with demo.db.read() as s:
        c = s.get(Customer, customer_id)
        assert c is not None
        account_id = s.execute(
            select(PortalAccount.id).where(PortalAccount.customer_id == customer_id)
        ).scalar_one()
        surname, given = c.last_name, c.first_names
        mrz = passport_mrz(
            c.birth_name or c.last_name,
            c.first_names,
            c.birth_date,
            "F" if c.civility is Civility.MRS else "M",
            date(2031, 3, 14),
        )
        holder = f"{c.civility.value} {c.first_names} {c.last_name}"
        address = "\n".join(x for x in (c.address_line, c.address_complement, f"{c.postcode} {c.city}") if x)
    with demo.db.write() as s:
        version = unlock.account_state(s, agent, customer_id).version
        unlock.lock_account(
            s,
            agent,
            account_id,
            reason=LockReason.FRAUD_SUSPICION,
            note="Appel d'un tiers se présentant comme l'assuré, demande de changement de RIB",
            expected_version=version,
        )
    id_path, proof_path = folder / "passeport.png", folder / "facture.png"
    id_card_image(id_path, surname.upper(), given, mrz)
    proof_image(
        proof_path,
        ["ÉLECTRICITÉ DE FRANCE — Facture du 2 novembre 2026", "", holder, *address.splitlines()],
    )
    with demo.db.write() as s:
        case = wf.open_case(s, agent, customer_id, VerificationPurpose.UNLOCK)
        for kind, path in (
            (DocumentKind.IDENTITY_DOCUMENT, id_path),
            (DocumentKind.PROOF_OF_ADDRESS, proof_path),
        ):
            wf.attach_document(s, agent, case.id, kind=kind, filename=path.name, content=path.read_bytes())
    with demo.db.write() as s:
        wf.check_identity(s, agent, case.id, mrz_text=mrz)
    with demo.db.write() as s:
        wf.check_proof_of_address(
            s,
            agent,
            case.id,
            proof_kind=ProofOfAddressKind.UTILITY_BILL,
            document_date=date(2026, 11, 2),
            name_on_document=holder,
            address_on_document=address,
        )
    with demo.db.write() as s:
        wf.decide(s, agent, case.id, wf.Decision.VERIFIED, comment="Passeport et facture conformes")
    with demo.db.write() as s:
        version = unlock.account_state(s, agent, customer_id).version
        outcome = unlock.unlock_account(
            s, agent, account_id, expected_version=version, channel=CodeChannel.EMAIL
        )
    print(f"  {outcome.message}")


def shoot_login(demo: Demo) -> None:
    dialog = LoginDialog(demo.ops, f"SQLite locale ({demo.db.url.database})", login_hint(demo.db))
    dialog.username.setText("conseiller")
    dialog.resize(640, dialog.sizeHint().height())
    dialog.show()
    dialog.username.setFocus()
    save(dialog, demo.ops, "login")
    dialog.close()


def shoot_agent(demo: Demo, customer_id: int, folder: Path) -> None:
    from PySide6.QtTest import QTest

    from backoffice.models import DocumentKind

    window = demo.window("conseiller")
    lookup = window.show_area("lookup")
    assert lookup is not None
    QTest.keyClicks(lookup.search_box, "martin")  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: lookup.last_result is not None, "the search results")  # type: ignore[attr-defined]
    save(window, demo.ops, "lookup")

    window.open_customer(customer_id)
    file_view = lookup.file_view  # type: ignore[attr-defined]
    wait_until(
        demo.ops,
        lambda: file_view.customer_id == customer_id and bool(file_view.action_buttons),
        "the customer file",
    )
    save(window, demo.ops, "customer-file")
    for index, name in ((1, "customer-contracts"), (2, "customer-account"), (5, "customer-claims")):
        file_view.tabs.setCurrentIndex(index)
        save(window, demo.ops, name)
    file_view.tabs.setCurrentIndex(0)

    verification = window.show_area("verification")
    assert verification is not None
    other = lookup.last_result.hits[0].customer_id  # type: ignore[attr-defined]
    verification.load_customer(other)  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: verification.new_case_button.isEnabled(), "the verification customer")  # type: ignore[attr-defined]
    verification.new_case()  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: verification._open_case_id() is not None, "the new case")  # type: ignore[attr-defined]
    card = folder / "carte-specimen.png"
    lines = ICAO_SPECIMEN_MRZ.splitlines()
    id_card_image(card, "ERIKSSON", "Anna Maria", "\n".join(lines))
    verification.upload_files([card], DocumentKind.IDENTITY_DOCUMENT)  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: verification.documents.count() > 0, "the uploaded card")  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: verification.shown_document_id is not None, "the card shown")  # type: ignore[attr-defined]
    verification.mrz.setPlainText(ICAO_SPECIMEN_MRZ)  # type: ignore[attr-defined]
    verification.check_identity()  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: verification.results.topLevelItemCount() > 0, "the identity checks")  # type: ignore[attr-defined]
    verification.results.expandAll()  # type: ignore[attr-defined]
    save(window, demo.ops, "verification")

    unlock_page = window.show_area("unlock")
    assert unlock_page is not None
    unlock_page.open_customer(customer_id)  # type: ignore[attr-defined]
    tab = unlock_page.unlock_tab  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: tab.state is not None, "the account state")
    save(window, demo.ops, "unlock-request")

    # Last: the letters page needs a wider window (PDF preview toolbar), which would widen every later screen.
    letters = window.show_area("letters")
    assert letters is not None
    letters.open_customer(customer_id)  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: letters.target is not None, "the letter recipient")  # type: ignore[attr-defined]
    combo = letters.template_combo  # type: ignore[attr-defined]
    combo.setCurrentIndex(max(0, combo.findData("identity_verified")))
    letters.list_edit.setPlainText("Passeport\nFacture d'électricité du 2 novembre 2026")  # type: ignore[attr-defined]
    letters.preview()  # type: ignore[attr-defined]
    wait_until(
        demo.ops,
        lambda: letters.previewed is not None,  # type: ignore[attr-defined]
        "the letter preview",
        shown=lambda: letters.message.text(),  # type: ignore[attr-defined]
    )
    save(window, demo.ops, "letter-preview")
    window.close()


def shoot_supervisor(demo: Demo) -> None:
    window = demo.window("superviseur")
    unlock_page = window.show_area("unlock")
    assert unlock_page is not None
    approvals = unlock_page.approvals_tab  # type: ignore[attr-defined]
    unlock_page.setCurrentWidget(approvals)  # type: ignore[attr-defined]
    approvals.refresh()
    wait_until(demo.ops, lambda: approvals.model.rowCount() > 0, "the pending approvals")
    approvals.view.selectRow(0)
    save(window, demo.ops, "approvals")

    supervision = window.show_area("supervision")
    assert supervision is not None
    supervision.tabs.setCurrentWidget(supervision.trends)  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: supervision.trends.trends is not None, "the trends")  # type: ignore[attr-defined]
    save(window, demo.ops, "supervision-trends")
    window.close()


def shoot_claims(demo: Demo) -> None:
    from backoffice.models import AppraisalAssignment
    from backoffice.workflows.claims import retriage_all

    # The demo builder writes claims without running the rules; a handler's re-triage shows their findings.
    retriage_all(demo.db, demo.actors["gestionnaire"])

    window = demo.window("gestionnaire")
    claims = window.show_area("claims")
    assert claims is not None
    model = claims.model  # type: ignore[attr-defined]
    wait_until(demo.ops, lambda: model.rowCount() > 0, "the claims queue")
    save(window, demo.ops, "claims-queue")

    detail = claims.detail  # type: ignore[attr-defined]
    claims.take_next()  # type: ignore[attr-defined]  # the handler's daily move: triage runs on the claim taken
    wait_until(demo.ops, lambda: detail.loaded is not None, "the claim taken")
    detail.tabs.setCurrentIndex(0)
    save(window, demo.ops, "claim-triage")

    with demo.db.read() as s:
        appraised = s.execute(
            select(AppraisalAssignment.claim_id).order_by(AppraisalAssignment.id.desc()).limit(1)
        ).scalar_one()
    claims.open_claim(appraised)  # type: ignore[attr-defined]
    wait_until(
        demo.ops, lambda: detail.loaded is not None and detail.loaded.detail.id == appraised, "the appraisal"
    )
    detail.tabs.setCurrentIndex(1)
    save(window, demo.ops, "claim-expert")
    window.close()


def main() -> int:
    started = time.monotonic()
    faulthandler.dump_traceback_later(110, exit=True)  # a stuck screen must not hang `make screenshots`
    OUT.mkdir(parents=True, exist_ok=True)
    app = make_application(sys.argv[:1])
    app.setFont(app.font())
    with tempfile.TemporaryDirectory(prefix="backoffice-") as tmp:
        folder = Path(tmp)
        print("Base de démonstration…")
        demo = Demo(folder)
        customer_id = pick_customer(demo)
        prepare_fraud_unlock(demo, customer_id, folder)
        print("Captures :")
        shoot_login(demo)
        shoot_agent(demo, customer_id, folder)
        shoot_supervisor(demo)
        shoot_claims(demo)
        demo.ops.wait()
        demo.db.dispose()
    print(f"Terminé en {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
