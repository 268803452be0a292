"""The command line on a PostgreSQL server (docs/storage.md): the driver comes with the postgres
extra, a server that cannot be reached is one sentence, a site moves from a file to a server
with export and import, and desks opening a new server database at once take turns migrating."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

import server_db
from cli_calls import run
from desktop import cli
from desktop.storage.server import describe as describe_url


def describe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return describe_url(make_url(url))

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


@pytest.mark.parametrize("command", [["sweep"], ["export", "-"], ["demo"]])
def test_without_the_driver_a_server_is_one_sentence_naming_the_extra(command, capsys,
                                                                       monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # "import psycopg" fails as if missing
    code, out, err = run(["--db", "postgresql://desk@127.0.0.1:5432/frontdesk", *command], capsys)
    assert (code, out) == (2, "")
    assert err == ("Reaching a PostgreSQL server needs its driver: "
                   "pip install 'frontdesk[postgres]'.\n")


def test_a_server_that_cannot_be_reached_is_one_sentence_and_exit_1(capsys):
    """Issue 19: a server away is worth trying again (exit 1, as a lock held elsewhere), not
    bad input; the sentence has none of the driver's words."""
    code, out, err = run(["--db", "postgresql://desk@127.0.0.1:1/frontdesk", "sweep"], capsys)
    assert (code, out) == (1, "")
    assert err == ("The server (desk@127.0.0.1:1/frontdesk) cannot be reached; what was not "
                   "committed was rolled back, try again once it is back.\n")


@pytest.mark.server
def test_a_server_that_refuses_the_database_named_is_one_sentence_and_exit_2(capsys):
    """A database (or user, or password) the server refuses is bad input: trying again will
    not help."""
    missing = server_db.server_url().rsplit("/", 1)[0] + "/no_such_database"
    code, out, err = run(["--db", missing, "sweep"], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("The PostgreSQL server ") and err.count("\n") == 1
    assert err.endswith('database "no_such_database" does not exist); nothing was changed.\n')


@pytest.mark.server
def test_a_site_moves_from_its_file_to_a_server_with_export_and_import(tmp_path, capsys):
    """README "Shared server": export the file, import into the server; the two databases then
    export the same file, byte for byte (frontdesk/2 keeps the history, issue 19), and sweep
    alike."""
    site = tmp_path / "site.sqlite3"
    assert run(["demo", "--members", "40", "--seed", "7", "--db", str(site)], capsys)[0] == 0
    assert run(["--db", str(site), "export", str(tmp_path / "site.json")], capsys)[:2] == (0, "")
    server = server_db.fresh_database(migrated=False)
    code, out, err = run(["--db", server, "import", str(tmp_path / "site.json")], capsys)
    assert (code, err) == (0, "") and out.startswith("Imported ")
    assert run(["--db", server, "export", str(tmp_path / "server.json")], capsys)[:2] == (0, "")
    assert (tmp_path / "server.json").read_bytes() == (tmp_path / "site.json").read_bytes()
    assert len(json.loads((tmp_path / "site.json").read_text())["history"]) > 100
    site_document = json.loads((tmp_path / "site.json").read_text())
    issued = [i["issue_date"] for i in site_document["documents"]]
    until = (date.fromisoformat(max(issued)) + timedelta(days=70)).isoformat()  # two months on
    for db in (site, server):
        code, _, err = run(["--db", str(db), "sweep", "--today", until], capsys)
        assert (code, err) == (0, "")
    exports = [json.loads(run(["--db", str(db), "export", "-"], capsys)[1])
               for db in (site, server)]
    swept = [i for i in exports[0]["documents"] if i["issue_date"] > max(issued)]
    assert len(swept) > 20 and without_clock(exports[0]) == without_clock(exports[1])


def without_clock(document: dict) -> dict:
    """What two sweeps at two moments give alike: the document without the times they read
    from the clock and without their runs."""
    kept = {k: v for k, v in document.items() if k != "sweep_runs"}
    for section, key in (("history", "at"), ("applied_transitions", "applied_at"),
                         ("plan_changes", "at")):
        kept[section] = [{k: v for k, v in row.items() if k != key} for row in document[section]]
    return kept


@pytest.mark.server
def test_desks_opening_a_new_server_database_at_once_take_turns_migrating():
    url = server_db.fresh_database(migrated=False)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(cli.ENVIRONMENT, None)
    desks = [subprocess.Popen([sys.executable, "-m", "desktop", "--db", url, "export", "-"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outputs = [desk.communicate(timeout=120) for desk in desks]
    assert [desk.returncode for desk in desks] == [0, 0, 0], outputs
    documents = [json.loads(out) for out, _ in outputs]
    assert documents[0]["members"] == [] and documents == documents[::-1]


@pytest.mark.server
def test_a_failing_member_day_on_a_server_is_one_sentence_without_driver_noise(capsys):
    """The bulk write of the batch fails on the server and is redone member-day by member-day
    (docs/storage.md); standard error holds the sweep's sentence only."""
    from sqlalchemy import create_engine

    server = server_db.fresh_database(migrated=False)
    assert run(["--db", server, "demo", "--members", "30", "--seed", "2"], capsys)[0] == 0
    engine = create_engine(server)
    try:
        with engine.begin() as connection:  # a contract moved back onto an applied renewal
            contract, day = connection.exec_driver_sql(
                "SELECT contract_id, date FROM applied_transitions WHERE kind = 'renewal' "
                "ORDER BY date DESC, contract_id LIMIT 1").one()
            connection.exec_driver_sql(
                "UPDATE contracts SET next_invoice_date = %(day)s, next_event_date = %(day)s "
                "WHERE id = %(id)s", {"day": day, "id": contract})
    finally:
        engine.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(cli.ENVIRONMENT, None)
    until = (day + timedelta(days=35)).isoformat()  # a month on: every member has a batch
    swept = subprocess.run([sys.executable, "-m", "desktop", "--db", server, "sweep", "--today",
                            until], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert swept.returncode == 1
    assert swept.stderr.count("\n") == 1, swept.stderr
    assert swept.stderr.startswith(f"Contract {contract}: the renewal of ")


def _cut_off(monkeypatch, url: str, *, after: int = 1) -> list[int]:
    """The server ends the sweep's connection in the middle of its `after`-th batch write, as a
    server restarted under a running sweep does (pg_terminate_backend: "terminating connection
    due to administrator command", then "consuming input failed")."""
    from sqlalchemy import create_engine

    from desktop.services.sweep import service

    real, calls = service.write_days, []

    def write_days(session, *args, **kwargs):
        calls.append(1)
        if len(calls) == after:
            pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            finally:
                admin.dispose()
        return real(session, *args, **kwargs)

    monkeypatch.setattr(service, "write_days", write_days)
    return calls


@pytest.mark.server
def test_a_sweep_cut_off_by_the_server_is_one_sentence_and_exit_1(capsys, monkeypatch):
    """Issue 19: not "Can't reconnect until invalid transaction is rolled back" nor
    "consuming input failed", and no member-day reported as failed; the batch is rolled back,
    and the next sweep applies everything."""
    server = server_db.fresh_database(migrated=False)
    assert run(["--db", server, "demo", "--members", "30", "--seed", "3"], capsys)[0] == 0
    before = run(["--db", server, "export", "-"], capsys)[1]
    calls = _cut_off(monkeypatch, server)
    until = (date.today() + timedelta(days=70)).isoformat()  # the demo is of today
    code, out, err = run(["--db", server, "sweep", "--today", until], capsys)
    assert calls and (code, out) == (1, "")
    assert err == (f"The server ({describe(server)}) cannot be reached; what was not "
                   "committed was rolled back, try again once it is back.\n")
    assert run(["--db", server, "export", "-"], capsys)[1] == before  # the batch: all or nothing
    monkeypatch.undo()
    assert run(["--db", server, "sweep"], capsys)[0] == 0
