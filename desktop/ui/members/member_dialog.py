"""New / edit member dialog with inline validation; MemberService decides, the dialog explains."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.vat import vat_id_problem
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.widgets import ErrorLabel
from desktop.ui.members.member_mail import MemberMailFields

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class MemberDialog(FormDialog):
    """Creates a member (member_id None) or updates one; `member_id` holds the result."""

    def __init__(self, members: Any, member_id: int | None = None, parent: QWidget | None = None,
                 mail: Any = None):
        super().__init__(_("Create member") if member_id is None else _("Save"), parent)
        self.setObjectName("memberDialog")
        self._members = members
        self.member_id = member_id
        self.setWindowTitle(_("New member") if member_id is None else _("Edit member"))
        self.setMinimumWidth(420)

        self.name_edit = QLineEdit(objectName="memberNameEdit")
        self.email_edit = QLineEdit(objectName="memberEmailEdit")
        self.company_edit = QLineEdit(objectName="memberCompanyEdit")
        self.phone_edit = QLineEdit(objectName="memberPhoneEdit")
        self.notes_edit = QPlainTextEdit(objectName="memberNotesEdit")
        self.notes_edit.setFixedHeight(70)
        self.address_edit = QPlainTextEdit(objectName="memberBillingAddressEdit")
        self.address_edit.setFixedHeight(60)
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setPlaceholderText(_("Printed on the member's invoices"))
        self.vat_edit = QLineEdit(objectName="memberVatIdEdit")
        self.vat_edit.setPlaceholderText(_("e.g. DE136695976; empty when the member has none"))
        self.name_edit.setPlaceholderText(_("Ada Lovelace"))
        self.email_edit.setPlaceholderText(_("ada@example.org"))

        form = QFormLayout()
        form.setVerticalSpacing(8)
        for key, text, widget in (("name", _("Name"), self.name_edit),
                                  ("email", _("Email"), self.email_edit),
                                  ("company", _("Company"), self.company_edit),
                                  ("phone", _("Phone"), self.phone_edit),
                                  ("billing_address", _("&Billing address"), self.address_edit),
                                  ("vat_id", _("&VAT id"), self.vat_edit),
                                  ("notes", _("Notes"), self.notes_edit)):
            error = ErrorLabel()
            caption = QLabel(text)
            caption.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(caption, field_box(widget, error=error, stretch=False))
            self.problems.add(key, widget, error)
        # Rule 29: how the member receives documents (member_mail.py).
        self.mail = None if mail is None else MemberMailFields(mail, form, self.problems,
                                                                 self.edited)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

        if member_id is not None:
            self._load(member_id)
        for key, edit in (("name", self.name_edit), ("email", self.email_edit),
                          ("company", self.company_edit), ("phone", self.phone_edit)):
            edit.textChanged.connect(lambda _text, key=key: self.edited(key))
        self.notes_edit.textChanged.connect(lambda: self.edited("notes"))
        self.address_edit.textChanged.connect(lambda: self.edited("billing_address"))
        self.vat_edit.textChanged.connect(lambda: self.edited("vat_id"))
        self.check_locally()
        if member_id is not None:
            # A VAT id kept before ids were checked is marked at once: Save waits for it.
            self.problems.edited("vat_id")
        self.loaded()

    def typed(self) -> object:
        return (self.values(), self.mail.delivery() if self.mail is not None else None)

    def unsaved_sentence(self) -> str:
        return (_("This new member is not saved yet.") if self.member_id is None
                else _("This member has unsaved changes."))

    def _load(self, member_id: int) -> None:
        detail = self._members.get(member_id)
        self.name_edit.setText(detail.name)
        self.email_edit.setText(detail.email)
        self.company_edit.setText(detail.company or "")
        self.phone_edit.setText(detail.phone or "")
        self.notes_edit.setPlainText(detail.notes or "")
        self.address_edit.setPlainText(getattr(detail, "billing_address", "") or "")
        self.vat_edit.setText(getattr(detail, "vat_id", "") or "")
        if self.mail is not None:
            self.mail.load(member_id)

    def values(self) -> dict[str, str]:
        return {"name": self.name_edit.text().strip(), "email": self.email_edit.text().strip(),
                "company": self.company_edit.text().strip(),
                "phone": self.phone_edit.text().strip(), "notes": self.notes_edit.toPlainText(),
                "billing_address": self.address_edit.toPlainText().strip(),
                "vat_id": self.vat_edit.text().strip()}

    def check_locally(self) -> None:
        """Problems the dialog can see by itself; the service checks the rest (e.g. duplicates)."""
        values = self.values()
        self.problems.set_local("name", "" if values["name"] else _("Enter the member's name."))
        email = values["email"]
        if not email:
            message = _("Enter an email address.")
        elif not _EMAIL.match(email):
            message = _("“{email}” is not an email address.").format(email=email)
        else:
            message = ""
        self.problems.set_local("email", message)
        # Rule 17: the service checks it the same way (python-stdnum); said while typing.
        vat = vat_id_problem(values["vat_id"])
        self.problems.set_local("vat_id", "" if vat is None else say(vat))

    def submit(self) -> None:
        values = self.values()
        if self.member_id is None:
            self.member_id = self._members.create(**values).id
        else:
            self._members.update(self.member_id, **values)
        if self.mail is not None:
            self.mail.save(self.member_id)
