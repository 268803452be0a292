"""Acting on a modal dialog from a test: `modal(name, act)` runs `act(dialog)` once the modal
dialog called `name` shows, and closes it afterwards if `act` left it open (a failed step must
not leave the test waiting on a dialog nobody closes)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def modal(name: str, act) -> list:
    """Run `act(dialog)` on the modal dialog called `name` once it is shown; the list holds
    the dialog once that happened."""
    done = []

    def poke():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != name:
            QTimer.singleShot(20, poke)
            return
        try:
            act(dialog)
        finally:
            done.append(dialog)
            if dialog.isVisible():
                # A message box has no reject of its own meaning; done(0) closes any dialog.
                dialog.done(0)

    QTimer.singleShot(0, poke)
    return done
