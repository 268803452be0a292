"""Buying and removing add-ons from the contract editor, on the real services (rule 16 in
docs/billing-rules.md).

The world's clock says 10 Mar 2026; Ada's Dedicated desk contract (world.active) was invoiced for
[1 Mar, 1 Apr 2026), 31 days, so an add-on bought today is prorated for 22 of 31 days.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QMessageBox, QPushButton, QSpinBox

from desktop.domain.model import ADDON, Plan
from desktop.services.invoices import InvoiceService
from desktop.ui.contract_editor.addon_dialog import AddonDialog
from desktop.ui.contract_editor.addons import HeldAddonsModel
from desktop.ui.contract_editor.editor import ContractEditor
from editor_fakes import EditorWorld, child

TODAY = date(2026, 3, 10)


@pytest.fixture
def welcome_pack(world):
    """A one-off add-on the Dedicated desk offers (the world has recurring ones only)."""
    pack = world._plan(Plan("Welcome pack", 30000, None, kind=ADDON))
    world.catalog.save_plan(replace(world.desk, addons=world.desk.addons + ("Welcome pack",)))
    return pack


@pytest.fixture
def open_editor(qtbot, world, formatter):
    def make(contract_id=None, draft=None):
        editor = ContractEditor(world.contracts, world.catalog, formatter, contract_id,
                                draft=draft)
        qtbot.addWidget(editor)
        editor.resize(1100, 760)
        editor.show()
        editor.refresh_now()
        return editor

    return make


def invoices_of(world, member: int) -> list:
    """The member's issued invoices, newest first, read back through the services."""
    service = InvoiceService(world.db, world.clock)
    return [service.get(row.id) for row in world.members.get(member).invoices]


def table_rows(editor) -> list[list[str]]:
    model = editor.addons.model
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def open_dialog(qtbot, editor) -> AddonDialog:
    qtbot.mouseClick(child(editor, QPushButton, "addAddonButton"), Qt.LeftButton)
    return child(editor, AddonDialog, "addAddonDialog")


def choose(dialog: AddonDialog, name: str) -> None:
    addons = child(dialog, QListWidget, "addonList")
    rows = [r for r in range(addons.count()) if addons.item(r).text().startswith(name)]
    assert rows, name
    addons.setCurrentRow(rows[0])


@contextmanager
def changed(qtbot, editor):
    """Wait for the reload that follows an add-on change: `saved` with the contract's id (the
    member page refreshes on it), then the recomputed preview."""
    with (qtbot.waitSignal(editor.previewRefreshed, timeout=3000),
          qtbot.waitSignal(editor.saved, timeout=3000) as saved):
        yield
    assert saved.args == [editor.contract_id]


def add(qtbot, editor, dialog) -> None:
    with changed(qtbot, editor):
        qtbot.mouseClick(child(dialog, QPushButton, "addAddonOkButton"), Qt.LeftButton)


def removal_box(qtbot, editor, name: str) -> QMessageBox:
    table = editor.addons.table
    row = next(r for r, cells in enumerate(table_rows(editor)) if cells[0] == name)
    table.selectRow(row)
    remove = child(editor, QPushButton, "removeAddonButton")
    assert remove.isEnabled()
    qtbot.mouseClick(remove, Qt.LeftButton)
    return child(editor, QMessageBox, "removeAddonBox")


# Adding (rule 16) -------------------------------------------------------------------------------

def test_recurring_addon_mid_period_is_invoiced_at_once_prorated(qtbot, open_editor, world):
    editor = open_editor(world.active)
    assert table_rows(editor) == []
    dialog = open_dialog(qtbot, editor)
    choose(dialog, "Mail handling")
    # 20.00 × 22/31 = 14.1935… → 14.19, the figure the service invoices below.
    assert child(dialog, QLabel, "addonOutcome").text() == (
        "Invoiced now for the rest of this period (22 of 31 days): €14.19.\n"
        "Then €20.00 monthly with the contract's invoices, from 1 Apr 2026.")
    assert child(dialog, QLabel, "addonTaxNote").text() == \
        "Prices exclude tax; tax is added on the invoice."
    add(qtbot, editor, dialog)

    [invoice] = invoices_of(world, world.ada)
    assert invoice.issue_date == TODAY
    billed = [(line.kind, line.description, line.amount, line.period_start, line.period_end)
              for line in invoice.lines]
    assert billed == [("addon", "Mail handling", 1419, TODAY, date(2026, 4, 1))]
    assert (invoice.subtotal, invoice.tax, invoice.total) == (1419, 284, 1703)
    assert table_rows(editor) == [["Mail handling", "1", "10 Mar 2026", "€20.00 monthly"]]
    assert [a.addon.name for a in world.stored(world.active).addons] == ["Mail handling"]
    assert not editor.is_dirty()
    # The next invoice bills it in full with the desk.
    next_lines = [(line.description, line.amount) for line in editor.preview.invoices()[0].lines]
    assert next_lines == [("Dedicated desk", 35000), ("Mail handling", 2000)]


@pytest.mark.parametrize(("today", "first_sentence"), [
    (date(2026, 3, 1), "Invoiced now for this whole period ({span}): €60.00."),
    (date(2026, 3, 17), "Invoiced now for the rest of this period (15 of 31 days): €29.03."),
    (date(2026, 3, 31), "Invoiced now for the rest of this period (1 of 31 days): €1.94."),
])
def test_the_figure_shown_is_the_amount_invoiced(qtbot, formatter, today, first_sentence):
    """A manager never sees a figure that differs from the invoice later issued
    (docs/design.md#users)."""
    world = EditorWorld(today)
    editor = ContractEditor(world.contracts, world.catalog, formatter, world.active)
    qtbot.addWidget(editor)
    dialog = open_dialog(qtbot, editor)
    choose(dialog, "Mail handling")
    child(dialog, QSpinBox, "addonQuantitySpin").setValue(3)
    shown = child(dialog, QLabel, "addonOutcome").text().splitlines()[0]
    add(qtbot, editor, dialog)
    [invoice] = invoices_of(world, world.ada)
    [line] = invoice.lines
    assert shown == first_sentence.format(span=formatter.period(date(2026, 3, 1),
                                                                date(2026, 4, 1)))
    assert shown.endswith(f": {formatter.money(line.amount)}.")
    assert (line.description, line.period_start) == ("Mail handling × 3", today)


def test_one_off_addon_is_invoiced_once_in_full(qtbot, open_editor, world, welcome_pack):
    editor = open_editor(world.active)
    dialog = open_dialog(qtbot, editor)
    choose(dialog, "Welcome pack")
    child(dialog, QSpinBox, "addonQuantitySpin").setValue(2)
    assert child(dialog, QLabel, "addonOutcome").text() == "Invoiced once, now: €600.00."
    add(qtbot, editor, dialog)

    [invoice] = invoices_of(world, world.ada)
    assert [(line.description, line.amount) for line in invoice.lines] == [
        ("Welcome pack × 2", 60000)]
    assert table_rows(editor) == [["Welcome pack", "2", "10 Mar 2026", "€600.00 one-off"]]
    # Invoiced once: the next invoice is the desk alone.
    assert [line.description for line in editor.preview.invoices()[0].lines] == ["Dedicated desk"]


def test_recurring_addon_before_the_start_waits_for_the_first_invoice(qtbot, open_editor, world):
    editor = open_editor(world.inactive)
    dialog = open_dialog(qtbot, editor)
    choose(dialog, "Locker")
    assert child(dialog, QLabel, "addonOutcome").text() == \
        "Invoiced with the contract from its first invoice on 15 Apr 2026: €15.00 monthly."
    add(qtbot, editor, dialog)
    assert invoices_of(world, world.alan) == []
    assert table_rows(editor) == [["Locker", "1", "15 Apr 2026", "€15.00 monthly"]]


def test_a_held_recurring_addon_is_not_offered_again(qtbot, open_editor, world):
    world.contracts.add_addon(world.active, world.locker.id)
    editor = open_editor(world.active)
    dialog = open_dialog(qtbot, editor)
    addons = child(dialog, QListWidget, "addonList")
    locker = addons.item(0)
    assert locker.text() == "Locker — €15.00 monthly (already held)"
    assert not locker.flags() & Qt.ItemIsEnabled
    assert dialog.selected_addon().name == "Mail handling"


def test_a_refusal_shows_its_sentence_and_writes_nothing(qtbot, open_editor, world):
    editor = open_editor(world.active)
    dialog = open_dialog(qtbot, editor)
    choose(dialog, "Locker")
    # Another desk sells the same locker while this dialog is open.
    world.contracts.add_addon(world.active, world.locker.id)
    before = world.dump()
    qtbot.mouseClick(child(dialog, QPushButton, "addAddonOkButton"), Qt.LeftButton)
    assert child(dialog, QLabel, "addonErrorText").text() == "This contract already has Locker."
    assert dialog.isVisible()
    assert world.dump() == before


def test_a_plan_without_addons_says_so(open_editor, world):
    contract = world.contract(world.edsger, world.suite, date(2026, 1, 1), date(2026, 4, 1))
    editor = open_editor(contract)
    button = child(editor, QPushButton, "addAddonButton")
    assert not button.isEnabled()
    assert button.toolTip() == "Meeting suite offers no add-ons."


# Removing (rule 16) -----------------------------------------------------------------------------

def test_remove_stops_at_the_next_invoice_date_without_an_invoice(qtbot, open_editor, world):
    world.contracts.add_addon(world.active, world.locker.id)
    invoices = invoices_of(world, world.ada)
    editor = open_editor(world.active)
    assert [line.description for line in editor.preview.invoices()[0].lines] == \
        ["Dedicated desk", "Locker"]
    box = removal_box(qtbot, editor, "Locker")
    assert box.text() == "Remove Locker from this contract?"
    assert box.informativeText() == "Locker stops at the next invoice date, 1 Apr 2026."
    with changed(qtbot, editor):
        qtbot.mouseClick(child(box, QPushButton, "confirmRemoveAddonButton"), Qt.LeftButton)
    assert table_rows(editor) == []
    assert world.stored(world.active).addons == ()
    assert invoices_of(world, world.ada) == invoices
    assert [line.description for line in editor.preview.invoices()[0].lines] == ["Dedicated desk"]


def test_cancelling_the_removal_writes_nothing(qtbot, open_editor, world):
    world.contracts.add_addon(world.active, world.locker.id)
    editor = open_editor(world.active)
    before = world.dump()
    box = removal_box(qtbot, editor, "Locker")
    qtbot.mouseClick(child(box, QPushButton, "cancelRemoveAddonButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.addons.confirmation is None)
    assert world.dump() == before
    assert table_rows(editor)[0][0] == "Locker"


def test_a_one_off_removal_says_nothing_is_credited(qtbot, open_editor, world, welcome_pack):
    world.contracts.add_addon(world.active, welcome_pack.id)
    editor = open_editor(world.active)
    box = removal_box(qtbot, editor, "Welcome pack")
    assert box.informativeText() == (
        "Welcome pack was invoiced once, when it was added; removing it takes it off this "
        "contract and credits nothing.")


def test_a_failed_removal_shows_the_sentence_on_the_banner(qtbot, open_editor, world):
    world.contracts.add_addon(world.active, world.locker.id)
    editor = open_editor(world.active)
    box = removal_box(qtbot, editor, "Locker")
    world.contracts.remove_addon(world.active, world.locker.id)  # removed at another desk
    qtbot.mouseClick(child(box, QPushButton, "confirmRemoveAddonButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: editor.errorBanner.isVisible())
    assert child(editor, QLabel, "errorBannerText").text() == \
        "This contract does not have that add-on."


# When adding and removing are offered ------------------------------------------------------------

def test_unsaved_edits_disable_adding_and_removing(qtbot, open_editor, world):
    world.contracts.add_addon(world.active, world.locker.id)
    editor = open_editor(world.active)
    add_button = child(editor, QPushButton, "addAddonButton")
    remove_button = child(editor, QPushButton, "removeAddonButton")
    editor.addons.table.selectRow(0)
    assert add_button.isEnabled() and remove_button.isEnabled()
    editor.general.notes_edit.setPlainText("Prefers the window seat")
    assert editor.is_dirty()
    for button in (add_button, remove_button):
        assert not button.isEnabled()
        assert button.toolTip() == "Save or revert your changes first."
    assert editor.addons.open_add_dialog() is None
    editor.revert()
    editor.addons.table.selectRow(0)
    assert add_button.isEnabled() and remove_button.isEnabled()


def test_a_new_draft_says_addons_come_after_saving(open_editor, world):
    editor = open_editor(draft=world.contracts.new_draft(world.ada, world.desk.id))
    note = child(editor, QLabel, "addonsNote")
    assert note.isVisible()
    assert note.text() == "Add-ons can be added once the contract is saved."
    assert not editor.addons.table.isVisible()
    assert not child(editor, QPushButton, "addAddonButton").isVisible()


def test_an_ended_contract_shows_its_addons_read_only(open_editor, world):
    editor = open_editor(world.ended)
    assert not child(editor, QPushButton, "addAddonButton").isVisible()
    assert not child(editor, QPushButton, "removeAddonButton").isVisible()
    assert child(editor, QLabel, "addonsNote").text() == \
        "This contract has ended; its add-ons can no longer be changed."


def test_held_addons_model(qtmodeltester, world, formatter, welcome_pack):
    world.contracts.add_addon(world.active, world.locker.id)
    world.contracts.add_addon(world.active, welcome_pack.id, 3)
    model = HeldAddonsModel(formatter)
    model.set_rows(world.stored(world.active).addons)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(1, 3)) == "€900.00 one-off"
    assert model.data(model.index(1, 3), Qt.ToolTipRole) == "Invoiced once, when it was added."


def test_addons_screenshots(qtbot, open_editor, world, welcome_pack, shot):
    world.contracts.add_addon(world.active, world.locker.id)
    world.contracts.add_addon(world.active, welcome_pack.id)
    editor = open_editor(world.active)
    editor.addons.table.selectRow(0)
    QApplication.processEvents()  # lay out the preview's cards before the picture
    shot(editor, "addons_editor")
    dialog = open_dialog(qtbot, editor)
    shot(dialog, "addons_dialog")
    assert editor.addons.table.isVisible() and dialog.outcome_box.isVisible()
    dialog.reject()
    shot(removal_box(qtbot, editor, "Locker"), "addons_remove")
