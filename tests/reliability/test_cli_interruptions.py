"""Commands killed half-way (issue 19): a killed restore leaves no temporary files for long, and
`demo` is all or nothing — killed, interrupted or failing, it leaves no half sample behind and
runs again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from cli_calls import one_sentence, run
from desktop import cli
from desktop.storage.backups import STALE_AFTER
from desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


def _env() -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(cli.ENVIRONMENT, None)
    return env


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# A killed restore -------------------------------------------------------------------------------

# The command line, killed (SIGKILL) half-way through its first database copy: the safety
# backup a restore takes before it copies the backup over the database.
_KILLED_IN_A_COPY = """
import os, signal, sys
from desktop.storage import backups

real = backups.connect_readonly

class KilledHalfWay:
    def __init__(self, conn):
        self.conn = conn
    def execute(self, *args):
        return self.conn.execute(*args)
    def backup(self, target, **_):
        def progress(status, remaining, total):
            if remaining < total / 2:
                os.kill(os.getpid(), signal.SIGKILL)
        self.conn.backup(target, pages=2, progress=progress)
    def close(self):
        self.conn.close()

backups.connect_readonly = lambda path, timeout=30: KilledHalfWay(real(path, timeout))
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name)


def test_what_a_killed_restore_left_is_removed_at_the_next_open(tmp_path, capsys):
    database = tmp_path / "desk.sqlite3"
    assert cli.main(["demo", "--members", "300", "--db", str(database)]) == 0
    db = open_database(str(database), now=datetime(2026, 1, 1, 10))
    backup = db.backup_now(datetime(2026, 1, 1, 10))
    db.dispose()
    done = subprocess.run([sys.executable, "-c", _KILLED_IN_A_COPY, "restore", backup.name,
                           "--db", str(database)], cwd=ROOT, env=_env(), capture_output=True,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL
    left = _leftovers(tmp_path)
    assert left and all(name.endswith((".partial", ".partial-journal")) for name in left)
    # A temporary file touched a moment ago may be another program's copy under way: kept.
    capsys.readouterr()
    assert run(["backups", "--db", str(database)], capsys)[0] == 0
    assert _leftovers(tmp_path) == left
    # Minutes later it is a leftover: the next open removes it, and nothing else.
    past = time.time() - STALE_AFTER.total_seconds() - 60
    for name in left:
        os.utime(tmp_path / name, (past, past))
    code, out, err = run(["sweep", "--today", "2026-01-01", "--db", str(database)], capsys)
    assert (code, err) == (0, "")
    assert _leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([database.name, backup.name])
    assert _count(database, "members") == 300


def test_the_backups_listing_removes_the_leftovers_too(tmp_path, capsys):
    database = tmp_path / "desk.sqlite3"
    assert cli.main(["demo", "--members", "3", "--db", str(database)]) == 0
    stale = [tmp_path / "desk.backup-20260101-100000.sqlite3.partial",
             tmp_path / "desk.backup-20260101-100000.sqlite3.partial-journal"]
    others = [tmp_path / "other.backup-20260101-100000.sqlite3.partial",  # another database's
              tmp_path / "desk.sqlite3.partial"]  # not a backup's name
    past = time.time() - STALE_AFTER.total_seconds() - 60
    for path in stale + others:
        path.write_bytes(b"half")
        os.utime(path, (past, past))
    assert run(["backups", "--db", str(database)], capsys)[0] == 0
    assert [path.exists() for path in stale + others] == [False, False, True, True]


# An interrupted demo ----------------------------------------------------------------------------

# The demo, stopped at its second sweep: by SIGKILL, by Ctrl+C, or by a full disk.
_STOPPED_DEMO = """
import os, signal, sqlite3, sys
from desktop.services.sweep import service

real, sweeps = service.SweepService.apply_due, []

def apply_due(self, as_of, **options):
    sweeps.append(as_of)
    if len(sweeps) == 2:  # plans, members, contracts and a sweep's invoices are written
        if sys.argv[1] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if sys.argv[1] == "ctrl-c":
            raise KeyboardInterrupt
        raise sqlite3.OperationalError("database or disk is full")
    return real(self, as_of, **options)

service.SweepService.apply_due = apply_due
from desktop.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _stopped_demo(how: str, database: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _STOPPED_DEMO, how, "demo", "--members", "40",
                           "--db", str(database)], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, timeout=180)


def _rerun_gives_the_whole_sample(database: Path, capsys, *, kept: tuple = ()) -> None:
    code, out, err = run(["demo", "--members", "40", "--db", str(database)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Loaded 40 members,")
    assert _count(database, "members") == 40 and _count(database, "invoices") > 40
    assert sorted(p.name for p in database.parent.iterdir()) == sorted([database.name, *kept])


@pytest.mark.parametrize("how, status, sentence", [
    ("kill", -signal.SIGKILL, None),
    ("ctrl-c", 1, "Interrupted; what was not committed was rolled back."),
    ("full disk", 1, "The disk holding the database is full, so the change was not saved. "
                     "Free some space and run the command again."),
])
def test_a_demo_stopped_half_way_leaves_no_database_and_runs_again(how, status, sentence,
                                                                   tmp_path, capsys):
    database = tmp_path / "site" / "sample.sqlite3"
    done = _stopped_demo(how, database)
    assert done.returncode == status, done.stderr
    if sentence is not None:
        assert one_sentence(done.stderr) == sentence
        assert list(database.parent.iterdir()) == []  # its build removed at once
    assert not database.exists()
    # After a kill the build folder stays until it is stale; a new demo is not held up by it.
    kept = tuple(p.name for p in database.parent.iterdir()) if how == "kill" else ()
    assert all(name.startswith(".sample.sqlite3.building-") for name in kept)
    _rerun_gives_the_whole_sample(database, capsys, kept=kept)


def test_a_demo_killed_into_an_empty_database_leaves_it_empty(tmp_path, capsys):
    database = tmp_path / "empty.sqlite3"
    open_database(str(database), now=datetime(2026, 1, 1)).dispose()  # as the window makes it
    done = _stopped_demo("kill", database)
    assert done.returncode == -signal.SIGKILL
    assert _count(database, "members") == 0 and _count(database, "plans") == 0
    builds = [p for p in tmp_path.iterdir() if p.name.startswith(".empty.sqlite3.building-")]
    assert len(builds) == 1
    past = time.time() - STALE_AFTER.total_seconds() - 60
    for path in [builds[0], *builds[0].iterdir()]:
        os.utime(path, (past, past))
    _rerun_gives_the_whole_sample(database, capsys)  # and the stale build is gone
