"""The live invoice preview: the next invoices a contract draft will produce, as cards."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import Invoice, Line
from desktop.i18n import _
from desktop.i18n.messages import wording_text

# Headings and totals are short, and a wrapped label's height is worked out before the style
# sheet enlarges its font, which clipped them; only descriptions and details wrap.
_UNWRAPPED = {"cardKicker", "cardDate", "due"}


def _label(text: str, role: str = "", right: bool = False) -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(not right and role not in _UNWRAPPED)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    if right:
        label.setAlignment(Qt.AlignRight | Qt.AlignTop)
    return label


def _rule() -> QFrame:
    rule = QFrame()
    rule.setProperty("role", "rule")
    return rule


class InvoicePreview(QWidget):
    """Shows invoices exactly as the sweep will issue them; formats only through the Formatter."""

    def __init__(self, formatter, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("invoicePreview")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setMinimumWidth(320)
        self._formatter = formatter
        self._invoices: tuple[Invoice, ...] = ()
        self._shapes: list[tuple] = []  # what each card's labels are, but their texts
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(6)
        column.addWidget(_label(_("Invoice preview"), "previewTitle"))
        self._note = _label(_("What the unsaved edits will invoice next."), "previewNote")
        self._note.setObjectName("previewNote")
        column.addWidget(self._note)
        self._message = _label("", "previewMessage")
        self._message.setObjectName("previewMessage")
        self._message.hide()
        column.addWidget(self._message)
        self._cards = QWidget()
        self._cards.setObjectName("previewCards")
        self._cards_layout = QVBoxLayout(self._cards)
        self._cards_layout.setContentsMargins(0, 4, 0, 0)
        self._cards_layout.setSpacing(10)
        self._cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(self._cards)
        column.addWidget(scroll, 1)

    def invoices(self) -> tuple[Invoice, ...]:
        """The invoices on show (empty while a message is shown instead)."""
        return self._invoices

    def show_invoices(self, invoices: Sequence[Invoice], note: str | None = None) -> None:
        """Replace the cards; `note` is the sentence under the title.

        A card laid out like the new invoice's (the same rows) is refilled in place: creating
        labels is what an edit's preview would spend most of its time on (DESIGN.md §8).
        """
        self._invoices = tuple(invoices)
        self._message.hide()
        if note is not None:
            self._note.setText(note)
        if not self._invoices:
            self._clear_cards()
            self._set_message(_("Nothing more will be invoiced for this contract."), "neutral")
            return
        for index, invoice in enumerate(self._invoices):
            cells, rules = self._cells(invoice, index)
            shape = (tuple(cell[1:] for cell in cells), rules)
            if index < len(self._shapes) and self._shapes[index] == shape:
                card = self._cards_layout.itemAt(index).widget()
                for label, cell in zip(card.findChildren(QLabel), cells):
                    label.setText(cell[0])
                continue
            if index < len(self._shapes):
                self._remove_card(index)
            self._cards_layout.insertWidget(index, self._card(cells, rules, index))
            self._shapes.insert(index, shape)
        while len(self._shapes) > len(self._invoices):
            self._remove_card(len(self._invoices))

    def _remove_card(self, index: int) -> None:
        card = self._cards_layout.takeAt(index).widget()
        card.setParent(None)
        card.deleteLater()
        del self._shapes[index]

    def show_message(self, text: str) -> None:
        """Show why there is no preview (a problem to fix, or a service error) instead of cards."""
        self._invoices = ()
        self._clear_cards()
        self._set_message(text, "problem")

    def _set_message(self, text: str, tone: str) -> None:
        self._message.setProperty("tone", tone)
        self._message.style().unpolish(self._message)
        self._message.style().polish(self._message)
        self._message.setText(text)
        self._message.show()

    def plain_text(self) -> str:
        """Everything the preview shows, one label per line: for tests and accessibility."""
        texts = [self._message.text()] if self._message.isVisible() else []
        texts += [label.text() for label in self._cards.findChildren(QLabel)]
        return "\n".join(t for t in texts if t)

    def _clear_cards(self) -> None:
        self._shapes.clear()
        while self._cards_layout.count() > 1:
            item = self._cards_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
                item.widget().setParent(None)

    def _card(self, cells: list[tuple], rules: tuple[int, ...], index: int) -> QFrame:
        card = QFrame()
        card.setObjectName(f"previewInvoice{index}")
        card.setProperty("role", "invoiceCard")
        card.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        grid = QGridLayout(card)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        for row in rules:  # between the heading, the lines and the totals
            grid.addWidget(_rule(), row, 0, 1, 2)
        for text, role, right, name, place in cells:
            label = _label(text, role, right)
            if name:
                label.setObjectName(name)
            grid.addWidget(label, *place)
        return card

    def _cells(self, invoice: Invoice, index: int) -> tuple[list[tuple], tuple[int, ...]]:
        """The card's labels in order, each (text, role, right-aligned, object name, grid
        place), and the rows of its rules."""
        fmt = self._formatter
        kicker = _("Next invoice") if index == 0 else _("Then")
        cells = [(kicker, "cardKicker", False, "", (0, 0, 1, 2)),
                 (fmt.date_long(invoice.issue_date), "cardDate", False, "", (1, 0)),
                 (fmt.money(invoice.amount_due), "cardDate", True, f"previewDue{index}", (1, 1))]
        rules, row = [2], 3
        for line in invoice.lines:
            row = self._add_line(cells, row, line)
        rules.append(row)
        row += 1
        totals = [(_("Subtotal"), invoice.subtotal, ""), (_("Tax"), invoice.tax, ""),
                  (_("Total"), invoice.total, "")]
        if invoice.credit_applied:
            totals.append((_("Credit applied"), -invoice.credit_applied, "credit"))
        for caption, amount, role in totals:
            cells.append((caption, role, False, "", (row, 0)))
            cells.append((fmt.money(amount), role, True, "", (row, 1)))
            row += 1
        cells.append((_("Amount due"), "due", False, "", (row, 0)))
        cells.append((fmt.money(invoice.amount_due), "due", True, "", (row, 1)))
        if invoice.total < 0:
            # Rule 17: a negative total is not paid out; it becomes credit balance.
            cells.append((_("{amount} goes to the credit balance.").format(
                amount=fmt.money(-invoice.total)), "lineDetail", False, "", (row + 1, 0, 1, 2)))
        return cells, tuple(rules)

    def _add_line(self, cells: list[tuple], row: int, line: Line) -> int:
        fmt = self._formatter
        text = wording_text(line.wording, line.description, fmt)
        cells.append((text, "", False, "", (row, 0)))
        cells.append((fmt.money(line.amount), "credit" if line.amount < 0 else "", True, "",
                      (row, 1)))
        details = []
        if line.period_start is not None and line.period_end is not None:
            details.append(fmt.period(line.period_start, line.period_end))
        elif line.period_start is not None:
            details.append(fmt.date(line.period_start))
        if line.days is not None and line.period_days:
            details.append(fmt.days_of(line.days, line.period_days))
        if details:
            cells.append((" · ".join(details), "lineDetail", False, "", (row + 1, 0, 1, 2)))
            return row + 2
        return row + 1
