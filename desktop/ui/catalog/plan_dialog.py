"""New / edit plan or add-on (docs/design.md#vocabulary): price, tax category (rule 17),
frequency, deposit, group, allowances, add-ons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import ADDON, PLAN, Plan
from desktop.domain.periods import UNITS, Frequency
from desktop.i18n import _
from desktop.i18n.messages import reason
from desktop.ui.catalog.tax_category import categories
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.icons import icon
from desktop.ui.common.widgets import ErrorLabel, label, offer
from desktop.ui.common.workers import run_alone


class PlanDialog(FormDialog):
    """Edits a copy of a Plan; on OK CatalogService.save_plan decides. `plan_id` holds the
    result."""

    def __init__(self, catalog: Any, formatter: Any, plan: Plan | None = None, kind: str = PLAN,
                 parent: QWidget | None = None, run: Callable[..., Any] = run_alone):
        super().__init__(_("Save"), parent)
        self.setObjectName("planDialog")
        self._catalog, self._formatter = catalog, formatter
        self._run = run  # how save_plan is called: the catalog page's runner
        self._original = plan
        self.plan_id = plan.id if plan else None
        kind = plan.kind if plan else kind
        titles = {(True, PLAN): _("New plan"), (True, ADDON): _("New add-on"),
                  (False, PLAN): _("Edit plan"), (False, ADDON): _("Edit add-on")}
        self.setWindowTitle(titles[(plan is None, kind)])
        self.setMinimumWidth(560)

        self.name_edit = QLineEdit(objectName="planNameEdit")
        self.kind_combo = QComboBox(objectName="planKindCombo")
        self.kind_combo.addItem(_("Plan"), PLAN)
        self.kind_combo.addItem(_("Add-on"), ADDON)
        self.group_combo = QComboBox(objectName="planGroupCombo")
        self.group_combo.setEditable(True)
        self.group_combo.addItem("")
        self.group_combo.addItems(self._safe(catalog.groups, []))
        self.group_combo.lineEdit().setPlaceholderText(_("No group: every plan is offered"))
        self.price_edit = QLineEdit(objectName="planPriceEdit")
        self.deposit_edit = QLineEdit(objectName="planDepositEdit")
        self.tax_combo = QComboBox(objectName="planTaxCategoryCombo")
        for name, category in categories():
            self.tax_combo.addItem(name, category)
        for edit in (self.price_edit, self.deposit_edit):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(130)
        self.count_spin = QSpinBox(objectName="planFrequencyCount")
        self.count_spin.setRange(1, 52)
        self.unit_combo = QComboBox(objectName="planFrequencyUnit")
        for unit, text in zip(UNITS, (_("weeks"), _("months"), _("years"))):
            self.unit_combo.addItem(text, unit)
        self.one_off_check = QCheckBox(_("One-off (invoiced once)"), objectName="planOneOffCheck")
        self.archived_check = QCheckBox(_("Archived: no longer offered"),
                                        objectName="planArchivedCheck")
        # Rule 27: a one-off add-on sold by the unit of an allowance (a meeting-room hour uses
        # "Meeting room hours"), and how long a package's allowances last.
        self.unit_edit = QLineEdit(objectName="planAllowanceUnitEdit")
        self.unit_edit.setPlaceholderText(_("Not sold by the unit of an allowance"))
        self.months_spin = QSpinBox(objectName="planExpiresMonths")
        self.months_spin.setRange(0, 120)
        self.months_spin.setSuffix(" " + _("months"))
        self.months_spin.setSpecialValueText(_("12 months (the default)"))
        # Rule 25: what ending before the commitment end costs when it is waived.
        self.fee_combo = QComboBox(objectName="planTerminationFeeCombo")
        self.fee_combo.addItem(_("None"), None)
        self.fee_combo.addItem(_("The charges left in the commitment"), "remaining")
        self.fee_combo.addItem(_("A fixed amount"), "amount")
        self.fee_edit = QLineEdit(objectName="planTerminationFeeEdit")
        self.fee_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.fee_edit.setMaximumWidth(130)

        self.allowance_model = QStandardItemModel(0, 2, self)
        self.allowance_model.setHorizontalHeaderLabels([_("Allowance"), _("Per period")])
        self.allowance_view = QTableView(objectName="planAllowances")
        self.allowance_view.setModel(self.allowance_model)
        self.allowance_view.verticalHeader().hide()
        self.allowance_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.allowance_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.allowance_view.setMinimumHeight(110)
        # Tab moves on to the next field (docs/design.md#screens); arrows and Enter edit the cells.
        self.allowance_view.setTabKeyNavigation(False)
        add_allowance = QPushButton(icon("new"), _("Add"))
        remove_allowance = QPushButton(icon("delete"), _("Remove"))
        add_allowance.clicked.connect(lambda: self.add_allowance("", 1, edit=True))
        remove_allowance.clicked.connect(self._remove_allowance)

        self.addon_model = QStandardItemModel(self)
        self.addon_view = QListView(objectName="planAddons")
        self.addon_view.setModel(self.addon_model)
        self.addon_view.setMinimumHeight(110)

        errors = {key: ErrorLabel() for key in ("name", "kind", "group", "price", "tax_category",
                                                "frequency", "deposit", "allowances", "addons",
                                                "allowance_unit", "expires_months",
                                                "early_termination_fee")}
        form = self._form = QFormLayout()
        form.setVerticalSpacing(6)
        form.addRow(_("Name"), field_box(self.name_edit, error=errors["name"], stretch=False))
        form.addRow(_("Kind"), field_box(self.kind_combo, error=errors["kind"]))
        form.addRow(_("Group"), field_box(self.group_combo, error=errors["group"], stretch=False))
        form.addRow(_("Price per period"), field_box(self.price_edit, label(formatter.currency),
                                                  error=errors["price"]))
        # Rule 17: the category decides the rate (the site's standard or reduced one, zero) or
        # the exemption printed on the line.
        tax_caption = QLabel(_("&Tax category"))
        tax_caption.setBuddy(self.tax_combo)
        self.tax_combo.setAccessibleName(tax_caption.text().replace("&", ""))
        form.addRow(tax_caption, field_box(self.tax_combo, error=errors["tax_category"]))
        form.addRow(_("Billed every"), field_box(self.count_spin, self.unit_combo,
                                              self.one_off_check, error=errors["frequency"]))
        form.addRow(_("Refundable deposit"), field_box(self.deposit_edit, label(formatter.currency),
                                                    error=errors["deposit"]))
        form.addRow(_("Uses allowance"), field_box(self.unit_edit,
                                                   error=errors["allowance_unit"],
                                                   stretch=False))
        form.addRow(_("Package lasts"), field_box(self.months_spin,
                                                  error=errors["expires_months"]))
        form.addRow(_("Early termination fee"), field_box(
            self.fee_combo, self.fee_edit, label(formatter.currency),
            error=errors["early_termination_fee"]))
        form.addRow("", self.archived_check)
        for key, widget in (("early_termination_fee", self.fee_combo),
                            ("allowance_unit", self.unit_edit),
                            ("expires_months", self.months_spin),
                            ("name", self.name_edit), ("kind", self.kind_combo),
                            ("group", self.group_combo), ("price", self.price_edit),
                            ("tax_category", self.tax_combo), ("frequency", self.count_spin),
                            ("deposit", self.deposit_edit),
                            ("allowances", self.allowance_view), ("addons", self.addon_view)):
            self.problems.add(key, widget, errors[key])

        lists = QGridLayout()
        lists.setHorizontalSpacing(12)
        allowances_title = label(_("Allowances"), "sectionTitle")
        allowances_title.setBuddy(self.allowance_view)
        lists.addWidget(allowances_title, 0, 0)
        self.addons_title = label(_("Add-ons this plan offers"), "sectionTitle")
        self.addons_title.setBuddy(self.addon_view)
        lists.addWidget(self.addons_title, 0, 1)
        lists.addWidget(self.allowance_view, 1, 0)
        lists.addWidget(self.addon_view, 1, 1)
        allowance_buttons = QHBoxLayout()
        allowance_buttons.addWidget(add_allowance)
        allowance_buttons.addWidget(remove_allowance)
        allowance_buttons.addStretch(1)
        lists.addLayout(allowance_buttons, 2, 0)
        lists.addWidget(errors["allowances"], 3, 0)
        lists.addWidget(errors["addons"], 3, 1)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addLayout(lists)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

        self._load(plan, kind)
        self.name_edit.textChanged.connect(lambda: self.edited("name"))
        self.kind_combo.currentIndexChanged.connect(lambda: self.edited("kind"))
        self.group_combo.currentTextChanged.connect(lambda: self.edited("group"))
        self.price_edit.textChanged.connect(lambda: self.edited("price"))
        self.tax_combo.currentIndexChanged.connect(lambda: self.edited("tax_category"))
        self.deposit_edit.textChanged.connect(lambda: self.edited("deposit"))
        self.count_spin.valueChanged.connect(lambda: self.edited("frequency"))
        self.unit_combo.currentIndexChanged.connect(lambda: self.edited("frequency"))
        self.one_off_check.toggled.connect(lambda: self.edited("frequency"))
        self.one_off_check.toggled.connect(self._one_off_toggled)
        self.allowance_model.dataChanged.connect(lambda: self.edited("allowances"))
        self.allowance_model.rowsRemoved.connect(lambda: self.edited("allowances"))
        self.addon_model.itemChanged.connect(lambda: self.edited("addons"))
        self.check_locally()
        self.loaded()

    def typed(self) -> tuple:
        """Every field as typed, so closing asks only when something differs from the start."""
        model = self.allowance_model
        allowances = tuple((model.item(row, 0).text(), model.item(row, 1).text())
                           for row in range(model.rowCount()))
        addons = tuple(self.addon_model.item(row).checkState() == Qt.CheckState.Checked
                       for row in range(self.addon_model.rowCount()))
        return (self.name_edit.text(), self.kind(), self.group_combo.currentText(),
                self.price_edit.text(), self.tax_category(), self.deposit_edit.text(),
                self.count_spin.value(), self.unit_combo.currentData(),
                self.one_off_check.isChecked(),
                self.archived_check.isChecked(), allowances, addons, self.unit_edit.text(),
                self.months_spin.value(), self.fee_combo.currentIndex(), self.fee_edit.text())

    def unsaved_sentence(self) -> str:
        if self.kind() == ADDON:
            return _("This add-on has unsaved changes.")
        return _("This plan has unsaved changes.")

    @staticmethod
    def _safe(call, default):
        try:
            return call()
        except Exception:
            return default

    # -- loading ----------------------------------------------------------------------------
    def _load(self, plan: Plan | None, kind: str) -> None:
        f = self._formatter
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        frequency = plan.frequency if plan else Frequency("month")
        if plan:
            self.name_edit.setText(plan.name)
            self.group_combo.setCurrentText(plan.group or "")
            self.archived_check.setChecked(plan.archived)
            self._show_category(plan.tax_category)
            self.unit_edit.setText(plan.allowance_unit or "")
            self.months_spin.setValue(plan.expires_months or 0)
            fee = plan.early_termination_fee
            self.fee_combo.setCurrentIndex(0 if fee is None else 1 if fee == "remaining" else 2)
            if isinstance(fee, int):
                self.fee_edit.setText(f.money_plain(fee))
            for name, quantity in sorted(dict(plan.allowances).items()):
                self.add_allowance(name, quantity)
        self.price_edit.setText(f.money_plain(plan.price) if plan else "")
        self.deposit_edit.setText(f.money_plain(plan.deposit if plan else 0))
        self.one_off_check.setChecked(frequency is None)
        if frequency is not None:
            self.count_spin.setValue(frequency.count)
            self.unit_combo.setCurrentIndex(self.unit_combo.findData(frequency.unit))
        offered = set(plan.addons) if plan else set()
        addons = [p for p in self._safe(self._catalog.plans, [])
                  if p.kind == ADDON and (not p.archived or p.name in offered)]
        for addon in sorted(addons, key=lambda p: p.name.lower()):
            item = QStandardItem(addon.name)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if addon.name in offered
                               else Qt.CheckState.Unchecked)
            self.addon_model.appendRow(item)
        self._kind_changed()
        self._fee_chosen()
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.fee_combo.currentIndexChanged.connect(self._fee_chosen)
        self.fee_edit.textChanged.connect(lambda: self.edited("early_termination_fee"))

    def add_allowance(self, name: str, quantity: int, edit: bool = False) -> None:
        quantity_item = QStandardItem(str(quantity))
        quantity_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.allowance_model.appendRow([QStandardItem(name), quantity_item])
        if edit:
            index = self.allowance_model.index(self.allowance_model.rowCount() - 1, 0)
            self.allowance_view.setCurrentIndex(index)
            self.allowance_view.edit(index)

    def _remove_allowance(self) -> None:
        index = self.allowance_view.currentIndex()
        if index.isValid():
            self.allowance_model.removeRow(index.row())

    def _kind_changed(self) -> None:
        """Only add-ons can be one-off; only plans have a group, a deposit and add-ons: the
        fields that do not apply are not shown at all."""
        is_addon = self.kind() == ADDON
        self.one_off_check.setVisible(is_addon)
        if not is_addon:
            self.one_off_check.setChecked(False)
        for field in (self.group_combo, self.deposit_edit):
            row, _role = self._form.getWidgetPosition(field.parentWidget())
            if row >= 0:
                self._form.setRowVisible(row, not is_addon)
        for widget in (self.addon_view, self.addons_title):
            widget.setVisible(not is_addon)
        row, _role = self._form.getWidgetPosition(self.fee_combo.parentWidget())
        if row >= 0:  # rule 25: a plan's, not an add-on's
            self._form.setRowVisible(row, not is_addon)
        self._one_off_toggled()

    def _one_off_toggled(self) -> None:
        """A one-off add-on is invoiced once: it has no billing frequency to choose."""
        recurring = not self.one_off_check.isChecked()
        why = "" if recurring else _("A one-off add-on is invoiced once, so it has no billing "
                                     "frequency.")
        for widget in (self.count_spin, self.unit_combo):
            offer(widget, why)
        # Rule 27: only a one-off add-on is sold by the unit, or lasts as a package.
        one_off = self.kind() == ADDON and not recurring
        for field in (self.unit_edit, self.months_spin):
            row, _role = self._form.getWidgetPosition(field.parentWidget())
            if row >= 0:
                self._form.setRowVisible(row, one_off)

    # -- reading ----------------------------------------------------------------------------
    def _show_category(self, category: str) -> None:
        """Select the plan's category; one the catalog does not know (written by a tool) is shown
        as stored, for the service to refuse until another is chosen."""
        index = self.tax_combo.findData(category)
        if index < 0:
            self.tax_combo.addItem(str(category), category)
            index = self.tax_combo.count() - 1
        self.tax_combo.setCurrentIndex(index)

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def tax_category(self) -> str:
        return self.tax_combo.currentData()

    def allowances(self) -> tuple[dict[str, int], str]:
        """The allowances typed, and a sentence about the first one that is not valid."""
        values: dict[str, int] = {}
        for row in range(self.allowance_model.rowCount()):
            name = (self.allowance_model.item(row, 0).text() or "").strip()
            text = (self.allowance_model.item(row, 1).text() or "").strip()
            if not name:
                return values, _("Every allowance needs a name.")
            if not text.isdigit():
                return values, _("The allowance {name} must be a whole number, 0 or more.").format(
                    name=name)
            values[name] = values.get(name, 0) + int(text)
        return values, ""

    def offered_addons(self) -> tuple[str, ...]:
        if self.kind() == ADDON:
            return ()
        return tuple(self.addon_model.item(r).text() for r in range(self.addon_model.rowCount())
                     if self.addon_model.item(r).checkState() == Qt.CheckState.Checked)

    def _money(self, edit: QLineEdit) -> tuple[int | None, str]:
        try:
            amount = self._formatter.parse_money(edit.text())
        except ValueError as exc:
            return None, reason(exc)
        if amount < 0:
            return None, _("The amount cannot be negative.")
        return amount, ""

    def _fee_chosen(self) -> None:
        self.fee_edit.setVisible(self.fee_combo.currentData() == "amount")
        self.edited("early_termination_fee")

    def termination_fee(self) -> tuple[int | str | None, str]:
        """Rule 25's fee as chosen, and a sentence when the amount cannot be read."""
        chosen = self.fee_combo.currentData()
        if chosen != "amount":
            return chosen, ""
        return self._money(self.fee_edit)

    def check_locally(self) -> None:
        self.problems.set_local("early_termination_fee", self.termination_fee()[1])
        self.problems.set_local("name", "" if self.name_edit.text().strip()
                                else _("Enter the name of the plan."))
        self.problems.set_local("price", self._money(self.price_edit)[1])
        self.problems.set_local("deposit", self._money(self.deposit_edit)[1])
        self.problems.set_local("allowances", self.allowances()[1])

    def plan(self) -> Plan:
        """The plan as typed (call when there are no local problems)."""
        frequency = None if self.one_off_check.isChecked() else Frequency(
            self.unit_combo.currentData(), self.count_spin.value())
        is_plan = self.kind() != ADDON  # an add-on has no group and no deposit of its own
        return Plan(name=self.name_edit.text().strip(), price=self._money(self.price_edit)[0],
                    frequency=frequency,
                    deposit=self._money(self.deposit_edit)[0] if is_plan else 0,
                    group=(self.group_combo.currentText().strip() or None) if is_plan else None,
                    archived=self.archived_check.isChecked(), kind=self.kind(),
                    allowances=self.allowances()[0], addons=self.offered_addons(),
                    id=self.plan_id, tax_category=self.tax_category(),
                    **self._unit_fields(frequency is None))

    def _unit_fields(self, one_off: bool) -> dict:
        """Rule 27's fields, kept only where they apply (a one-off add-on); rule 25's fee
        (a plan's)."""
        if self.kind() != ADDON:
            return {"early_termination_fee": self.termination_fee()[0]}
        if not one_off:
            return {}
        return {"allowance_unit": self.unit_edit.text().strip() or None,
                "expires_months": self.months_spin.value() or None}

    def submit(self) -> None:
        self.plan_id = self._run(self._catalog.save_plan, self.plan()).id
