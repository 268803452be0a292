"""Fixtures for the storage tests: a freshly migrated database file."""

from __future__ import annotations

import pytest
from storage_helpers import NOW

from desktop.storage.database import Database, open_database


@pytest.fixture
def db(tmp_path) -> Database:
    database = open_database(str(tmp_path / "frontdesk.sqlite3"), now=NOW)
    yield database
    database.dispose()
