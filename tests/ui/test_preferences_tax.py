"""Preferences for rule 17: the standard and reduced rates, the exemption reason, the number
prefixes of credit notes and deposit documents, and the site's VAT id, typed with the keyboard
into the real dialog over the real SettingsService. A bad value is marked on its field with a
sentence, Save stays disabled and nothing is written."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from desktop.services.clock import FixedClock
from desktop.services.settings import SettingsService, SiteSettings
from desktop.storage import models as m
from desktop.storage.database import open_database
from desktop.ui.common.keyboard import prepare_for_keyboard
from desktop.ui.window.preferences_dialog import PreferencesDialog


@pytest.fixture
def service():
    clock = FixedClock(date(2026, 12, 7), datetime(2026, 12, 7, 9, 0))
    db = open_database("sqlite://", now=clock.now())
    service = SettingsService(db, clock)
    service.save(SiteSettings(tax_rate="19", operator="Mia"))
    yield service
    db.dispose()


@pytest.fixture
def dialog(qtbot, service):
    dialog = PreferencesDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    prepare_for_keyboard(dialog)  # what the application's KeyboardReach does on show
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    return dialog


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    """Select what the field holds and type over it, as a person does."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def mnemonic_of(dialog, edit: QWidget) -> Qt.Key:
    """The key of the Alt+letter its label gives the field."""
    caption = next(label for label in dialog.findChildren(QLabel) if label.buddy() is edit)
    letter = caption.text().replace("&&", "")[caption.text().replace("&&", "").index("&") + 1]
    return getattr(Qt.Key, f"Key_{letter.upper()}")


def open_invoices_tab(qtbot, dialog) -> None:
    bar = dialog.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert dialog.tabs.currentIndex() == 1


def test_the_reduced_rate_and_the_exemption_reason_are_typed_checked_and_saved(
        qtbot, dialog, service):
    reduced = dialog.findChild(QLineEdit, "reducedTaxRateEdit")
    reason = dialog.findChild(QLineEdit, "exemptionReasonEdit")
    assert reduced.text() == "0" and reason.text() == ""
    assert reduced.accessibleName() == "Reduced tax rate (%)"
    retype(qtbot, reduced, "107")
    assert dialog.problems.message("reduced_tax_rate") == (
        '"107" is not a tax rate between 0 and 100.')
    assert reduced.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, reduced, "7,5")
    assert dialog.problems.message("reduced_tax_rate") == (
        '"7,5" is not a tax rate written as a plain number such as 20 or 8.5.')
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert service.get().reduced_tax_rate == "0"  # nothing written
    retype(qtbot, reduced, "7.5")
    assert dialog.problems.message("reduced_tax_rate") == ""
    reason.setText("Steuerfrei\tnach § 4")  # pasted with a tab
    assert dialog.problems.message("exemption_reason") == (
        "The text holds a line break or tab (U+0009), which this field cannot hold: write it "
        "on one line.")
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, reason, "Steuerfrei nach § 4 Nr. 12 UStG")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    saved = service.get()
    assert (saved.tax_rate, saved.reduced_tax_rate, saved.exemption_reason) == (
        "19", "7.5", "Steuerfrei nach § 4 Nr. 12 UStG")
    assert service.billing().reduced_rate * 1000 == 75


def test_the_series_prefixes_are_marked_when_empty_unsafe_or_shared(qtbot, dialog, service):
    open_invoices_tab(qtbot, dialog)
    credit = dialog.findChild(QLineEdit, "creditNotePrefixEdit")
    deposit = dialog.findChild(QLineEdit, "depositPrefixEdit")
    assert (credit.text(), deposit.text()) == ("CN-", "DEP-")
    # Alt and their labels' letters reach them; screen readers hear their names.
    assert (credit.accessibleName(), deposit.accessibleName()) == (
        "Credit note prefix", "Deposit prefix")
    for edit in (credit, deposit):
        qtbot.keyClick(QApplication.focusWidget(), mnemonic_of(dialog, edit),
                       Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is edit
    retype(qtbot, credit, "")
    assert dialog.problems.message("credit_note_prefix") == (
        "The credit note number prefix is 1 to 12 letters, digits, dots, dashes or "
        "underscores, such as CN-.")
    assert credit.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(credit, "inv-")
    assert dialog.problems.message("credit_note_prefix") == (
        "Credit notes need a prefix of their own: inv- already numbers the invoices.")
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, credit, "GS-")
    retype(qtbot, deposit, "GS-")
    assert dialog.problems.message("credit_note_prefix") == ""
    assert dialog.problems.message("deposit_prefix") == (
        "Deposit documents need a prefix of their own: GS- already numbers the credit notes.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert (service.get().credit_note_prefix, service.get().deposit_prefix) == ("CN-", "DEP-")
    deposit.setText("KT\x07")  # pasted with a control character
    assert dialog.problems.message("deposit_prefix") == (
        "The deposit number prefix is 1 to 12 letters, digits, dots, dashes or underscores, "
        "such as DEP-.")
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, deposit, "KT-")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert (service.get().credit_note_prefix, service.get().deposit_prefix) == ("GS-", "KT-")


def test_the_sites_vat_id_is_checked_while_typing(qtbot, dialog, service):
    open_invoices_tab(qtbot, dialog)
    vat = dialog.findChild(QLineEdit, "siteVatIdEdit")
    retype(qtbot, vat, "XX12")
    assert dialog.problems.message("vat_id") == (
        "XX12 is not a valid VAT id: check its country letters and digits.")
    assert vat.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(vat, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save: refused
    assert dialog.isVisible()
    assert service.get().vat_id == ""
    retype(qtbot, vat, "DE 136 695 977")  # a wrong check digit
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, vat, "DE 136 695 976")
    assert dialog.problems.message("vat_id") == ""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert service.get().vat_id == "DE 136 695 976"


def test_a_bad_vat_id_stored_before_it_was_checked_is_marked_at_once(qtbot, service):
    with service.db.write() as session:
        session.get(m.SettingsRow, 1).vat_id = "XX12"
    dialog = PreferencesDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.problems.message("vat_id") == (
        "XX12 is not a valid VAT id: check its country letters and digits.")
    assert not dialog.ok_button.isEnabled()
    dialog.vat_edit.clear()
    assert dialog.ok_button.isEnabled()

