"""Ask which plan a new contract is for (the editor then opens on a draft)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import PLAN
from desktop.i18n import _
from desktop.ui.common.forms import run_modal
from desktop.ui.common.widgets import label, show_error, user_message


class PlanPicker(QDialog):
    def __init__(self, plans: list[Any], formatter: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("planPicker")
        self.setWindowTitle(_("New contract"))
        self.combo = QComboBox(objectName="newContractPlanCombo")
        for plan in plans:
            price = formatter.money(plan.price)
            every = formatter.frequency(plan.frequency) if plan.frequency else _("one-off")
            self.combo.addItem(_("{name} — {price} {every}").format(
                name=plan.name, price=price, every=every), plan.id)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Continue"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Plan"), self.combo)
        layout = QVBoxLayout(self)
        layout.addWidget(label(_("The contract opens in the editor, starting today; change its "
                                 "dates and price there before saving."), "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def plan_id(self) -> int | None:
        return self.combo.currentData()


def pick_plan(parent: QWidget, catalog: Any, formatter: Any) -> int | None:
    """The id of the chosen plan (offered plans only), or None when cancelled."""
    try:
        plans = [p for p in catalog.plans(include_archived=False) if p.kind == PLAN]
    except Exception as exc:
        show_error(parent, _("New contract"), user_message(exc))
        return None
    if not plans:
        show_error(parent, _("New contract"),
                   _("There is no plan to sell yet: create one on the Plans tab first."))
        return None
    dialog = PlanPicker(sorted(plans, key=lambda p: p.name.lower()), formatter, parent)
    return dialog.plan_id() if run_modal(dialog) == QDialog.DialogCode.Accepted else None
