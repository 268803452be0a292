"""The member's SEPA mandate on the member page (rule 30): where it stands (active, revoked,
lapsing or lapsed) and *Direct-debit mandate…*, a dialog for the mandate and the account the
member pays from. A refusal (a reference too long or taken, an IBAN failing its check digits)
is shown in the dialog, in the reader's language, and nothing is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.direct_debit.mandates import iban_problem
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.errors import ValidationError
from desktop.ui.common.date_field import DateField
from desktop.ui.common.forms import accept_cancel_buttons, run_modal
from desktop.ui.common.widgets import label, user_message


def mandate_text(view: Any, formatter: Any) -> str:
    """The mandate in one sentence, or that there is none."""
    if view is None:
        return _("No direct-debit mandate: this member pays by transfer.")
    m, f = view.mandate, formatter
    if m.status == "revoked":
        return _("Mandate {reference} ({iban}) is revoked: nothing is collected.").format(
            reference=m.reference, iban=m.iban)
    if not view.usable:
        return _("Mandate {reference} ({iban}) lapsed on {date}, unused for 36 months: a new "
                 "signed mandate is needed.").format(reference=m.reference, iban=m.iban,
                                                      date=f.date(view.lapses_on))
    return _("Direct debit from {iban} under mandate {reference}, signed {signed}; it lapses "
             "on {date} unless used.").format(iban=m.iban, reference=m.reference,
                                             signed=f.date(m.signed),
                                             date=f.date(view.lapses_on))


class MandatePanel(QWidget):
    """The mandate's sentence and its button; `changed` carries what a save changed."""

    changed = Signal(object)  # noqa: N815 (Changes)

    def __init__(self, mandates: Any, formatter: Any, clock: Any,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mandatePanel")
        self._mandates, self._formatter, self._clock = mandates, formatter, clock
        self.member_id: int | None = None
        self.name = ""
        self.view: Any = None
        self.text = label("", "muted", wrap=True)
        self.text.setObjectName("mandateText")
        self.edit_button = QPushButton(_("Direct-debit &mandate…"), objectName="mandateButton")
        self.edit_button.clicked.connect(self.edit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(self.edit_button)

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter

    def show_member(self, member_id: int, name: str) -> None:
        self.member_id, self.name = member_id, name
        try:
            self.view = self._mandates.mandate(member_id)
        except Exception as exc:
            self.text.setText(user_message(exc))
            return
        self.text.setText(mandate_text(self.view, self._formatter))

    def edit(self) -> Any:
        if self.member_id is None:
            return None
        dialog = MandateDialog(self._mandates, self.member_id, self.name, self.view,
                               self._formatter, self._clock, self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        self.show_member(self.member_id, self.name)
        self.changed.emit(dialog.changes)
        return dialog.changes


class MandateDialog(QDialog):
    def __init__(self, mandates: Any, member_id: int, name: str, view: Any, formatter: Any,
                 clock: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mandateDialog")
        self.setWindowTitle(_("Direct-debit mandate"))
        self._mandates, self._member_id = mandates, member_id
        self.changes: Any = None
        mandate = view.mandate if view is not None else None
        self.reference = QLineEdit(mandate.reference if mandate else "",
                                   objectName="mandateReference")
        self.reference.setMaxLength(70)  # longer than allowed, so the refusal can say so
        self.signed = DateField("mandateSigned", formatter)
        day = mandate.signed if mandate else clock.today()
        self.signed.setDate(QDate(day.year, day.month, day.day))
        self.debtor = QLineEdit(mandate.debtor if mandate else name, objectName="mandateDebtor")
        self.iban = QLineEdit(mandate.iban if mandate else "", objectName="mandateIban")
        self.active = QCheckBox(_("&Active (uncheck when the member revokes it)"),
                                objectName="mandateActive")
        self.active.setChecked(mandate is None or mandate.status == "active")
        self.pays_from = QLineEdit(mandates.member_iban(member_id), objectName="memberIban")
        self.pays_from.setPlaceholderText(_("the mandate's IBAN"))
        self.error = label("", "formError", wrap=True)
        self.error.setObjectName("mandateError")
        self.error.hide()
        form = QFormLayout()
        form.addRow(_("&Reference:"), self.reference)
        form.addRow(_("&Signed on:"), self.signed)
        form.addRow(_("&Debtor:"), self.debtor)
        form.addRow(_("&IBAN:"), self.iban)
        form.addRow("", self.active)
        form.addRow(_("&Pays from:"), self.pays_from)
        buttons, self.save_button = accept_cancel_buttons(self, _("Save"), "saveMandateButton")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if not self.signed.readable():
            self._refused(_("The signature date cannot be read."))
            return
        day = self.signed.date()
        pays_from = self.pays_from.text().strip()
        if pays_from and (problem := iban_problem(pays_from)) is not None:
            self._refused(say(problem))  # checked first: the mandate is saved with it or not
            return
        try:
            changes = self._mandates.save(
                self._member_id, reference=self.reference.text(),
                signed=day.toPython(), debtor=self.debtor.text(), iban=self.iban.text(),
                status="active" if self.active.isChecked() else "revoked")
            changes |= self._mandates.set_member_iban(self._member_id, self.pays_from.text())
        except ValidationError as exc:
            self._refused(" ".join(say(problem.message) for problem in exc.problems))
            return
        except Exception as exc:
            self._refused(user_message(exc))
            return
        self.changes = changes
        super().accept()

    def _refused(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.show()
