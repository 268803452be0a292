"""The member dialog's mail fields (rule 29): how the member receives documents — as a PDF, a
Factur-X PDF, XRechnung XML or not by mail — and the address to send them to (empty: their
e-mail). Saved through the mail service after the member's own details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from desktop.i18n import _
from desktop.services.mail.service import Delivery
from desktop.ui.common.forms import FormProblems, field_box
from desktop.ui.common.widgets import ErrorLabel


class MemberMailFields:
    def __init__(self, mail: Any, form: QFormLayout, problems: FormProblems,
                 edited: Callable[[str], None]) -> None:
        self._mail = mail
        self.send_as_combo = QComboBox(objectName="memberSendAsCombo")
        for code, text in (("none", _("Not by mail")), ("pdf", _("PDF")),
                           ("facturx", _("Factur-X PDF")), ("xrechnung", _("XRechnung XML"))):
            self.send_as_combo.addItem(text, code)
        self.mail_to_edit = QLineEdit(objectName="memberMailToEdit")
        self.mail_to_edit.setPlaceholderText(_("Empty: the member's email"))
        for key, text, widget in (("send_as", _("Send documents"), self.send_as_combo),
                                  ("mail_to", _("Deliver to"), self.mail_to_edit)):
            error = ErrorLabel()
            caption = QLabel(text)
            caption.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(caption, field_box(widget, error=error, stretch=False))
            problems.add(key, widget, error)
        self.send_as_combo.currentIndexChanged.connect(lambda: edited("send_as"))
        self.mail_to_edit.textChanged.connect(lambda: edited("mail_to"))

    def load(self, member_id: int) -> None:
        delivery = self._mail.delivery(member_id)
        self.send_as_combo.setCurrentIndex(max(0, self.send_as_combo.findData(
            delivery.send_as)))
        self.mail_to_edit.setText(delivery.mail_to)

    def delivery(self) -> Delivery:
        return Delivery(str(self.send_as_combo.currentData()), self.mail_to_edit.text().strip())

    def save(self, member_id: int) -> Any:
        return self._mail.save_delivery(member_id, self.delivery())
