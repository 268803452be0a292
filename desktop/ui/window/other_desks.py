"""Another desk's changes appear in this window (DESIGN.md §7).

A timer looks every two seconds whether the database was changed elsewhere (the watch from
`desktop.storage.changes`); when it was, the member list, the member page, the Invoices tab (if
it was loaded) and the plans refresh, and every open editor is told as after a save in this
window: a clean editor shows the new state, one with unsaved changes shows the stale banner and
never overwrites the other desk's save.

On a server the link can be lost (a restart, the network): the status bar says so as long as it
lasts, and nothing is refreshed meanwhile, so the list, the page and open editors keep what they
show instead of emptying. When the watch listens again the status bar says the server is back
and the window refreshes once: what other desks did meanwhile appears (issue 19).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel

from desktop.i18n import _
from desktop.ui.window.lazy_tabs import INVOICES_TAB, PLANS_TAB

_log = logging.getLogger(__name__)
INTERVAL_MS = 2000


class OtherDesks(QObject):
    """Follows a watch for a main window, on the GUI thread; stops when the window closes."""

    def __init__(self, window: Any, watch: Any, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(window)
        self.window, self.watch = window, watch
        self.linked = True
        # A permanent widget: the sweep's passing messages in the status bar do not hide it.
        # Its text is short and the whole sentence is its tooltip: a permanent widget takes its
        # room from the passing messages, and the sentence left "Due transitio…" of the sweep's
        # news on a 1600-px screen at scale 2 (and was itself cut there in German).
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
                self.link_label.setText(_("No link to the server"))
                said = _("The link to the server is lost; what you see may be out of date until "
                         "it is back.")
                self.link_label.setToolTip(said)
                self.link_label.setAccessibleDescription(said)
                self.link_label.show()
        return now

    def refresh(self) -> None:
        window = self.window
        window.members_panel.refresh()
        window.member_page.refresh()
        # Only tabs already built: `window.plan_catalog` and `window.invoices_page` build theirs,
        # and a change at another desk built both unasked (in German at scale 2 the plans
        # catalog then widened the window past an 800-px screen). One not built yet reads
        # everything when first shown.
        invoices = window.lazy_tabs.built(INVOICES_TAB)
        if invoices is not None and invoices.model.rowCount():
            invoices.refresh()
        plans = window.lazy_tabs.built(PLANS_TAB)
        if plans is not None:
            plans.refresh()
        # The watch also sees this desk's own sweep commit before its report arrives: while it
        # runs, who changed a contract is not known here (editors then say "elsewhere").
        by = "" if getattr(window.scheduler, "running", False) else "other desk"
        for editor in window.live_editors():
            told = getattr(editor, "member_changed_elsewhere", None)
            if told is not None:  # its banner says who did it (actions.OTHER_DESK)
                told(by=by)

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
