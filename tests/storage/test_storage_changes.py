"""Another desk's commits are seen (DESIGN.md §7): PRAGMA data_version on a SQLite file,
LISTEN/NOTIFY on a PostgreSQL server (the same tests run on both, tests/server_db.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from storage_helpers import NOW, add_member

from desktop.storage.changes import FileWatch, ServerWatch, watch_changes
from desktop.storage.database import open_database
from desktop.storage.models import MemberRow

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
