"""The change-plan assistant on the real services (docs/design.md#screens, rules 9, 12, 13, 14)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableView,
)

from desktop.domain.model import ADDON, Plan
from desktop.domain.periods import Frequency
from desktop.ui.change_plan.comparison import ComparisonModel
from desktop.ui.change_plan.dialog import ChangePlanDialog
from desktop.ui.common.date_field import DateField
from desktop.ui.contract_editor.editor import ContractEditor
from editor_fakes import child


@pytest.fixture
def open_dialog(qtbot, world, formatter):
    def make(contract_id):
        dialog = ChangePlanDialog(world.contracts, world.catalog, formatter, contract_id)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def select_plan(dialog, name: str) -> None:
    plans = child(dialog, QListWidget, "planList")
    rows = [r for r in range(plans.count()) if plans.item(r).text().startswith(name)]
    assert rows, name
    plans.setCurrentRow(rows[0])


def table(dialog) -> dict[tuple[str, str], str]:
    """The comparison as {(row caption, column caption): text}; a long caption shown on two
    lines reads as one."""
    model = child(dialog, QTableView, "comparisonTable").model()
    return {(model.headerData(r, Qt.Vertical), model.headerData(c, Qt.Horizontal).replace(
        "\n", " ")):
            model.index(r, c).data()
            for r in range(model.rowCount()) for c in range(model.columnCount())}


def test_lists_the_plans_of_the_group_with_labels(open_dialog, world):
    dialog = open_dialog(world.active)
    plans = child(dialog, QListWidget, "planList")
    texts = [plans.item(r).text().split("\n")[0] for r in range(plans.count())]
    assert texts == ["Hot desk — downgrade", "Dedicated desk — current plan",
                     "Private office — upgrade"]
    # Nothing chosen for the operator: the dialog opens on the current plan.
    assert plans.currentItem().text().startswith("Dedicated desk — current plan")


def test_same_plan_same_quantity_is_no_change(qtbot, open_dialog, world):
    dialog = open_dialog(world.active)
    select_plan(dialog, "Dedicated desk")
    message = child(dialog, QLabel, "noChangeMessageText")
    assert message.isVisible()
    assert message.text() == "This selection would not change the membership."
    apply = child(dialog, QPushButton, "applyButton")
    assert not apply.isEnabled()
    assert apply.toolTip() == "This selection would not change the membership."  # says why
    # The banners sit outside the scrolled content, in sight above the buttons.
    assert not dialog.findChild(QScrollArea).widget().isAncestorOf(message)
    addons = child(dialog, QListWidget, "addonList")
    assert [addons.item(r).text() for r in range(addons.count())] == \
        ["Locker · €15.00", "Mail handling · €20.00"]
    addons.item(1).setCheckState(Qt.Checked)  # a new add-on is a change
    qtbot.waitUntil(lambda: not message.isVisible())
    assert apply.isEnabled() and apply.toolTip() == ""
    assert dialog.addon_ids() == (world.mail.id,)


def test_pay_now_and_next_billing_for_each_when_side_by_side(open_dialog, world, formatter):
    dialog = open_dialog(world.active)
    select_plan(dialog, "Private office")
    dialog.quote_now()
    shown = table(dialog)
    for when, caption in (("now", "Now"), ("next_invoice", "On the next invoice date")):
        quote = world.contracts.quote_change(world.active, world.office.id, when, None, 1, ())
        assert shown[("Pay now", caption)] == formatter.money(quote.pay_now)
        assert shown[("Next billing date", caption)] == formatter.date(quote.next_billing_date)
        assert shown[("Next billing amount", caption)] == \
            formatter.money(quote.next_billing_amount)
    # Now: unused Dedicated desk credited, Private office charged to 1 Apr, plus tax (rule 12).
    now = world.contracts.quote_change(world.active, world.office.id, "now", None, 1, ())
    assert now.pay_now > 0
    assert shown[("Takes effect", "On the next invoice date")] == formatter.date(date(2026, 4, 1))
    assert "On 11 Mar 2026" in {key[1] for key in shown}


def test_the_deposit_an_upgrade_collects_is_said_for_each_when(open_dialog, world):
    """Rule 15: now and next plan both collect the deposit, each on its own day, in words."""
    world.catalog.save_plan(Plan("Studio desk", 40000, Frequency("month"), deposit=35000,
                                 group="Desks"))
    dialog = open_dialog(world.active)
    select_plan(dialog, "Studio desk")
    dialog.quote_now()
    shown = table(dialog)
    assert shown[("Refundable deposit", "Now")] == "€350.00"  # its own request, the same day
    assert shown[("Refundable deposit", "On the next invoice date")] == "€350.00"
    select_plan(dialog, "Hot desk")
    dialog.quote_now()
    assert table(dialog)[("Refundable deposit", "Now")] == "—"


def test_the_now_column_adds_up_to_pay_now(open_dialog, world, formatter):
    """Issue 26's finding: "Charges €335.00, Tax €77.05, Pay now €110.31" did not add up.
    Credit + charges + tax + the day's deposit request − what the credit balance pays = pay
    now (rules 15, 17, 22); a deposit of another day is not listed under this purchase."""
    world.catalog.save_plan(Plan("Studio desk", 40000, Frequency("month"), deposit=35000,
                                 group="Desks"))
    studio = next(p for p in world.catalog.plans() if p.name == "Studio desk")
    dialog = open_dialog(world.active)
    select_plan(dialog, "Studio desk")
    dialog.quote_now()
    shown = table(dialog)
    quote = world.contracts.quote_change(world.active, studio.id, "now", None, 1, ())
    invoice = quote.change_invoice
    credit = sum(line.amount for line in invoice.lines if line.amount < 0)
    charges = sum(line.amount for line in invoice.lines if line.amount > 0)
    used = max(invoice.total + quote.deposit - quote.pay_now, 0)
    assert credit + charges + invoice.tax + quote.deposit - used == quote.pay_now
    assert shown[("Charges", "Now")] == formatter.money(charges)
    assert shown[("Tax", "Now")] == formatter.money(invoice.tax)
    assert shown[("Refundable deposit", "Now")] == formatter.money(quote.deposit)
    assert shown[("From the credit balance", "Now")] == (formatter.money(-used) if used
                                                          else "—")
    assert shown[("Pay now", "Now")] == formatter.money(quote.pay_now)


def test_comparison_model(qtmodeltester, open_dialog, world):
    dialog = open_dialog(world.active)
    select_plan(dialog, "Private office")
    dialog.quote_now()
    model = child(dialog, QTableView, "comparisonTable").model()
    assert isinstance(model, ComparisonModel) and model.columnCount() == 3
    qtmodeltester.check(model)


def test_apply_on_the_next_invoice_date_schedules_the_switch(qtbot, open_dialog, world):
    dialog = open_dialog(world.active)
    select_plan(dialog, "Private office")
    child(dialog, QRadioButton, "whenNextInvoiceRadio").setChecked(True)
    with qtbot.waitSignal(dialog.applied) as applied:
        qtbot.mouseClick(child(dialog, QPushButton, "applyButton"), Qt.LeftButton)
    assert applied.args == [world.active]
    assert world.stored(world.active).next_plan.name == "Private office"
    assert child(dialog, QLabel, "changeResultText").text() == \
        "Scheduled: the contract switches to Private office on 1 April 2026."
    assert not child(dialog, QPushButton, "applyButton").isVisible()


def test_apply_now_starts_the_new_term_and_says_what_was_paid(qtbot, open_dialog, world,
                                                              formatter):
    quote = world.contracts.quote_change(world.active, world.office.id, "now", None, 2, ())
    dialog = open_dialog(world.active)
    select_plan(dialog, "Private office")
    child(dialog, QSpinBox, "changeQuantitySpin").setValue(2)
    dialog.quote_now()
    with qtbot.waitSignal(dialog.applied) as applied:
        dialog.apply()
    term = world.stored(applied.args[0])
    assert (term.plan.name, term.quantity, term.predecessor) == ("Private office", 2,
                                                                 world.active)
    assert world.stored(world.active).cancellation_date == date(2026, 3, 10)
    assert formatter.money(quote.pay_now) in child(dialog, QLabel, "changeResultText").text()


def test_a_date_in_the_past_cannot_be_applied(qtbot, open_dialog, world):
    dialog = open_dialog(world.active)
    select_plan(dialog, "Private office")
    child(dialog, DateField, "changeDateEdit").setDate(QDate(2026, 3, 1))
    assert child(dialog, QRadioButton, "whenDateRadio").isChecked()
    dialog.quote_now()
    assert child(dialog, QLabel, "changeMessageText").text() == \
        "The change date cannot be in the past."
    assert not child(dialog, QPushButton, "applyButton").isEnabled()
    assert table(dialog)[("Pay now", "On 1 Mar 2026")] == "—"


def test_custom_price_cannot_switch_on_the_next_invoice_date(qtbot, open_dialog, world):
    """Rule 9, not offered and then refused: the choice is disabled with its reason beside it."""
    dialog = open_dialog(world.custom)
    plans = child(dialog, QListWidget, "planList")
    assert "€300.00" in plans.currentItem().text()  # what Grace pays, not the list price
    select_plan(dialog, "Private office")
    radio = child(dialog, QRadioButton, "whenNextInvoiceRadio")
    reason = child(dialog, QLabel, "whenNextInvoiceReason")
    assert not radio.isEnabled()
    assert "custom price" in radio.toolTip()
    assert reason.isVisible() and reason.text() == radio.toolTip()
    model = child(dialog, QTableView, "comparisonTable").model()
    assert model.headerData(1, Qt.Horizontal, Qt.ToolTipRole) == radio.toolTip()
    assert model.index(0, 1).data(Qt.ForegroundRole) is not None  # greyed, for comparison only
    assert model.index(0, 0).data(Qt.ForegroundRole) is None
    qtbot.mouseClick(radio, Qt.LeftButton)
    assert child(dialog, QRadioButton, "whenNowRadio").isChecked()
    assert not child(dialog, QLabel, "changeMessageText").isVisible()
    assert child(dialog, QPushButton, "applyButton").isEnabled()
    select_plan(dialog, "Dedicated desk")  # its own plan: nothing to refuse
    assert radio.isEnabled() and not reason.isVisible() and radio.toolTip() == ""


def test_no_change_charges_nothing_and_keeps_the_billing(open_dialog, world, formatter):
    dialog = open_dialog(world.active)  # opens on the current plan: no change
    shown = table(dialog)
    for caption in ("Now", "On the next invoice date"):
        assert shown[("Charges", caption)] == "Nothing charged"
        assert shown[("Credit for unused time", caption)] == "—"
        assert shown[("Pay now", caption)] == formatter.money(0)
        assert shown[("Takes effect", caption)] == "No change"
        assert shown[("Next billing amount", caption)].endswith("(unchanged)")


def test_enter_applies_the_plan_chosen_with_the_keyboard(qtbot, open_dialog, world):
    dialog = open_dialog(world.active)
    plans = child(dialog, QListWidget, "planList")
    plans.setFocus()
    qtbot.keyClick(plans, Qt.Key_Down)  # from Dedicated desk (current) to Private office
    assert plans.currentItem().text().startswith("Private office")
    with qtbot.waitSignal(dialog.applied, timeout=3000):
        qtbot.keyClick(plans, Qt.Key_Return)
    assert child(dialog, QLabel, "changeResultText").text().startswith("Done: Private office")
    qtbot.keyClick(child(dialog, QPushButton, "closeButton"), Qt.Key_Return)
    assert not dialog.isVisible()


def test_editor_opens_the_assistant_and_reloads_after_apply(qtbot, world, formatter):
    editor = ContractEditor(world.contracts, world.catalog, formatter, world.active)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.mouseClick(child(editor, QPushButton, "changePlanButton"), Qt.LeftButton)
    dialog = child(editor, ChangePlanDialog, "changePlanDialog")
    select_plan(dialog, "Private office")
    child(dialog, QRadioButton, "whenNextInvoiceRadio").setChecked(True)
    with qtbot.waitSignals([editor.saved, editor.planChanged]):
        dialog.apply()
    assert editor.draft().next_plan.name == "Private office"
    assert not editor.is_dirty()


def test_assistant_screenshot(qtbot, open_dialog, world, shot):
    dialog = open_dialog(world.active)
    select_plan(dialog, "Private office")
    dialog.quote_now()
    shot(dialog, "change_plan_dialog")
    assert dialog.grab().height() >= dialog.minimumHeight()


def test_an_ended_contract_cannot_change_plans(open_dialog, world):
    dialog = open_dialog(world.ended)
    assert child(dialog, QLabel, "changeMessageText").text() == \
        "This contract has ended; create a new term to continue it."
    assert not child(dialog, QPushButton, "applyButton").isEnabled()


def test_a_contract_with_a_next_term_says_to_change_that_term(open_dialog, world):
    """Rule 10: a change would start a second next term beside the one already scheduled."""
    world.contracts.create_new_term(world.active, date(2026, 5, 1))
    dialog = open_dialog(world.active)
    assert child(dialog, QLabel, "changeMessageText").text() == \
        "This contract already has a next term; change that term instead."
    assert child(dialog, QListWidget, "planList").count() == 0
    assert not child(dialog, QPushButton, "applyButton").isEnabled()


def test_one_off_packages_are_offered_beside_recurring_add_ons(qtbot, open_dialog, world):
    """Rule 16: a package chosen here is bought, invoiced today, whatever the plan change."""
    world.catalog.save_plan(Plan("Meeting hours", 9000, None, kind=ADDON))
    world.catalog.save_plan(Plan("Flex desk", 30000, Frequency("month"), group="Desks",
                                 addons=("Locker", "Meeting hours")))
    world.catalog.save_plan(Plan("Studio", 40000, Frequency("month"), group="Desks"))
    dialog = open_dialog(world.active)
    addons = child(dialog, QListWidget, "addonList")
    select_plan(dialog, "Flex desk")
    assert [addons.item(r).text() for r in range(addons.count())] == [
        "Locker · €15.00", "Meeting hours · €90.00 (one-off, invoiced today)"]
    select_plan(dialog, "Studio")
    assert not addons.isVisible()
    assert dialog.addon_note.text() == "This plan offers no add-ons."


def _click_row(qtbot, widget: QListWidget, text: str) -> None:
    rows = [r for r in range(widget.count()) if widget.item(r).text().startswith(text)]
    assert rows, text
    rect = widget.visualItemRect(widget.item(rows[0]))
    qtbot.mouseClick(widget.viewport(), Qt.LeftButton, pos=rect.center())


def test_add_ons_alone_are_bought_on_the_contract_by_mouse_and_keyboard(qtbot, open_dialog,
                                                                         world, formatter):
    """The audit's case: current plan + Locker + Now + Apply keeps the contract and bills the
    Locker for the rest of the period: 1500 × 22/31 = 1065, plus 20 % tax = 12.78."""
    dialog = open_dialog(world.active)
    _click_row(qtbot, child(dialog, QListWidget, "planList"), "Dedicated desk")
    addons = child(dialog, QListWidget, "addonList")
    _click_row(qtbot, addons, "Locker")
    qtbot.keyClick(addons, Qt.Key_Space)
    assert addons.currentItem().checkState() == Qt.Checked
    qtbot.waitUntil(lambda: table(dialog)[("Pay now", "Now")] == "€12.78")
    apply = child(dialog, QPushButton, "applyButton")
    assert apply.isEnabled()
    with qtbot.waitSignal(dialog.applied) as applied:
        qtbot.mouseClick(apply, Qt.LeftButton)
    assert applied.args == [world.active]
    stored = world.stored(world.active)
    assert (stored.cancellation_date, stored.start_date) == (None, date(2025, 6, 1))
    assert [(a.addon.name, a.start_date) for a in stored.addons] == [("Locker", date(2026, 3, 10))]
    assert child(dialog, QLabel, "changeResultText").text() == (
        "Done: the add-ons were added to this contract; the member pays €12.78 now.")


def test_a_contract_started_today_can_change_from_tomorrow(qtbot, open_dialog, world):
    """Rules 5 and 12: "Now" would cancel it on its start date; a chosen date works."""
    started = world.contract(world.grace, world.hot, date(2026, 3, 10), date(2026, 3, 10))
    world.sweep(world.grace, date(2026, 3, 10))
    dialog = open_dialog(started)
    select_plan(dialog, "Private office")
    assert child(dialog, QRadioButton, "whenNowRadio").isChecked()
    assert child(dialog, QLabel, "changeMessageText").text() == (
        'This contract started today, so it cannot be changed now; change it from tomorrow '
        'with "On a chosen date".')
    assert not child(dialog, QPushButton, "applyButton").isEnabled()
    child(dialog, QRadioButton, "whenDateRadio").setChecked(True)
    assert child(dialog, DateField, "changeDateEdit").date() == QDate(2026, 3, 11)
    assert child(dialog, QPushButton, "applyButton").isEnabled()


@pytest.mark.parametrize("size", [(1366, 768), (1600, 1000), (1060, 620), (900, 520)])
def test_no_line_of_the_comparison_hides_under_the_banner(qtbot, open_dialog, world, size):
    """With the "no change" banner shown and the content scrolled to its end, the comparison's
    last line is whole in sight above the banner: the table never scrolls inside itself."""
    dialog = open_dialog(world.active)
    dialog.resize(*size)
    select_plan(dialog, "Dedicated desk")
    banner = child(dialog, QLabel, "noChangeMessageText")
    qtbot.waitUntil(banner.isVisible)
    scroll = dialog.findChild(QScrollArea)
    bar = scroll.verticalScrollBar()
    # The layout has settled once the scroll range spans the content beyond the viewport.
    qtbot.waitUntil(lambda: bar.maximum() == max(
        0, scroll.widget().height() - scroll.viewport().height()))
    bar.setValue(bar.maximum())
    tableview = child(dialog, QTableView, "comparisonTable")
    last = tableview.model().rowCount() - 1
    assert last >= 0
    # The table shows every row itself...
    row_bottom = tableview.rowViewportPosition(last) + tableview.rowHeight(last)
    assert tableview.rowViewportPosition(last) >= 0
    assert row_bottom <= tableview.viewport().height()
    # ...and its bottom lies inside the scroll area's viewport, which ends above the banner.
    bottom = tableview.mapTo(scroll.viewport(), tableview.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()
    viewport_bottom = scroll.viewport().mapTo(dialog, scroll.viewport().rect().bottomLeft()).y()
    assert viewport_bottom < banner.mapTo(dialog, banner.rect().topLeft()).y()


def test_rule_25_the_assistant_says_the_commitment_carries_over(open_dialog, world, formatter):
    from PySide6.QtWidgets import QLabel

    assert not child(open_dialog(world.active), QLabel, "commitmentNote").isVisible()
    state = world.contracts.load(world.active)
    world.contracts.save(state.contract.with_changes(commitment_end=date(2026, 9, 1),
                                                     notice=Frequency("month")), state.version)
    note = child(open_dialog(world.active), QLabel, "commitmentNote")
    assert note.isVisible()
    assert note.text() == (
        f"Committed until {formatter.date(date(2026, 9, 1))}: the commitment and the notice "
        "period carry over to the new plan, so changing plans ends neither.")
