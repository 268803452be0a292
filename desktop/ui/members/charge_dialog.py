"""*Add charge…* on the member's account (rule 27): a catalogue product × quantity, or an
amount with a description and its tax category, on a day; it waits for the member's next
document, after what their allowances cover.

The service has the last word (`ChargeService.add`) and its refusals arrive translated, each
beside its field; nothing is written until it accepts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout

from desktop.domain.limits import MAX_QUANTITY
from desktop.i18n import _
from desktop.i18n.messages import reason
from desktop.ui.catalog.tax_category import categories
from desktop.ui.common.fields import date_edit, from_qdate, to_qdate
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.widgets import ErrorLabel, label

OTHER = -1  # the product list's last entry: an amount described by the operator


class ChargeDialog(FormDialog):
    """Product or amount, quantity, description, tax category and day; `recorded` holds the
    service's Changes once it accepted."""

    def __init__(self, charges: Any, member_id: int, member_name: str, formatter: Any,
                 today: date, parent=None):
        super().__init__(_("Add charge"), parent)
        self.setObjectName("chargeDialog")
        self.setWindowTitle(_("Add charge"))
        self._charges, self._member, self._formatter = charges, member_id, formatter
        self.recorded: Any = None
        self.ok_button.setObjectName("addChargeOk")
        self.product_combo = QComboBox(objectName="chargeProductCombo")
        for product in charges.products():
            text = _("{name} ({price} each)").format(name=product.name,
                                                    price=formatter.money(product.price))
            if product.allowance_unit:
                text += " · " + _("uses {allowance}").format(allowance=product.allowance_unit)
            self.product_combo.addItem(text, product.id)
        self.product_combo.addItem(_("Another amount…"), OTHER)
        self.quantity_spin = QSpinBox(objectName="chargeQuantitySpin")
        self.quantity_spin.setRange(1, MAX_QUANTITY)
        self.amount_edit = QLineEdit(objectName="chargeAmountEdit")
        self.description_edit = QLineEdit(objectName="chargeDescriptionEdit")
        self.category_combo = QComboBox(objectName="chargeTaxCategoryCombo")
        for name, category in categories():
            self.category_combo.addItem(name, category)
        self.date_edit = date_edit("chargeDateEdit", formatter)
        self.date_edit.setDate(to_qdate(today))
        intro = label(_("The charge goes on {name}'s next invoice. A product sold by the unit "
                        "of an allowance uses what the member holds of it first; only the rest "
                        "is billed.").format(name=member_name), "muted", wrap=True)
        intro.setMinimumWidth(400)
        self.form = QFormLayout()
        self.rows: dict[str, QLabel] = {}
        for key, caption, widget in (
                ("product", _("&Product"), self.product_combo),
                ("quantity", _("&Quantity"), self.quantity_spin),
                ("amount", _("&Amount"), self.amount_edit),
                ("description", _("D&escription"), self.description_edit),
                ("tax_category", _("&Tax category"), self.category_combo),
                ("day", _("&Date"), self.date_edit)):
            error = ErrorLabel()
            error.setObjectName(f"{key}Error")
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            self.rows[key] = caption_label
            self.form.addRow(caption_label, field_box(widget, error=error, stretch=False))
            widget.setAccessibleName(caption.replace("&", ""))
            self.problems.add(key, widget, error)
        body = QVBoxLayout(self)
        body.addWidget(intro)
        body.addLayout(self.form)
        body.addWidget(self.form_error)
        body.addWidget(self.buttons)
        self.product_combo.currentIndexChanged.connect(self._product_chosen)
        self.quantity_spin.valueChanged.connect(lambda: self.edited("quantity"))
        self.amount_edit.textChanged.connect(lambda: self.edited("amount"))
        self.description_edit.textChanged.connect(lambda: self.edited("description"))
        self.date_edit.dateChanged.connect(lambda: self.edited("day"))
        self.date_edit.textEdited.connect(lambda: self.edited("day"))
        self._product_chosen()
        self.loaded()

    def other(self) -> bool:
        return self.product_combo.currentData() == OTHER

    def _product_chosen(self) -> None:
        """A product takes a quantity; another amount its text, amount and tax category."""
        other = self.other()
        for key, shown in (("quantity", not other), ("amount", other), ("description", other),
                           ("tax_category", other)):
            self.form.setRowVisible(self.rows[key], shown)
        self.edited("product")

    def typed(self) -> object:
        return (self.product_combo.currentIndex(), self.quantity_spin.value(),
                self.amount_edit.text(), self.description_edit.text(),
                self.category_combo.currentIndex(), self.date_edit.text())

    def day(self) -> date | None:
        return from_qdate(self.date_edit.date()) if self.date_edit.readable() else None

    def amount(self) -> int | None:
        try:
            return self._formatter.parse_money(self.amount_edit.text())
        except ValueError:
            return None

    def check_locally(self) -> None:
        messages = {"amount": "", "description": "", "day": ""}
        if self.day() is None:
            messages["day"] = _("This is not a date. Type it like {example}.").format(
                example=self.date_edit.placeholderText())
        if self.other():
            try:
                amount = self._formatter.parse_money(self.amount_edit.text())
            except ValueError as exc:
                messages["amount"] = reason(exc)
            else:
                if amount <= 0:
                    messages["amount"] = _("The amount of a charge must be above zero.")
            if not self.description_edit.text().strip():
                messages["description"] = _("Describe what the charge is for.")
        for key, message in messages.items():
            self.problems.set_local(key, message)

    def submit(self) -> None:
        if self.other():
            self.recorded = self._charges.add(
                self._member, amount=self.amount(), description=self.description_edit.text(),
                tax_category=self.category_combo.currentData(), day=self.day())
        else:
            self.recorded = self._charges.add(
                self._member, product=self.product_combo.currentData(),
                quantity=self.quantity_spin.value(), day=self.day())
