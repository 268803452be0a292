"""Migration 0009: the member search's trigram indexes on a PostgreSQL server, and what happens
where the server refuses the `pg_trgm` extension (docs/design.md#targets)."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

import server_db
from desktop.services.clock import FixedClock
from desktop.services.members import MemberService, _filtered
from desktop.storage import models as m
from desktop.storage.database import open_database

NOW = datetime(2024, 4, 11, 9, 0)
TODAY = date(2024, 4, 11)
INDEXES = {"member_search_name_trigrams", "member_search_email_trigrams",
           "member_search_company_trigrams"}


def _trigram_indexes(db) -> set[str]:
    with db.session() as session:
        return set(session.scalars(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'members' "
            "AND indexdef LIKE '%gin_trgm_ops%'")))


def _plan(db, search: str) -> str:
    """The server's plan for the member list's condition for `search`, reading every row only
    where nothing else can answer it (on a few thousand rows a scan is cheaper anyway)."""
    query = _filtered(select(m.MemberRow.id), search, "all", TODAY)
    sql = str(query.compile(dialect=postgresql.dialect(),
                            compile_kwargs={"literal_binds": True}))
    with db.session() as session:
        session.connection().exec_driver_sql("SET LOCAL enable_seqscan = off")
        return "\n".join(session.connection().exec_driver_sql("EXPLAIN " + sql).scalars())


@pytest.mark.server
def test_a_server_database_has_a_trigram_index_per_searched_column(db):
    assert _trigram_indexes(db) == INDEXES


@pytest.mark.server
def test_the_search_reads_the_trigram_indexes_for_a_rare_text(db):
    with db.write() as session:
        session.connection().execute(insert(m.MemberRow.__table__), [
            dict(email=f"person{i}@example{i % 50}.org", name=f"Person {i} Surname{i % 300}",
                 company=f"Company {i % 700}", phone="", notes="", credit_balance=0,
                 deposit_held=0, archived=False) for i in range(5000)])
    plan = _plan(db, "Surname123")
    assert all(name in plan for name in INDEXES), plan
    members = MemberService(db, FixedClock(TODAY))
    assert members.count("surname123") == len([i for i in range(5000) if i % 300 == 123])
    assert {r.name for r in members.search("person 4242 ")} == {"Person 4242 Surname42"}


@pytest.fixture
def role_without_extensions():
    """A new, empty database whose only user may create tables but not extensions (a desk's
    role on a server it does not administer: PostgreSQL wants CREATE on the database even for
    a trusted extension such as pg_trgm)."""
    name = server_db.fresh_database(migrated=False)
    role = f"desk_{make_url(name).database}"
    admin = create_engine(server_db.server_url(), isolation_level="AUTOCOMMIT")
    database = make_url(name).database
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
            connection.exec_driver_sql(f"REVOKE CREATE ON DATABASE {database} FROM PUBLIC")
        owner = create_engine(name, isolation_level="AUTOCOMMIT")
        with owner.connect() as connection:
            connection.exec_driver_sql(f"GRANT ALL ON SCHEMA public TO {role}")
        owner.dispose()
        yield make_url(name).set(username=role).render_as_string(hide_password=False)
    finally:
        server_db.drop_created()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


@pytest.mark.server
def test_where_the_extension_is_refused_the_log_says_so_and_the_search_works(
        role_without_extensions, caplog):
    with caplog.at_level(logging.WARNING, logger="desktop.storage.migrations"):
        db = open_database(role_without_extensions, now=NOW)
    try:
        assert _trigram_indexes(db) == set()
        (warning,) = [r for r in caplog.records if r.name == "desktop.storage.migrations"]
        assert "trigram indexes were not made" in warning.getMessage()
        assert "CREATE EXTENSION pg_trgm" in warning.getMessage()
        members = MemberService(db, FixedClock(TODAY))
        members.create("Ada Lovelace", "ada@engines.example", "Analytical Engines")
        members.create("Grace Hopper", "grace@navy.example", "US Navy")
        assert [r.name for r in members.search("ENGINE")] == ["Ada Lovelace"]
        assert members.count("navy") == 1
    finally:
        db.dispose()
