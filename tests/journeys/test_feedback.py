"""Every action says what it did (docs/design.md#screens): saves, runs of the timer, a new
contract's first invoice at once, and invoice periods read to their last day."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableView

from person import ModalSteps, bring_to_front, click, press, shortcut, type_text, when_modal
from test_keyboard import find_by_keyboard, open_editor_by_keyboard, plain_active_contract


def test_a_save_says_so_in_the_status_bar(qtbot, desk):
    from PySide6.QtWidgets import QPlainTextEdit

    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    editor.findChild(QPlainTextEdit).setFocus()
    type_text("Key card 114")
    with qtbot.waitSignal(editor.saved, timeout=3000):
        shortcut("Ctrl+S")
    assert desk.statusBar().currentMessage() == "Saved."


def test_run_due_transitions_now_says_what_it_did(qtbot, desk):
    bring_to_front(qtbot, desk)
    with qtbot.waitSignal(desk.scheduler.finished, timeout=10000):
        shortcut("Ctrl+R", desk)
    assert desk.statusBar().currentMessage() == "Nothing was due."


def test_a_new_contract_starting_today_is_invoiced_when_it_is_saved(qtbot, desk):
    name = next(p.name for p in desk.services.members.search(status="contacts", limit=50))
    find_by_keyboard(qtbot, desk, name)
    member_id = desk.members_panel.current_member_id()
    before = len(desk.services.members.get(member_id).invoices)

    def choose_plan(dialog):
        press(Qt.Key.Key_Return, widget=dialog)  # the first plan offered: Continue

    seen = when_modal(choose_plan)
    click(desk.findChild(QPushButton, "newContractButton"))
    qtbot.waitUntil(lambda: bool(seen) and bool(desk.live_editors()), timeout=5000)
    editor = desk.live_editors()[-1]
    qtbot.waitExposed(editor)
    save = editor.findChild(QPushButton, "saveButton")
    qtbot.waitUntil(lambda: save.isEnabled() and bool(editor.preview.invoices()), timeout=3000)
    preview = editor.preview.invoices()[0]
    assert preview.issue_date == desk.clock.today()
    # The day's documents (the invoice, and its deposit request when the plan asks one, rule 15)
    # are what the preview showed for that day before the Save (after it, the preview moves on).
    today = [d for d in editor.preview.invoices() if d.billed_on == preview.billed_on]
    with qtbot.waitSignal(desk.scheduler.finished, timeout=10000):
        click(save)
    invoices = desk.services.members.get(member_id).invoices
    assert len(invoices) == before + len(today)
    issued = desk.services.invoices.get(min(
        (i for i in invoices if i.type == "invoice"), key=lambda i: -i.id).id)
    assert (issued.issue_date, issued.total) == (preview.issue_date, preview.total)
    said = "issued 1 document" if len(today) == 1 else f"issued {len(today)} documents"
    assert said in desk.statusBar().currentMessage()


def test_an_invoice_line_reads_to_the_last_day_of_its_period(qtbot, desk):
    name, _contract = plain_active_contract(desk)
    find_by_keyboard(qtbot, desk, name)
    invoices = desk.findChild(QTableView, "memberInvoiceTable")
    invoices.setFocus()
    press(Qt.Key.Key_Down)
    shown = []

    def read(dialog):
        shown.append(" ".join(dialog.browser.toPlainText().split()))
        dialog.reject()

    seen = when_modal(read)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    row = invoices.model().row_at(invoices.currentIndex().row())
    line = desk.services.invoices.get(row.id).lines[0]
    period = " ".join(desk.formatter.period(line.period_start, line.period_end).split())
    assert period in shown[0]
    assert " ".join(desk.formatter.span(line.period_start, line.period_end).split()) \
        not in shown[0]


def test_the_member_page_shows_a_scheduled_switch(qtbot, desk):
    from PySide6.QtWidgets import QComboBox

    name, contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    combo = editor.findChild(QComboBox, "nextPlanCombo")
    combo.setFocus()
    start = combo.currentIndex()
    press(Qt.Key.Key_Down)
    if combo.currentIndex() == start or combo.currentText().startswith("—"):
        press(Qt.Key.Key_Up)
        press(Qt.Key.Key_Up)
    chosen = editor.draft().next_plan
    assert chosen is not None and chosen.name != contract.plan.name
    with qtbot.waitSignal(editor.saved, timeout=3000):
        shortcut("Ctrl+S")
    table = desk.findChild(QTableView, "contractTable")
    qtbot.waitUntil(lambda: "→" in (table.model().index(0, 1).data() or ""), timeout=3000)
    shown = table.model().index(0, 1).data()
    assert chosen.name in shown
    assert desk.formatter.date(contract.next_invoice_date) in shown


def test_the_add_on_dialog_shows_only_what_an_add_on_has(qtbot, desk):
    from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox, QWidget

    desk.show_tab(1)
    seen = []

    def inspect(dialog):
        shown = {name: dialog.findChild(QWidget, name).isVisibleTo(dialog)
                 for name in ("planGroupCombo", "planDepositEdit", "planAddons")}
        one_off = dialog.findChild(QCheckBox, "planOneOffCheck")
        click(one_off)
        seen.append((shown, one_off.isChecked(),
                     dialog.findChild(QSpinBox, "planFrequencyCount").isEnabled(),
                     dialog.findChild(QComboBox, "planFrequencyUnit").isEnabled()))
        press(Qt.Key.Key_Escape, widget=dialog)  # one-off was ticked: it asks first

    steps = ModalSteps(("planDialog", inspect), ("unsavedChangesBox", lambda box: click(
        box.findChild(QPushButton, "guardDiscardButton"))))
    click(desk.findChild(QPushButton, "newAddonButton"))
    qtbot.waitUntil(lambda: steps.done, timeout=10000)
    assert steps.failure == ""
    shown, one_off, count_enabled, unit_enabled = seen[0]
    assert shown == {"planGroupCombo": False, "planDepositEdit": False, "planAddons": False}
    assert one_off and not count_enabled and not unit_enabled
