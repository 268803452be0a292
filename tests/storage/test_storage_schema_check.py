"""Opening a current database checks its version with one plain query and never imports
Alembic; the revisions read from the scripts are Alembic's own (docs/storage.md,
docs/design.md#targets)."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from desktop.storage import migrate
from desktop.storage.database import open_database
from old_schema import file_at
from storage_helpers import NOW

PROBE = """
import sys
from datetime import datetime
from desktop.storage.database import open_database
db = open_database(sys.argv[1], now=datetime(2024, 3, 5))
with db.session() as session:
    session.connection().exec_driver_sql("SELECT count(*) FROM members").scalar()
db.dispose()
print("alembic" in sys.modules)
"""


def _imports_alembic(target: str) -> bool:
    done = subprocess.run([sys.executable, "-c", PROBE, target], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.strip() == "True"


def test_the_scripts_revisions_are_alembics():
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.known_revisions() == {s.revision for s in scripts.walk_revisions()}
    assert migrate.head_revisions() == set(scripts.get_heads())


def test_a_current_file_opens_without_importing_alembic(tmp_path):
    path = tmp_path / "current.sqlite3"
    open_database(str(path), now=NOW).dispose()
    assert not _imports_alembic(str(path))


def test_a_file_due_a_migration_is_upgraded_with_alembic(tmp_path):
    path = tmp_path / "old.sqlite3"
    file_at(path, "0004")
    assert _imports_alembic(str(path))
    assert migrate.sqlite_file_state(path).current


def test_a_servers_version_is_read_from_its_version_table(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    with engine.begin() as connection:
        assert migrate.connection_state(connection, "server").empty
        migrate.upgrade(connection, "0004")
        assert migrate.connection_state(connection, "server").revisions == {"0004"}
        migrate.upgrade(connection)
        assert migrate.connection_state(connection, "server").current
    engine.dispose()
