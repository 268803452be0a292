"""File → Connect to a server… (docs/storage.md): the shared PostgreSQL server a desk works on.

Host, port, database and user are kept per user (QSettings, "server/…"); the password never is:
left empty, libpq reads ~/.pgpass; typed, it lives only in the address handed back for this
session. Test connects once off the GUI thread and says what happened; Connect does the same
and closes only when the server answered. "Use this computer's file" goes back to the local
database file. `add_connect_action` puts the action at the top of the File menu and says, in the
title bar and the status bar, which database is open.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.style import mark_invalid
from desktop.ui.common.workers import run_in_background

KEYS = ("host", "port", "database", "user")
LOCAL_FILE = ""  # what `chosen` holds when the desk goes back to its own file


def saved_server(settings: QSettings) -> dict | None:
    """The server this user chose last (no password), or None when they use their file."""
    if not settings.value("server/host", ""):
        return None
    return {key: settings.value(f"server/{key}", "") for key in KEYS}


class ConnectDialog(QDialog):
    """Asks for a server; `chosen` is its address (or LOCAL_FILE) once accepted.

    address(host, port, database, user, password) -> URL text; check(address) raises with a
    sentence when the server cannot be reached.
    """

    def __init__(self, settings: QSettings, address: Callable[..., str],
                 check: Callable[[str], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle(_("Connect to a server"))
        self.setMinimumWidth(420)
        self._settings, self._address, self._check = settings, address, check
        self.chosen: str | None = None
        saved = saved_server(settings) or {}
        self.host_edit = QLineEdit(saved.get("host", ""), objectName="serverHostEdit")
        self.host_edit.setPlaceholderText("db.example.org")
        self.port_spin = QSpinBox(objectName="serverPortSpin")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(int(saved.get("port") or 5432))
        self.database_edit = QLineEdit(saved.get("database") or "frontdesk",
                                       objectName="serverDatabaseEdit")
        self.user_edit = QLineEdit(saved.get("user") or getpass.getuser(),
                                   objectName="serverUserEdit")
        self.password_edit = QLineEdit(objectName="serverPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(_("Empty: read from ~/.pgpass"))
        form = QFormLayout()
        form.addRow(_("&Host"), self.host_edit)
        form.addRow(_("&Port"), self.port_spin)
        form.addRow(_("&Database"), self.database_edit)
        form.addRow(_("&User"), self.user_edit)
        form.addRow(_("Pass&word"), self.password_edit)
        note = QLabel(_("The password is never kept by Frontdesk."), objectName="passwordNote")
        note.setWordWrap(True)
        self.result_label = QLabel(objectName="connectResult")
        self.result_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.test_button = self.buttons.addButton(_("&Test"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.setObjectName("testServerButton")
        self.file_button = self.buttons.addButton(_("Use this computer's &file"),
                                                  QDialogButtonBox.ButtonRole.ResetRole)
        self.file_button.setObjectName("useFileButton")
        self.connect_button = self.buttons.addButton(_("&Connect"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setProperty("primary", True)
        self.connect_button.setDefault(True)
        self.test_button.clicked.connect(lambda: self._try(close=False))
        self.file_button.clicked.connect(self._use_file)
        self.buttons.accepted.connect(lambda: self._try(close=True))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._check_fields)
        self._busy = False
        self._check_fields()

    def _missing(self) -> list[QLineEdit]:
        return [e for e in (self.host_edit, self.database_edit, self.user_edit)
                if not e.text().strip()]

    def _check_fields(self) -> None:
        missing = self._missing()
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            mark_invalid(edit, edit in missing)
        ready = not missing and not self._busy
        why = ("" if ready else _("Connecting…") if self._busy
               else _("Fill in the host, the database and the user first."))
        for button in (self.connect_button, self.test_button):
            button.setEnabled(ready)
            button.setToolTip(why)

    def address(self) -> str:
        return self._address(self.host_edit.text().strip(), self.port_spin.value(),
                             self.database_edit.text().strip(), self.user_edit.text().strip(),
                             self.password_edit.text() or None)

    def _try(self, close: bool) -> None:
        if self._missing() or self._busy:
            return
        address = self.address()
        self._busy = True
        self._check_fields()
        self.result_label.setText(_("Connecting…"))
        run_in_background(lambda: self._check(address),
                          lambda _none: self._answered(address, None, close),
                          lambda error: self._answered(address, error, close))

    def _answered(self, address: str, error: BaseException | None, close: bool) -> None:
        self._busy = False
        self._check_fields()
        if error is not None:
            self.result_label.setText(str(error))
            return
        self.result_label.setText(_("The server answered."))
        if close:
            for key, value in zip(KEYS, (self.host_edit.text().strip(), self.port_spin.value(),
                                         self.database_edit.text().strip(),
                                         self.user_edit.text().strip())):
                self._settings.setValue(f"server/{key}", value)
            self._settings.sync()
            self.chosen = address
            self.accept()

    def _use_file(self) -> None:
        self._settings.remove("server")
        self._settings.sync()
        self.chosen = LOCAL_FILE
        self.accept()


def add_connect_action(window: Any, ask: Callable[[], None], name: str,
                       on_server: bool, short_name: str = "") -> QAction:
    """File → Connect to a server… first in the File menu; the title and status bar name the
    open database; on a server, backup and restore say that pg_dump is the server's job."""
    file_menu = window.menuBar().actions()[0].menu()
    action = QAction(_("&Connect to a server…"), window)
    action.setObjectName("connectServerAction")
    action.triggered.connect(ask)
    file_menu.insertAction(file_menu.actions()[0], action)
    window.setWindowTitle(_("Frontdesk — {database}").format(database=name))
    # A short name (a file's, its whole path in the tooltip) leaves room for the sweep's news.
    label = QLabel(short_name or name, objectName="databaseLabel")
    label.setToolTip(_("The database this window works on") + f"\n{name}")
    window.statusBar().addPermanentWidget(label)
    if on_server:
        file_menu.setToolTipsVisible(True)
        reason = _("Backups of a server are the server's job (pg_dump).")
        for backup in (window.backup_action, window.restore_action):
            backup.setEnabled(False)
            backup.setToolTip(reason)
            backup.setStatusTip(reason)
    return action
