"""The window's one runner of operations: what changed reaches every screen (DESIGN.md §6).

As Anki's CollectionOp does, a mutation returns a `Changes` (desktop/services/changes.py) and
the window hands it to every screen's `on_changes(changes)`: the member list, the member page,
the plans catalog, the Invoices and Transitions tabs, every open contract editor and the status
bar. Each screen asks the record whether it concerns it (`touches_member`, `touches_contract`,
`touches_catalog`, …) and refreshes itself; no screen knows which others are open, and the
window wires no refresh by hand.

Changes arrive three ways, all ending in `publish`: a call the window makes itself (`run`), a
screen that made one and reports what it returned (an editor's `changed` signal, the list's
`memberChanged`), and changes the window did not make (the sweep's report, another desk's
write, which `OtherDesks` reports as "anything may have changed").
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from PySide6.QtCore import QObject, Signal

from desktop.services.changes import THIS_WINDOW, Changes

_log = logging.getLogger(__name__)


class Operations(QObject):
    """Runs the window's mutations and tells every screen what changed.

    `screens()` lists the screens to tell now (a tab not built yet, a closed editor, is simply
    not in it: it reads everything when it is built or opened).
    """

    changed = Signal(object)  # every Changes published, after the screens were told

    def __init__(self, screens: Callable[[], Iterable[Any]], parent: QObject | None = None):
        super().__init__(parent)
        self._screens = screens

    def run(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a mutating service and publish what it changed (as this window's doing); its
        result comes back as the service returned it. A refusal raises, and nothing is told."""
        result = call(*args, **kwargs)
        self.done_here(changes_of(result))
        return result

    def done_here(self, changes: Changes, source: Any = None) -> None:
        """Publish what a call made in this window changed (`source`: the screen that made
        it), so an editor holding unsaved edits says it was changed in another window."""
        self.publish(changes if changes.by else changes.told_by(THIS_WINDOW), source)

    def publish(self, changes: Changes, source: Any = None) -> None:
        """Tell every screen but `source` (which already shows its own change)."""
        if not changes:
            return
        for screen in list(self._screens()):
            if screen is source or screen is None:
                continue
            try:
                screen.on_changes(changes)
            except RuntimeError:  # a window closed and deleted since it was listed
                _log.debug("a closed screen was not told of changes")
        self.changed.emit(changes)


def changes_of(result: Any) -> Changes:
    """The Changes a service call returned: itself, or the `changes` its result carries."""
    if isinstance(result, Changes):
        return result
    return getattr(result, "changes", None) or Changes()
