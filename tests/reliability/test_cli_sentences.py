"""The right sentence (issue 19): a read-only database or a full disk says what to do instead
of "(sqlite3.OperationalError) attempt to write a readonly database"; a payment of 10^30 is too
large, not "not greater than zero"; a payment on a credit note is not "paid in full"."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from cli_calls import copied, made_demo, one_sentence, run
from desktop import cli
from desktop.cli_troubles import storage_trouble

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return made_demo(tmp_path_factory, members=6)


@pytest.fixture
def desk(demo_file, tmp_path) -> Path:
    """A copy of the demo database for one test."""
    return copied(demo_file, tmp_path)


def _unpaid(database: Path) -> str:
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT number FROM invoices WHERE amount_due > 0 ORDER BY id DESC "
                            "LIMIT 1").fetchone()[0]


def _payments(database: Path) -> int:
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT count(*) FROM payments").fetchone()[0]


READ_ONLY = ("The database ({path}) is read-only for you, or its folder is, so the change was "
             "not saved. Make both writable (or copy the database to a folder of yours, with "
             "--db naming the copy) and run the command again.")


@pytest.mark.parametrize("command", [["sweep", "--today", "2027-06-01"], ["payments", "add"]])
def test_a_read_only_database_says_what_to_do(command, desk, capsys):
    if command[0] == "payments":
        command = command + [_unpaid(desk), "100"]
    url = f"sqlite:///file:{desk}?mode=ro&uri=true"  # read-only whoever runs the test
    code, out, err = run(command + ["--db", url], capsys)
    assert code == 1
    assert one_sentence(err) == READ_ONLY.format(path=desk)
    assert "OperationalError" not in err and _payments(desk) == 0


_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))  # the write-ahead log cannot grow
from desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_disk_that_refuses_the_write_says_what_to_do(desk):
    env = {**os.environ}
    env.pop(cli.ENVIRONMENT, None)
    done = subprocess.run([sys.executable, "-c", _LIMITED, "payments", "add", _unpaid(desk),
                           "100", "--db", str(desk)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert one_sentence(done.stderr) == (
        f"The disk holding the database ({desk}) reported an error, so the change was not "
        "saved. Check the disk and its free space, then run the command again.")
    assert _payments(desk) == 0


@pytest.mark.parametrize("error, words", [
    (sqlite3.OperationalError("database or disk is full"), "The disk holding the database is "
                                                           "full, so the change was not saved."),
    (OSError(errno.ENOSPC, "No space left on device"), "The disk holding the database is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "is read-only for you"),
    (sqlite3.OperationalError("unable to open database file"), "cannot be opened for writing"),
])
def test_each_trouble_of_the_disk_has_its_sentence(error, words):
    from sqlalchemy.exc import OperationalError

    wrapped = OperationalError("INSERT …", {}, error)
    assert words in storage_trouble(wrapped, Path("desk.sqlite3"))
    assert storage_trouble(ValueError("no"), None) is None


def test_a_payment_of_ten_to_the_thirty_is_too_large(desk, capsys):
    code, _, err = run(["payments", "add", _unpaid(desk), str(10**30), "--db", str(desk)], capsys)
    assert code == 2
    assert one_sentence(err) == ("A payment can be at most €10,000,000,000.00; this amount is "
                                 "too large; nothing was written.")
    with closing(sqlite3.connect(desk)) as conn:
        email = conn.execute("SELECT email FROM members LIMIT 1").fetchone()[0]
    code, _, err = run(["payments", "refund", email, str(10**30), "--db", str(desk)], capsys)
    assert code == 2 and "A refund can be at most" in one_sentence(err)
    assert _payments(desk) == 0


def test_a_payment_on_a_credit_note_says_it_is_one(desk, capsys):
    number = _unpaid(desk)
    with closing(sqlite3.connect(desk)) as conn, conn:  # a credit note: its total below zero
        conn.execute("UPDATE invoices SET subtotal = -4000, tax = -920, total = -4920, "
                     "credit_applied = 0, amount_due = 0 WHERE number = ?", (number,))
    code, _, err = run(["payments", "add", number, "100", "--db", str(desk)], capsys)
    assert code == 2
    assert one_sentence(err) == (
        f"{number} is a credit note: its €49.20 went to the member's credit balance, so "
        "nothing is paid against it; nothing was written.")
    assert _payments(desk) == 0


def test_a_database_that_cannot_be_upgraded_on_a_read_only_disk_says_so(tmp_path, capsys,
                                                                        monkeypatch):
    """The upgrade at open met a read-only file: once "… could not be opened (attempt to write
    a readonly database)", SQLite's words, exit 2."""
    from desktop.storage import database
    from desktop.storage.errors import DatabaseRefused

    path = tmp_path / "old.sqlite3"
    path.write_bytes(b"")

    def refused(target, **_options):
        reason = sqlite3.OperationalError("attempt to write a readonly database")
        raise DatabaseRefused(f"{target} could not be opened ({reason}); it was not "
                              "changed.") from reason

    monkeypatch.setattr(database, "open_database", refused)
    code, _, err = run(["sweep", "--db", str(path)], capsys)
    assert code == 1 and one_sentence(err) == READ_ONLY.format(path=path)
