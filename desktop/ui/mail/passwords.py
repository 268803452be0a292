"""The SMTP password for this session (rule 29): from the system keyring when there is one;
where there is none, what the operator typed in Preferences or was asked once, held in memory
only — never written to the database, a settings file or the log."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from desktop.i18n import _


def _key(settings: Any) -> tuple[str, str]:
    return settings.user, settings.host


class SessionPassword:
    def __init__(self, mail: Any) -> None:
        self._mail = mail
        self._typed: dict[tuple[str, str], str] = {}
        self._asked: set[tuple[str, str]] = set()

    def get(self, settings: Any) -> str | None:
        if not settings.user:
            return None
        return self._typed.get(_key(settings)) or self._mail.password(settings)

    def keep(self, settings: Any, password: str) -> None:
        """In the keyring when there is one, else for this session."""
        if not self._mail.keep_password(settings, password):
            self._typed[_key(settings)] = password

    def ask_once(self, settings: Any, parent: QWidget | None) -> str | None:
        """The password, asking for it once per session when neither keyring nor typing has it."""
        known = self.get(settings)
        if known or not settings.user or _key(settings) in self._asked:
            return known
        self._asked.add(_key(settings))
        text, ok = QInputDialog.getText(
            parent, _("SMTP password"),
            _("The password of {user} on {host}, kept until Frontdesk closes:").format(
                user=settings.user, host=settings.host), QLineEdit.EchoMode.Password)
        if ok and text:
            self._typed[_key(settings)] = text
            return text
        return None
