"""Errors nobody expected: logged with their traceback in a rotating file, shown in a dialog
with a copyable detail and the log's path; Ctrl+C in the terminal closes the window."""

from __future__ import annotations

import logging
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.log_file import start_logging
from desktop.ui.common.error_dialog import UnexpectedErrors
from desktop.ui.common.workers import run_in_background


def test_the_log_file_is_the_owners_alone_and_keeps_a_failed_background_call(qtbot, tmp_path):
    path = start_logging(tmp_path / "logs" / "frontdesk.log")
    try:
        assert path is not None
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        failed = []

        def broken():
            raise RuntimeError("disk on fire")

        job = run_in_background(broken, lambda _v: None, failed.append)
        qtbot.waitUntil(lambda: bool(failed), timeout=3000)
        del job
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
        assert "background call failed: disk on fire" in text
        assert "Traceback" in text and "RuntimeError" in text
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "baseFilename", "") == str(path):
                logging.getLogger().removeHandler(handler)
                handler.close()


def test_an_unexpected_error_opens_a_dialog_with_the_detail_and_the_log_path(qtbot, tmp_path):
    hook = UnexpectedErrors(tmp_path / "frontdesk.log")
    try:
        raise KeyError("plan 42")
    except KeyError:
        hook(*sys.exc_info())
    box = hook.shown[0]
    qtbot.waitUntil(box.isVisible, timeout=3000)
    assert isinstance(box, QMessageBox) and box.objectName() == "errorDialog"
    assert "did not expect" in box.text() and "plan 42" in box.text()
    assert str(tmp_path / "frontdesk.log") in box.informativeText()
    assert "Traceback" in box.detailedText() and "KeyError" in box.detailedText()
    box.close()
    assert QApplication.instance() is not None


def test_a_server_away_that_nobody_caught_is_said_in_the_products_sentence(qtbot, tmp_path):
    """Issue 19: never the driver's words, even from a call nobody expected to fail."""
    from desktop.storage.errors import ServerUnreachable

    hook = UnexpectedErrors(tmp_path / "frontdesk.log")
    try:
        raise ServerUnreachable("desk@db:5432/frontdesk")
    except ServerUnreachable:
        hook(*sys.exc_info())
    box = hook.shown[0]
    qtbot.waitUntil(box.isVisible, timeout=3000)
    assert box.text() == ("The server cannot be reached; nothing was saved or read, and what "
                          "the window shows is kept: try again once the server is back.")
    box.close()


def test_ctrl_c_in_the_terminal_closes_the_window(qtbot, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_STATE_HOME": str(tmp_path),
           "HOME": str(tmp_path), "FRONTDESK_DATABASE_URL": str(tmp_path / "site.sqlite3")}
    output = (tmp_path / "output.txt").open("w")
    process = subprocess.Popen([sys.executable, "-c", "import desktop.app as a; "
                                "raise SystemExit(a.run())"], env=env,
                               stdout=output, stderr=subprocess.STDOUT)
    log = Path(tmp_path) / "Frontdesk" / "log" / "frontdesk.log"
    try:
        qtbot.waitUntil(lambda: process.poll() is not None or (
            log.exists() and "window open on" in log.read_text(encoding="utf-8")),
            timeout=60000)
        assert process.poll() is None, (tmp_path / "output.txt").read_text()
        # The window opened on the database the environment names (frontdesk-gui reads it too).
        assert str(tmp_path / "site.sqlite3") in log.read_text(encoding="utf-8")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        output.close()
