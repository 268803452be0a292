"""Preferences → E-invoices (rule 28): the site's address in its parts, its contact and tax
number typed with the keyboard into the real dialog over the real SettingsService; a country
that is no ISO code is marked on its field, Save waits and nothing is written."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.ui.window.preferences_dialog import PreferencesDialog
from test_preferences_tax import dialog, mnemonic_of, retype, service  # noqa: F401 (fixtures)


def test_the_sites_e_invoice_data_is_typed_checked_and_saved(qtbot, dialog, service):  # noqa: F811
    bar = dialog.tabs.tabBar()
    index = dialog.tabs.indexOf(dialog.tabs.findChild(type(dialog.einvoice_tab),
                                                      "einvoicePreferences"))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index
    edits = {name: dialog.findChild(QLineEdit, f"{name}Edit")
             for name in ("street", "postcode", "city", "country", "contact_name",
                          "contact_phone", "contact_email", "tax_number")}
    for name, edit in edits.items():  # each field is reached by its label's Alt+letter
        qtbot.keyClick(QApplication.focusWidget(), mnemonic_of(dialog, edit),
                       Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is edit, name
    retype(qtbot, edits["country"], "XX")
    assert dialog.problems.message("country") == (
        '"XX" is not a two-letter ISO country code such as DE, FR or BE.')
    assert not dialog.ok_button.isEnabled()
    for name, text in (("street", "Hafenstraße 1"), ("postcode", "20457"),
                       ("city", "Hamburg"), ("country", "de"), ("contact_name", "Desk"),
                       ("contact_phone", "+49 40 1"), ("contact_email", "desk@hafen.example"),
                       ("tax_number", "27/123/45678")):
        retype(qtbot, edits[name], text)
    assert dialog.problems.message("country") == ""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    saved = service.get()
    assert (saved.street, saved.postcode, saved.city, saved.country) == (
        "Hafenstraße 1", "20457", "Hamburg", "DE")
    assert (saved.contact_name, saved.contact_phone, saved.contact_email,
            saved.tax_number) == ("Desk", "+49 40 1", "desk@hafen.example", "27/123/45678")
    assert saved.tax_rate == "19"  # the other tabs' settings kept
