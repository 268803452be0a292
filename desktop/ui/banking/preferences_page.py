"""The Direct debit page of Preferences (rule 30): the site's SEPA creditor identifier, checked
as it is typed (Save waits for a valid one), and the fee charged for a returned direct debit."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from desktop.domain.direct_debit.mandates import creditor_id_problem
from desktop.domain.limits import BadValue
from desktop.i18n import _
from desktop.i18n.messages import reason, say
from desktop.ui.common.forms import field_box
from desktop.ui.common.widgets import ErrorLabel


class DirectDebitPage(QWidget):
    """Attached to the Preferences dialog (`attach`); `save()` after the site's settings."""

    def __init__(self, mandates: Any, formatter: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("directDebitPage")
        self._mandates, self._formatter = mandates, formatter
        current = mandates.creditor()
        self.creditor_edit = QLineEdit(current.creditor_id, objectName="creditorIdEdit")
        self.creditor_edit.setPlaceholderText(_("e.g. DE98ZZZ09999999999"))
        self.fee_edit = QLineEdit(formatter.money_plain(current.return_fee),
                                  objectName="returnFeeEdit")
        self.fee_edit.setMaximumWidth(120)
        self.creditor_error, self.fee_error = ErrorLabel(), ErrorLabel()
        form = QFormLayout(self)
        form.addRow(_("Creditor identifier"), field_box(
            self.creditor_edit, error=self.creditor_error, stretch=False,
            hint=_("Your SEPA creditor identifier, from your bank: direct-debit files are "
                   "made under it and invoices name it.")))
        form.addRow(_("Return fee"), field_box(
            self.fee_edit, error=self.fee_error,
            hint=_("What a returned direct debit costs the member (0 for nothing).")))

    def attach(self, dialog: Any) -> None:
        dialog.tabs.addTab(self, _("&Direct debit"))
        problems = dialog.problems
        problems.add("creditor_id", self.creditor_edit, self.creditor_error)
        problems.add("return_fee", self.fee_edit, self.fee_error)

        def check(key: str, problem: str) -> None:
            problems.edited(key)
            problems.set_local(key, problem)

        self.creditor_edit.textChanged.connect(
            lambda: check("creditor_id", self.creditor_problem()))
        self.fee_edit.textChanged.connect(lambda: check("return_fee", self.fee_problem()))
        problems.set_local("creditor_id", self.creditor_problem())

    def creditor_problem(self) -> str:
        problem = creditor_id_problem(self.creditor_edit.text())
        return "" if problem is None else say(problem)

    def fee(self) -> int:
        text = self.fee_edit.text().strip()
        return self._formatter.parse_money(text) if text else 0

    def fee_problem(self) -> str:
        try:
            return "" if self.fee() >= 0 else _("The return fee is an amount from zero.")
        except (BadValue, ValueError) as exc:
            return reason(exc)

    def save(self) -> Any:
        return self._mandates.save_creditor(self.creditor_edit.text(), self.fee())
