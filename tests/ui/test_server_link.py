"""The status bar's word for a lost link to the server (issue 19) leaves the sweep's news room.

A permanent widget takes its room from the passing messages: with the whole sentence as its
text, a window 776 px wide (a 1600×1000 screen at scale 2) showed "Due transitio" of the sweep's
news, and the German sentence was itself cut. The label says it short; the sentence is its
tooltip.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow

from desktop.i18n import _, install
from desktop.ui.window.operations import OtherDesks

WIDTH = 776  # the main window on a 1600×1000 screen at scale 2
SENTENCE = "The link to the server is lost; what you see may be out of date until it is back."


class LostLink:
    """A server's watch whose link is lost."""

    def linked(self) -> bool:
        return False

    def changed(self, timeout: float = 0.0) -> bool:  # noqa: ARG002
        return False

    def close(self) -> None:
        pass


@pytest.fixture(params=["en_IE", "de"])
def language(request):
    install(request.param)
    yield request.param
    install("en_IE")


def test_a_lost_link_is_said_short_and_leaves_the_status_bar_to_passing_news(
        qtbot, language):
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = window.statusBar()
    bar.setSizeGripEnabled(False)
    # As the window names a server database (connect_dialog.add_connect_action).
    bar.addPermanentWidget(QLabel("postgres@127.0.0.1:5432/frontdesk", objectName="databaseLabel"))
    follower = OtherDesks(window, LostLink(), interval_ms=60_000)
    window.resize(WIDTH, 400)
    window.show()
    qtbot.waitExposed(window)
    assert follower.look() is False
    link = window.findChild(QLabel, "serverLinkLabel")
    qtbot.waitUntil(link.isVisible, timeout=2000)
    qtbot.waitUntil(lambda: link.width() >= link.sizeHint().width(), timeout=2000)
    assert link.text() == _("No link to the server")
    assert link.toolTip() == _(SENTENCE) == link.accessibleDescription()
    if language == "de":
        assert link.toolTip().startswith("Die Verbindung")  # the sentence is translated
        assert link.text() == "Keine Verbindung zum Server"
    permanent = [w for w in bar.findChildren(QLabel) if w.isVisible()]
    room = min(w.geometry().left() for w in permanent)  # left of the permanent widgets
    assert room >= 0.4 * bar.width(), (room, bar.width())  # the sentence left 14%
    assert link.fontMetrics().horizontalAdvance(link.text()) <= link.contentsRect().width() + 1
    # The last word keeps clear of the window's edge.
    assert window.width() - link.mapTo(window, link.contentsRect().topRight()).x() >= 5
    follower.stop()
