"""The window's one runner of operations: what changed reaches every screen
(docs/design.md#screens).

As Anki's CollectionOp does, a mutation returns a `Changes` (desktop/services/changes.py) and
the window hands it to every screen's `on_changes(changes)`: the member list, the member page,
the plans catalog, the Invoices and Transitions tabs, every open contract editor and the status
bar. Each screen asks the record whether it concerns it (`touches_member`, `touches_contract`,
`touches_catalog`, …) and refreshes itself; no screen knows which others are open, and the
window wires no refresh by hand.

Changes arrive three ways, all ending in `publish`: a call run through `run`, by the window or
by a screen it gave `run` to (the contract editor's Save, the plans catalog's edits), a screen
that made one and reports what it returned (an editor's `changed` signal for a new term, a
change of plan or an add-on, the list's `memberChanged`), and changes the window did not make
(the sweep's report, another desk's write, which `OtherDesks` reports as "anything may have
changed").

Another desk's changes (docs/storage.md): `OtherDesks` looks every two seconds whether the
database was changed elsewhere (the watch from `desktop.storage.changes`); when it was, the
runner tells every screen that anything may have changed (`Changes.anything`): the member list,
the member page, the Invoices tab (if it was loaded) and the plans refresh, and every open
editor is told as after a save in this window: a clean editor shows the new state, one with
unsaved changes shows the stale banner and never overwrites the other desk's save.

On a server the link can be lost (a restart, the network): the status bar says so as long as it
lasts, and nothing is refreshed meanwhile, so the list, the page and open editors keep what they
show instead of emptying. When the watch listens again the status bar says the server is back
and the window refreshes once: what other desks did meanwhile appears (issue 19).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from desktop.i18n import _
from desktop.services.changes import OTHER_DESK, THIS_WINDOW, Changes

_log = logging.getLogger(__name__)
INTERVAL_MS = 2000  # how often another desk's changes are looked for


class Operations(QObject):
    """Runs the window's mutations and tells every screen what changed.

    `screens()` lists the screens to tell now (a tab not built yet, a closed editor, is simply
    not in it: it reads everything when it is built or opened).
    """

    changed = Signal(object)  # every Changes published, after the screens were told

    def __init__(self, screens: Callable[[], Iterable[Any]], parent: QObject | None = None):
        super().__init__(parent)
        self._screens = screens

    def run(self, call: Callable[..., Any], *args: Any, source: Any = None,
            **kwargs: Any) -> Any:
        """Call a mutating service and publish what it changed (as this window's doing) to
        every screen but `source`, the screen that made the call and shows its result itself;
        the result comes back as the service returned it. A refusal raises, and nothing is
        told. Screens are given this as their `run` (the contract editor's Save, the plans
        catalog's edits)."""
        result = call(*args, **kwargs)
        self.done_here(changes_of(result), source)
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




class OtherDesks(QObject):
    """Follows a watch for a main window, on the GUI thread; stops when the window closes."""

    def __init__(self, window: Any, watch: Any, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(window)
        self.window, self.watch = window, watch
        self.linked = True
        # A permanent widget: the sweep's passing messages in the status bar do not hide it.
        self.link_label = QLabel(objectName="serverLinkLabel")
        self.link_label.setWordWrap(False)
        self.link_label.hide()
        window.statusBar().addPermanentWidget(self.link_label)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.look)
        window.installEventFilter(self)
        self.timer.start()

    def look(self) -> bool:
        """Refresh if another desk changed something since the last look; True if it did."""
        if not self._look_at_link():
            return False  # nothing can be read now: the window keeps what it shows
        try:
            changed = self.watch.changed()
        except Exception as error:  # the file or the server is away: the next look tries again
            _log.warning("Could not look for other desks' changes: %s", error)
            return False
        if changed:
            self.refresh()
        return changed

    def _look_at_link(self) -> bool:
        """Say in the status bar when the link to the server is lost and when it is back;
        True while it holds (a file's watch has no link to lose)."""
        linked = getattr(self.watch, "linked", None)
        now = True if linked is None else bool(linked())
        if now != self.linked:
            self.linked = now
            bar = self.window.statusBar()
            if now:
                _log.info("The link to the server is back.")
                self.link_label.hide()
                bar.showMessage(_("The server is back; the window shows what changed "
                                  "meanwhile."), 10000)
                if getattr(self.window, "last_error", ""):  # a sweep failed meanwhile: now
                    self.window.scheduler.run_now()
            else:
                _log.warning("The link to the server is lost.")
                # Short, with the whole sentence as its tooltip: a permanent widget takes its
                # room from the passing messages, and the sentence left "Due transitio…" of the
                # sweep's news on a 1600-px screen at scale 2 (and was itself cut in German).
                self.link_label.setText(_("No link to the server"))
                said = _("The link to the server is lost; what you see may be out of date until "
                         "it is back.")
                self.link_label.setToolTip(said)
                self.link_label.setAccessibleDescription(said)
                self.link_label.show()
        return now

    def refresh(self) -> None:
        # The watch also sees this desk's own sweep commit before its report arrives: while it
        # runs, who changed a contract is not known here (editors then say "elsewhere").
        by = "" if self.window.scheduler.running else OTHER_DESK
        self.window.operations.publish(Changes.anything(by=by))

    def stop(self) -> None:
        if self.watch is not None:
            self.timer.stop()
            self.watch.close()
            self.watch = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Close and event.isAccepted():
            # With self as context the call is dropped if the window is deleted meanwhile.
            QTimer.singleShot(0, self, self._stop_if_closed)
        return False

    def _stop_if_closed(self) -> None:
        if not self.window.isVisible():
            self.stop()
