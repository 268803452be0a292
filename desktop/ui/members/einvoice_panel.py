"""The member page's e-invoice line (rule 28): what an e-invoice to the member still lacks (the
address's postcode, city or country; the site's own data), or that nothing does, and
*E-invoice details…*, a small form for the address in its parts and the buyer reference
(Leitweg-ID). Added to MemberPage with a few lines."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.addresses import country_problem
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.einvoice_data import MemberEInvoice
from desktop.ui.common.forms import FormDialog, field_box, run_modal
from desktop.ui.common.widgets import ErrorLabel, label, show_error, user_message

FIELDS = ("street", "line2", "postcode", "city", "country", "buyer_reference")


class EInvoiceDialog(FormDialog):
    """The member's address in its parts and buyer reference, saved through the service."""

    def __init__(self, service: Any, member_id: int, parent: QWidget | None = None):
        super().__init__(_("Save"), parent)
        self.setObjectName("einvoiceDetailsDialog")
        self.setWindowTitle(_("E-invoice details"))
        self._service, self._member_id = service, member_id
        current = service.get(member_id)
        self.edits = {field: QLineEdit(getattr(current, field), objectName=f"{field}Edit")
                      for field in FIELDS}
        self.edits["country"].setMaxLength(2)
        captions = {"street": _("Street and n&umber"), "line2": _("Address line &2"),
                    "postcode": _("P&ostcode"), "city": _("Cit&y"),
                    "country": _("Country co&de"), "buyer_reference": _("&Buyer reference")}
        hints = {"country": _("Two letters (ISO 3166), e.g. DE, FR, BE."),
                 "buyer_reference": _("The Leitweg-ID of a German public body, or the "
                                      "reference the member asks for; XRechnung needs it.")}
        form = QFormLayout()
        for field, edit in self.edits.items():
            error = ErrorLabel()
            edit.setAccessibleName(captions[field].replace("&", ""))
            form.addRow(captions[field], field_box(edit, error=error,
                                                   hint=hints.get(field, "")))
            self.problems.add(field, edit, error)
            edit.textChanged.connect(lambda _text, field=field: self.edited(field))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.loaded()

    def typed(self) -> object:
        return tuple(edit.text() for edit in self.edits.values())

    def check_locally(self) -> None:
        problem = country_problem(self.edits["country"].text().strip().upper())
        self.problems.set_local("country", "" if problem is None else say(problem))

    def submit(self) -> None:
        self._service.save(self._member_id, MemberEInvoice(
            **{field: edit.text() for field, edit in self.edits.items()}))


class EInvoicePanel(QWidget):
    """One line on the member page: ready for e-invoices, or what is missing."""

    def __init__(self, service: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("einvoicePanel")
        self._service = service
        self.member_id: int | None = None
        self.status = label("", "einvoiceStatus", wrap=True)
        self.details_button = QPushButton(_("E-invoice details…"),
                                          objectName="einvoiceDetailsButton")
        self.details_button.clicked.connect(self.edit_details)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.details_button)
        if service is None:  # (showing it here would open it as a window of its own)
            self.hide()

    def show_member(self, member_id: int) -> None:
        if self._service is None:
            return
        self.member_id = member_id
        try:
            gaps = self._service.gaps(member_id)
        except Exception as exc:
            self.status.setText(user_message(exc))
            return
        self.status.setText(_("E-invoices: ready.") if not gaps else
                            _("E-invoices: {missing}").format(missing=" ".join(gaps)))

    def edit_details(self) -> bool:
        if self.member_id is None:
            return False
        try:
            dialog = EInvoiceDialog(self._service, self.member_id, self)
        except Exception as exc:
            show_error(self, _("E-invoice details"), user_message(exc))
            return False
        if not run_modal(dialog):
            return False
        self.show_member(self.member_id)
        return True
