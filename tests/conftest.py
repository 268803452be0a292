"""The server pass (tests/server_db.py): which tests it runs, and dropping their databases.

With FRONTDESK_TEST_BACKEND=postgresql only the tests whose database is parametrised run (they
use the `db`, `world`, `service` or `shared_database` fixture, or have the `server` marker, and
not `sqlite_only`); property tests stay in the SQLite pass, the default and the fast one. In the
SQLite pass, tests marked `server` are skipped.
"""

from __future__ import annotations

import pytest

import server_db


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "server: runs in the PostgreSQL pass (make test-postgres)")
    config.addinivalue_line("markers", "sqlite_only: a SQLite file's own behaviour; not in the "
                                       "PostgreSQL pass")
    if server_db.ON_SERVER and server_db.server_url() is None:
        raise pytest.UsageError(f"{server_db.BACKEND_VARIABLE}=postgresql needs "
                                f"{server_db.URL_VARIABLE} (scripts/with_test_server starts one).")


def _on_server(item) -> bool:
    if item.get_closest_marker("sqlite_only"):
        return False
    if item.get_closest_marker("server"):
        return True
    if item.path.name == "test_cli_server.py":
        return False
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return False
    return bool({"db", "world", "service", "shared_database"}
                & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items) -> None:
    if server_db.ON_SERVER:
        kept = [item for item in items if _on_server(item)]
        config.hook.pytest_deselected(items=[item for item in items if not _on_server(item)])
        items[:] = kept
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass (make test-postgres)")
    for item in items:
        if item.get_closest_marker("server"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _drop_server_databases():
    yield
    if server_db.ON_SERVER:
        server_db.drop_created()


def pytest_sessionfinish(session) -> None:
    if server_db.ON_SERVER:
        server_db.drop_template()
