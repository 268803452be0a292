"""Member page, member dialog, invoice view and term timeline (docs/design.md#screens)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.ui.invoices.invoice_view import InvoiceView, plain_document
from desktop.ui.invoices.invoices_page import InvoiceListModel
from desktop.ui.members.member_dialog import MemberDialog
from desktop.ui.members.member_page import ContractTableModel, MemberPage
from desktop.ui.members.timeline import TermTimeline, chains


def double_click(qtbot, view, pos):
    """An item view only reports a double click that follows a press on the same item."""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


# -- member dialog ------------------------------------------------------------------------------
def test_new_member_ok_is_disabled_until_name_and_email_are_valid(qtbot, fake_members):
    dialog = MemberDialog(fake_members)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert not dialog.findChild(type(dialog.form_error), "fieldError").isVisible()
    qtbot.keyClicks(dialog.name_edit, "Grace Hopper")
    qtbot.keyClicks(dialog.email_edit, "grace@")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problems.message("email") == "“grace@” is not an email address."
    assert dialog.email_edit.property("invalid") is True
    qtbot.keyClicks(dialog.email_edit, "navy.mil")
    assert dialog.ok_button.isEnabled()
    assert not dialog.email_edit.property("invalid")


def test_clearing_the_name_shows_a_message_next_to_it(qtbot, fake_members):
    dialog = MemberDialog(fake_members, member_id=3)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "Person 00003"
    assert dialog.ok_button.isEnabled()
    dialog.name_edit.clear()
    assert dialog.problems.message("name") == "Enter the member's name."
    assert not dialog.ok_button.isEnabled()


def test_accepting_an_untouched_form_writes_nothing_and_names_every_problem(qtbot, fake_members):
    dialog = MemberDialog(fake_members)
    qtbot.addWidget(dialog)
    before = len(fake_members.members)
    assert dialog.problems.message("name") == ""   # not scolded before typing
    dialog.accept()
    assert dialog.result() != MemberDialog.DialogCode.Accepted
    assert len(fake_members.members) == before
    assert dialog.problems.message("name") == "Enter the member's name."
    assert dialog.problems.message("email") == "Enter an email address."


def test_service_problem_is_shown_by_its_field_and_nothing_is_written(qtbot, fake_members):
    dialog = MemberDialog(fake_members)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Copycat")
    dialog.email_edit.setText("P5@example.org")
    before = len(fake_members.members)
    dialog.ok_button.click()
    assert dialog.result() != MemberDialog.DialogCode.Accepted
    assert len(fake_members.members) == before
    assert dialog.problems.message("email") == "Another member already uses P5@example.org."
    assert not dialog.ok_button.isEnabled()
    dialog.email_edit.setText("copycat@example.org")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert dialog.result() == MemberDialog.DialogCode.Accepted
    assert fake_members.members[dialog.member_id].name == "Copycat"


# -- member page --------------------------------------------------------------------------------
def test_contract_and_invoice_models_pass_the_model_tester(qtmodeltester, ada_members, formatter):
    detail = ada_members.get(1)
    contracts = ContractTableModel(formatter)
    contracts.set_rows(detail.contracts)
    qtmodeltester.check(contracts)
    invoices = InvoiceListModel(formatter)
    invoices.set_rows(detail.invoices)
    qtmodeltester.check(invoices)


def test_member_page_shows_details_money_and_contracts(qtbot, ada_members, fake_invoices,
                                                       formatter, clock):
    page = MemberPage(ada_members, fake_invoices, formatter, clock)
    qtbot.addWidget(page)
    page.show_member(1)
    assert page.title.text() == "Ada Lovelace"
    assert page.credit_card.value.text() == formatter.money(1250)
    assert page.deposit_card.value.text() == formatter.money(50000)
    # Rule 27: used and left per allowance.
    assert page.allowances_card.value.text() == "Meeting room hours: 7 left of 10 (3 used)"
    table = page.findChild(type(page.contract_table), "contractTable")
    model = table.model()
    assert model.rowCount() == 4
    # Current terms first; an active contract with a cancellation date is "Cancelling".
    statuses = [model.index(r, 0).data() for r in range(4)]
    assert statuses[-1] == "Cancelled" and "Cancelling" in statuses and "Not started" in statuses
    row = statuses.index("Cancelling")
    assert model.index(row, 4).data() == formatter.date(model.row_at(row).cancellation_date)


@pytest.fixture
def shown_page(qtbot, ada_members, fake_invoices, formatter, clock):
    """Ada's member page on screen, so its tables can be clicked."""
    page = MemberPage(ada_members, fake_invoices, formatter, clock)
    qtbot.addWidget(page)
    page.show_member(1)
    page.resize(900, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_double_clicking_a_contract_emits_its_id(qtbot, shown_page):
    page = shown_page
    table = page.contract_table
    rect = table.visualRect(table.model().index(0, 1))
    with qtbot.waitSignal(page.contractActivated) as blocker:
        double_click(qtbot, table, rect.center())
    assert blocker.args == [table.model().row_at(0).id]


def test_double_clicking_an_invoice_opens_its_lines(qtbot, shown_page):
    page = shown_page
    table = page.invoice_table
    rect = table.visualRect(table.model().index(0, 0))
    double_click(qtbot, table, rect.center())
    view = page.findChild(InvoiceView, "invoiceView")
    assert view is not None and view.isVisible()
    view.close()


# -- invoice view -------------------------------------------------------------------------------
def test_invoice_view_shows_the_document_with_periods_proration_and_totals(qtbot, formatter,
                                                                          fake_invoices):
    invoice = fake_invoices.invoice
    view = InvoiceView(plain_document(invoice, "Ada Lovelace"), formatter)
    qtbot.addWidget(view)
    text = " ".join(view.browser.toPlainText().split())
    span = " ".join(formatter.period(invoice.lines[1].period_start,
                                   invoice.lines[1].period_end).split())
    assert f"Dedicated desk {span} 12 of 31 days {formatter.money(12000)}" in text
    assert f"Deposit for Dedicated desk {formatter.money(30000)}" in text
    assert (f"Subtotal {formatter.money(30167)} Tax {formatter.money(-267)} Total "
            f"{formatter.money(29900)} Credit applied {formatter.money(-1250)} Amount due "
            f"{formatter.money(28650)}") in text
    # Without the payment service the view says so instead of offering a button that fails.
    assert not view.pay_button.isEnabled()
    assert view.pay_button.toolTip() == "Payments cannot be recorded in this window."


# -- timeline -----------------------------------------------------------------------------------
def test_terms_are_grouped_into_chains_by_predecessor(ada_members):
    lanes = chains(ada_members.get(1).contracts)
    assert [[c.id for c in lane] for lane in lanes] == [[1, 2, 3], [4]]


def test_timeline_has_a_sensible_size_and_range(qtbot, ada_members, formatter, clock):
    timeline = TermTimeline(formatter)
    qtbot.addWidget(timeline)
    timeline.set_terms(ada_members.get(1).contracts, clock.today())
    assert timeline.sizeHint().height() < 140
    low, high = timeline.date_range()
    assert low <= clock.today() < high
    bars = timeline.bar_list()
    assert {b.lane for b in bars} == {0, 1}
    assert "Private office" in timeline.bar_tooltip(next(b for b in bars if b.contract_id == 3))


def test_a_failed_read_is_said_whole_on_a_page_wider_than_its_pane(qtbot, ada_members,
                                                                   fake_invoices, formatter,
                                                                   clock, monkeypatch):
    """A server away (issue 19): the page keeps what it showed and says why in one sentence.
    In a pane narrower than the page (the heading's buttons), the sentence wrapped at the
    page's width and lost the end of every line behind the pane's edge."""
    from desktop.domain.model import Message
    from desktop.i18n.messages import say
    from desktop.storage.errors import SERVER_AWAY, ServerUnreachable

    page = MemberPage(ada_members, fake_invoices, formatter, clock)
    qtbot.addWidget(page)
    page.show_member(1)
    page.resize(420, 700)
    page.show()
    qtbot.waitExposed(page)

    def away(_member_id):
        raise ServerUnreachable("postgres@db.example:5432/frontdesk")

    monkeypatch.setattr(ada_members, "get", away)
    page.refresh()
    label = page.error_label
    qtbot.waitUntil(label.isVisible, timeout=2000)
    assert label.text() == say(Message.of(SERVER_AWAY))
    assert page.title.text() == "Ada Lovelace"  # what it showed is kept
    qtbot.waitUntil(lambda: label.visibleRegion().boundingRect() == label.rect(), timeout=2000)
    assert label.width() <= page.width()
    assert label.heightForWidth(label.width()) <= label.height() + 1  # no line cut below


def test_a_narrow_member_page_folds_instead_of_scrolling_sideways(qtbot, ada_members,
                                                                  fake_invoices, formatter,
                                                                  clock):
    """Scale 2, a narrow pane (issue 26): the heading, the cards and the account's buttons
    fold into rows and columns; on a wide pane they stand in one row."""
    from PySide6.QtWidgets import QScrollArea

    import ui_fakes as fakes

    accounts = fakes.FakeAccounts(ada_members, required={1: 30000})
    page = MemberPage(ada_members, fake_invoices, formatter, clock, accounts=accounts)
    qtbot.addWidget(page)
    page.show_member(1)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.cards.per_row == 4 and page.actions.per_row == 4,
                    timeout=2000)
    page.resize(330, 800)
    area = page.findChild(QScrollArea)
    qtbot.waitUntil(lambda: page.cards.per_row < 4 and page.actions.per_row < 4,
                    timeout=2000)
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() == 0, timeout=2000)
    assert area.widget().width() <= area.viewport().width()
