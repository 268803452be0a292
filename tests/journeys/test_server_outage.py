"""The server goes away and comes back (docs/storage.md, issue 19), at the real window.

Each test has a PostgreSQL cluster of its own (tests/own_server.py) with the sample imported, so
it can stop it as a crash does (`pg_ctl -m immediate`) and start it again without disturbing the
shared test server. What the trial saw: other desks' changes never arrived again, the status bar
said nothing, the list emptied to "0 people", the editor and the list showed psycopg's words in
a German window, and a save waiting on a lock froze the window for 20 s.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTableView, QWidget
from sqlalchemy import create_engine

from desktop.app import follow_other_desks
from desktop.domain.model import Message
from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.storage.database import open_database
from desktop.storage.errors import SERVER_AWAY, SERVER_BUSY
from desktop.storage.server import WINDOW_WAIT_MS
from desktop.ui.window.language import LANGUAGE
from own_server import own_server  # noqa: F401 (a fixture)
from person import bring_to_front, shortcut, type_text
from test_keyboard import (
    open_editor_by_keyboard,
    plain_active_contract,
    rename_by_keyboard,
)
from test_languages import english_afterwards  # noqa: F401 (a fixture)

pytestmark = pytest.mark.server

BACK = 25_000  # ms: the watch tries again at most every 15 s
LIBRARY_WORDS = ("psycopg", "sqlalche", "OperationalError", "consuming input", "connection failed")


@pytest.fixture
def site(database, own_server):  # noqa: F811
    """The sample, imported into a server of the test's own."""
    with open_database(database, now=datetime(2026, 11, 22, 8)) as sample, \
            sample.session() as session:
        document = export_document(session)
    with open_database(own_server.url, now=datetime(2026, 11, 22, 8)) as server:
        import_document(server, document, datetime(2026, 11, 22, 8))
    return own_server


@pytest.fixture
def following():
    followers = []

    def follow(desk):
        follower = follow_other_desks(desk)
        assert follower.watch.wait_listening(5.0)
        followers.append(follower)
        return follower

    yield follow
    for follower in followers:
        follower.stop()


def _names(window) -> list[str]:
    model = window.findChild(QTableView, "memberTable").model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def _shown(window: QWidget) -> str:
    """Every text a person can read in the window (and its status bar, if it has one)."""
    texts = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    if hasattr(window, "statusBar"):
        texts.append(window.statusBar().currentMessage())
    return "\n".join(texts)


def test_after_a_restart_the_status_bar_says_so_and_other_desks_changes_arrive_again(
        qtbot, open_desk, site, following):
    here, there = open_desk(site.url), open_desk(site.url)
    follow = following(there)
    following(here)
    qtbot.waitUntil(lambda: len(_names(there)) > 3, timeout=5000)
    name = there.services.members.search(status="all", limit=1)[0].name
    link = there.findChild(QLabel, "serverLinkLabel")
    assert not link.isVisible()
    site.stop()
    qtbot.waitUntil(link.isVisible, timeout=8000)
    assert link.text() == "No link to the server"
    assert link.toolTip() == ("The link to the server is lost; what you see may be out of date "
                              "until it is back.")
    bring_to_front(qtbot, there)
    with qtbot.waitSignal(there.scheduler.failed, timeout=8000):
        shortcut("Ctrl+R")  # Tools → Run due transitions now, while the server is away
    assert there.statusBar().currentMessage() == (
        "Due transitions could not be applied: " + say(Message.of(SERVER_AWAY)))
    assert "the last check failed: The server cannot be reached" in there.status_label.text()
    assert not any(words in _shown(there) for words in LIBRARY_WORDS), _shown(there)
    site.start()
    # A change made as soon as the server is back, before this desk listens again: it
    # arrives all the same (the window looks again once it is back).
    with open_database(site.url, now=datetime(2026, 11, 22, 9)) as elsewhere:
        with elsewhere.write() as session:
            session.connection().exec_driver_sql(
                "UPDATE members SET name = 'Renamed Meanwhile' WHERE name = %(name)s",
                {"name": name})
    said = []  # a sweep's news may follow at once: every message, not only the last
    there.statusBar().messageChanged.connect(said.append)
    qtbot.waitUntil(lambda: not link.isVisible(), timeout=BACK)
    assert "The server is back; the window shows what changed meanwhile." in said
    qtbot.waitUntil(lambda: "Renamed Meanwhile" in _names(there), timeout=8000)
    # The sweep that failed meanwhile ran again at once.
    qtbot.waitUntil(lambda: "failed" not in there.status_label.text(), timeout=8000)
    # And what other desks do from now on is heard again.
    rename_by_keyboard(qtbot, here, "Renamed Meanwhile", "Renamed After")
    qtbot.waitUntil(lambda: "Renamed After" in _names(there), timeout=8000)
    assert follow.linked


def test_while_the_server_is_away_a_german_window_keeps_its_list_and_edits_in_one_sentence(
        qtbot, open_desk, settings, site, following, english_afterwards):  # noqa: F811
    settings.setValue(LANGUAGE.key, "de")
    desk = open_desk(site.url)
    following(desk)
    name, _contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    notes = editor.findChild(QPlainTextEdit)
    notes.setFocus()
    type_text("Karte 114")
    bring_to_front(qtbot, desk)
    rows, count = _names(desk), desk.members_panel.count_label.text()  # the member found
    assert name in rows and count
    away = say(Message.of(SERVER_AWAY))
    assert away != SERVER_AWAY  # the window speaks German

    site.stop()
    shortcut("F5")  # View → Refresh while the server is away
    qtbot.waitUntil(lambda: desk.findChild(QLabel, "serverLinkLabel").isVisible(),
                    timeout=8000)
    assert _names(desk) == rows and desk.members_panel.count_label.text() == count
    assert desk.members_panel.error_label.text() == away
    link = desk.findChild(QLabel, "serverLinkLabel")
    assert link.text() == _("No link to the server") == "Keine Verbindung zum Server"
    assert link.toolTip() == _("The link to the server is lost; what you see may be out of date "
                               "until it is back.") and link.toolTip().startswith("Die Verbindung")
    bring_to_front(qtbot, editor)
    shortcut("Ctrl+S")
    banner = editor.findChild(QLabel, "errorBannerText")
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert banner.text() == away
    assert editor.is_dirty() and "Karte 114" in notes.toPlainText()
    for window in (desk, editor):
        assert not any(words in _shown(window) for words in LIBRARY_WORDS), _shown(window)

    site.start()  # the same save goes through once the server is back
    with qtbot.waitSignal(editor.saved, timeout=10000):
        shortcut("Ctrl+S")
    assert not editor.is_dirty()


def test_a_save_waiting_on_a_row_another_desk_holds_answers_within_seconds(
        qtbot, desk_on_site, site):
    desk = desk_on_site
    name, contract = plain_active_contract(desk)
    editor = open_editor_by_keyboard(qtbot, desk, name)
    notes = editor.findChild(QPlainTextEdit)
    notes.setFocus()
    type_text("Key card 114")
    holder = create_engine(site.url)
    try:
        with holder.connect() as other:
            # Let go after 15 s whatever happens: without the short wait the save then goes
            # through late, and the test fails instead of hanging.
            other.exec_driver_sql("SET idle_in_transaction_session_timeout = 15000")
            other.exec_driver_sql(f"SELECT * FROM contracts WHERE id = {contract.id} FOR UPDATE")
            started = time.monotonic()
            shortcut("Ctrl+S")
            waited = time.monotonic() - started
            other.rollback()
    finally:
        holder.dispose()
    assert waited < WINDOW_WAIT_MS / 1000 + 2.0  # the window answered; it never froze for long
    banner = editor.findChild(QLabel, "errorBannerText")
    assert banner.isVisible() and banner.text() == say(Message.of(SERVER_BUSY))
    assert editor.is_dirty() and "Key card 114" in notes.toPlainText()
    with qtbot.waitSignal(editor.saved, timeout=5000):  # the lock is gone: it saves now
        shortcut("Ctrl+S")
    assert "Key card 114" in desk.services.contracts.load(contract.id).contract.notes


@pytest.fixture
def desk_on_site(open_desk, site):
    return open_desk(site.url)
