"""The member search's substring index (migration 0006, docs/design.md#targets): the same members as
a LIKE over name, email and company, kept in step with every change, and LIKE where it is absent."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete, event, func, select

from desktop.services.clock import FixedClock
from desktop.services.members import MemberService, _filtered
from desktop.storage import member_search, migrate
from desktop.storage import models as m
from desktop.storage.database import open_database
from old_schema import file_at

TODAY = date(2024, 4, 11)
NOW = datetime(2024, 4, 11, 9, 0)
PEOPLE = [("Ada Lovelace", "ada@engines.example", "Analytical Engines"),
          ("Grace Hopper", "grace@navy.example", "US Navy"),
          ("Alan Turing", "alan@bletchley.example", "Bletchley ENGINES"),
          ('Dana "Dee" Scully', "dee@x-files.example", "100% Truth_Co"),
          ("Zoë Ångström", "zoe@fjord.example", "")]


def _ids(db, text: str, indexed: bool) -> list[int]:
    query = _filtered(select(m.MemberRow.id), text, "all", TODAY, indexed)
    with db.session() as session:
        return sorted(session.scalars(query))


@pytest.fixture
def filled(world):
    for name, email, company in PEOPLE:
        world.member(name, email, company)
    return world


@pytest.mark.sqlite_only
def test_a_new_database_has_the_index(world):
    with world.db.session() as session:
        assert member_search.has_index(session)


@pytest.mark.parametrize("text, names", [
    ("engine", {"Ada Lovelace", "Alan Turing"}),
    ("NAVY", {"Grace Hopper"}),
    ('"dee"', {'Dana "Dee" Scully'}),
    ("100%", {'Dana "Dee" Scully'}),
    ("h_c", {'Dana "Dee" Scully'}),
    ("ångström", {"Zoë Ångström"}),
    (".example", {p[0] for p in PEOPLE}),
    ("zebra", set()),
])
def test_the_index_finds_what_the_text_appears_in(filled, text, names):
    assert {r.name for r in filled.members.search(text)} == names
    assert filled.members.count(text) == len(names)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet='adeglnoruvy .@"%_', min_size=3, max_size=6))
def test_the_index_and_like_agree_on_ascii_texts(filled, text):
    if not text.strip() or len(text.strip()) < member_search.TRIGRAM:
        return
    assert _ids(filled.db, text, True) == _ids(filled.db, text, False)


def test_texts_shorter_than_a_trigram_are_searched_with_like(filled):
    assert {r.name for r in filled.members.search("ur")} == {"Alan Turing"}
    assert {r.name for r in filled.members.search("%")} == {'Dana "Dee" Scully'}


def test_the_index_follows_renames_and_deletions(filled):
    (grace,) = [r.id for r in filled.members.search("hopper")]
    filled.members.update(grace, name="Grace Brewster", email="gbm@navy.example",
                          company="Harvard", phone="", notes="")
    assert filled.members.search("hopper") == []
    assert [r.id for r in filled.members.search("brewster")] == [grace]
    assert [r.id for r in filled.members.search("harvard")] == [grace]
    assert filled.members.search("grace@navy") == []
    with filled.db.write() as session:
        session.execute(delete(m.MemberRow).where(m.MemberRow.id == grace))
    assert filled.members.search("brewster") == []


def test_a_database_at_0004_gains_the_index_over_its_members(tmp_path):
    path = tmp_path / "old.sqlite3"
    file_at(path, "0004", "INSERT INTO members (email, name, company, phone, notes, "
                          "credit_balance, deposit_held, archived) VALUES ('old@example.org', "
                          "'Old Timer', 'Clockworks', '', '', 0, 0, 0)")
    db = open_database(str(path), now=NOW)
    try:
        with db.session() as session:
            assert member_search.has_index(session)
        assert [r.name for r in MemberService(db, FixedClock(TODAY)).search("clockwork")] == [
            "Old Timer"]
    finally:
        db.dispose()


def test_without_the_index_the_search_reads_the_columns(tmp_path):
    path = tmp_path / "plain.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:  # as on a SQLite built without FTS5's trigram tokenizer
        migrate.upgrade(connection, "0005")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0006'")
    engine.dispose()
    db = open_database(str(path), now=NOW)
    try:
        members = MemberService(db, FixedClock(TODAY))
        for name, email, company in PEOPLE:
            members.create(name, email, company)
        with db.session() as session:
            assert not member_search.has_index(session)
            assert session.scalar(select(func.count(m.MemberRow.id))) == len(PEOPLE)
        assert {r.name for r in members.search("engine")} == {"Ada Lovelace", "Alan Turing"}
        assert members.count("navy") == 1
    finally:
        db.dispose()


def test_members_written_in_bulk_are_indexed_and_later_ones_by_the_trigger(tmp_path):
    db = open_database(str(tmp_path / "bulk.sqlite3"), now=NOW)
    try:
        with db.write() as session:
            with member_search.members_in_bulk(session.connection()):
                session.connection().execute(m.MemberRow.__table__.insert(), [
                    dict(email=f"p{i}@example.org", name=f"Person {i:03d}", company="Acme",
                         phone="", notes="", credit_balance=0, deposit_held=0, archived=False)
                    for i in range(300)])
        members = MemberService(db, FixedClock(TODAY))
        assert [r.name for r in members.search("son 123")] == ["Person 123"]
        assert members.count("acme") == 300
        members.create("Zelda Fitzgerald", "zelda@example.org", "Jazz Age")
        assert [r.name for r in members.search("jazz")] == ["Zelda Fitzgerald"]
    finally:
        db.dispose()


def test_a_failed_bulk_write_keeps_the_trigger(tmp_path):
    db = open_database(str(tmp_path / "bulk.sqlite3"), now=NOW)
    try:
        with pytest.raises(RuntimeError), db.write() as session:
            with member_search.members_in_bulk(session.connection()):
                raise RuntimeError("the import failed half-way")
        MemberService(db, FixedClock(TODAY)).create("Ada Lovelace", "ada@example.org", "Engines")
        assert MemberService(db, FixedClock(TODAY)).count("engines") == 1
    finally:
        db.dispose()


def _trigram_tokenizer() -> bool:
    import sqlite3

    with sqlite3.connect(":memory:") as connection:
        try:
            connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        except sqlite3.OperationalError:
            return False
    return True


def _import_people(tmp_path, count: int):
    """A database filled by importing a frontdesk/1 document of `count` members."""
    from desktop.services.exchange.export import export_document
    from desktop.services.exchange.importer import import_document

    source = open_database(str(tmp_path / "source.sqlite3"), now=NOW)
    try:
        members = MemberService(source, FixedClock(TODAY))
        for index in range(count):
            name, email, company = PEOPLE[index % len(PEOPLE)]
            members.create(f"{name} {index}", f"{index}.{email}", company)
        with source.session() as session:
            document = export_document(session)
    finally:
        source.dispose()
    db = open_database(str(tmp_path / "imported.sqlite3"), now=NOW)
    import_document(db, document, NOW)
    return db


@pytest.mark.sqlite_only
def test_an_import_leaves_the_index_out_and_building_it_later_finds_the_same(tmp_path):
    if not _trigram_tokenizer():
        pytest.skip("this SQLite has no FTS5 trigram tokenizer (3.34 or later)")
    db = _import_people(tmp_path, 40)
    try:
        members = MemberService(db, FixedClock(TODAY))
        with db.session() as session:
            assert not member_search.has_index(session)  # the import did not pay for it
        by_columns = {text: sorted(r.id for r in members.search(text))
                      for text in ("engine", "NAVY", ".example", "100%", "zebra")}
        assert len(by_columns["engine"]) == 16
        with db.write() as session:
            assert member_search.build_index(session.connection())
        with db.session() as session:
            assert member_search.has_index(session)
        assert {text: sorted(r.id for r in members.search(text)) for text in by_columns} == (
            by_columns)
        members.create("Zelda Fitzgerald", "zelda@example.org", "Jazz Age")  # the trigger is back
        assert [r.name for r in members.search("jazz")] == ["Zelda Fitzgerald"]
        with db.write() as session:
            assert not member_search.build_index(session.connection())  # made once
    finally:
        db.dispose()


@pytest.mark.sqlite_only
def test_the_index_built_after_an_import_is_the_one_migration_0006_makes(tmp_path):
    """build_index repeats 0006's statements (a migration stays as written): the two agree."""
    if not _trigram_tokenizer():
        pytest.skip("this SQLite has no FTS5 trigram tokenizer (3.34 or later)")

    def schema(db) -> set:
        with db.session() as session:
            return set(session.connection().exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'member_search%'"))

    migrated = open_database(str(tmp_path / "migrated.sqlite3"), now=NOW)
    imported = _import_people(tmp_path, 3)
    try:
        with imported.write() as session:
            member_search.build_index(session.connection())
        assert schema(imported) == schema(migrated) and schema(migrated)
    finally:
        migrated.dispose()
        imported.dispose()


@pytest.fixture
def unindexed(tmp_path):
    """A SQLite database whose members' search index is not there (as while it is being built)."""
    db = open_database(str(tmp_path / "unindexed.sqlite3"), now=NOW)
    members = MemberService(db, FixedClock(TODAY))
    for index in range(60):
        name, email, company = PEOPLE[index % len(PEOPLE)]
        members.create(f"{name} {index:02d}", f"{index}.{email}", f"{company} {index % 7}")
    with db.write() as session:
        for statement in member_search._DROP:
            session.connection().exec_driver_sql(statement)
    yield members
    db.dispose()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("sort", ["name", "company"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("text", ["engine", "zebra", "ur", "example", "5"])
def test_without_the_index_a_page_is_the_same_whether_found_early_or_read_in_full(
        unindexed, monkeypatch, sort, descending, text):
    """The list's order walked for member_search.WALK members at most (a text matching almost
    nobody would otherwise read every member through the sort's index); a page not filled by
    then is read without the index. Either way the page is the one the plain query gives."""
    def pages(walk: int) -> list[list[int]]:
        monkeypatch.setattr(member_search, "WALK", walk)
        return [[r.id for r in unindexed.search(text, sort=sort, descending=descending,
                                                offset=offset, limit=7)]
                for offset in (0, 7, 21, 56)]

    everything = pages(10_000)  # every member within the walk: no second read
    assert everything == pages(12) == pages(30) == pages(1)
    assert everything[0] or text == "zebra"


@pytest.mark.sqlite_only
def test_without_the_index_a_text_matching_nobody_reads_the_table_not_the_sort_index(
        unindexed, monkeypatch):
    monkeypatch.setattr(member_search, "WALK", 10)
    ran: list[tuple[str, tuple]] = []

    def seen(_conn, _cursor, statement, parameters, *_args):
        if "FROM members" in statement and "LIKE" in statement:
            ran.append((statement, parameters))

    engine = unindexed.db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert unindexed.search("zebra") == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    with unindexed.db.session() as session:
        plans = [" / ".join(row[3] for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)) for statement, parameters in ran]
    # First the sort's index, walked for WALK members; then the table read once and sorted.
    assert len(plans) == 2, plans
    assert "USING INDEX ix_members_name_lower" in plans[0]
    assert "SCAN members /" in plans[1] + " /" and "ix_members_name_lower" not in plans[1]
    assert "TEMP B-TREE FOR ORDER BY" in plans[1]


@pytest.mark.server
@pytest.mark.parametrize("sort", ["name", "company"])
@pytest.mark.parametrize("descending", [False, True])
def test_on_a_server_a_text_with_few_matches_gives_the_same_pages_sorted_from_them(
        filled, monkeypatch, sort, descending):
    """member_search.FEW: a text the trigram indexes find in a few members is sorted from those
    alone instead of walking the sort's index; the pages are the same either way."""
    for index in range(30):
        filled.member(f"Priya Sharma {index:02d}", f"priya{index}@fastmail.example",
                      f"Studio {index % 4}")

    def pages(few: int) -> dict[str, list[list[int]]]:
        monkeypatch.setattr(member_search, "FEW", few)
        return {text: [[r.id for r in filled.members.search(
                    text, sort=sort, descending=descending, offset=offset, limit=7)]
                       for offset in (0, 7, 28)]
                for text in ("priya", "engine", "studio 3", "zebra", "fastmail")}

    with filled.db.session() as session:
        assert member_search.has_trigram_indexes(session)  # so the sorted-from-few path runs
    assert pages(2_000) == pages(-1)
    assert pages(2_000)["priya"][0]
