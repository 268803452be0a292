"""Quitting while an editor asks about its unsaved changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


def quit_when_closed(window: QWidget, editor: Any, waiting: list[Any]) -> None:
    """Once the editor closes (saved or discarded) the window goes on closing; if the person
    keeps the editor open, quitting is called off. `waiting` lists the editors asked so far."""
    closed, kept = getattr(editor, "closed", None), getattr(editor, "closeKept", None)
    if closed is None or kept is None or editor in waiting:
        return
    waiting.append(editor)

    def finish(go_on: bool) -> None:
        waiting.remove(editor)
        closed.disconnect(on_closed)
        kept.disconnect(on_kept)
        if go_on:
            QTimer.singleShot(0, window.close)

    def on_closed() -> None:
        finish(True)

    def on_kept() -> None:
        finish(False)

    closed.connect(on_closed)
    kept.connect(on_kept)
