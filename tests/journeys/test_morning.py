"""A front-desk morning, by keyboard and mouse only, from finding a member to the invoice the
timer issues, which must equal what the preview said (docs/design.md#users,
docs/design.md#screens)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QListWidget, QPushButton, QTableView

from desktop.ui.common.date_field import DateField
from person import (
    bring_to_front,
    click,
    click_tab,
    press,
    replace_text,
    shortcut,
    when_modal,
)
from test_keyboard import open_editor_by_keyboard, plain_active_contract


def lines_of(invoice):
    return [(line.kind, line.description, line.amount, line.period_start, line.period_end)
            for line in invoice.lines]


def test_a_front_desk_morning(qtbot, desk):
    name, contract = plain_active_contract(desk, offers_addons=True)
    n = contract.next_invoice_date

    # Find the member and open the contract with the keyboard alone.
    editor = open_editor_by_keyboard(qtbot, desk, name)
    assert editor.contract_id == contract.id

    # Schedule another plan for the next invoice date (rule 7).
    combo = editor.findChild(QComboBox, "nextPlanCombo")
    combo.setFocus()
    before = combo.currentText()
    press(Qt.Key.Key_Down)
    if combo.currentText() == before or editor.draft().next_plan is None:
        press(Qt.Key.Key_Up)
        press(Qt.Key.Key_Up)
    next_plan = editor.draft().next_plan
    assert next_plan is not None and next_plan.name != contract.plan.name

    # Cancel ten days after the next invoice date, last invoice prorated (rules 5, 6).
    click_tab(editor.tabs, editor.cancellation)
    click(editor.findChild(QCheckBox, "cancelContractCheck"))
    cancel_on = n + timedelta(days=10)
    replace_text(editor.findChild(DateField, "cancellationDateEdit"), cancel_on.isoformat())
    prorate = editor.findChild(QCheckBox, "prorateLastInvoiceCheck")
    if not prorate.isChecked():
        click(prorate)
    assert editor.draft().cancellation_date == cancel_on
    with qtbot.waitSignal(editor.saved, timeout=5000):
        shortcut("Ctrl+S")

    # Create the new term that continues it; its editor opens, and closes with Ctrl+W.
    opened = len(desk.live_editors())
    when_modal(lambda dialog: click(dialog.findChild(QPushButton, "newTermCreateButton")))
    click(editor.findChild(QPushButton, "createNewTermButton"))
    qtbot.waitUntil(lambda: len(desk.live_editors()) > opened, timeout=5000)
    term = desk.live_editors()[-1]
    qtbot.waitExposed(term)
    bring_to_front(qtbot, term)
    assert term.draft().start_date == cancel_on
    shortcut("Ctrl+W")
    qtbot.waitUntil(lambda: not term.isVisible(), timeout=3000)

    # Back in the first editor: buy an add-on (invoiced at once, rule 16), then close it.
    bring_to_front(qtbot, editor)
    bought = []

    def buy(dialog):
        addons = dialog.findChild(QListWidget, "addonList")
        addons.setFocus()
        for row in range(addons.count()):
            if addons.item(row).flags() & Qt.ItemFlag.ItemIsEnabled and \
                    "one-off" not in addons.item(row).text():
                rect = addons.visualItemRect(addons.item(row))
                QTest.mouseClick(addons.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                bought.append(addons.item(row).text())
                break
        click(dialog.findChild(QPushButton, "addAddonOkButton"))

    seen = when_modal(buy)
    click_tab(editor.tabs, editor.general)
    click(editor.findChild(QPushButton, "addAddonButton"))
    qtbot.waitUntil(lambda: bool(seen) and bool(bought), timeout=5000)
    qtbot.waitUntil(lambda: any(bought[0].startswith(item.addon.name)
                                for item in editor.draft().addons), timeout=5000)

    # What the preview says the next invoice date will bill, as the manager reads it now.
    addon_name = next(item.addon.name for item in editor.draft().addons
                      if bought[0].startswith(item.addon.name))
    qtbot.waitUntil(lambda: any(line.description.startswith(addon_name)
                                for i in editor.preview.invoices() if i.issue_date == n
                                for line in i.lines), timeout=5000)
    said = next(i for i in editor.preview.invoices() if i.issue_date == n)
    assert any(line.description.startswith(next_plan.name) for line in said.lines)
    bring_to_front(qtbot, editor)
    assert not editor.is_dirty()
    shortcut("Esc", editor)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=3000)

    # The timer, on the next invoice date, issues exactly that.
    desk.clock.set(n)
    bring_to_front(qtbot, desk)
    with qtbot.waitSignal(desk.scheduler.finished, timeout=20000):
        shortcut("Ctrl+R", desk)
    issued_rows = [i for i in desk.services.members.get(contract.member).invoices
                   if i.issue_date == n]
    assert len(issued_rows) == 1
    issued = desk.services.invoices.get(issued_rows[0].id)
    assert lines_of(issued) == lines_of(said)
    assert (issued.subtotal, issued.tax, issued.total, issued.amount_due) == (
        said.subtotal, said.tax, said.total, said.amount_due)
    table = desk.findChild(QTableView, "memberInvoiceTable")
    number = table.model().column_of("number")
    qtbot.waitUntil(lambda: any(table.model().index(r, number).data() == issued.number
                                for r in range(table.model().rowCount())), timeout=3000)
