"""The contract editor driven by objectName on the real services (docs/design.md#screens,
rules 5-11)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
)

from desktop.domain.model import Plan
from desktop.domain.periods import Frequency
from desktop.ui.common.date_field import DateField
from desktop.ui.contract_editor.editor import ContractEditor
from desktop.ui.contract_editor.history import HistoryModel
from editor_fakes import child


@pytest.fixture
def open_editor(qtbot, world, formatter):
    def make(contract_id=None, draft=None, **options):
        editor = ContractEditor(world.contracts, world.catalog, formatter, contract_id,
                                draft=draft, **options)
        qtbot.addWidget(editor)
        editor.show()
        editor.refresh_now()
        return editor

    return make


def choose(combo: QComboBox, prefix: str) -> None:
    index = combo.findText(prefix, Qt.MatchStartsWith)
    assert index >= 0, prefix
    combo.setCurrentIndex(index)


def refreshed(qtbot, editor):
    """Wait for the debounced recomputation that follows an edit."""
    return qtbot.waitSignal(editor.previewRefreshed, timeout=2000)


def first_invoice(editor):
    invoices = editor.preview.invoices()
    assert invoices, editor.preview.plain_text()
    return invoices[0]


# General: next plan (rules 7, 8, 9, 13) -----------------------------------------------------------

def test_next_plan_offers_only_eligible_plans_with_labels(open_editor, world):
    editor = open_editor(world.active)
    combo = child(editor, QComboBox, "nextPlanCombo")
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts == ["Hot desk — downgrade", "Dedicated desk — current plan, renews",
                     "Private office — upgrade", "— End the contract —"]
    assert combo.currentText() == "Dedicated desk — current plan, renews"


def test_choosing_next_plan_says_when_it_switches_and_previews_it(qtbot, open_editor, world,
                                                                   formatter):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "nextPlanCombo"), "Private office")
    sentence = child(editor, QLabel, "nextPlanDescription").text()
    assert "Switches to Private office on 1 Apr 2026, the next invoice date." in sentence
    invoice = first_invoice(editor)
    assert invoice.issue_date == date(2026, 4, 1)
    assert [(line.description, line.amount) for line in invoice.lines] == [
        ("Private office", 60000)]
    assert formatter.money(72000) in editor.preview.plain_text()  # 600.00 + 20 % tax
    assert child(editor, QPushButton, "saveButton").isEnabled()


def test_blank_next_plan_says_the_contract_ends(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "nextPlanCombo"), "— End the contract —")
    assert editor.draft().next_plan is None
    sentence = child(editor, QLabel, "nextPlanDescription").text()
    assert "This contract ends on 1 Apr 2026" in sentence
    assert editor.preview.invoices() == ()
    assert "Nothing more will be invoiced" in editor.preview.plain_text()


def test_custom_price_blocks_other_plans_and_offers_the_manual_path(qtbot, open_editor, world):
    editor = open_editor(world.custom)
    combo = child(editor, QComboBox, "nextPlanCombo")
    enabled = {combo.itemText(i): combo.model().item(i).isEnabled() for i in range(combo.count())}
    assert enabled == {"Hot desk — downgrade": False,
                       "Dedicated desk — current plan, renews": True,
                       "Private office — upgrade": False, "— End the contract —": True}
    block = child(editor, QLabel, "customPriceBlockText")
    assert block.isVisible() and "custom price" in block.text()
    # The service's own rule-9 sentence is not repeated under the combo.
    assert "custom price" not in child(editor, QLabel, "nextPlanDescription").text()
    qtbot.mouseClick(child(editor, QPushButton, "manualPathButton"), Qt.LeftButton)
    dialog = child(editor, QDialog, "newTermDialog")
    assert dialog.isVisible()
    assert child(dialog, DateField, "newTermCancellationDateEdit").date() == QDate(2026, 4, 1)
    dialog.reject()


def test_typing_a_custom_price_blocks_a_chosen_switch(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "nextPlanCombo"), "Private office")
    with refreshed(qtbot, editor):
        qtbot.keyClicks(child(editor, QLineEdit, "customPriceEdit"), "300")
    assert editor.draft().custom_price == 30000
    message = child(editor, QLabel, "nextPlanMessage")
    assert message.isVisible() and "custom price" in message.text()
    assert child(editor, QComboBox, "nextPlanCombo").property("invalid") is True
    assert not child(editor, QPushButton, "saveButton").isEnabled()


def test_plan_price_hint_and_unreadable_price(qtbot, open_editor, world):
    editor = open_editor(world.active)
    assert child(editor, QLabel, "planPriceHint").text() == "plan price €350.00"
    qtbot.keyClicks(child(editor, QLineEdit, "customPriceEdit"), "12,3x")
    message = child(editor, QLabel, "customPriceMessage")
    assert message.isVisible() and "is not an amount" in message.text()
    assert not child(editor, QPushButton, "saveButton").isEnabled()
    assert child(editor, QPushButton, "revertButton").isEnabled()


def test_a_plan_price_is_grouped_as_the_site_writes_money_and_typed_either_way(qtbot, world):
    """ "Tarifpreis 2400,00" read as a typo: shown grouped; typed with or without grouping."""
    from desktop.i18n import Formatter
    from desktop.i18n.translations import install

    team = world._plan(Plan("Team room", 240000, Frequency("month"), group="Desks"))
    contract_id = world.contract(world.alan, team, date(2026, 4, 15), date(2026, 4, 15))
    german = Formatter("de_DE", "EUR")
    install("de_DE")
    try:
        editor = ContractEditor(world.contracts, world.catalog, german, contract_id)
        qtbot.addWidget(editor)
        editor.show()
        editor.refresh_now()
        assert child(editor, QLabel, "planPriceHint").text() == "Tarifpreis 2.400,00\xa0€"
        price = child(editor, QLineEdit, "customPriceEdit")
        for typed in ("2.300,00", "2300"):
            price.selectAll()
            qtbot.keyClicks(price, typed)
            editor.refresh_now()
            assert editor.draft().custom_price == 230000
    finally:
        install("en_IE")


# Cancellation (rules 5, 6) ----------------------------------------------------------------------

def test_cancellation_before_next_invoice_credits_unused_days_when_prorated(qtbot, open_editor,
                                                                           world, formatter):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        child(editor, QCheckBox, "cancelContractCheck").setChecked(True)
    with refreshed(qtbot, editor):
        child(editor, DateField, "cancellationDateEdit").setDate(QDate(2026, 3, 20))
    assert child(editor, QLabel, "lastDayOfAccessLabel").text() == \
        "Last day of access: 19 March 2026."
    invoice = first_invoice(editor)
    assert invoice.issue_date == date(2026, 3, 20)
    # 35000 x 12/31 days of March's period credited (rule 6, C < N).
    assert [(line.kind, line.amount, line.days, line.period_days) for line in invoice.lines] == \
        [("unused", -13548, 12, 31)]
    assert "12 of 31 days" in editor.preview.plain_text()
    assert formatter.money(-13548) in editor.preview.plain_text()
    with refreshed(qtbot, editor):
        child(editor, QCheckBox, "prorateLastInvoiceCheck").setChecked(False)
    assert editor.preview.invoices() == ()


def test_cancellation_after_next_invoice_prorates_the_last_invoice(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        child(editor, DateField, "cancellationDateEdit").setDate(QDate(2026, 4, 20))
    assert child(editor, QCheckBox, "cancelContractCheck").isChecked()
    invoice = first_invoice(editor)
    assert (invoice.issue_date, invoice.lines[0].amount) == (date(2026, 4, 1), 22167)  # 19/30
    with refreshed(qtbot, editor):
        child(editor, QCheckBox, "prorateLastInvoiceCheck").setChecked(False)
    assert first_invoice(editor).lines[0].amount == 35000
    with refreshed(qtbot, editor):
        child(editor, QCheckBox, "cancelContractCheck").setChecked(False)
    assert editor.draft().cancellation_date is None
    assert not child(editor, DateField, "cancellationDateEdit").isEnabled()
    assert "No cancellation" in child(editor, QLabel, "lastDayOfAccessLabel").text()


# Validation --------------------------------------------------------------------------------------

def test_invalid_dates_are_marked_save_is_disabled_and_nothing_is_written(qtbot, open_editor,
                                                                          world):
    before = world.dump()
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        child(editor, DateField, "cancellationDateEdit").setDate(QDate(2025, 5, 1))
    edit = child(editor, DateField, "cancellationDateEdit")
    message = child(editor, QLabel, "cancellationDateMessage")
    assert message.text() == "The cancellation date must be after the start date."
    assert edit.property("invalid") is True
    tabs = child(editor, QTabWidget, "contractTabs")
    assert not tabs.tabIcon(2).isNull() and tabs.tabIcon(0).isNull()
    save = child(editor, QPushButton, "saveButton")
    assert not save.isEnabled()
    assert editor.save() is False
    assert "highlighted" in editor.preview.plain_text()
    assert world.dump() == before
    with refreshed(qtbot, editor):
        edit.setDate(QDate(2026, 5, 1))
    assert edit.property("invalid") is False and not message.isVisible()
    assert save.isEnabled()


def test_quantity_below_one_is_refused(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        child(editor, QSpinBox, "quantitySpin").setValue(0)
    assert child(editor, QLabel, "quantityMessage").text() == "The quantity must be at least 1."
    assert "Fix the highlighted field" in child(editor, QLabel, "problemSummary").text()
    assert not child(editor, QPushButton, "saveButton").isEnabled()


# Save, revert, history ---------------------------------------------------------------------------

def test_save_stores_the_draft_and_reports_it(qtbot, open_editor, world):
    editor = open_editor(world.active)
    save = child(editor, QPushButton, "saveButton")
    assert not save.isEnabled()  # nothing to save yet
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "nextPlanCombo"), "Private office")
    with qtbot.waitSignal(editor.saved) as saved:
        qtbot.mouseClick(save, Qt.LeftButton)
    assert saved.args == [world.active]
    assert world.stored(world.active).next_plan.name == "Private office"
    assert not editor.is_dirty() and not save.isEnabled()
    table = child(editor, QTableView, "historyTable")
    rows = [[table.model().index(r, c).data() for c in range(5)]
            for r in range(table.model().rowCount())]
    assert any("Private office" in row[4] for row in rows), rows


def test_revert_drops_the_edits(qtbot, open_editor, world):
    editor = open_editor(world.active)
    original = editor.draft()
    with refreshed(qtbot, editor):
        child(editor, QSpinBox, "quantitySpin").setValue(3)
    assert editor.is_dirty()
    qtbot.mouseClick(child(editor, QPushButton, "revertButton"), Qt.LeftButton)
    assert editor.draft() == original and not editor.is_dirty()
    assert child(editor, QSpinBox, "quantitySpin").value() == 1


def test_history_model(qtmodeltester, world, formatter, qtbot):
    editor = ContractEditor(world.contracts, world.catalog, formatter, world.active)
    qtbot.addWidget(editor)
    model = editor.findChild(QTableView, "historyTable").model()
    assert isinstance(model, HistoryModel)
    qtmodeltester.check(model)


# Rule 10: not started, new term, new draft ------------------------------------------------------

def test_contract_not_started_keeps_plan_and_next_plan_equal(qtbot, open_editor, world):
    editor = open_editor(world.inactive)
    assert not child(editor, QComboBox, "nextPlanCombo").isVisible()
    assert child(editor, QComboBox, "planCombo").isEnabled()
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "planCombo"), "Private office")
    draft = editor.draft()
    assert draft.plan.name == draft.next_plan.name == "Private office"
    assert first_invoice(editor).issue_date == date(2026, 4, 15)
    assert first_invoice(editor).lines[0].description == "Private office"
    with refreshed(qtbot, editor):
        child(editor, DateField, "startDateEdit").setDate(QDate(2026, 5, 1))
    assert editor.draft().next_invoice_date == date(2026, 5, 1)
    assert child(editor, DateField, "nextInvoiceDateEdit").date() == QDate(2026, 5, 1)
    assert editor.save()
    stored = world.stored(world.inactive)
    assert (stored.plan.name, stored.next_plan.name, stored.start_date) == \
        ("Private office", "Private office", date(2026, 5, 1))


def test_rule_10_another_plan_for_a_new_term_clears_the_copied_custom_price(qtbot, open_editor,
                                                                           world):
    """The audit's case: the term previewed the old custom price on another plan, silently."""
    term_id = world.contracts.create_new_term(world.custom, date(2026, 5, 1)).id
    editor = open_editor(term_id)
    price = child(editor, QLineEdit, "customPriceEdit")
    assert price.text() == "300.00"
    combo = child(editor, QComboBox, "planCombo")
    combo.setFocus()
    with refreshed(qtbot, editor):
        qtbot.keyClicks(combo, "Private")
    assert combo.currentText() == "Private office"
    assert price.text() == ""
    note = child(editor, QLabel, "customPriceClearedNote")
    assert note.isVisible()
    assert note.text() == ("Choosing another plan cleared the custom price of €300.00; the new "
                           "plan's price applies.")
    (may,) = [i for i in editor.preview.invoices() if i.issue_date == date(2026, 5, 1)]
    assert [(line.description, line.amount) for line in may.lines if line.kind == "plan"] == [
        ("Private office", 60000)]
    assert editor.save()
    stored = world.stored(term_id)
    assert (stored.plan.name, stored.custom_price) == ("Private office", None)


def test_create_new_term_asks_for_the_cancellation_date_and_opens_the_term(qtbot, open_editor,
                                                                           world):
    editor = open_editor(world.active)
    qtbot.mouseClick(child(editor, QPushButton, "createNewTermButton"), Qt.LeftButton)
    dialog = child(editor, QDialog, "newTermDialog")
    child(dialog, DateField, "newTermCancellationDateEdit").setDate(QDate(2026, 5, 1))
    with qtbot.waitSignal(editor.newTermCreated) as created:
        qtbot.mouseClick(child(dialog, QPushButton, "newTermCreateButton"), Qt.LeftButton)
    new_id = created.args[0]
    term = world.stored(new_id)
    assert (term.predecessor, term.start_date, term.plan.name) == \
        (world.active, date(2026, 5, 1), "Dedicated desk")
    assert world.stored(world.active).cancellation_date == date(2026, 5, 1)
    assert editor.draft().cancellation_date == date(2026, 5, 1)
    opened = editor.new_term_editor
    qtbot.addWidget(opened)
    assert opened.contract_id == new_id
    tabs = child(opened, QTabWidget, "contractTabs")
    assert tabs.currentWidget() is opened.new_term
    assert child(opened, QCheckBox, "prorateFirstInvoiceCheck").isVisible()
    assert f"Continues contract {world.active}" in child(opened, QLabel, "predecessorLabel").text()
    # Typed to a day inside a period: the tab names the days the first invoice covers, to
    # the last one, as the preview does ("20–31 May", not "20 May – 1 Jun").
    start = child(opened, DateField, "startDateEdit")
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(start, "2026-05-20")
    assert opened.draft().start_date == date(2026, 5, 20)
    effect = child(opened, QLabel, "prorateFirstEffect").text()
    assert "20–31 May 2026" in effect, effect


def test_new_term_dialog_refuses_a_date_before_the_start(qtbot, open_editor, world):
    editor = open_editor(world.active)
    editor.start_new_term()
    dialog = child(editor, QDialog, "newTermDialog")
    child(dialog, DateField, "newTermCancellationDateEdit").setDate(QDate(2025, 1, 1))
    assert not child(dialog, QPushButton, "newTermCreateButton").isEnabled()
    assert "after the start date" in child(dialog, QLabel, "newTermCancellationMessage").text()
    dialog.reject()
    assert world.stored(world.active).cancellation_date is None


def test_new_draft_saves_a_new_contract(qtbot, open_editor, world):
    draft = world.contracts.new_draft(world.alan, world.desk.id)
    editor = open_editor(draft=draft, member_name="Alan Turing")
    assert "New contract" in editor.windowTitle()
    assert not child(editor, QPushButton, "createNewTermButton").isEnabled()
    assert child(editor, QPushButton, "saveButton").isEnabled()
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save()
    assert world.stored(saved.args[0]).plan.name == "Dedicated desk"
    assert editor.contract_id == saved.args[0]


# Cancelled contracts ------------------------------------------------------------------------------

def test_cancelled_contract_plan_and_dates_are_read_only(open_editor, world):
    editor = open_editor(world.ended)
    for kind, name in ((QComboBox, "planCombo"), (DateField, "startDateEdit"),
                       (DateField, "billingAnchorEdit"), (DateField, "cancellationDateEdit"),
                       (QCheckBox, "cancelContractCheck")):
        assert not child(editor, kind, name).isEnabled(), name
    banner = child(editor, QLabel, "stateBannerText")
    assert banner.text() == ("This contract was cancelled on 1 February 2026; its plan and "
                             "dates can no longer be changed.")
    assert not child(editor, QPushButton, "changePlanButton").isVisible()


# Unsaved changes guard ------------------------------------------------------------------------

def guard(qtbot, editor) -> QMessageBox:
    qtbot.waitUntil(lambda: editor.findChild(QMessageBox, "unsavedChangesBox") is not None)
    return editor.findChild(QMessageBox, "unsavedChangesBox")


def test_closing_with_unsaved_changes_asks_first(qtbot, open_editor, world):
    editor = open_editor(world.active)
    before = world.dump()
    with refreshed(qtbot, editor):
        child(editor, QSpinBox, "quantitySpin").setValue(2)
    assert editor.close() is False and editor.isVisible()
    qtbot.mouseClick(guard(qtbot, editor).button(QMessageBox.Cancel), Qt.LeftButton)
    assert editor.isVisible() and editor.is_dirty()
    editor.close()
    with qtbot.waitSignal(editor.closed):
        qtbot.mouseClick(guard(qtbot, editor).button(QMessageBox.Discard), Qt.LeftButton)
    assert not editor.isVisible()
    assert world.dump() == before


def test_closing_and_saving_from_the_guard(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        child(editor, QSpinBox, "quantitySpin").setValue(2)
    editor.close()
    with qtbot.waitSignals([editor.saved, editor.closed]):
        qtbot.mouseClick(guard(qtbot, editor).button(QMessageBox.Save), Qt.LeftButton)
    assert world.stored(world.active).quantity == 2


def test_closing_without_changes_closes_at_once(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with qtbot.waitSignal(editor.closed):
        assert editor.close() is True


# Changed by the timer underneath ----------------------------------------------------------------

def test_timer_change_under_unsaved_edits_shows_the_banner_and_overwrites_nothing(
        qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        child(editor, QSpinBox, "quantitySpin").setValue(2)
    world.sweep(world.ada, date(2026, 4, 1))  # renews: next invoice moves to 1 May
    editor.contract_changed_elsewhere()
    banner = child(editor, QLabel, "staleBannerText")
    assert banner.isVisible() and "changed by the scheduled transitions" in banner.text()
    assert editor.draft().quantity == 2  # the operator's edits are kept on screen
    assert not child(editor, QPushButton, "saveButton").isEnabled()
    assert editor.save() is False
    stored = world.stored(world.active)
    assert (stored.quantity, stored.next_invoice_date) == (1, date(2026, 5, 1))
    qtbot.mouseClick(child(editor, QPushButton, "reloadButton"), Qt.LeftButton)
    assert not banner.isVisible()
    assert editor.draft().next_invoice_date == date(2026, 5, 1)
    assert child(editor, DateField, "nextInvoiceDateEdit").date() == QDate(2026, 5, 1)


def test_stale_save_is_refused_with_the_banner(qtbot, open_editor, world):
    editor = open_editor(world.active)
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "nextPlanCombo"), "Private office")
    world.sweep(world.ada, date(2026, 4, 1))  # not announced: the save finds out
    assert editor.save() is False
    assert child(editor, QLabel, "staleBannerText").isVisible()
    stored = world.stored(world.active)
    assert (stored.next_plan.name, stored.next_invoice_date) == ("Dedicated desk",
                                                                  date(2026, 5, 1))


def test_timer_change_on_a_clean_editor_reloads_it(qtbot, open_editor, world):
    editor = open_editor(world.active)
    world.sweep(world.ada, date(2026, 4, 1))
    editor.contract_changed_elsewhere()
    assert editor.draft().next_invoice_date == date(2026, 5, 1)
    assert not child(editor, QPushButton, "reloadButton").isVisible()
    assert "new state" in child(editor, QLabel, "staleBannerText").text()


# Errors are sentences ---------------------------------------------------------------------------

def test_a_failing_preview_is_shown_as_a_sentence(qtbot, open_editor, world, monkeypatch):
    editor = open_editor(world.active)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(world.contracts, "preview", broken)
    with refreshed(qtbot, editor):
        child(editor, QSpinBox, "quantitySpin").setValue(2)
    text = editor.preview.plain_text()
    assert "Something went wrong" in text and "Traceback" not in text


def test_editor_screenshots(qtbot, open_editor, world, shot):
    editor = open_editor(world.active)
    editor.resize(1100, 680)
    with refreshed(qtbot, editor):
        choose(child(editor, QComboBox, "nextPlanCombo"), "Private office")
    qtbot.waitUntil(lambda: editor.preview.findChild(QLabel, "previewDue0") is not None)
    shot(editor, "contract_editor")
    assert editor.grab().width() == 1100


def test_new_term_opens_through_the_window_factory_when_given(qtbot, world, formatter):
    opened = []

    def factory(contract_id):
        editor = ContractEditor(world.contracts, world.catalog, formatter, contract_id)
        qtbot.addWidget(editor)
        opened.append(editor)
        return editor

    editor = ContractEditor(world.contracts, world.catalog, formatter, world.custom,
                            open_contract=factory)
    qtbot.addWidget(editor)
    editor._create_new_term(date(2026, 4, 1))
    assert [e.contract_id for e in opened] == [editor.new_term_editor.contract_id]
    assert opened[0].tabs.currentWidget() is opened[0].new_term
    assert world.stored(opened[0].contract_id).custom_price == 30000  # rule 10 copies it


def test_a_plain_renewal_is_said_in_words(open_editor, world):
    editor = open_editor(world.active)
    assert child(editor, QLabel, "nextPlanDescription").text() == \
        "Renews on Dedicated desk on 1 Apr 2026, the next invoice date."


def test_a_contract_that_no_longer_exists_is_said_so(open_editor):
    editor = open_editor(999)
    assert child(editor, QLabel, "errorBannerText").text() == "This contract no longer exists."
    assert not child(editor, QPushButton, "saveButton").isEnabled()
    assert not child(editor, QTabWidget, "contractTabs").isEnabled()


# Rule 25: the Terms tab --------------------------------------------------------------------------

def test_rule_25_the_terms_tab_shows_and_enforces_the_earliest_cancellation(qtbot, open_editor,
                                                                           world):
    editor = open_editor(world.active)
    tabs = child(editor, QTabWidget, "contractTabs")
    assert [tabs.tabText(i).replace("&", "") for i in range(tabs.count())][2:4] == [
        "Cancellation", "Terms"]
    child(editor, QSpinBox, "commitmentPeriodsSpin").setValue(12)
    with refreshed(qtbot, editor):
        child(editor, QPushButton, "commitmentPeriodsButton").click()
    assert editor.draft().commitment_end == date(2026, 6, 1)  # 12 months from 1 June 2025
    notice = child(editor, QLineEdit, "noticeEdit")
    qtbot.keyClicks(notice, "fortnight")
    assert child(editor, QLabel, "noticeMessage").text() == (
        "The notice period is a number of weeks, months or years, such as “1 month” or "
        "“2 weeks”.")
    assert not child(editor, QPushButton, "saveButton").isEnabled()
    notice.clear()
    with refreshed(qtbot, editor):
        qtbot.keyClicks(notice, "1 month")
    assert editor.draft().notice == Frequency("month")
    assert child(editor, QLabel, "earliestCancellationLabel").text() == (
        "The earliest cancellation date is 1 June 2026.")
    with refreshed(qtbot, editor):
        child(editor, DateField, "cancellationDateEdit").setDate(QDate(2026, 5, 1))
    assert child(editor, QLabel, "cancellationDateMessage").text().startswith(
        "The earliest cancellation date is 1 Jun 2026")
    assert not child(editor, QPushButton, "saveButton").isEnabled()
    with refreshed(qtbot, editor):
        child(editor, QCheckBox, "waiveNoticeCheck").setChecked(True)
    assert child(editor, QPushButton, "saveButton").isEnabled()
    assert editor.save() is not False
    saved = world.contracts.load(world.active)
    assert (saved.contract.notice_waived, saved.contract.cancellation_date) == (
        True, date(2026, 5, 1))
    assert ("Mia", "on") in [(h.who, h.new) for h in saved.history
                             if h.field == "Notice and commitment waived"]
