"""Errors a person cannot fix in a field: a dialog with a copyable detail and the log's path.

Installed as the interpreter's exception hook by the composition root, so an error nobody
expected (a bug) is logged with its traceback and shown, instead of vanishing into a terminal.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.domain.model import Message, refusal
from desktop.i18n import _
from desktop.i18n.messages import say

_log = logging.getLogger(__name__)


def error_box(parent: QWidget | None, summary: str, detail: str,
              log_path: Path | None) -> QMessageBox:
    """The dialog: one sentence, where the log is, and the detail to copy (Show Details…)."""
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("Something went wrong"))
    box.setText(summary)
    where = (_("The details are also in the log file: {path}").format(path=log_path)
             if log_path else _("The details below say what happened."))
    box.setInformativeText(where + "\n" + _("Nothing was changed by the action that failed."))
    box.setDetailedText(detail)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    return box


class UnexpectedErrors:
    """sys.excepthook for the window: log with traceback, then tell the person in a dialog."""

    def __init__(self, log_path: Path | None) -> None:
        self.log_path = log_path
        self.shown: list[QMessageBox] = []

    def __call__(self, kind, error, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        _log.error("unexpected error", exc_info=(kind, error, tb))
        detail = "".join(traceback.format_exception(kind, error, tb))
        worded = refusal(error) if isinstance(error, Exception) else None
        if isinstance(worded, Message):  # the product's own sentence (a server away, issue 19)
            summary = say(worded)
        else:
            summary = _("Frontdesk ran into a problem it did not expect ({reason}).").format(
                reason=str(error).strip() or kind.__name__)
        box = error_box(QApplication.activeWindow(), summary, detail, self.log_path)
        self.shown.append(box)
        box.finished.connect(lambda _r, b=box: self.shown.remove(b))
        box.open()

    def install(self) -> None:
        sys.excepthook = self
