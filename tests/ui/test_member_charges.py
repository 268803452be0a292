"""*Add charge…* on the member's account (rule 27), in the real window over the real services:
a described amount refused with one translated sentence beside its field (nothing written),
then recorded; a product sold by the unit of an allowance taken from what the member holds,
and the allowances card shows what was used and what is left."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from desktop.app import create_main_window
from desktop.domain.model import ContractAddon, Plan
from desktop.ledger.contracts import save_contract
from desktop.ledger.member_states import load_contract, load_plans
from desktop.services.catalog import CatalogService
from desktop.services.charges import ChargeService
from desktop.services.clock import FixedClock
from desktop.services.sample import demo
from desktop.storage import models as m
from desktop.storage.database import open_database
from modal_dialogs import modal

TODAY = date(2026, 11, 22)
HOURS = "Meeting room hours"


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "frontdesk.sqlite3"
    clock = FixedClock(TODAY)
    db = open_database(str(path), now=clock.now())
    demo.load_demo(db, TODAY, members=6, seed=5)
    catalog = CatalogService(db, clock)
    catalog.save_plan(Plan(name="Meeting room hour", price=1500, frequency=None, kind="addon",
                           allowance_unit=HOURS))
    package = catalog.save_plan(Plan(name="Ten hours", price=9000, frequency=None,
                                     kind="addon", allowances={HOURS: 10})).id
    with db.write() as session:  # the first active contract holds a package of ten hours
        row = session.query(m.ContractRow).filter(m.ContractRow.next_invoice_date.is_not(None),
                                                  m.ContractRow.start_date <= TODAY).first()
        contract = load_contract(session, row.id)
        held = ContractAddon(load_plans(session)[package], 1, TODAY)
        save_contract(session, contract.with_changes(addons=contract.addons + (held,)))
        member = row.member_id
    db.dispose()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = create_main_window(str(path), TODAY, settings=settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.charged_member = member
    yield window
    window.scheduler.stop()
    window.database.dispose()


def in_dialog(act) -> list:
    return modal("chargeDialog", act)


def show(qtbot, window, member_id: int):
    page = window.member_page
    page.show_member(member_id)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.id == member_id,
                    timeout=3000)
    return page


def test_add_charge_refuses_a_bad_amount_then_records_a_product_against_the_allowance(
        qtbot, window):
    page = show(qtbot, window, window.charged_member)
    charges = ChargeService(window.database, FixedClock(TODAY))
    before = charges.of_member(window.charged_member)
    seen = {}

    def bad_amount(dialog):
        combo = dialog.findChild(QComboBox, "chargeProductCombo")
        combo.setCurrentIndex(combo.count() - 1)  # another amount
        amount = dialog.findChild(QLineEdit, "chargeAmountEdit")
        qtbot.keyClicks(amount, "0")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "chargeDescriptionEdit"), "Printing")
        seen["ok"] = dialog.ok_button.isEnabled()
        seen["error"] = dialog.problems.message("amount")

    done = in_dialog(bad_amount)
    qtbot.mouseClick(page.charge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert seen == {"ok": False, "error": "The amount of a charge must be above zero."}
    assert charges.of_member(window.charged_member) == before

    def three_hours(dialog):
        combo = dialog.findChild(QComboBox, "chargeProductCombo")
        combo.setCurrentIndex(next(i for i in range(combo.count())
                                   if combo.itemText(i).startswith("Meeting room hour (")))
        dialog.quantity_spin.setValue(3)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    done = in_dialog(three_hours)
    qtbot.mouseClick(page.charge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    [record] = [r for r in charges.of_member(window.charged_member) if r not in before]
    assert (record.description, record.quantity, record.covered) == ("Meeting room hour", 3, 3)
    qtbot.waitUntil(lambda: "(3 used)" in page.allowances_card.value.text(), timeout=3000)
