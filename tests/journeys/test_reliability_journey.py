"""Nothing lost at the desk (issue 14, issue 8 item 9): File → Restore… picks a backup from a
list, newest first, and says what happened; a database file deleted while the window is open
stops the writing with a clear message and is never created again."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.storage.database import open_database
from person import bring_to_front, click, click_row, press, shortcut, when_modal

TAKEN = datetime(2026, 3, 1, 8, 15, 0)


def _names(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM members")}


def _add_member(path: Path, name: str) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO members (email, name, company, phone, notes, credit_balance, "
                     "deposit_held, archived, billing_address, vat_id) VALUES "
                     "('zed@example.org', ?, '', '', '', 0, 0, 0, '', '')", (name,))


def _open_file_menu_item(qtbot, window, mnemonic: Qt.Key) -> None:
    """Alt+F opens the File menu; the item's underlined letter chooses it."""
    bring_to_front(qtbot, window)
    shortcut("Alt+F", window)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    press(mnemonic, widget=QApplication.activePopupWidget())


def test_file_restore_lists_the_backups_newest_first_and_restores_the_chosen_one(
        qtbot, open_desk, database):
    path = Path(database)
    db = open_database(database, now=TAKEN)
    older = db.backup_now(TAKEN)
    _add_member(path, "Zed Newcomer")
    newer = db.backup_now(TAKEN + timedelta(days=1, hours=2))
    db.dispose()
    assert "Zed Newcomer" in _names(path)
    window = open_desk(database)
    seen_rows: list[list[str]] = []

    def pick_the_older(dialog) -> None:
        table = dialog.table
        seen_rows.extend([table.item(r, c).text() for c in range(3)]
                         for r in range(table.rowCount()))
        seen_rows.append([table.item(r, 0).toolTip() for r in range(table.rowCount())])
        click_row(table, 1)
        click(dialog.restore_button)

    seen = when_modal(pick_the_older)
    _open_file_menu_item(qtbot, window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0].objectName() == "restoreDialog"
    assert "a copy of the database as it is now is kept first" in seen[0].findChild(
        type(seen[0].empty), "restoreIntro").text()
    rows, names = seen_rows[:-1], seen_rows[-1]
    assert names == [newer.name, older.name]  # newest first, backups only, never the database
    assert rows[0][1] == "10:15:00" and rows[1][1] == "08:15:00"
    assert all(row[2].endswith("KB") for row in rows)
    qtbot.waitUntil(lambda: "Restored the backup of" in window.statusBar().currentMessage(),
                    timeout=5000)
    assert "the database as it was is kept as a backup" in window.statusBar().currentMessage()
    assert "Zed Newcomer" not in _names(path)
    assert older.exists() and newer.exists()
    safety = [p for p in window.database.list_backups() if p not in (older, newer)]
    assert len(safety) == 1 and "Zed Newcomer" in _names(safety[0])


def test_a_deleted_database_stops_the_writing_says_so_and_comes_back_from_a_backup(
        qtbot, open_desk, database):
    window = open_desk(database)
    path = Path(database)
    backup = window.database.backup_now(TAKEN)
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        companion.unlink(missing_ok=True)
    with qtbot.waitSignal(window.scheduler.failed, timeout=20000):
        bring_to_front(qtbot, window)
        shortcut("Ctrl+R", window)  # Tools → Run due transitions now, as the timer does
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "databaseLostMessage") is not None,
                    timeout=5000)
    message = window.findChild(QMessageBox, "databaseLostMessage")
    assert message.isVisible()
    assert "was deleted, moved or replaced" in message.text()
    assert "was deleted, moved or replaced" in window.statusBar().currentMessage()
    assert "SQL" not in window.statusBar().currentMessage()
    assert not window.scheduler.active  # the timer writes nothing more
    assert not path.exists()  # and no new empty file was created
    message.done(0)

    seen = when_modal(lambda dialog: click(dialog.restore_button))  # the newest, preselected
    _open_file_menu_item(qtbot, window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: "Restored the backup of" in window.statusBar().currentMessage(),
                    timeout=5000)
    assert path.exists() and window.scheduler.active
    assert backup.exists()
    window.services.members.create("Zed Newcomer", "zed@example.org")  # writing goes on
    assert "Zed Newcomer" in _names(path)


def _invoices(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM invoices").fetchone()[0]


def test_a_sweep_issuing_many_invoices_at_once_asks_first(qtbot, database, settings):
    import gc

    from PySide6.QtCore import QThreadPool

    from desktop.app import create_main_window

    gc.collect()
    before = _invoices(Path(database))
    three_years_on = datetime(2029, 12, 1).date()  # a clock set years ahead, say
    window = create_main_window(database, three_years_on, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        with qtbot.waitSignal(window.scheduler.catchUpNeeded, timeout=20000):
            window.start()
        question = window.findChild(QMessageBox, "catchUpQuestion")
        assert question is not None and question.isVisible()
        assert "would issue more than 24 invoices at once" in question.text()
        assert "cannot be removed" in question.text()
        assert _invoices(Path(database)) == before  # nothing issued before the answer
        with qtbot.waitSignal(window.scheduler.finished, timeout=60000):
            click(question.button(QMessageBox.StandardButton.Yes))
        assert _invoices(Path(database)) > before + 24
    finally:
        window.scheduler.stop()
        QThreadPool.globalInstance().waitForDone(30000)
        window.database.dispose()


def test_a_write_from_the_window_under_another_programs_lock_says_so_without_freezing(
        qtbot, open_desk, database):
    import time

    from desktop.storage.database import SHORT_WAIT_MS
    from desktop.storage.errors import DatabaseBusy

    window = open_desk(database)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        started = time.monotonic()
        try:
            window.services.members.create("Zed Newcomer", "zed@example.org")
        except DatabaseBusy as busy:
            message = str(busy)
        else:
            raise AssertionError("the write went through another program's lock")
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert message.startswith("Another program is using this database")
    assert "SQL" not in message and "sqlalche.me" not in message
    assert waited < SHORT_WAIT_MS / 1000 + 3  # a moment, never the 30 s of the background
    assert "Zed Newcomer" not in _names(Path(database))
