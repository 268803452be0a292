"""Another desk's commits are seen (docs/storage.md): PRAGMA data_version on a SQLite file,
LISTEN/NOTIFY on a PostgreSQL server (the same tests run on both, tests/server_db.py)."""

from __future__ import annotations

import socket
import time
from contextlib import suppress

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from desktop.i18n.messages import say
from desktop.storage import changes, server
from desktop.storage.changes import FileWatch, ServerWatch, watch_changes
from desktop.storage.database import open_database
from desktop.storage.errors import DatabaseBusy, ServerUnreachable
from desktop.storage.models import MemberRow
from desktop.storage.server import WINDOW_WAIT_MS
from own_server import own_server  # noqa: F401 (a fixture)
from storage_helpers import NOW, add_member

WAIT = 5.0  # seconds a change may take to be heard from the server


@pytest.fixture
def other_desk(db):
    other = open_database(db.url.render_as_string(hide_password=False), now=NOW)
    yield other
    other.dispose()


@pytest.fixture
def watch(db):
    watch = watch_changes(db)
    if isinstance(watch, ServerWatch):
        assert watch.wait_listening(WAIT)
    yield watch
    watch.close()


def test_a_commit_by_another_desk_is_seen_once(db, other_desk, watch):
    assert not watch.changed()
    with other_desk.write() as session:
        add_member(session, "other@example.org")
    assert watch.changed(timeout=WAIT)
    assert not watch.changed(timeout=0.3 if isinstance(watch, ServerWatch) else 0)


def test_nothing_is_seen_while_the_other_desk_only_reads_or_rolls_back(db, other_desk, watch):
    with other_desk.session() as session:
        assert session.scalar(select(func.count()).select_from(MemberRow)) == 0
    with pytest.raises(RuntimeError), other_desk.write() as session:
        add_member(session, "never@example.org")
        raise RuntimeError("the save failed half-way")
    assert not watch.changed(timeout=0.5 if isinstance(watch, ServerWatch) else 0)


@pytest.mark.server
def test_on_a_server_a_desks_own_writes_are_not_told_back_to_it(db, other_desk, watch):
    with db.write() as session:
        add_member(session, "mine@example.org")
    assert not watch.changed(timeout=0.5)
    with other_desk.write() as session:
        add_member(session, "theirs@example.org")
    assert watch.changed(timeout=WAIT)


def test_an_in_memory_database_has_no_other_desks():
    memory = open_database("sqlite://", now=NOW)
    try:
        assert watch_changes(memory) is None
    finally:
        memory.dispose()


@pytest.mark.sqlite_only
def test_a_file_is_watched_through_its_data_version(db):
    watch = watch_changes(db)
    try:
        assert isinstance(watch, FileWatch)
    finally:
        watch.close()


# The server goes away and comes back (issue 19) -------------------------------------------------

@pytest.fixture
def restarted(own_server):  # noqa: F811
    """A desk and its watch on a server of the test's own, which can be stopped and started."""
    desk = open_database(own_server.url, now=NOW)
    watch = watch_changes(desk)
    assert watch.wait_listening(WAIT)
    yield own_server, desk, watch
    watch.close()
    desk.dispose()


def _until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.server
def test_after_a_restart_the_watch_listens_again_and_says_to_look_again(restarted):
    own, desk, watch = restarted
    own.stop()
    assert _until(lambda: not watch.linked(), WAIT)
    own.start()
    assert _until(watch.linked, 2 * changes.RECONNECT_MOST)
    # Nobody listened while it was away: look again once, whatever happened meanwhile.
    assert watch.changed(timeout=WAIT)
    assert not watch.changed(timeout=0.3)
    other = open_database(own.url, now=NOW)
    try:
        with other.write() as session:
            add_member(session, "after@example.org")
    finally:
        other.dispose()
    assert watch.changed(timeout=WAIT)


@pytest.mark.server
def test_while_the_server_is_away_reading_and_writing_raise_one_error_then_work_again(
        restarted):
    own, desk, _watch = restarted
    with desk.session() as session:
        session.scalar(select(func.count()).select_from(MemberRow))  # a pooled connection
    own.stop()
    with pytest.raises(ServerUnreachable) as away, desk.session() as session:
        session.scalar(select(func.count()).select_from(MemberRow))
    assert "cannot be reached" in str(away.value)
    assert say(away.value.wording) == str(away.value.wording)  # a sentence of the product's
    with pytest.raises(ServerUnreachable), desk.write() as session:
        add_member(session, "lost@example.org")
    own.start()
    with desk.write() as session:
        add_member(session, "back@example.org")
    with desk.session() as session:
        assert session.scalars(select(MemberRow.email)).all() == ["back@example.org"]


@pytest.mark.server
@pytest.mark.parametrize("held", ["a row", "the writers' lock"])
def test_a_window_write_waits_at_most_briefly_for_a_lock_another_desk_holds(db, held):
    """Issue 19: a save waiting on a server lock froze the window for 20 s; the window's writes
    wait WINDOW_WAIT_MS, then say the database is busy (nothing written)."""
    with db.write() as session:
        member = add_member(session, "held@example.org").id
    db.wait_briefly_on_this_thread()
    holder = create_engine(db.url)
    try:
        with holder.connect() as other:
            # Let go after 10 s whatever happens: without the short wait the save then goes
            # through late, and the test fails instead of hanging.
            other.exec_driver_sql("SET idle_in_transaction_session_timeout = 10000")
            other.exec_driver_sql(
                f"SELECT * FROM members WHERE id = {member} FOR UPDATE" if held == "a row"
                else f"SELECT pg_advisory_xact_lock({server.WRITER_LOCK})")
            started = time.monotonic()
            with pytest.raises(DatabaseBusy) as busy, db.write() as session:
                session.get(MemberRow, member).name = "Waited"
            waited = time.monotonic() - started
            other.rollback()
    finally:
        holder.dispose()
    assert WINDOW_WAIT_MS / 1000 - 0.1 < waited < WINDOW_WAIT_MS / 1000 + 1.5
    assert not isinstance(busy.value, ServerUnreachable)
    assert str(busy.value.wording).startswith("Another desk is saving")
    with db.session() as session:
        assert session.get(MemberRow, member).name == "Ada Lovelace"


def test_a_server_that_takes_the_connection_and_never_answers_is_tried_again(monkeypatch):
    """Issue 19: the listening connection was never made again after a restart. A server (or a
    proxy in front of it) that accepts the connection and then says nothing held the watch's
    thread for ever; it gives up after CONNECT_TIMEOUT and tries again."""
    monkeypatch.setattr(server, "CONNECT_TIMEOUT", 2)  # libpq's shortest
    monkeypatch.setattr(changes, "RECONNECT_FIRST", 0.1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    silent.settimeout(0.2)
    accepted = []
    url = make_url(f"postgresql+psycopg://desk@127.0.0.1:{silent.getsockname()[1]}/frontdesk")
    watch = ServerWatch(url, "me")
    try:
        deadline = time.monotonic() + 10
        while len(accepted) < 2 and time.monotonic() < deadline:
            with suppress(OSError):
                accepted.append(silent.accept()[0])  # and never a word back
    finally:
        watch.close()
        for connection in accepted:
            connection.close()
        silent.close()
    assert len(accepted) >= 2 and not watch.linked()


class _DriverError(Exception):
    def __init__(self, text: str, sqlstate: str | None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("sqlstate", "away"), [
    (None, True),        # no server answered: refused, timed out, a name not resolved now
    ("57P03", True),     # the database system is starting up
    ("53300", True),     # too many clients
    ("28P01", False),    # a password the server refuses
    ("28000", False),    # a user it does not know
    ("3D000", False),    # a database it does not have
])
def test_a_failure_to_connect_is_told_by_its_sqlstate_not_by_the_systems_words(sqlstate, away):
    # In a German session libpq's "Connection refused" arrives as "Verbindungsaufbau abgelehnt".
    error = _DriverError('Verbindung zum Server auf "db" fehlgeschlagen: Verbindungsaufbau '
                         "abgelehnt", sqlstate)
    assert server.is_away(error) is away


@pytest.mark.parametrize("said", [
    'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nope" does not exist',
    'connection to server at "db", port 5432 failed: FATAL:  password authentication failed for '
    'user "desk"',
])
def test_a_server_that_answers_with_a_refusal_at_connect_time_is_no_server_away(said):
    # At connect time libpq gives no SQLSTATE: the server's own sentence tells the refusal.
    assert server.is_away(_DriverError(said, None)) is False


def test_a_host_name_that_does_not_resolve_is_a_server_away_in_one_sentence():
    """Issue 19: with the network down, a server named by host gave psycopg's own words."""
    with pytest.raises(ServerUnreachable) as raised:
        open_database("postgresql://desk@frontdesk-server.invalid:5432/frontdesk", now=NOW)
    sentence = str(raised.value)
    assert "cannot be reached" in sentence
    assert "psycopg" not in sentence and "sqlalche" not in sentence
