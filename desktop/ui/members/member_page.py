"""The member page (docs/design.md#screens): details, allowances, terms, contracts, and the
member's account (rules 15, 21, 22, 23): documents of every type, payments and what they paid,
credit balance, deposit required / held / requested, totals that add up on screen, and
*Record payment…*, *Refund credit…*, *Return excess deposit…* and *Add charge…* (rule 27)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.accounts import Totals
from desktop.i18n import _
from desktop.services.accounts import AccountSummary
from desktop.ui.common.forms import run_modal
from desktop.ui.common.icons import icon
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import (
    Badge,
    StatCard,
    TableView,
    label,
    offer,
    show_error,
    user_message,
)
from desktop.ui.invoices.invoices_page import InvoiceListModel, keep_readable, open_invoice
from desktop.ui.invoices.member_payment import MemberPaymentDialog
from desktop.ui.invoices.payment_dialog import refund_dialog
from desktop.ui.members.account import (
    AccountEntryModel,
    DetailCard,
    deposit_detail,
    refund_refused,
    return_refused,
    totals_sentence,
)
from desktop.ui.members.charge_dialog import ChargeDialog
from desktop.ui.members.einvoice_panel import EInvoicePanel
from desktop.ui.members.folding import FoldingRow
from desktop.ui.members.mandate import MandatePanel
from desktop.ui.members.timeline import TermTimeline

# The member page's documents: newest first, every type, with their dates (rule 18).
DOCUMENT_COLUMNS = ("type", "number", "billing", "due_date", "total", "due", "status")


def contract_status_text(row: Any) -> str:
    """Rule-5 wording: an active contract with a cancellation date is still running, cancelling."""
    if row.status == "inactive":
        return _("Not started")
    if row.status == "cancelled":
        return _("Cancelled")
    return _("Cancelling") if row.cancellation_date else _("Active")


class ContractTableModel(RowTableModel):
    """A member's contracts: status, plan, price, next invoice, cancellation."""

    ContractIdRole = RowTableModel.IdRole

    def __init__(self, formatter: Any, parent=None):
        super().__init__(formatter, (_("Status"), _("Plan"), _("Price"), _("Next invoice"),
                                     _("Cancellation")), right=(2,), parent=parent)

    def ordered(self, rows) -> list[Any]:
        # Current and future terms first, then the past, newest first within each.
        order = {"active": 0, "inactive": 1, "cancelled": 2}
        return sorted(rows, key=lambda r: (order.get(r.status, 3), -r.start_date.toordinal()))

    def cell_text(self, row: Any, column: int) -> str:
        f = self._formatter
        if column == 0:
            return contract_status_text(row)
        if column == 1:
            # A switch or an end scheduled for the next invoice date shows where it is seen.
            if getattr(row, "switches_to", None) and row.next_invoice_date:
                return _("{plan} → {next} on {day}").format(
                    plan=row.plan, next=row.switches_to, day=f.date(row.next_invoice_date))
            if getattr(row, "ends_on", None) and not row.cancellation_date:
                return _("{plan}, ends {day}").format(plan=row.plan, day=f.date(row.ends_on))
            return row.plan
        if column == 2:
            return f.money(row.price)
        if column == 3:
            return f.date(row.next_invoice_date) if row.next_invoice_date else "—"
        return f.date(row.cancellation_date) if row.cancellation_date else "—"

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            f = self._formatter
            if column == 4 and row.cancellation_date:
                return _("Last day of access: {date}").format(
                    date=f.date(row.cancellation_date - timedelta(days=1)))
            if column == 0 and row.status == "inactive":
                return _("Starts on {date}").format(date=f.date(row.start_date))
            return _("Double-click to open the contract.")
        return None


def _fit_rows(table: TableView, rows: int, least: int = 2, most: int = 8) -> None:
    """Size a table to its rows (between least and most) so the space left goes to invoices."""
    shown = min(max(rows, least), most)
    height = (table.horizontalHeader().sizeHint().height()
              + shown * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth() + 2)
    table.setFixedHeight(height)


class MemberPage(QWidget):
    """Shows one member; emits contractActivated(id) so the window can open the editor."""

    contractActivated = Signal(int)    # noqa: N815
    editRequested = Signal(int)        # noqa: N815
    newContractRequested = Signal(int)  # noqa: N815
    memberChanged = Signal(int)        # noqa: N815  (a payment or refund was recorded)
    accountChanged = Signal(object)    # noqa: N815  (Changes: a deposit was returned)

    def __init__(self, members: Any, invoices: Any, formatter: Any, clock: Any,
                 parent: QWidget | None = None, tools: Any = None, accounts: Any = None,
                 mandates: Any = None, einvoice_data: Any = None, charges: Any = None):
        super().__init__(parent)
        self._charges = charges
        self.setObjectName("memberPage")
        self._members, self._invoices = members, invoices
        self._tools = tools  # InvoiceTools: documents, payments and the clock
        self._accounts = accounts  # AccountService: the account's summary, deposit returns
        self._formatter, self._clock = formatter, clock
        self._mandates = mandates  # MandateService: the member's SEPA mandate (rule 30)
        # Rule 28: what an e-invoice to the member lacks, and its details (einvoice_panel.py).
        self.einvoice_panel = EInvoicePanel(einvoice_data)
        self.member_id: int | None = None
        self.detail: Any = None
        self.summary: Any = None

        self.stack = QStackedWidget(self)
        self.empty_label = label(_("Select a member in the list to see their contracts, "
                                   "invoices and allowances."), "muted", wrap=True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _build_content(self) -> QWidget:
        self.title = label("", "pageTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge, self.archived_badge = Badge(), Badge()
        self.subtitle = label("", "muted", wrap=True)  # never wider than a narrow pane
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton(icon("edit"), _("Edit details…"))
        self.edit_button.setObjectName("editMemberButton")
        self.edit_button.clicked.connect(lambda: self.editRequested.emit(self.member_id))
        self.new_contract_button = QPushButton(icon("contract"), _("New contract…"))
        self.new_contract_button.setObjectName("newContractButton")
        self.new_contract_button.clicked.connect(
            lambda: self.newContractRequested.emit(self.member_id))

        self.credit_card = StatCard(_("Credit balance"))
        self.credit_card.value.setObjectName("creditValue")
        self.outstanding_card = DetailCard(_("Outstanding"), "outstanding")
        self.deposit_card = DetailCard(_("Deposit held"), "deposit")
        self.allowances_card = StatCard(_("Allowances"))
        self.allowances_card.value.setWordWrap(True)
        self.allowances_card.value.setObjectName("allowancesValue")
        self.pay_button = QPushButton(_("Record &payment…"), objectName="memberPaymentButton")
        self.pay_button.clicked.connect(self.record_payment)
        self.refund_button = QPushButton(_("Refund &credit…"), objectName="refundCreditButton")
        self.refund_button.clicked.connect(self.refund_credit)
        self.return_button = QPushButton(_("Return e&xcess deposit…"),
                                         objectName="returnDepositButton")
        self.return_button.clicked.connect(self.return_excess_deposit)
        self.totals_label = label("", "muted", wrap=True)
        self.totals_label.setObjectName("accountTotals")
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.timeline = TermTimeline(self._formatter)
        self.contract_model = ContractTableModel(self._formatter, self)
        self.contract_table = TableView("contractTable", _("No contracts yet."))
        self.contract_table.setModel(self.contract_model)
        self.contract_table.set_column_modes(1)
        self.contract_table.activated.connect(self._contract_activated)
        self.invoice_model = InvoiceListModel(self._formatter, parent=self,
                                              columns=DOCUMENT_COLUMNS)
        self.invoice_table = TableView("memberInvoiceTable", _("No documents yet."))
        self.invoice_table.setModel(self.invoice_model)
        self.invoice_table.set_column_modes(len(DOCUMENT_COLUMNS) - 1)
        self.invoice_table.activated.connect(self._invoice_activated)
        self.entry_model = AccountEntryModel(self._formatter, self)
        self.entry_table = TableView("memberPaymentTable", _("No payments yet."))
        self.entry_table.setModel(self.entry_model)
        self.entry_table.set_column_modes(5)
        self.error_label = label("", "formError", wrap=True)

        # The heading, the cards and the buttons fold into columns in a narrow pane.
        named = QWidget()
        title_row = QHBoxLayout(named)
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.setSpacing(8)
        title_row.addWidget(self.title)
        title_row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addWidget(self.archived_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        title_row.addStretch(1)
        self.heading = FoldingRow(
            [named, FoldingRow([self.new_contract_button, self.edit_button])], (1, 0),
            trailing_stretch=False)
        self.cards = FoldingRow([self.credit_card, self.outstanding_card, self.deposit_card,
                                 self.allowances_card], (1, 1, 1, 2), trailing_stretch=False)
        self.charge_button = QPushButton(_("Add char&ge…"), objectName="addChargeButton")
        self.charge_button.clicked.connect(self.add_charge)
        self.actions = FoldingRow([self.pay_button, self.refund_button, self.return_button,
                                   self.charge_button])

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addSpacing(4)
        layout.addWidget(self.cards)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.actions)
        self.mandate_panel: MandatePanel | None = None
        if self._mandates is not None:
            self.mandate_panel = MandatePanel(self._mandates, self._formatter, self._clock)
            self.mandate_panel.changed.connect(self.accountChanged.emit)
            layout.addWidget(self.mandate_panel)
        layout.addWidget(self.einvoice_panel)
        layout.addWidget(label(_("Terms"), "sectionTitle"))
        layout.addWidget(self.timeline)
        contracts_title = label(_("Contracts"), "sectionTitle")
        contracts_title.setBuddy(self.contract_table)
        invoices_title = label(_("Documents"), "sectionTitle")
        invoices_title.setBuddy(self.invoice_table)
        payments_title = label(_("Payments"), "sectionTitle")
        payments_title.setBuddy(self.entry_table)
        layout.addWidget(contracts_title)
        layout.addWidget(self.contract_table)
        layout.addWidget(invoices_title)
        layout.addWidget(self.invoice_table, 1)
        layout.addWidget(payments_title)
        layout.addWidget(self.entry_table)
        self.invoice_table.setMinimumHeight(110)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        # The sentence of a failed read sits above the scrolled page, not in it: the page is
        # wider than its pane when the heading's buttons need more room (a narrow pane, scale 2,
        # German), and a wrapped sentence inside was cut at the pane's edge, words lost from
        # every line (a server away, issue 19).
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.error_label.setContentsMargins(16, 8, 16, 0)
        outer.addWidget(self.error_label)
        outer.addWidget(scroll, 1)
        return page

    # -- showing ----------------------------------------------------------------------------
    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        self.timeline.set_formatter(formatter)
        self.contract_model.set_formatter(formatter)
        self.invoice_model.set_formatter(formatter)
        self.entry_model.set_formatter(formatter)
        if self.mandate_panel is not None:
            self.mandate_panel.set_formatter(formatter)
        self.refresh()

    def clear(self) -> None:
        self.member_id, self.detail = None, None
        self.stack.setCurrentIndex(0)

    def show_member(self, member_id: int | None) -> None:
        if member_id is None:
            self.clear()
            return
        self.member_id = member_id
        self.refresh()

    def on_changes(self, changes: Any) -> None:
        """The shown member's details, contracts or money, or the plans they are on, changed."""
        if changes.touches_member(self.member_id) or changes.touches_catalog():
            self.refresh()

    def refresh(self) -> None:
        if self.member_id is None:
            return
        try:
            detail = self._members.get(self.member_id)
            summary = (self._accounts.summary(self.member_id) if self._accounts is not None
                       else None)
        except Exception as exc:
            self.error_label.setText(user_message(exc))
            self.error_label.show()
            return
        self.error_label.hide()
        self.detail = detail
        self.summary = summary or self._summary_of(detail)
        self._fill(detail)
        self._fill_account(self.summary, summary is not None)
        if self.mandate_panel is not None:
            self.mandate_panel.show_member(detail.id, detail.name)
        self.einvoice_panel.show_member(self.member_id)
        self.stack.setCurrentIndex(1)

    def _fill(self, d: Any) -> None:
        self.title.setText(d.name)
        is_member = d.status == "member"
        self.badge.set_badge(_("Member") if is_member else _("Contact"),
                             "member" if is_member else "contact")
        self.archived_badge.set_badge(_("Archived") if d.archived else "", "archived")
        parts = [p for p in (d.company, d.email, d.phone) if p]
        self.subtitle.setText("  ·  ".join(parts))
        # Rule 27: what each allowance grants today, what was used of it and what is left.
        held = d.allowance_balances
        self.allowances_card.set_value(
            "  ·  ".join(_("{name}: {left} left of {granted} ({used} used)").format(
                name=b.unit, left=b.left, granted=b.granted, used=b.used) for b in held)
            if held else _("None"))
        self.timeline.set_terms(list(d.contracts), self._clock.today())
        self.contract_model.set_rows(d.contracts)
        _fit_rows(self.contract_table, len(d.contracts))
        self.invoice_model.set_rows(sorted(d.invoices, key=lambda i: i.issue_date, reverse=True))
        documents = self.invoice_model.column_of
        keep_readable(self.invoice_table, documents("status"), 80,
                      (documents("due_date"), documents("billing"), documents("type")))
        entries = list(getattr(d, "payments", ()))
        self.entry_model.set_rows(entries)
        _fit_rows(self.entry_table, len(entries), most=6)
        keep_readable(self.entry_table, 5, 120, (4, 3, 1))  # reference, method, kind give way

    @staticmethod
    def _summary_of(d: Any) -> AccountSummary:
        """What the page can tell without the account service: credit and outstanding."""
        owed = getattr(d, "outstanding", 0)
        return AccountSummary(d.id, Totals(credit_balance=d.credit_balance, outstanding=owed),
                              0, 0, d.deposit_held, 0, max(d.credit_balance - owed, 0))

    def _fill_account(self, s: Any, whole: bool) -> None:
        """The account's figures (rules 15, 22, 23) and which money actions it offers now."""
        f = self._formatter
        self.credit_card.set_value(f.money(s.credit_balance), _(
            "Credit is put against the member's open documents at once; only what is left "
            "stays as credit."))
        self.outstanding_card.set_value(f.money(s.outstanding),
                                        _("What the member's documents still lack."))
        self.outstanding_card.set_detail(_("of which {overdue} overdue").format(
            overdue=f.money(s.overdue)) if s.overdue else "")
        self.deposit_card.set_value(f.money(s.deposit_held), _(
            "Paid on deposit requests, less what was returned. An unpaid request is requested, "
            "not held."))
        self.deposit_card.set_detail(deposit_detail(s, f) if whole else "")
        self.totals_label.setText(totals_sentence(s, f) if whole else "")
        self.totals_label.setVisible(whole)
        offer(self.pay_button, "" if self._tools is not None
              else _("Payments cannot be recorded in this window."),
              _("Record money received from the member: it pays their open documents, oldest "
                "first or as you choose, and the rest becomes credit balance."))
        offer(self.refund_button, refund_refused(s, f, self._tools is not None),
              _("Pay out the {amount} of credit left after it paid the member's open "
                "documents.").format(amount=f.money(s.refundable)))
        offer(self.charge_button, "" if self._charges is not None
              else _("Charges cannot be recorded in this window."),
              _("Record a charge (a meeting-room hour, a day pass, printing…) for the member's "
                "next invoice; their allowances are used first."))
        offer(self.return_button, return_refused(s, f, self._accounts is not None and whole),
              _("Move the {amount} of deposit beyond what the member's contracts require to "
                "the credit balance.").format(amount=f.money(s.deposit_excess)))

    def focus_contracts(self) -> None:
        """Open the member by keyboard: the focus goes to their contracts, on the first one."""
        if self.member_id is None or self.contract_model.rowCount() == 0:
            return
        if not self.contract_table.currentIndex().isValid():
            self.contract_table.setCurrentIndex(self.contract_model.index(0, 0))
        self.contract_table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _contract_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.contractActivated.emit(self.contract_model.row_at(index.row()).id)

    def _invoice_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            row = self.invoice_model.row_at(index.row())
            view = open_invoice(self, self._invoices, row.id, self._formatter,
                                self.detail.name if self.detail else "", self._tools)
            if view is not None:
                view.paymentRecorded.connect(self._money_changed)

    def record_payment(self) -> Any:
        """Money received from the member, allocated as the dialog shows (rule 21)."""
        if self._tools is None or self.detail is None:
            return None
        dialog = MemberPaymentDialog(self._tools.payments, self.detail.id, self.detail.invoices,
                                     self._formatter, self._tools.clock.today(), self,
                                     self.detail.name)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        self._money_changed(self.detail.id)
        return dialog.recorded

    def refund_credit(self) -> Any:
        """Pay out what is left of the credit balance after offsetting (rule 22); the page and
        the list show the new balance."""
        if self._tools is None or self.detail is None:
            return None
        s = self.summary
        dialog = refund_dialog(self._tools.payments, self.detail.id, s.credit_balance,
                               s.refundable, self._formatter, self._tools.clock.today(), self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        self._money_changed(self.detail.id)
        return dialog.recorded

    def return_excess_deposit(self) -> Any:
        """Rule 15: after a yes, the deposit beyond what the contracts require goes to the
        credit balance on a deposit return (and pays open documents first, rule 22)."""
        if self._accounts is None or self.detail is None:
            return None
        s, f = self.summary, self._formatter
        box = QMessageBox(QMessageBox.Icon.Question, _("Return excess deposit"), _(
            "Return {excess} of the deposit to {name}'s credit balance?").format(
            excess=f.money(s.deposit_excess), name=self.detail.name),
            QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("returnDepositBox")
        box.setInformativeText(_(
            "The member's contracts require {required}; {held} is held or requested. A deposit "
            "return of {excess} is issued today, and the credit pays the member's open "
            "documents first.").format(required=f.money(s.deposit_required),
                                        held=f.money(s.deposit_held + s.deposit_requested),
                                        excess=f.money(s.deposit_excess)))
        confirm = box.addButton(_("Return {excess}").format(excess=f.money(s.deposit_excess)),
                                QMessageBox.ButtonRole.AcceptRole)
        confirm.setObjectName("returnDepositConfirm")
        box.setDefaultButton(confirm)
        run_modal(box)
        if box.clickedButton() is not confirm:
            return None
        try:
            changes = self._accounts.return_excess_deposit(self.detail.id)
        except Exception as exc:
            show_error(self, _("Return excess deposit"), user_message(exc))
            self.refresh()
            return None
        self.refresh()
        self.accountChanged.emit(changes)
        return changes

    def add_charge(self) -> Any:
        """Rule 27: a charge for the member's next invoice, after what their allowances
        cover; the page shows the allowances used and every screen hears of it."""
        if self._charges is None or self.detail is None:
            return None
        dialog = ChargeDialog(self._charges, self.detail.id, self.detail.name, self._formatter,
                              self._clock.today(), self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        self.refresh()
        self.accountChanged.emit(dialog.recorded)
        return dialog.recorded

    def _money_changed(self, member_id: int) -> None:
        self.refresh()
        self.memberChanged.emit(member_id)
