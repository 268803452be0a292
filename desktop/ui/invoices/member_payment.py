"""*Record payment…* for a member (rule 21): the amount, date, method and reference, and the
member's open documents with what the payment puts against each, before it is saved.

By default a payment pays the oldest documents first and what is left becomes credit balance;
the operator may type an amount against any document instead. The typed amounts are kept first
(`record_for_member(allocations=…)`), the rest still goes oldest first, and the table and the
sentence under it show the service's own allocation (`allocation_preview`) as they are typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.domain import payments as rules
from desktop.i18n import _
from desktop.i18n.messages import reason, say
from desktop.services.errors import ValidationError
from desktop.ui.common.widgets import ErrorLabel, label, user_message
from desktop.ui.invoices.payment_dialog import PaymentDialog, allocation_sentence
from desktop.ui.invoices.words import type_text

PAYS = 4  # the editable column: what the payment puts against the document


class AllocationTable(QTableWidget):
    """The member's open documents, oldest first: number, type, due date, what each lacks,
    and what the payment pays of it (typed, or the automatic share in grey)."""

    def __init__(self, documents: Sequence[Any], formatter: Any,
                 parent: QWidget | None = None):
        super().__init__(len(documents), 5, parent)
        self.setObjectName("allocationTable")
        self.setHorizontalHeaderLabels([_("Document"), _("Type"), _("Due"), _("Outstanding"),
                                        _("Pays")])
        self.setAccessibleName(_("Where the payment goes"))
        self.verticalHeader().hide()
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Typing on a document's row, F2 or a double click edits what it pays.
        trigger = QAbstractItemView.EditTrigger
        self.setEditTriggers(trigger.AnyKeyPressed | trigger.EditKeyPressed
                             | trigger.DoubleClicked | trigger.SelectedClicked)
        self.setTabKeyNavigation(False)
        self.documents = list(documents)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, doc in enumerate(self.documents):
            cells = (doc.number, type_text(doc.type), formatter.date(doc.due_date),
                     formatter.money(doc.outstanding))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if column == 3:
                    item.setTextAlignment(right)
                self.setItem(row, column, item)
            pays = QTableWidgetItem("")
            pays.setTextAlignment(right)
            pays.setToolTip(_("Type an amount to put against this document; leave it empty to "
                              "pay the oldest documents first."))
            self.setItem(row, PAYS, pays)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PAYS, QHeaderView.ResizeMode.Stretch)
        shown = min(max(len(self.documents), 1), 6)
        self.setFixedHeight(header.sizeHint().height() + shown * 26 + 2 * self.frameWidth() + 2)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setMinimumWidth(520)
        if self.documents:  # Tab into the table and type: the oldest document's amount
            self.setCurrentCell(0, PAYS)


class MemberPaymentDialog(PaymentDialog):
    """A payment from a member, allocated as the table shows (rule 21)."""

    def __init__(self, payments: Any, member_id: int, documents: Sequence[Any], formatter: Any,
                 today: date, parent: QWidget | None = None, member_name: str = ""):
        self._payments, self._member_id, self._today = payments, member_id, today
        self._documents = sorted((d for d in documents if d.outstanding > 0),
                                 key=lambda d: (d.due_date, d.issue_date, d.id))
        self._filling = False
        owed = sum(d.outstanding for d in self._documents)
        intro = (_("{name}'s open documents lack {amount}. The payment pays the oldest first; "
                   "type an amount against a document to pay it instead. What no document "
                   "needs becomes credit balance.").format(name=member_name,
                                                           amount=formatter.money(owed))
                 if self._documents else
                 _("{name} has no open documents: the whole payment becomes credit balance.")
                 .format(name=member_name))
        super().__init__(_("Record payment"), intro, _("Record"), formatter, owed, today,
                         self._rules, self._write, parent)

    def add_below_form(self) -> None:
        self.table = AllocationTable(self._documents, self._formatter)
        self.table.itemChanged.connect(self._typed)
        self.allocation_error = ErrorLabel()
        self.allocation_error.setObjectName("allocationsError")
        self.problems.add("allocations", self.table, self.allocation_error)
        if self._documents:
            caption = label(_("&Where it goes"), "sectionTitle")
            caption.setBuddy(self.table)
            self.body.addWidget(caption)
            self.body.addWidget(self.table)
        else:
            self.table.hide()
        self.body.addWidget(self.allocation_error)

    def _rules(self, amount: int, day: date):
        return rules.payment_problem(amount, day, self._formatter.money, self._today)

    def _typed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != PAYS:
            return
        self.edited("allocations")

    def allocations(self) -> list[tuple[int, int]] | str:
        """The amounts typed against documents, in the table's order, or why one is unreadable."""
        chosen = []
        for row, doc in enumerate(self._documents):
            item = self.table.item(row, PAYS)
            if not item.data(Qt.ItemDataRole.UserRole):  # an automatic share, not typed
                continue
            text = item.text().strip()
            if not text:
                continue
            try:
                chosen.append((doc.id, self._formatter.parse_money(text)))
            except ValueError as exc:
                return reason(exc)
        return chosen

    def check_locally(self) -> None:
        self._mark_typed()
        super().check_locally()

    def _mark_typed(self) -> None:
        """A Pays cell the operator wrote in is theirs (bold); emptied, it is automatic again."""
        self._filling = True
        for row in range(self.table.rowCount()):
            item = self.table.item(row, PAYS)
            typed = bool(item.text().strip()) and (
                bool(item.data(Qt.ItemDataRole.UserRole)) or item.text() != item.data(
                    Qt.ItemDataRole.UserRole + 1))
            item.setData(Qt.ItemDataRole.UserRole, typed)
            font = QFont(item.font())
            font.setBold(typed)
            item.setFont(font)
            if typed:
                item.setForeground(self.palette().text())
        self._filling = False

    def show_preview(self, amount: int | None) -> None:
        chosen = self.allocations()
        message = chosen if isinstance(chosen, str) else ""
        placed: Any = ()
        to_credit = 0
        if not message and amount is not None:
            try:
                placed, to_credit = self._payments.allocation_preview(self._member_id, amount,
                                                                      chosen)
            except ValidationError as exc:
                message = " ".join(say(p.message, self._formatter) for p in exc.problems)
            except Exception as exc:  # the member gone, the server away: said, not raised
                message = user_message(exc)
        if message:  # about the table the operator reads now: said at once
            self.problems.edited("allocations")
        self.problems.set_local("allocations", message)
        self._fill_automatic({a.document_id: a.amount for a in placed})
        text = allocation_sentence(placed, to_credit, self._formatter) if amount else ""
        self.preview_label.setText(text if not message else "")
        self.preview_label.setVisible(bool(text) and not message)

    def _fill_automatic(self, shares: dict[int, int]) -> None:
        """Show the automatic share in the cells the operator did not type in."""
        self._filling = True
        for row, doc in enumerate(self._documents):
            item = self.table.item(row, PAYS)
            if item.data(Qt.ItemDataRole.UserRole):
                continue
            share = shares.get(doc.id, 0)
            text = self._formatter.money_plain(share) if share else ""
            item.setText(text)
            item.setData(Qt.ItemDataRole.UserRole + 1, text)  # what was filled in, not typed
            item.setForeground(self.palette().placeholderText())
        self._filling = False

    def _write(self, amount: int, **kw: Any) -> Any:
        chosen = self.allocations()
        return self._payments.record_for_member(
            self._member_id, amount, allocations=[] if isinstance(chosen, str) else chosen,
            **kw)
