"""File → Connect to a server… (docs/storage.md): the dialog, what is kept (never the password),
the title and status bar naming the open database, and backups on a server left to pg_dump."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QSpinBox

import server_db
from desktop.app import create_main_window, switch_database
from desktop.storage import server
from desktop.ui.window.connect_dialog import ConnectDialog, saved_server

TODAY = date(2024, 4, 11)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def windows(qtbot):
    opened = []
    yield opened
    for window in opened:
        window.scheduler.stop()
        window.close()
        follower = getattr(window, "other_desks", None)
        if follower is not None:
            follower.stop()
        window.database.dispose()


def _type(widget, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def _fill(dialog, host: str, port: int, database: str, user: str, password: str = "") -> None:
    _type(dialog.findChild(QLineEdit, "serverHostEdit"), host)
    _type(dialog.findChild(QSpinBox, "serverPortSpin"), str(port))
    _type(dialog.findChild(QLineEdit, "serverDatabaseEdit"), database)
    _type(dialog.findChild(QLineEdit, "serverUserEdit"), user)
    if password:
        _type(dialog.findChild(QLineEdit, "serverPasswordEdit"), password)


def _dialog(qtbot, settings) -> ConnectDialog:
    dialog = ConnectDialog(settings, server.server_address, server.check_server)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_an_empty_host_is_marked_and_connect_stays_disabled(qtbot, settings):
    dialog = _dialog(qtbot, settings)
    _type(dialog.findChild(QLineEdit, "serverHostEdit"), "")
    assert not dialog.findChild(QPushButton, "connectButton").isEnabled()
    assert not dialog.findChild(QPushButton, "testServerButton").isEnabled()
    for name in ("connectButton", "testServerButton"):  # disabled, and says why
        assert dialog.findChild(QPushButton, name).toolTip() == (
            "Fill in the host, the database and the user first.")
    QTest.mouseClick(dialog.findChild(QPushButton, "connectButton"), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and saved_server(settings) is None


def test_test_says_why_a_server_cannot_be_reached_and_nothing_is_kept(qtbot, settings):
    dialog = _dialog(qtbot, settings)
    _fill(dialog, "127.0.0.1", 1, "frontdesk", "desk", "secret")
    QTest.mouseClick(dialog.findChild(QPushButton, "testServerButton"), Qt.MouseButton.LeftButton)
    result = dialog.findChild(QLabel, "connectResult")
    qtbot.waitUntil(lambda: "could not be reached" in result.text(), timeout=15000)
    assert result.text() == "desk@127.0.0.1:1/frontdesk could not be reached: Connection refused."
    QTest.mouseClick(dialog.findChild(QPushButton, "connectButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(QPushButton, "connectButton").isEnabled(),
                    timeout=15000)
    assert dialog.isVisible() and dialog.chosen is None and saved_server(settings) is None


def test_the_title_and_status_bar_name_the_file_and_backups_stay_on(qtbot, tmp_path, settings,
                                                                    windows):
    window = create_main_window(str(tmp_path / "desk.sqlite3"), TODAY, settings=settings)
    windows.append(window)
    assert window.windowTitle() == f"Frontdesk — {tmp_path / 'desk.sqlite3'}"
    label = window.findChild(QLabel, "databaseLabel")
    assert label.text() == "desk.sqlite3"  # the whole path in its tooltip
    assert str(tmp_path / "desk.sqlite3") in label.toolTip()
    assert window.backup_action.isEnabled() and window.restore_action.isEnabled()
    assert window.findChild(type(window.backup_action), "connectServerAction") is not None


@pytest.mark.server
def test_connecting_to_a_server_reopens_the_window_there_keeping_all_but_the_password(
        qtbot, tmp_path, settings, windows):
    from sqlalchemy.engine import make_url

    window = create_main_window(str(tmp_path / "desk.sqlite3"), TODAY, settings=settings)
    windows.append(window)
    url = make_url(server_db.fresh_database(migrated=False))
    dialog = _dialog(qtbot, settings)
    _fill(dialog, url.host, url.port, url.database, url.username, "not-needed")
    QTest.mouseClick(dialog.findChild(QPushButton, "testServerButton"), Qt.MouseButton.LeftButton)
    result = dialog.findChild(QLabel, "connectResult")
    qtbot.waitUntil(lambda: result.text() == "The server answered.", timeout=15000)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        QTest.mouseClick(dialog.findChild(QPushButton, "connectButton"),
                         Qt.MouseButton.LeftButton)
    assert saved_server(settings) == {"host": url.host, "port": url.port,
                                      "database": url.database, "user": url.username}
    kept = (tmp_path / "desk.ini").read_text()
    assert "not-needed" not in kept and "password" not in kept.lower()

    window.show()
    new = switch_database(window, dialog.chosen)
    windows.append(new)
    name = f"{url.username}@{url.host}:{url.port}/{url.database}"
    assert new.windowTitle() == f"Frontdesk — {name}"
    assert new.findChild(QLabel, "databaseLabel").text() == name
    assert not window.isVisible() and new.database.on_server
    for action in (new.backup_action, new.restore_action):
        assert not action.isEnabled()
        assert action.toolTip() == "Backups of a server are the server's job (pg_dump)."
    QApplication.processEvents()


def test_connecting_to_a_server_that_is_away_says_so_and_keeps_the_window(qtbot, tmp_path,
                                                                            settings, windows):
    """Issue 19: a server away is a DatabaseBusy, not a refusal; it escaped as an unexpected
    problem. Nothing listens on port 1 of this machine."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    window = create_main_window(str(tmp_path / "desk.sqlite3"), TODAY, settings=settings)
    windows.append(window)
    said: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        said.append(box.text())
        box.accept()

    QTimer.singleShot(0, answer)
    assert switch_database(window, "postgresql://desk@127.0.0.1:1/frontdesk") is None
    assert len(said) == 1 and "cannot be reached" in said[0]
    assert "psycopg" not in said[0] and "sqlalche" not in said[0]
    assert window.database.path is not None  # still on its file


def test_the_connect_dialog_at_start_up_speaks_the_users_language(qtbot, settings):
    """Where the server chosen last time is away, the dialog asking again was English in a
    German desk's start-up (from the menu it was German)."""
    import socket

    from PySide6.QtCore import QTimer

    from desktop.app import open_first_window
    from desktop.ui.window.language import LANGUAGE, apply_language

    with socket.socket() as probe:  # a port nobody listens on: the server is away
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for key, value in (("host", "127.0.0.1"), ("port", port), ("database", "frontdesk"),
                       ("user", "desk")):
        settings.setValue(f"server/{key}", value)
    settings.setValue(LANGUAGE.key, "de")
    seen: dict = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConnectDialog):
            QTimer.singleShot(10, answer)
            return
        seen["title"] = dialog.windowTitle()
        seen["labels"] = [label.text() for label in dialog.findChildren(QLabel)]
        dialog.reject()

    QTimer.singleShot(0, answer)
    try:
        assert open_first_window(None, TODAY, settings) is None  # given up: nothing opened
    finally:
        apply_language("en", "en_IE")
    assert seen["title"] == "Mit einem Server verbinden"
    assert "The password is never kept by Frontdesk." not in seen["labels"]
