"""Fixtures for the storage tests: a freshly migrated database file (a new database on the
test server in the PostgreSQL pass, tests/server_db.py)."""

from __future__ import annotations

import pytest

import server_db
from desktop.storage.database import Database, open_database
from storage_helpers import NOW


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(server_db.target(tmp_path), now=NOW)
    yield database
    database.dispose()
