"""The live invoice preview: the next invoices a contract draft will produce, as cards."""

from __future__ import annotations

from collections.abc import Sequence

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


class _Card:
    """One invoice's card: a grid of labels, each kept as [label, role, right-aligned, object
    name, grid place] in reading order, and the rules between its parts."""

    def __init__(self, index: int, cells: list[tuple], rules: tuple[int, ...]):
        self.frame = QFrame()
        self.frame.setObjectName(f"previewInvoice{index}")
        self.frame.setProperty("role", "invoiceCard")
        self.frame.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        self.grid = QGridLayout(self.frame)
        self.grid.setContentsMargins(14, 12, 14, 12)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(0, 1)
        self.rules: list[tuple[QFrame, int]] = []
        self.place_rules(rules)
        self.labels = [self.add_label(*cell) for cell in cells]

    def add_label(self, text: str, role: str, right: bool, name: str, place: tuple) -> list:
        label = _label(text, role, right)
        if name:
            label.setObjectName(name)
        self.grid.addWidget(label, *place)
        return [label, role, right, name, place]

    def place_rules(self, rows: tuple[int, ...]) -> None:
        """The rules (between the heading, the lines and the totals) on these rows."""
        placed = []
        for index, row in enumerate(rows):
            if index < len(self.rules):
                rule, was = self.rules[index]
                if was != row:
                    self.grid.removeWidget(rule)
                    self.grid.addWidget(rule, row, 0, 1, 2)
            else:
                rule = _rule()
                self.grid.addWidget(rule, row, 0, 1, 2)
            placed.append((rule, row))
        for rule, _row in self.rules[len(rows):]:
            self.grid.removeWidget(rule)
            rule.setParent(None)
            rule.deleteLater()
        self.rules = placed


class InvoicePreview(QWidget):
    """Shows invoices exactly as the sweep will issue them; formats only through the Formatter."""

    def __init__(self, formatter, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("invoicePreview")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setMinimumWidth(320)
        self._formatter = formatter
        self._invoices: tuple[Invoice, ...] = ()
        # Cards built so far, in order; the first `_shown` are on show, the rest hidden until
        # an edit brings back as many invoices (a cancellation date taken out again).
        self._built: list[_Card] = []
        self._shown = 0
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

        A card already on show is refilled in place, its labels kept and moved to their new
        rows, and only a row it did not have before gets a new label: creating labels is what
        an edit's preview would spend most of its time on (docs/design.md#targets).
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
            if index < len(self._built):
                self._refill(self._built[index], cells, rules)
                if index >= self._shown:
                    self._built[index].frame.show()
                continue
            card = _Card(index, cells, rules)
            self._cards_layout.insertWidget(index, card.frame)
            self._built.append(card)
        for card in self._built[len(self._invoices):self._shown]:
            card.frame.hide()
        self._shown = len(self._invoices)

    @staticmethod
    def _refill(card: _Card, cells: list[tuple], rules: tuple[int, ...]) -> None:
        """Show the cells on a card already built, reusing each label of the same kind."""
        spare: dict[tuple, list[list]] = {}
        for kept in card.labels:
            spare.setdefault(tuple(kept[1:4]), []).append(kept)
        labels = []
        for text, role, right, name, place in cells:
            same_kind = spare.get((role, right, name))
            if same_kind:
                kept = same_kind.pop(0)
                if kept[0].text() != text:
                    kept[0].setText(text)
                if kept[4] != place:
                    card.grid.removeWidget(kept[0])
                    card.grid.addWidget(kept[0], *place)
                    kept[4] = place
            else:
                kept = card.add_label(text, role, right, name, place)
            labels.append(kept)
        for unused in spare.values():
            for kept in unused:
                card.grid.removeWidget(kept[0])
                kept[0].setParent(None)
                kept[0].deleteLater()
        card.labels = labels
        card.place_rules(rules)

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
        texts += [kept[0].text() for card in self._built[:self._shown] for kept in card.labels]
        return "\n".join(t for t in texts if t)

    def _clear_cards(self) -> None:
        for card in self._built[:self._shown]:
            card.frame.hide()
        self._shown = 0

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
