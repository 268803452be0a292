"""The change-plan assistant (docs/design.md#screens, rules 12-14): choose, compare, apply.

Eligible plans by group with upgrade / downgrade labels, the add-ons the plan offers, the
quantity, and when: now, on the next invoice date or on a chosen date. Each "when" is quoted by
ContractService with the sweep's own code, so *pay now* and the next billing date are what the
member will really be charged.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import ADDON, Plan
from desktop.domain.plan_changes import same_plan
from desktop.i18n import _
from desktop.ui.change_plan.comparison import (
    WHENS,
    Column,
    ComparisonModel,
    applied_sentence,
    blocked_reason,
    commitment_note,
    fit_rows,
)
from desktop.ui.common.fields import (
    Banner,
    change_label_text,
    date_edit,
    from_qdate,
    styled_label,
    to_qdate,
)
from desktop.ui.common.screens import fit_to_screen, scrolled
from desktop.ui.common.widgets import user_message

QUOTE_DELAY_MS = 100
PLAN_ROLE = Qt.UserRole + 1


class ChangePlanDialog(QDialog):
    """Change a contract's plan now, on its next invoice date or on a chosen date."""

    applied = Signal(int)
    changed = Signal(object)  # what the change did (Changes), just before `applied`

    def __init__(self, contract_service, catalog_service, formatter, contract_id: int,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("changePlanDialog")
        self.setWindowTitle(_("Change plan"))
        # Small enough for a 1600×1000 screen at scale 2: the content scrolls, the buttons stay.
        self.setMinimumSize(640, 400)
        self._fitted = False
        self._contracts, self._fmt, self._id = contract_service, formatter, contract_id
        self._options: dict[str, list] = {}
        self._timer = QTimer(self, singleShot=True, interval=QUOTE_DELAY_MS)
        self._timer.timeout.connect(self.quote_now)
        self._build()
        try:
            state = contract_service.load(contract_id)
            self._contract = state.contract
            self._addons = {p.name: p for p in catalog_service.plans(include_archived=False)
                            if p.kind == ADDON}
            options = list(contract_service.change_options(contract_id))
        except Exception as error:
            self._contract = None
            self.message.show_message(user_message(error), "error")
            self.applyButton.setEnabled(False)
            return
        self._show_contract(state.member_name, options)

    # Layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 12)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 14, 16, 8)
        column.setSpacing(10)
        self.heading = styled_label(role="title", wrap=False)
        self.current = styled_label(role="subtitle")
        self.current.setObjectName("currentPlanLabel")
        column.addWidget(self.heading)
        column.addWidget(self.current)

        body = QHBoxLayout()
        body.setSpacing(14)
        plans_box = QGroupBox(_("New plan"))
        plans_column = QVBoxLayout(plans_box)
        self.planList = QListWidget(objectName="planList")
        self.planList.setIconSize(QSize(0, 0))
        self.planList.setSpacing(2)
        self.planList.setMinimumWidth(250)
        plans_column.addWidget(self.planList)
        body.addWidget(plans_box, 2)

        right = QVBoxLayout()
        options_box = QGroupBox(_("Options"))
        form = QFormLayout(options_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        self.quantitySpin = QSpinBox(objectName="changeQuantitySpin")
        self.quantitySpin.setRange(1, 9999)
        self.quantitySpin.setMaximumWidth(100)
        form.addRow(_("Quantity"), self.quantitySpin)
        self.addonList = QListWidget(objectName="addonList")
        self.addonList.setFixedHeight(74)
        # A long entry ("… (one-off, invoiced today)" in German) wraps rather than scrolling
        # the list sideways on a narrow screen.
        self.addonList.setWordWrap(True)
        self.addonList.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.addonList.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.addon_note = styled_label(role="hint")
        addon_block = QWidget()
        addon_column = QVBoxLayout(addon_block)
        addon_column.setContentsMargins(0, 0, 0, 0)
        addon_column.addWidget(self.addonList)
        addon_column.addWidget(self.addon_note)
        form.addRow(_("Add-ons"), addon_block)
        right.addWidget(options_box)

        when_box = QGroupBox(_("When"))
        grid = QGridLayout(when_box)
        self.whenGroup = QButtonGroup(self)
        self.nowRadio = QRadioButton(objectName="whenNowRadio")
        self.nextRadio = QRadioButton(objectName="whenNextInvoiceRadio")
        self.dateRadio = QRadioButton(_("On a chosen date"), objectName="whenDateRadio")
        self.dateEdit = date_edit("changeDateEdit", self._fmt)
        # Why "on the next invoice date" cannot be chosen, said beside it (docs/design.md#screens).
        self.nextReason = styled_label(role="hint")
        self.nextReason.setObjectName("whenNextInvoiceReason")
        self.nextReason.setContentsMargins(24, 0, 0, 0)
        self.nextReason.hide()
        for row, radio in enumerate((self.nowRadio, self.nextRadio, self.dateRadio)):
            self.whenGroup.addButton(radio, row)
        grid.addWidget(self.nowRadio, 0, 0, 1, 2)
        grid.addWidget(self.nextRadio, 1, 0, 1, 2)
        grid.addWidget(self.nextReason, 2, 0, 1, 2)
        grid.addWidget(self.dateRadio, 3, 0)
        grid.addWidget(self.dateEdit, 3, 1, Qt.AlignLeft)
        # Rule 25: a change of plan keeps the member's commitment and notice; said here.
        self.commitmentNote = styled_label(role="hint")
        self.commitmentNote.setObjectName("commitmentNote")
        grid.addWidget(self.commitmentNote, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.nowRadio.setChecked(True)
        right.addWidget(when_box)
        right.addStretch(1)
        body.addLayout(right, 3)
        column.addLayout(body, 1)

        self.model = ComparisonModel(self._fmt, self)
        self.comparisonTable = QTableView(objectName="comparisonTable")
        self.comparisonTable.setAccessibleName(_("Comparison of when to change"))
        self.comparisonTable.setTabKeyNavigation(False)
        self.comparisonTable.setModel(self.model)
        self.comparisonTable.setSelectionMode(QAbstractItemView.NoSelection)
        self.comparisonTable.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.comparisonTable.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.comparisonTable.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        column.addWidget(styled_label(_("Compare before applying: what the member pays now and "
                                        "at the next billing date for each choice."), "hint"))
        column.addWidget(self.comparisonTable)

        self.noChange = Banner("noChangeMessage", "warning")
        self.message = Banner("changeMessage", "error")
        self.result = Banner("changeResult", "info")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.applyButton = self.buttons.addButton(_("Apply"), QDialogButtonBox.ApplyRole)
        self.applyButton.setObjectName("applyButton")
        self.applyButton.setProperty("primary", True)
        self.closeButton = self.buttons.button(QDialogButtonBox.Cancel)
        self.closeButton.setObjectName("closeButton")
        self.buttons.rejected.connect(self.reject)
        self.applyButton.clicked.connect(self.apply)
        self.buttons.setContentsMargins(16, 0, 16, 0)
        outer.addWidget(scrolled(content), 1)
        notes = QVBoxLayout()  # the banners stay in sight however far the content scrolls
        notes.setContentsMargins(16, 0, 16, 0)
        for banner in (self.noChange, self.message, self.result):
            notes.addWidget(banner)
        outer.addLayout(notes)
        outer.addWidget(self.buttons)
        # Enter applies: the visible primary button is the default (set once it is inside the
        # dialog), never a banner's hidden one nor Cancel.
        self.applyButton.setDefault(True)

        self.planList.currentRowChanged.connect(self._plan_chosen)
        self.quantitySpin.valueChanged.connect(self.quote_later)
        self.addonList.itemChanged.connect(self.quote_later)
        self.whenGroup.idToggled.connect(self._when_toggled)
        self.dateEdit.dateChanged.connect(self._date_changed)
        self.dateEdit.readableChanged.connect(self.quote_later)
        self.comparisonTable.horizontalHeader().sectionClicked.connect(self._column_clicked)
        self.comparisonTable.clicked.connect(lambda index: self._column_clicked(index.column()))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        first = not self._fitted
        if first:
            self._fitted = True
            fit_to_screen(self, QSize(1060, 780))
        super().showEvent(event)
        if first:  # the plan choice has the keyboard: Down chooses, it does not scroll
            self.planList.setFocus(Qt.FocusReason.OtherFocusReason)

    # Filling ------------------------------------------------------------------------------------

    def _show_contract(self, member_name: str, options: list) -> None:
        contract, fmt = self._contract, self._fmt
        self.heading.setText(_("Change plan — {member}").format(member=member_name))
        price = fmt.money(contract.price)
        frequency = fmt.frequency(contract.plan.frequency) if contract.plan.frequency else ""
        self.current.setText(_("Currently {plan} × {quantity} at {price} {frequency}; next "
                               "invoice {day}.").format(
            plan=contract.plan.name, quantity=contract.quantity, price=price,
            frequency=frequency, day=fmt.date(contract.next_invoice_date)
            if contract.next_invoice_date else "—"))
        self.commitmentNote.setText(commitment_note(contract, fmt))
        self.commitmentNote.setVisible(bool(self.commitmentNote.text()))
        for option in options:
            self._options.setdefault(option.plan.name, []).append(option)
        self.nowRadio.setText(_("Now"))
        self.nextRadio.setText(_("On the next invoice date, {day}").format(
            day=fmt.date(contract.next_invoice_date)) if contract.next_invoice_date
            else _("On the next invoice date"))
        chosen = next((o.on for o in options if o.when == "date" and o.on), None)
        self.dateEdit.blockSignals(True)
        self.dateEdit.setDate(to_qdate(chosen or contract.next_invoice_date or contract.start_date))
        self.dateEdit.blockSignals(False)
        self.quantitySpin.blockSignals(True)
        self.quantitySpin.setValue(contract.quantity)
        self.quantitySpin.blockSignals(False)
        for plan_options in self._options.values():
            plan, label = plan_options[0].plan, plan_options[0].label
            current = same_plan(plan, contract.plan)
            tag = _("current plan") if current else change_label_text(label)
            # The current plan at what this member pays (a custom price, rule 9), not its list.
            custom = contract.custom_price if current else None
            price = plan.price if custom is None else custom
            text = _("{plan} — {label}\n{price} {frequency}").format(
                plan=plan.name, label=tag, price=fmt.money(price),
                frequency=fmt.frequency(plan.frequency) if plan.frequency else "")
            item = QListWidgetItem(text)
            item.setData(PLAN_ROLE, plan)
            item.setSizeHint(QSize(0, 44))
            self.planList.addItem(item)
        if self.planList.count() == 0:
            self.message.show_message(_("No plan can be offered for this contract."), "error")
            self.applyButton.setEnabled(False)
            return
        # Start on the current plan: nothing is chosen for the operator, and "no change" says so
        # until they pick another plan or an add-on.
        current = next((row for row in range(self.planList.count())
                        if same_plan(self.planList.item(row).data(PLAN_ROLE), contract.plan)), 0)
        self.planList.setCurrentRow(current)

    def selected_plan(self) -> Plan | None:
        item = self.planList.currentItem()
        return None if item is None else item.data(PLAN_ROLE)

    def selected_when(self) -> str:
        return WHENS[max(self.whenGroup.checkedId(), 0)]

    def _plan_chosen(self, _row: int) -> None:
        plan = self.selected_plan()
        if plan is None or self._contract is None:
            return
        # A package is never held: ticking it buys it (again), invoiced at once (rule 16).
        held = {item.addon.name for item in self._contract.addons if item.addon.recurring}
        offered = [name for name in plan.addons if name in self._addons]
        names = list(dict.fromkeys([*sorted(held), *offered]))
        self.addonList.blockSignals(True)
        self.addonList.clear()
        for name in names:
            addon = self._addons.get(name)
            if addon is None and name not in held:
                continue
            text = name if addon is None else _("{name} · {price}").format(
                name=name, price=self._fmt.money(addon.price))
            if name in held:
                text = _("{text} (already held)").format(text=text)
            elif not addon.recurring:
                text = _("{text} (one-off, invoiced today)").format(text=text)
            item = QListWidgetItem(text)
            item.setData(PLAN_ROLE, addon)
            item.setFlags(Qt.ItemIsUserCheckable | (Qt.NoItemFlags if name in held
                                                    else Qt.ItemIsEnabled))
            item.setCheckState(Qt.Checked if name in held else Qt.Unchecked)
            self.addonList.addItem(item)
        self.addonList.blockSignals(False)
        self.addon_note.setText("" if names else _("This plan offers no add-ons."))
        self.addon_note.setVisible(not names)
        self.addonList.setVisible(bool(names))
        self.quote_now()

    def addon_ids(self) -> tuple[int, ...]:
        """The newly chosen add-ons (those already held stay as they are)."""
        ids = []
        for row in range(self.addonList.count()):
            item = self.addonList.item(row)
            addon = item.data(PLAN_ROLE)
            if (item.flags() & Qt.ItemIsEnabled and item.checkState() == Qt.Checked
                    and addon is not None):
                ids.append(addon.id)
        return tuple(ids)

    def chosen_date(self) -> date:
        return from_qdate(self.dateEdit.date())

    # Quotes -------------------------------------------------------------------------------------

    def quote_later(self, *_args) -> None:
        self._timer.start()

    def quote_now(self) -> None:
        """Quote the selection for each "when" and show them side by side."""
        self._timer.stop()
        plan = self.selected_plan()
        if plan is None or self._contract is None:
            return
        self._offer_next_invoice(blocked_reason(self._contract, plan, "next_invoice"))
        captions = {"now": _("Now"), "next_invoice": _("On the next invoice date"),
                    "date": _("On {day}").format(day=self._fmt.date(self.chosen_date()))}
        columns, no_change = [], False
        for when in WHENS:
            on = self.chosen_date() if when == "date" else None
            if when == "date" and not self.dateEdit.readable():
                columns.append(Column(when, captions[when], None, self.dateEdit.toolTip()))
                continue
            try:
                option = self._contracts.quote_change(
                    self._id, plan.id, when, on, self.quantitySpin.value(), self.addon_ids())
            except Exception as error:
                columns.append(Column(when, captions[when], None, user_message(error)))
                continue
            no_change |= bool(option.no_change)
            blocked = blocked_reason(self._contract, plan, when)
            columns.append(Column(when, captions[when], option, blocked))
        self.model.set_columns(columns)
        self.model.set_selected(WHENS.index(self.selected_when()))
        fit_rows(self.comparisonTable)
        if no_change:
            self.noChange.show_message(_("This selection would not change the membership."))
        else:
            self.noChange.clear()
        self._update_apply(columns, no_change)

    def _offer_next_invoice(self, reason: str) -> None:
        """Not offered when it would be refused: disabled, with the reason beside it and in its
        tooltip; a choice of it moves to "Now"."""
        self.nextRadio.setEnabled(not reason)
        self.nextRadio.setToolTip(reason)
        self.nextReason.setText(reason)
        self.nextReason.setVisible(bool(reason))
        if reason and self.nextRadio.isChecked():
            self.nowRadio.setChecked(True)

    def _update_apply(self, columns: list[Column], no_change: bool) -> None:
        selected = columns[WHENS.index(self.selected_when())] if columns else None
        problem = selected.problem if selected is not None else ""
        if problem:
            self.message.show_message(problem, "error")
        else:
            self.message.clear()
        self.applyButton.setEnabled(not no_change and not problem and selected is not None
                                    and selected.option is not None)
        self.applyButton.setToolTip("" if self.applyButton.isEnabled() else problem or _(
            "This selection would not change the membership."))

    def _when_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.model.set_selected(WHENS.index(self.selected_when()))
            self._update_apply(self.model.columns(), self.noChange.isVisible())

    def _date_changed(self, _qdate) -> None:
        self.dateRadio.setChecked(True)
        self.quote_later()

    def _column_clicked(self, column: int) -> None:
        if 0 <= column < len(WHENS) and self.whenGroup.button(column).isEnabled():
            self.whenGroup.button(column).setChecked(True)

    # Applying -----------------------------------------------------------------------------------

    def apply(self) -> None:
        """Run the change with the service and say what was done."""
        plan, when = self.selected_plan(), self.selected_when()
        if plan is None or not self.applyButton.isEnabled():
            return
        on = self.chosen_date() if when == "date" else None
        try:
            changes = self._contracts.change_plan(
                self._id, plan.id, when, on, self.quantitySpin.value(), self.addon_ids())
        except Exception as error:
            self.message.show_message(user_message(error), "error")
            return
        column = self.model.columns()[WHENS.index(when)]
        self.result.show_message(applied_sentence(
            self._fmt, self._contract, plan, self.quantitySpin.value(), when, column.option,
            self.chosen_date()))
        self.applyButton.hide()
        self.closeButton.setText(_("Close"))
        self.closeButton.setDefault(True)  # what is left to do: Enter closes
        for widget in (self.planList, self.quantitySpin, self.addonList, self.nowRadio,
                       self.nextRadio, self.dateRadio, self.dateEdit):
            widget.setEnabled(False)
        self.nextReason.hide()
        self.changed.emit(changes)
        self.applied.emit(changes.id)
