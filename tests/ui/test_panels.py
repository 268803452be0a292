"""Transitions tab, Invoices tab, preferences and the welcome page (docs/design.md#screens, issue
4)."""

from __future__ import annotations

import ui_fakes as fakes
from desktop.ui.invoices.invoices_page import InvoiceListModel, InvoicesPage
from desktop.ui.transitions.panel import TransitionsPanel, TransitionTableModel
from desktop.ui.window.preferences_dialog import PreferencesDialog
from desktop.ui.window.welcome_page import WelcomePage


def test_transition_models_pass_the_model_tester(qtmodeltester, fake_sweep, formatter, clock):
    due = TransitionTableModel(formatter, with_amount=True)
    due.set_rows(fake_sweep.forecast(clock.today()))
    qtmodeltester.check(due)
    applied = TransitionTableModel(formatter, with_amount=False)
    applied.set_rows(fake_sweep.applied_since(clock.now()))
    qtmodeltester.check(applied)


def loaded_transitions(qtbot, sweep, formatter, clock) -> TransitionsPanel:
    """The Transitions tab once its background load has finished."""
    panel = TransitionsPanel(sweep, formatter, clock)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed, timeout=3000):
        panel.refresh()
    return panel


def test_transitions_panel_lists_applied_and_due(qtbot, fake_sweep, formatter, clock):
    panel = loaded_transitions(qtbot, fake_sweep, formatter, clock)
    due = panel.due_table.model()
    assert due.rowCount() == 2
    first = [due.index(0, c).data() for c in range(5)]
    item = fake_sweep.forecast(clock.today())[0]
    assert first == [formatter.date(item.date), "Ada Lovelace", "Renewal",
                     "Dedicated desk renews", formatter.money(35000)]
    assert due.index(1, 4).data() == formatter.money(-4516)
    applied = panel.applied_table.model()
    assert [applied.index(0, c).data() for c in range(4)] == [
        formatter.date(clock.today()), "Ada Lovelace", "Activation", "Private office starts"]
    assert "2 due in the next 30 days" in panel.summary.text()


def test_the_transitions_tab_shows_a_days_invoice_once(qtbot, fake_sweep, formatter, clock):
    from datetime import timedelta

    from desktop.services.sweep.service import ForecastItem

    day = clock.today() + timedelta(days=3)
    fake_sweep.forecast = lambda as_of, days=30: [
        ForecastItem(day, 1, "Ada Lovelace", 2, "cancellation", "Hot desk ends", None),
        ForecastItem(day, 1, "Ada Lovelace", 5, "activation", "Team room starts", 21584)]
    panel = loaded_transitions(qtbot, fake_sweep, formatter, clock)
    due = panel.due_table.model()
    assert [due.index(row, 4).data() for row in range(2)] == ["", formatter.money(21584)]


def test_transitions_panel_says_when_nothing_is_due(qtbot, fake_sweep, formatter, clock):
    fake_sweep.forecast = lambda as_of, days=30: []
    panel = loaded_transitions(qtbot, fake_sweep, formatter, clock)
    assert panel.due_model.rowCount() == 0
    assert panel.due_table.empty_text() == "Nothing falls due in the next 30 days."


def test_invoices_page_lists_the_recent_invoices(qtbot, fake_invoices, formatter):
    page = InvoicesPage(fake_invoices, formatter)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=3000):
        page.refresh()
    model = page.table.model()
    assert model.rowCount() == 2
    assert [model.index(0, c).data() for c in range(8)] == [
        "2026-0007", "Invoice", "Ada Lovelace",
        formatter.date(fakes.ada().invoices[0].issue_date), "—", formatter.money(43800),
        formatter.money(43800), ""]


def test_invoice_list_model(qtmodeltester, ada_members, formatter):
    model = InvoiceListModel(formatter, with_member=True)
    model.set_rows(ada_members.get(1).invoices)
    qtmodeltester.check(model)


def test_preferences_validate_tax_rate_and_currency(qtbot, fake_settings):
    dialog = PreferencesDialog(fake_settings)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.isEnabled()
    dialog.tax_edit.setText("120")
    assert dialog.problems.message("tax_rate") == '"120" is not a tax rate between 0 and 100.'
    assert not dialog.ok_button.isEnabled()
    dialog.tax_edit.setText("8.5")
    dialog.currency_combo.setCurrentText("EURO")
    assert "EURO" in dialog.problems.message("currency")
    assert dialog.currency_combo.property("invalid") is True
    dialog.ok_button.click()
    assert fake_settings.saves == []
    dialog.currency_combo.setCurrentText("CHF")
    dialog.billing_day_spin.setValue(1)
    dialog.operator_edit.setText("Robin")
    dialog.ok_button.click()
    saved = fake_settings.saves[-1]
    assert (saved.currency, saved.tax_rate, saved.billing_day, saved.operator) == (
        "CHF", "8.5", 1, "Robin")


def test_welcome_page_reports_a_failed_load_and_lets_you_retry(qtbot):
    def broken():
        raise ValueError("The database is not empty.")

    page = WelcomePage(broken)
    qtbot.addWidget(page)
    page.sample_button.click()
    qtbot.waitUntil(lambda: not page.loading, timeout=3000)
    assert page.error.text() == ("The sample data could not be loaded: "
                                 "The database is not empty.")
    assert page.sample_button.isEnabled() and page.empty_button.isEnabled()
