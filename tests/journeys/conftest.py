"""The real window on a sample database, driven only by keyboard and mouse (docs/design.md#screens).

Every journey opens `create_main_window` on a copy of one sample database made once per run,
shows it, and waits for the first sweep. Helpers in `person.py` type, press shortcuts and click
visible widgets; nothing here sets a widget's value or calls a slot.
"""

from __future__ import annotations

import gc
import os
import shutil
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QThreadPool, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog  # noqa: E402

from desktop.app import create_main_window  # noqa: E402
from desktop.services.clock import FixedClock  # noqa: E402
from desktop.services.sample import demo  # noqa: E402
from desktop.storage.database import open_database  # noqa: E402

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session", autouse=True)
def styled_app(qapp):
    from desktop.ui.common.style import apply_style

    apply_style(qapp)
    return qapp


WATCHDOG_MS = 60_000  # far beyond any journey's own waits


@pytest.fixture(autouse=True)
def no_dialog_left_hanging(styled_app):
    """A dialog a test leaves up in exec() would hang the whole run: after a minute the watchdog
    closes every modal widget (so exec() returns) and the test fails, naming them."""
    closed: list[str] = []

    def close_modals() -> None:
        while (widget := QApplication.activeModalWidget()) is not None and len(closed) < 20:
            closed.append(widget.objectName() or type(widget).__name__)
            if isinstance(widget, QDialog):
                widget.done(QDialog.DialogCode.Rejected)
            else:
                widget.close()

    watchdog = QTimer()
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(close_modals)
    watchdog.start(WATCHDOG_MS)
    yield
    watchdog.stop()
    assert not closed, f"left open in exec(), closed after {WATCHDOG_MS // 1000} s: {closed}"


@pytest.fixture(scope="session")
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sample") / "frontdesk.sqlite3"
    db = open_database(str(path), now=FixedClock(TODAY).now())
    demo.load_demo(db, TODAY, members=25, seed=5)
    db.dispose()
    return str(path)


@pytest.fixture
def database(sample_database, tmp_path) -> str:
    copy = tmp_path / "frontdesk.sqlite3"
    shutil.copy(sample_database, copy)
    return str(copy)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_desk(qtbot, settings):
    """Open the window on a database, shown, active and swept once, as `frontdesk` starts."""
    windows = []

    def open_on(path: str, today: date = TODAY):
        # Garbage of earlier tests (Qt wrappers among it) is collected here, on the GUI
        # thread, not by the sweep's worker when an allocation there happens to trigger it.
        gc.collect()
        window = create_main_window(path, today, settings=settings)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        with qtbot.waitSignal(window.scheduler.finished, timeout=20000):
            window.start()
        return window

    yield open_on
    for window in windows:
        window.scheduler.stop()
        # Every background call (counts, searches) ends before the database is closed.
        QThreadPool.globalInstance().waitForDone(30000)
        for editor in window.live_editors():
            editor.hide()  # not close(): a guard would ask about unsaved changes
            editor.deleteLater()
        window.database.dispose()


@pytest.fixture
def desk(open_desk, database):
    return open_desk(database)
