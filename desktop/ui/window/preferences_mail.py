"""Preferences → Mail (rule 29): the site's SMTP server (host, port, STARTTLS / TLS / none,
user, sender), the password (into the system keyring, or kept for this session where there is
none; never shown back), and *Send a test message*, which says in one sentence what went wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.i18n import _
from desktop.services.mail.failures import failure_sentence
from desktop.services.mail.transport import MailFailure, SmtpSettings
from desktop.ui.common.forms import FormProblems, field_box
from desktop.ui.common.widgets import ErrorLabel, user_message
from desktop.ui.common.workers import Job, run_in_background
from desktop.ui.mail.passwords import SessionPassword


class MailTab(QWidget):
    def __init__(self, mail: Any, passwords: SessionPassword, problems: FormProblems,
                 edited: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailTab")
        self._mail, self._passwords = mail, passwords
        current = mail.smtp()
        self.host_edit = QLineEdit(current.host, objectName="smtpHostEdit")
        self.host_edit.setPlaceholderText(_("e.g. smtp.example.org"))
        self.security_combo = QComboBox(objectName="smtpSecurityCombo")
        for code, text in (("starttls", _("STARTTLS")), ("tls", _("TLS")),
                           ("none", _("None (unencrypted)"))):
            self.security_combo.addItem(text, code)
        self.security_combo.setCurrentIndex(max(0, self.security_combo.findData(
            current.security)))
        self.port_spin = QSpinBox(objectName="smtpPortSpin")
        self.port_spin.setRange(0, 65535)
        self.port_spin.setSpecialValueText(_("Default"))
        self.port_spin.setValue(current.port or 0)
        self.user_edit = QLineEdit(current.user, objectName="smtpUserEdit")
        self.password_edit = QLineEdit(objectName="smtpPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(
            _("Kept: type to replace it") if passwords.get(current) else "")
        self.sender_edit = QLineEdit(current.sender, objectName="smtpSenderEdit")
        self.sender_edit.setPlaceholderText(_("e.g. Hive Coworking <billing@example.org>"))
        self.test_to_edit = QLineEdit(objectName="testRecipientEdit")
        self.test_to_edit.setPlaceholderText(_("The address to send the test message to"))
        self.test_button = QPushButton(_("Send a &test message"), objectName="testMailButton")
        self.test_button.clicked.connect(self.send_test)
        self.test_result = QLabel(objectName="testMailResult")
        self.test_result.setWordWrap(True)
        self._job: Job | None = None

        form = QFormLayout(self)
        where = _("The password goes into the system keyring.") if mail.keyring_usable() else _(
            "This computer has no keyring: the password is kept until Frontdesk closes.")
        rows = (("smtp_host", _("SMTP server"), self.host_edit, ""),
                ("smtp_security", _("Security"), self.security_combo, ""),
                ("smtp_port", _("Port"), self.port_spin,
                 _("Default: 587 with STARTTLS, 465 with TLS, 25 without.")),
                ("smtp_user", _("User"), self.user_edit, _("Leave empty when the server asks "
                                                           "for no login.")),
                ("smtp_password", _("Password"), self.password_edit, where),
                ("smtp_sender", _("Sender"), self.sender_edit,
                 _("The address members see and answer to.")))
        for key, caption, widget, hint in rows:
            error = ErrorLabel()
            form.addRow(caption, field_box(widget, error=error, hint=hint,
                                           stretch=widget is self.port_spin))
            problems.add(key, widget, error)
            signal = (widget.currentIndexChanged if isinstance(widget, QComboBox) else
                      widget.valueChanged if isinstance(widget, QSpinBox) else widget.textChanged)
            signal.connect(lambda *_args, key=key: edited(key))
        form.addRow(_("Test"), field_box(self.test_to_edit, self.test_button,
                                         error=ErrorLabel(), stretch=False))
        form.addRow("", self.test_result)

    def settings(self) -> SmtpSettings:
        return SmtpSettings(self.host_edit.text().strip(), self.port_spin.value() or None,
                            str(self.security_combo.currentData()),
                            self.user_edit.text().strip(), self.sender_edit.text().strip())

    def _password(self, settings: SmtpSettings) -> str | None:
        return self.password_edit.text() or self._passwords.get(settings)

    def save(self) -> Any:
        """Save the settings (the service checks them) and keep a typed password."""
        settings = self.settings()
        changes = self._mail.save_smtp(settings)
        if self.password_edit.text():
            self._passwords.keep(settings, self.password_edit.text())
        return changes

    def send_test(self) -> None:
        """Send a test message with the settings as typed, off the window's thread."""
        settings = self.settings()
        recipient = self.test_to_edit.text().strip() or settings.sender
        password = self._password(settings)
        self.test_button.setEnabled(False)
        self.test_result.setText(_("Sending…"))
        self._job = run_in_background(
            lambda: self._mail.test_message(settings, password, recipient),
            lambda _result: self._tested(_("The test message was sent to {address}.").format(
                address=recipient)),
            lambda exc: self._tested(failure_sentence(exc.kind) if isinstance(exc, MailFailure)
                                     else user_message(exc)))

    def _tested(self, sentence: str) -> None:
        self._job = None
        self.test_button.setEnabled(True)
        self.test_result.setText(sentence)
