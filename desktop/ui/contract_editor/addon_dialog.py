"""Add an add-on to a saved contract (rule 16 in docs/billing-rules.md): choose, see what it
invoices, add.

The sentence under the choice is computed with the domain's buy_addons on the loaded contract,
the function ContractService.add_addon invoices with, so the figure shown is the one
the member is charged (before tax, which the invoice adds, rule 17).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.contracts import effective_cancellation
from desktop.domain.invoicing import addon_amount_per_period, buy_addons
from desktop.domain.model import ACTIVE, ADDON, Contract, Plan
from desktop.domain.money import round_minor
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.errors import ValidationError
from desktop.ui.common.fields import Banner, styled_label
from desktop.ui.common.forms import accept_cancel_buttons
from desktop.ui.common.icons import icon
from desktop.ui.common.widgets import user_message

ADDON_ROLE = Qt.UserRole + 1
MAX_QUANTITY = 99


def price_text(formatter, addon: Plan, quantity: int = 1) -> str:
    """An add-on's price for the quantity: "€15.00 monthly" or "€300.00 one-off"."""
    every = formatter.frequency(addon.frequency) if addon.recurring else _("one-off")
    return _("{price} {every}").format(price=formatter.money(addon.price * quantity),
                                       every=every)


def addon_outcome(contract: Contract, status: str, addon: Plan, quantity: int, today: date,
                  formatter) -> list[str]:
    """What adding the add-on invoices, in sentences, as ContractService.add_addon does it."""
    fmt = formatter
    active = status == ACTIVE
    bought, lines = buy_addons(contract, [(addon, quantity)], today)
    item = bought.addons[-1]
    if not addon.recurring:
        # A one-off is invoiced at once, even before the contract starts.
        amount = sum(line.amount for line in lines)
        return [_("Invoiced once, now: {amount}.").format(amount=fmt.money(amount))]
    sentences = []
    if lines:
        line, amount = lines[0], fmt.money(sum(line.amount for line in lines))
        if line.days is None:
            sentences.append(_("Invoiced now for this whole period ({span}): {amount}.").format(
                span=fmt.period(line.period_start, line.period_end), amount=amount))
        else:
            sentences.append(_("Invoiced now for the rest of this period ({days}): {amount}.")
                             .format(days=fmt.days_of(line.days, line.period_days),
                                     amount=amount))
    renews = contract.next_invoice_date
    ends = effective_cancellation(contract)
    if renews is not None and (ends is None or ends > renews):
        frequency = contract.plan.frequency
        every = fmt.frequency(frequency) if frequency is not None else ""
        # Billed per the contract's period, converted from the add-on's own (rule 16).
        amount = fmt.money(round_minor(addon_amount_per_period(contract, item)))
        if active:
            sentences.append(_("Then {amount} {every} with the contract's invoices, from {day}.")
                             .format(amount=amount, every=every, day=fmt.date(renews)))
        else:
            sentences.append(_("Invoiced with the contract from its first invoice on {day}: "
                               "{amount} {every}.").format(day=fmt.date(renews), amount=amount,
                                                           every=every))
    elif not lines:
        sentences.append(_("Nothing is invoiced for it: the contract ends before its next "
                           "invoice."))
    return sentences


class AddonDialog(QDialog):
    """The add-ons the contract's plan offers, a quantity, what it invoices; OK adds it."""

    added = Signal(int)
    changed = Signal(object)  # what adding it changed (Changes), before `added`

    def __init__(self, contract_service, catalog_service, formatter, contract: Contract,
                 status: str, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("addAddonDialog")
        self.setWindowTitle(_("Add add-on"))
        self.setMinimumWidth(500)
        self._contracts, self._fmt = contract_service, formatter
        self._contract, self._status, self._today = contract, status, today
        self._build()
        try:
            offered = [p for p in catalog_service.plans(include_archived=False)
                       if p.kind == ADDON and p.name in contract.plan.addons]
        except Exception as error:
            offered = []
            self.error.show_message(user_message(error), "error")
        self._fill(offered)

    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(18, 16, 18, 14)
        column.setSpacing(10)
        heading = styled_label(_("Add add-on"), role="title", wrap=False)
        contract = self._contract
        subtitle = styled_label(_("Contract {number} — {plan}").format(
            number=contract.id, plan=contract.plan.name), role="subtitle")
        column.addWidget(heading)
        column.addWidget(subtitle)

        self.addonList = QListWidget(objectName="addonList")
        self.addonList.setIconSize(QSize(0, 0))
        self.addonList.setSpacing(1)
        self.addonList.setMinimumHeight(120)
        self.addonList.setMaximumHeight(160)
        self.empty_note = styled_label(role="hint")
        self.empty_note.setObjectName("addonListNote")
        self.empty_note.hide()
        self.quantitySpin = QSpinBox(objectName="addonQuantitySpin")
        self.quantitySpin.setRange(1, MAX_QUANTITY)
        self.quantitySpin.setMaximumWidth(90)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        form.addRow(_("Add-on"), self.addonList)
        form.addRow("", self.empty_note)
        form.addRow(_("Quantity"), self.quantitySpin)
        column.addLayout(form)

        column.addWidget(self._outcome_box())
        self.error = Banner("addonError", "error")
        column.addWidget(self.error)
        column.addStretch(1)

        buttons, self.okButton = accept_cancel_buttons(self, _("Add add-on"), "addAddonOkButton")
        column.addWidget(buttons)
        self.addonList.currentRowChanged.connect(self._chosen)
        self.quantitySpin.valueChanged.connect(self._chosen)

    def _outcome_box(self) -> QFrame:
        box = QFrame(objectName="addonOutcomeBox")
        box.setProperty("role", "banner")
        box.setProperty("kind", "info")
        row = QHBoxLayout(box)
        row.setContentsMargins(10, 8, 10, 8)
        glyph = QLabel()
        glyph.setPixmap(icon("invoice", "info").pixmap(16, 16))
        self.outcome = styled_label()
        self.outcome.setObjectName("addonOutcome")
        self.outcome.setTextFormat(Qt.PlainText)
        self.tax_note = styled_label(_("Prices exclude tax; tax is added on the invoice."),
                                     role="hint")
        self.tax_note.setObjectName("addonTaxNote")
        for label in (self.outcome, self.tax_note):
            label.setMinimumWidth(400)  # measured at the dialog's width, not squeezed first
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.outcome)
        text.addWidget(self.tax_note)
        text.addStretch(1)  # one sentence or three, they read from the top
        row.addWidget(glyph, 0, Qt.AlignTop)
        row.addLayout(text, 1)
        self.outcome_box = box
        return box

    def _fill(self, offered: list[Plan]) -> None:
        # A recurring add-on is held once; a one-off may be bought again (rule 16).
        held = {item.addon.id for item in self._contract.addons if item.addon.recurring}
        for addon in offered:
            text = _("{name} — {price} {every}").format(
                name=addon.name, price=self._fmt.money(addon.price),
                every=(self._fmt.frequency(addon.frequency) if addon.recurring
                       else _("one-off")))
            item = QListWidgetItem(text)
            item.setData(ADDON_ROLE, addon)
            item.setSizeHint(QSize(0, 30))
            if addon.id in held:
                item.setText(_("{text} (already held)").format(text=text))
                item.setFlags(Qt.NoItemFlags)
                item.setToolTip(_("This contract already has {name}.").format(name=addon.name))
            self.addonList.addItem(item)
        choosable = [row for row in range(self.addonList.count())
                     if self.addonList.item(row).flags() & Qt.ItemIsEnabled]
        if not offered:
            self.empty_note.setText(_("{plan} offers no add-ons.").format(
                plan=self._contract.plan.name))
        elif not choosable:
            self.empty_note.setText(_("This contract already has every add-on its plan "
                                      "offers."))
        self.empty_note.setVisible(not choosable)
        if choosable:
            self.addonList.setCurrentRow(choosable[0])
        self._chosen()

    # Choosing -----------------------------------------------------------------------------------

    def selected_addon(self) -> Plan | None:
        item = self.addonList.currentItem()
        if item is None or not item.flags() & Qt.ItemIsEnabled:
            return None
        return item.data(ADDON_ROLE)

    def _chosen(self, *_args) -> None:
        addon = self.selected_addon()
        self.error.clear()
        self.okButton.setEnabled(addon is not None)
        self.outcome_box.setVisible(addon is not None)
        if addon is not None:
            self.outcome.setText("\n".join(addon_outcome(
                self._contract, self._status, addon, self.quantitySpin.value(), self._today,
                self._fmt)))

    def accept(self) -> None:
        """Add the add-on; a refusal stays in the dialog as a sentence, nothing written."""
        addon = self.selected_addon()
        if addon is None:
            return
        try:
            changes = self._contracts.add_addon(self._contract.id, addon.id,
                                                self.quantitySpin.value())
        except ValidationError as error:
            self.error.show_message(" ".join(say(p.message) for p in error.problems) or str(error))
            return
        except Exception as error:
            self.error.show_message(user_message(error))
            return
        super().accept()
        self.changed.emit(changes)
        self.added.emit(self._contract.id)
