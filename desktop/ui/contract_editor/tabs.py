"""The General tab of the contract editor and what every tab shares (docs/design.md#screens,
rules 8-13).

Each tab shows a draft, reports the operator's edits as `edited(dict)` of Contract fields, and
names the widget and message label of each field so the editor can mark problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import PLAN, Contract, Plan
from desktop.domain.plan_changes import same_plan
from desktop.i18n import _
from desktop.i18n.messages import reason
from desktop.services.contracts.previews import CUSTOM_PRICE_BLOCK
from desktop.ui.common.fields import (
    FieldMessage,
    change_label_text,
    field_block,
    styled_label,
    wheel_scrolls_past,
)
from desktop.ui.common.icons import icon
from desktop.ui.common.widgets import offer

NEW, INACTIVE, ACTIVE, CANCELLED = "new", "inactive", "active", "cancelled"
PLAN_ROLE = Qt.UserRole + 1


@dataclass
class EditorContext:
    """What the tabs need besides the draft: how it may be edited and the catalog."""

    formatter: object
    status: str
    plans: list[Plan] = field(default_factory=list)
    basis: object = None  # the editor's EditorBasis once read: today and the site's settings

    @property
    def today(self):
        return getattr(self.basis, "today", None)

    @property
    def on_boundary(self) -> bool:
        """Rule 25: the site's "cancellations end on a period boundary" (on by default)."""
        state = getattr(self.basis, "state", None)
        return getattr(getattr(state, "settings", None), "cancellations_on_boundary", True)

    @property
    def free(self) -> bool:
        """Rule 10: a contract that has not started edits plan, price and dates freely."""
        return self.status in (NEW, INACTIVE)

    @property
    def locked(self) -> bool:
        """A cancelled contract's plan and dates are history."""
        return self.status == CANCELLED

    def ended(self) -> str:
        """Why nothing of a cancelled contract's terms can be edited ("" when they can)."""
        return _("This contract has ended: its plan, price and dates are history.") \
            if self.locked else ""

    def fixed(self) -> str:
        """Why the start, the anchor or the plan cannot be edited any more ("" when they can)."""
        if self.free:
            return ""
        return self.ended() or _("Fixed once the contract has started.")


def form_layout(widget: QWidget) -> QFormLayout:
    """An aligned form at the top of the tab; spare height goes below it, not between rows."""
    outer = QVBoxLayout(widget)
    outer.setContentsMargins(0, 0, 0, 0)
    form = QFormLayout()
    outer.addLayout(form)
    outer.addStretch(1)
    form.setContentsMargins(18, 16, 18, 16)
    form.setHorizontalSpacing(16)
    form.setVerticalSpacing(12)
    form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
    # Side by side while there is room; on a narrow editor (German at scale 2) a field moves
    # under its label instead of the tab scrolling sideways.
    form.setRowWrapPolicy(QFormLayout.WrapLongRows)
    return form


LABEL_WIDTH = 130
# Where a wrapped sentence in a form row starts being measured (it is measured too narrow
# otherwise); small enough for the editor's tabs at scale 2.
WRAPPED_WIDTH = 280


def narrow_combo(combo: QComboBox) -> None:
    """A combo box as wide as its row gives it, not as its longest entry ("Hot desk, quarterly
    – aktueller Tarif, verlängert" pushed the General tab sideways); entries read in full when
    it opens."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(36)  # the width it asks for: most entries read whole
    combo.setMinimumWidth(200)          # the width it gives way to
# How far the quantity box lets typing go: far past the sane range (MAX_QUANTITY), so that the
# validation, not the box, refuses a quantity.
QUANTITY_TYPED = 999_999_999


def align_labels(form: QFormLayout) -> None:
    """Give every tab's labels one width so fields line up when switching tabs."""
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.LabelRole)
        if item is not None and item.widget() is not None:
            item.widget().setMinimumWidth(LABEL_WIDTH)
            item.widget().setAlignment(Qt.AlignRight | Qt.AlignTop)


class GeneralTab(QWidget):
    """Plan, custom price, quantity, next plan with its sentence, the custom-price block, notes."""

    edited = Signal(dict)
    localProblem = Signal(str, str)
    manualPathRequested = Signal()

    def __init__(self, formatter):
        super().__init__()
        self._fmt = formatter
        self._ctx: EditorContext | None = None
        self._plans: list[Plan] = []
        form = form_layout(self)

        # Rows are shown and hidden with setRowVisible so a hidden row leaves no gap.
        self._form = form
        self.plan_combo = QComboBox(objectName="planCombo")
        narrow_combo(self.plan_combo)
        self.plan_message = FieldMessage("planMessage")
        self.plan_note = styled_label(role="hint")
        self.plan_note.setObjectName("planNote")
        form.addRow(_("Plan"), field_block(self.plan_combo, self.plan_message,
                                           below=(self.plan_note,)))

        self.price_edit = QLineEdit(objectName="customPriceEdit")
        self.price_edit.setPlaceholderText(_("same as plan"))
        self.price_edit.setClearButtonEnabled(True)
        self.price_edit.setMaximumWidth(160)
        self.price_hint = styled_label(role="hint")  # wraps on a narrow tab, never cut
        self.price_hint.setObjectName("planPriceHint")
        self.price_message = FieldMessage("customPriceMessage")
        self.price_note = styled_label(role="hint")
        self.price_note.setObjectName("customPriceClearedNote")
        self.price_note.hide()
        form.addRow(_("Custom price"), field_block(self.price_edit, self.price_message,
                                                   self.price_hint, below=(self.price_note,)))

        self.quantity_spin = QSpinBox(objectName="quantitySpin")
        # Whatever is typed stays as typed: "-3" or "99999" is marked and said why by the
        # validation (docs/billing-rules.md), never turned into 3 or 9999 by the box itself.
        self.quantity_spin.setRange(-QUANTITY_TYPED, QUANTITY_TYPED)
        self.quantity_spin.setMaximumWidth(100)
        self.quantity_message = FieldMessage("quantityMessage")
        form.addRow(_("Quantity"), field_block(self.quantity_spin, self.quantity_message))

        self.next_plan_combo = QComboBox(objectName="nextPlanCombo")
        narrow_combo(self.next_plan_combo)
        self.next_plan_combo.setModel(QStandardItemModel(self.next_plan_combo))
        self.next_plan_message = FieldMessage("nextPlanMessage")
        self.description = styled_label()
        self.description.setObjectName("nextPlanDescription")
        self.description.setTextFormat(Qt.PlainText)
        self.description.setMinimumWidth(WRAPPED_WIDTH)  # see customPriceBlockText
        self.block = self._custom_price_block()
        next_block = field_block(self.next_plan_combo, self.next_plan_message)
        self.next_plan_label = QLabel(_("Next plan"))
        form.addRow(self.next_plan_label, next_block)
        self._next_block = next_block
        form.addRow("", self._with_icon(self.description))
        form.addRow("", self.block)

        self.notes_edit = QPlainTextEdit(objectName="notesEdit")
        self.notes_edit.setPlaceholderText(_("Anything the front desk should know"))
        self.notes_edit.setMaximumHeight(70)
        self.notes_edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        form.addRow(_("Notes"), self.notes_edit)
        align_labels(form)
        wheel_scrolls_past(self.plan_combo, self.quantity_spin, self.next_plan_combo)
        form.setRowVisible(self.block, False)
        form.setRowVisible(self._description_box, False)

        self.plan_combo.currentIndexChanged.connect(self._plan_chosen)
        self.price_edit.textEdited.connect(self._price_typed)
        self.quantity_spin.valueChanged.connect(lambda v: self.edited.emit({"quantity": v}))
        self.next_plan_combo.currentIndexChanged.connect(self._next_plan_chosen)
        self.notes_edit.textChanged.connect(
            lambda: self.edited.emit({"notes": self.notes_edit.toPlainText()}))

    def _with_icon(self, label: QLabel) -> QWidget:
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 4, 0, 0)
        glyph = QLabel()
        glyph.setPixmap(icon("about", "info").pixmap(14, 14))
        row.addWidget(glyph, 0, Qt.AlignTop)
        row.addWidget(label, 1)
        self._description_box = box
        return box

    def _custom_price_block(self) -> QFrame:
        frame = QFrame(objectName="customPriceBlock")
        frame.setProperty("role", "banner")
        frame.setProperty("kind", "warning")
        row = QVBoxLayout(frame)
        row.setContentsMargins(10, 8, 10, 8)
        text = styled_label(_(
            "This contract has a custom price, so it cannot switch to another plan on its own: "
            "it may only renew on its plan or end. To move it to another plan, cancel "
            "it and start a new term on the new plan."))
        text.setObjectName("customPriceBlockText")
        # A wrapped label inside a form row is measured narrow; start it at a realistic width.
        text.setMinimumWidth(WRAPPED_WIDTH)
        button = QPushButton(_("Cancel and start a new term…"), objectName="manualPathButton")
        button.clicked.connect(self.manualPathRequested)
        self.manual_path_button = button  # offered as Create new term is (the editor says)
        row.addWidget(text)
        row.addWidget(button, 0, Qt.AlignLeft)
        frame.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        return frame

    def insert_above_notes(self, caption: str, block: QWidget) -> None:
        """A block of the editor's own (the add-ons) between the next plan and the notes."""
        row, _role = self._form.getWidgetPosition(self.notes_edit)
        self._form.insertRow(row, caption, block)
        align_labels(self._form)

    def fields(self) -> dict[str, tuple[QWidget, FieldMessage]]:
        return {"plan": (self.plan_combo, self.plan_message),
                "custom_price": (self.price_edit, self.price_message),
                "quantity": (self.quantity_spin, self.quantity_message),
                "next_plan": (self.next_plan_combo, self.next_plan_message)}

    # Showing a draft ---------------------------------------------------------------------------

    def load(self, draft: Contract, ctx: EditorContext,
             eligible: list[tuple[Plan, str]]) -> None:
        """Show a draft afresh (on open, revert and reload)."""
        self._ctx = ctx
        self._plans = [p for p in ctx.plans if p.kind == PLAN
                       and (not p.archived or same_plan(p, draft.plan))]
        if not any(same_plan(p, draft.plan) for p in self._plans):
            self._plans.insert(0, draft.plan)
        with Blocked(self.plan_combo, self.price_edit, self.quantity_spin, self.notes_edit):
            self.plan_combo.clear()
            for plan in self._plans:
                self.plan_combo.addItem(plan.name)
            self.plan_combo.setCurrentIndex(self._plan_index(draft.plan))
            self.price_edit.setText("" if draft.custom_price is None
                                    else self._fmt.money_plain(draft.custom_price))
            self.quantity_spin.setValue(draft.quantity)
            self.notes_edit.setPlainText(draft.notes)
        self.price_note.hide()
        offer(self.plan_combo, ctx.ended() or self._plan_note(ctx) if not ctx.free else "")
        for widget in (self.price_edit, self.quantity_spin):
            offer(widget, ctx.ended())
        self.plan_note.setText(self._plan_note(ctx))
        self.plan_note.setVisible(bool(self.plan_note.text()))
        # Rule 10: before the start there is one plan choice; plan and next plan stay equal.
        # A cancelled contract has no next plan to choose.
        self._form.setRowVisible(self._next_block, ctx.status == ACTIVE)
        self.set_next_plans(draft, eligible)
        self.update_derived(draft)

    def _plan_note(self, ctx: EditorContext) -> str:
        if ctx.status == ACTIVE:
            return _("To move to another plan, choose a next plan below or use Change plan…")
        if ctx.free:
            return _("Renews on this plan: a contract that has not started keeps its plan and "
                     "next plan the same.")
        return ""

    def _plan_index(self, plan: Plan) -> int:
        return next((i for i, p in enumerate(self._plans) if same_plan(p, plan)), -1)

    def set_next_plans(self, draft: Contract, eligible: list[tuple[Plan, str]]) -> None:
        """Fill the next-plan list: eligible plans with their labels, then the blank entry."""
        model: QStandardItemModel = self.next_plan_combo.model()
        with Blocked(self.next_plan_combo):
            model.clear()
            entries = [(plan, label) for plan, label in eligible]
            if not any(same_plan(p, draft.plan) for p, _label in entries):
                entries.insert(0, (draft.plan, ""))
            chosen = draft.next_plan
            if chosen is not None and not any(same_plan(p, chosen) for p, _l in entries):
                entries.append((chosen, _("not eligible")))
            for plan, label in entries:
                if same_plan(plan, draft.plan):
                    text = _("{plan} — current plan, renews").format(plan=plan.name)
                else:
                    text = _("{plan} — {label}").format(plan=plan.name,
                                                       label=change_label_text(label))
                item = QStandardItem(text)
                item.setData(plan, PLAN_ROLE)
                model.appendRow(item)
            blank = QStandardItem(_("— End the contract —"))
            blank.setData(None, PLAN_ROLE)
            model.appendRow(blank)
            self.next_plan_combo.setCurrentIndex(self._next_index(chosen))
        self.next_plan_combo.setEnabled(not self._ctx.locked if self._ctx else True)
        self._apply_block(draft)

    def _next_index(self, plan: Plan | None) -> int:
        model = self.next_plan_combo.model()
        for row in range(model.rowCount()):
            candidate = model.item(row).data(PLAN_ROLE)
            if (plan is None and candidate is None) or (
                    plan is not None and candidate is not None and same_plan(candidate, plan)):
                return row
        return model.rowCount() - 1

    def _apply_block(self, draft: Contract) -> None:
        """Rule 9: with a custom price only the current plan and the blank entry can be chosen."""
        blocked = (self._ctx is not None and self._ctx.status == ACTIVE
                   and draft.custom_price is not None)
        model = self.next_plan_combo.model()
        for row in range(model.rowCount()):
            item = model.item(row)
            plan = item.data(PLAN_ROLE)
            other = plan is not None and not same_plan(plan, draft.plan)
            item.setEnabled(not (blocked and other))
            item.setToolTip(_("Not available: the contract has a custom price.")
                            if blocked and other else "")
        self._form.setRowVisible(self.block, blocked)

    def update_derived(self, draft: Contract) -> None:
        """Refresh what follows from the draft without touching what the operator types."""
        # Shown, not typed: grouped as the site writes money ("2.400,00 €"), like every amount.
        plan_price = self._fmt.money(draft.plan.price)
        self.price_hint.setText(_("plan price {amount}").format(amount=plan_price))
        self._apply_block(draft)

    def show_description(self, sentences: list[str]) -> None:
        """The describe() sentences under the next plan (rule 8: "This contract ends on …")."""
        if self.block.isVisibleTo(self):
            # The block box below explains rule 9 with its button; say it once.
            sentences = [s for s in sentences if s != _(CUSTOM_PRICE_BLOCK)]
        self.description.setText("\n".join(sentences))
        self._form.setRowVisible(self._description_box, bool(sentences))

    def show_cleared_price(self, amount: int) -> None:
        """Rule 10: choosing another plan cleared the custom price (agreed for the old plan)."""
        with Blocked(self.price_edit):
            self.price_edit.setText("")
        self.localProblem.emit("custom_price", "")
        self.price_note.setText(_("Choosing another plan cleared the custom price of {amount}; "
                                  "the new plan's price applies.").format(
            amount=self._fmt.money(amount)))
        self.price_note.show()

    # Edits ------------------------------------------------------------------------------------

    def _plan_chosen(self, index: int) -> None:
        if 0 <= index < len(self._plans):
            plan = self._plans[index]
            self.edited.emit({"plan": plan, "next_plan": plan})

    def _price_typed(self, text: str) -> None:
        self.price_note.hide()
        if not text.strip():
            self.localProblem.emit("custom_price", "")
            self.edited.emit({"custom_price": None})
            return
        try:
            amount = self._fmt.parse_money(text)
        except ValueError as error:
            self.localProblem.emit("custom_price", reason(error))
            return
        self.localProblem.emit("custom_price", "")
        self.edited.emit({"custom_price": amount})

    def _next_plan_chosen(self, index: int) -> None:
        if index >= 0:
            self.edited.emit({"next_plan": self.next_plan_combo.itemData(index, PLAN_ROLE)})


class Blocked:
    """Silence widgets' signals while the editor itself sets their values."""

    def __init__(self, *widgets):
        self._widgets = widgets

    def __enter__(self):
        self._previous = [w.blockSignals(True) for w in self._widgets]

    def __exit__(self, *exc):
        for widget, previous in zip(self._widgets, self._previous):
            widget.blockSignals(previous)
