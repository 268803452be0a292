"""Nothing lost, nothing misreported on the command line (issue 14): restore and backups, ranges,
--catch-up-limit, ISO dates, refusals that create nothing, locks, read-only exports, and the
reliability trial's worst documents, each exit 2 with one sentence."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli_calls import one_sentence, run
from desktop import cli
from desktop.storage import migrate
from desktop.storage.database import open_database
from old_schema import ADA, file_at
from small_document import SMALL

NOW = datetime(2026, 3, 5, 9, 30)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


def members(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM members ORDER BY id")]


def imported(tmp_path: Path, capsys, name: str = "desk.sqlite3") -> Path:
    source = tmp_path / "small.json"
    source.write_text(json.dumps(SMALL), encoding="utf-8")
    path = tmp_path / name
    code, _, err = run(["import", str(source), "--db", str(path)], capsys)
    assert code == 0, err
    return path


def add_member(path: Path, name: str) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO members (email, name, company, phone, notes, credit_balance, "
                     "deposit_held, archived, billing_address, vat_id) VALUES "
                     f"('{name.split()[0].lower()}@example.org', '{name}', '', '', '', 0, 0, 0, "
                     "'', '')")


# 1. restore and backups -----------------------------------------------------------------------

def test_restore_brings_back_the_oldest_backup_and_keeps_the_database_as_it_was(tmp_path, capsys):
    path = imported(tmp_path, capsys)
    db = open_database(str(path), now=NOW)
    made = [db.backup_now(NOW + timedelta(hours=hour)) for hour in range(5)]
    db.dispose()
    add_member(path, "Alan Turing")
    code, out, err = run(["restore", made[0].name, "--db", str(path)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith(f"Restored {path} from {made[0].name}; the database as it was is kept")
    assert made[0].exists()  # the safety backup did not rotate it away
    assert "Alan Turing" not in members(path)
    code, out, _ = run(["backups", "--db", str(path)], capsys)
    listed = out.splitlines()
    assert code == 0 and len(listed) == 6
    assert made[0].name in listed[-1] and listed[-1].startswith("2026-03-05 09:30:00")
    assert " KB " in listed[0]
    safety = listed[0].split()[-1]
    assert "Alan Turing" in members(tmp_path / safety)  # newest first: the safety copy


def test_restore_refuses_what_is_not_a_backup_and_writes_nothing(tmp_path, capsys):
    path = imported(tmp_path, capsys)
    before = path.read_bytes()
    for name, words in (("nothing-here.sqlite3", "There is no backup nothing-here.sqlite3"),
                        (str(tmp_path / "small.json"), "is not a Frontdesk database"),
                        (str(path), "is the database itself")):
        code, out, err = run(["restore", name, "--db", str(path)], capsys)
        assert code == 2 and out == "" and words in one_sentence(err)
    assert path.read_bytes() == before
    assert run(["backups", "--db", str(path)], capsys)[1].startswith("There are no backups")


# 4. ranges and catching up --------------------------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["sweep", "--today", "2207-01-01"], "outside the dates Frontdesk accepts"),
    (["sweep", "--today", "0024-05-21"], "outside the dates Frontdesk accepts"),
    (["sweep", "--today", "2024-W01-1"], '"2024-W01-1" is not a date written YYYY-MM-DD'),
    (["sweep", "--today", "20270101"], '"20270101" is not a date written YYYY-MM-DD'),
    (["demo", "--members", "99999999999999999999"], "is not a whole number from 1 to 1,000,000"),
    (["demo", "--members", "1000001"], "is not a whole number from 1 to 1,000,000"),
    (["demo", "--members", "9" * 5000], "is not a whole number from 1 to 1,000,000"),
    (["sweep", "--catch-up-limit", "0"], "is not a whole number from 1"),
])
def test_values_out_of_range_exit_2_before_anything_is_opened(argv, words, tmp_path, capsys):
    db_file = tmp_path / "never.sqlite3"
    code, out, err = run(argv + ["--db", str(db_file)], capsys)
    assert code == 2 and out == ""
    assert words in one_sentence(err)
    assert not db_file.exists()


def _invoice_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM invoices").fetchone()[0]


def test_a_sweep_issuing_more_than_24_invoices_at_once_needs_the_catch_up_limit(tmp_path, capsys):
    path = imported(tmp_path, capsys)  # monthly since 2024-08-01: 30 invoices by 2027-01-01
    code, out, err = run(["sweep", "--db", str(path), "--today", "2027-01-01"], capsys)
    assert code == 2 and out == ""
    assert "would issue more than 24 invoices at once to contract 1 of Ada Lovelace" in \
        one_sentence(err)
    assert "--catch-up-limit" in err
    assert _invoice_count(path) == 1  # nothing issued
    code, out, err = run(["sweep", "--db", str(path), "--today", "2027-01-01",
                          "--catch-up-limit", "40"], capsys)
    assert (code, err) == (0, "")
    assert _invoice_count(path) == 1 + 30
    code, _, err = run(["sweep", "--db", str(path), "--today", "2027-02-01"], capsys)
    assert (code, err) == (0, "")  # one more a month later is no catch-up


def _latest_dates(path: Path) -> tuple:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT max(next_invoice_date), max(next_event_date), "
                            "(SELECT max(period_end) FROM invoice_lines) FROM contracts").fetchone()


def test_a_sweep_never_writes_a_date_after_the_last_one_its_import_accepts(tmp_path, capsys):
    """Issue 19: a sweep to 2100-12-31 wrote next invoice dates in 2101, which the export's own
    import refused. Refused with the latest day that is safe; that sweep's export imports."""
    path = imported(tmp_path, capsys)  # monthly on the 1st, one Locker add-on
    code, out, err = run(["sweep", "--db", str(path), "--today", "2100-12-31",
                          "--catch-up-limit", "2000"], capsys)
    assert (code, out) == (2, "")
    assert one_sentence(err) == (
        "Sweeping up to 2100-12-31 would give contract 1 of Ada Lovelace a next invoice date of "
        "2101-01-01, after 2100-12-31, the last date Frontdesk accepts; nothing was issued. "
        "Sweep up to 2100-11-30 at the latest.")
    assert _invoice_count(path) == 1
    code, _, err = run(["sweep", "--db", str(path), "--today", "2100-11-30",
                        "--catch-up-limit", "2000"], capsys)
    assert (code, err) == (0, "")
    assert _latest_dates(path) == ("2100-12-01", "2100-12-01", "2100-12-01")
    code, out, _ = run(["export", "-", "--db", str(path)], capsys)
    source = tmp_path / "late.json"
    source.write_text(out, encoding="utf-8")
    code, _, err = run(["import", str(source), "--db", str(tmp_path / "again.sqlite3")], capsys)
    assert (code, err) == (0, "")
    code, _, err = run(["sweep", "--db", str(path), "--today", "2100-12-01"], capsys)
    assert code == 2 and "Sweep up to 2100-11-30 at the latest." in one_sentence(err)


# 6. nothing created on a refusal --------------------------------------------------------------

def test_an_empty_db_name_is_refused_instead_of_the_default_database(tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for command in (["sweep"], ["export", "-"], ["demo"], []):
        code, out, err = run(command + ["--db", ""], capsys)
        assert code == 2 and out == ""
        assert "--db was given an empty name" in one_sentence(err)
    assert not (tmp_path / "data").exists()


def test_a_zero_byte_file_is_refused_by_every_command_and_stays_empty(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    source = tmp_path / "small.json"
    source.write_text(json.dumps(SMALL), encoding="utf-8")
    for command in (["sweep"], ["export", "-"], ["demo", "--members", "1"],
                    ["import", str(source)]):
        code, out, err = run(command + ["--db", str(empty)], capsys)
        assert code == 2 and out == ""
        assert "is not a Frontdesk database" in one_sentence(err)
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite3", "small.json"]


# 3. locks -------------------------------------------------------------------------------------

def test_a_locked_database_is_another_program_using_it_not_a_foreign_file(tmp_path, capsys,
                                                                         monkeypatch):
    path = imported(tmp_path, capsys)
    monkeypatch.setattr(migrate, "OPEN_WAIT_S", 0.3)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("DELETE FROM payments")
    try:
        started = time.monotonic()
        code, out, err = run(["sweep", "--db", str(path)], capsys)
        elapsed = time.monotonic() - started
    finally:
        holder.close()
    assert code == 1 and out == ""
    sentence = one_sentence(err)
    assert sentence.startswith("Another program is using this database")
    assert "not a Frontdesk database" not in sentence and "SQL" not in sentence
    assert elapsed < 5


def test_a_write_lock_held_elsewhere_is_said_in_one_sentence(tmp_path, capsys, monkeypatch):
    from desktop.storage import database

    path = imported(tmp_path, capsys)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run(["sweep", "--db", str(path), "--today", "2024-09-01"], capsys)
    finally:
        holder.close()
    assert code == 1 and out == ""
    assert one_sentence(err).startswith("Another program is using this database")
    assert "[SQL" not in err and "sqlalche.me" not in err


# 8. a read-only export of an older schema -----------------------------------------------------

def test_exporting_an_older_database_changes_nothing_and_leaves_no_backup(tmp_path, capsys):
    path = tmp_path / "old.sqlite3"
    file_at(path, "0003", ADA)
    path.chmod(0o444)
    before = path.read_bytes()
    for _attempt in range(2):
        code, out, err = run(["export", "-", "--db", str(path)], capsys)
        assert (code, err) == (0, "")
        assert [m["name"] for m in json.loads(out)["members"]] == ["Ada Lovelace"]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite3"]


def test_exporting_leaves_no_file_beside_the_database_and_reads_a_backup_too(tmp_path, capsys):
    path = imported(tmp_path, capsys)
    db = open_database(str(path), now=NOW)
    backup = db.backup_now(NOW)  # a self-contained file, not in write-ahead-log mode
    db.dispose()
    before = sorted(p.name for p in tmp_path.iterdir())
    for source in (path, backup):
        code, out, err = run(["export", "-", "--db", str(source)], capsys)
        assert (code, err) == (0, "")
        assert [m["name"] for m in json.loads(out)["members"]] == ["Ada Lovelace", "Grace Hopper"]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no -wal, no -shm, no backup


# 5. the reliability trial's worst documents ---------------------------------------------------

def _changed(change) -> str:
    doc = copy.deepcopy(SMALL)
    change(doc)
    return json.dumps(doc)


def _refund_before_its_credit(doc: dict) -> None:
    """A refund of 500 on 5 July out of a credit that arrived on 10 July (an invoice of unused
    time): the balance left, 0, fits, but on 5 July there was nothing to refund."""
    doc["invoices"].append({
        "number": "INV-000002", "member": "ada@example.org", "issue_date": "2024-07-10",
        "subtotal": -500, "tax": 0, "total": -500, "credit_applied": 0, "amount_due": 0,
        "lines": [{"kind": "unused", "description": "Unused time on Hot desk", "contract": "1",
                   "period_start": "2024-07-10", "period_end": "2024-08-01", "amount": -500}]})
    doc["payments"] = [{"member": "ada@example.org", "date": "2024-07-05", "amount": -500}]


WORST = {
    "a tax rate of 1e-99999999": (
        _changed(lambda d: d["settings"].update(tax_rate="1e-99999999")),
        'settings.tax_rate: "1e-99999999" is not a tax rate written as a plain number'),
    "a tax rate with eight decimals": (
        _changed(lambda d: d["settings"].update(tax_rate="7.00000001")),
        'settings.tax_rate: "7.00000001" has more than 4 decimals'),
    "a contract dated in year 24": (
        _changed(lambda d: d["contracts"][0].update(start_date="0024-05-21")),
        "contracts[0].start_date: 0024-05-21 is outside the dates Frontdesk accepts"),
    "a week date": (
        _changed(lambda d: d["contracts"][0].update(start_date="2024-W01-1")),
        '"2024-W01-1" is not a date'),
    "a number of 5000 digits": (
        json.dumps(SMALL).replace("19500", "1" * 5000, 1), "holds a number too long to be read"),
    "nesting 100000 deep": ("[" * 100_000 + "]" * 100_000, "is nested too deeply"),
    "nesting 40 deep inside a field": (
        _changed(lambda d: d["members"][0].update(notes=json.loads("[" * 40 + "]" * 40))),
        "is nested too deeply"),
    "a number where a list belongs": (
        _changed(lambda d: d["invoices"][0].update(lines=5)), "invoices[0].lines: 5 is not a list"),
    "a list where a key is looked up": (
        _changed(lambda d: d["contracts"][0].update(plan=["Hot desk"])),
        'contracts[0].plan: ["Hot desk"] is not a plan in plans'),
    "a list as a payment's invoice": (
        _changed(lambda d: d.update(payments=[{"invoice": ["x"], "date": "2024-07-02",
                                               "amount": 1}])),
        'payments[0].invoice: ["x"] is not the number of an invoice'),
    "a balance of 31 digits": (
        _changed(lambda d: d["members"][0].update(credit_balance=10**30)),
        "is above 1000000000000"),
    "a lone surrogate": (
        json.dumps(SMALL).replace("Ada Lovelace", "Ada \\ud800", 1), "is not valid text"),
    "a lone surrogate in a key": (
        _changed(lambda d: d["plans"][0]["allowances"].update({"\ud800": 1})),
        "the name is not valid text"),
    # Issue 19: what the window or the command line refuses, an import refuses too.
    "a NUL in a name": (
        _changed(lambda d: d["members"][0].update(name="Ada\u0000Lovelace")),
        "members[0].name: The text holds a control character (U+0000); remove it."),
    "a C1 control in notes": (
        _changed(lambda d: d["members"][0].update(notes="Key\u0085card")),
        "members[0].notes: The text holds a control character (U+0085); remove it."),
    "a tab in a one-line field": (
        _changed(lambda d: d["members"][0].update(company="Engines\tLtd")),
        "members[0].company: The text holds a line break or tab (U+0009)"),
    "a control character in an allowance's name": (
        _changed(lambda d: d["plans"][0]["allowances"].update({"Pages\u0007": 1})),
        "The text holds a control character (U+0007)"),
    "e-mails equal once normalised": (
        _changed(lambda d: d["members"][1].update(email="\uff21\uff24\uff21@example.org")),
        'members[1].email: "ＡＤＡ@example.org" is used by another member, as '
        '"ada@example.org".'),
    "a tax rate of 1e2": (
        _changed(lambda d: d["settings"].update(tax_rate="1e2")),
        'settings.tax_rate: "1e2" is not a tax rate written as a plain number'),
    "a currency in lower case": (
        _changed(lambda d: d["settings"].update(currency="eur")),
        'settings.currency: "eur" is not a currency code such as "EUR" or "GBP"'),
    "a payment before its invoice": (
        _changed(lambda d: d.update(payments=[{"invoice": "INV-000001", "date": "2024-06-30",
                                               "amount": 100}])),
        "payments[0].date: 2024-06-30 is before invoice INV-000001 was issued (2024-07-01)."),
    "a refund of credit not held yet": (
        _changed(_refund_before_its_credit),
        "payments[0].amount: refunds 500, more than the credit balance ada@example.org held on "
        "2024-07-05 (0)."),
    "an invoice number that climbs out of the folder": (
        _changed(lambda d: d["invoices"][0].update(number="../../x")),
        'invoices[0].number: "../../x" cannot be an invoice number: it becomes a file name'),
    "an absolute invoice number": (
        _changed(lambda d: d["invoices"][0].update(number="/tmp/x")),
        'invoices[0].number: "/tmp/x" cannot be an invoice number'),
    "an invoice number with a folder": (
        _changed(lambda d: d["invoices"][0].update(number="sub/x")),
        'invoices[0].number: "sub/x" cannot be an invoice number'),
    "an invoice number with a NUL": (
        _changed(lambda d: d["invoices"][0].update(number="INV\u00001")),
        "invoices[0].number: The text holds a control character (U+0000)"),
    "a hidden invoice number": (
        _changed(lambda d: d["invoices"][0].update(number=".INV-1")),
        'invoices[0].number: ".INV-1" cannot be an invoice number: a file name cannot start '
        'with a dot'),
    "an invoice number of 65 characters": (
        _changed(lambda d: d["invoices"][0].update(number="9" * 65)),
        "invoices[0].number: An invoice number has at most 64 characters."),
}


@pytest.mark.parametrize("name", WORST)
def test_the_trials_worst_documents_exit_2_with_their_place_and_write_nothing(name, tmp_path,
                                                                              capsys):
    text, words = WORST[name]
    source = tmp_path / "worst.json"
    source.write_text(text, encoding="utf-8", errors="surrogatepass")
    target = tmp_path / "new.sqlite3"
    started = time.monotonic()
    code, out, err = run(["import", str(source), "--db", str(target)], capsys)
    assert time.monotonic() - started < 10
    assert code == 2 and out == ""
    assert words in err
    assert "Traceback" not in err and "Error" not in err and "object" not in err.split(":")[0]
    assert not target.exists()  # nothing created on a refusal


def test_a_contract_id_of_23_digits_is_kept_as_its_reference(tmp_path, capsys):
    doc = copy.deepcopy(SMALL)
    big = "9" * 23  # once "Python int too large to convert to SQLite INTEGER"
    doc["contracts"][0]["id"] = big
    for line in doc["invoices"][0]["lines"]:
        line["contract"] = big
    source = tmp_path / "big-id.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "new.sqlite3"
    code, _, err = run(["import", str(source), "--db", str(target)], capsys)
    assert (code, err) == (0, "")
    code, out, _ = run(["export", "-", "--db", str(target)], capsys)
    assert json.loads(out)["contracts"][0]["id"] == big


def test_a_newline_in_a_key_stays_on_its_problems_line(tmp_path, capsys):
    source = tmp_path / "newline.json"
    source.write_text(_changed(lambda d: d["members"][0].update({"bad\nkey": 1})),
                      encoding="utf-8")
    code, _, err = run(["import", str(source), "--db", str(tmp_path / "new.sqlite3")], capsys)
    assert code == 2
    assert one_sentence(err) == ("Nothing was imported: members[0].bad\\nkey: is not a field of "
                                 "this format.")


def test_three_thousand_problems_show_the_first_twenty_and_how_many_more(tmp_path, capsys):
    source = tmp_path / "many.json"
    source.write_text(_changed(lambda d: d.update(members=[{"email": 5, "name": 5}] * 1500)),
                      encoding="utf-8")
    code, _, err = run(["import", str(source), "--db", str(tmp_path / "new.sqlite3")], capsys)
    lines = err.splitlines()
    assert code == 2
    assert lines[0] == "Nothing was imported; the document has 3002 problems:"
    assert len(lines) == 22 and lines[-1] == "  … and 2982 more."
    assert len(err) < 3000


@pytest.mark.parametrize("contract_id", [["1"], {"id": "1"}])
def test_a_list_or_object_as_a_contract_id_shows_no_traceback_and_logs_it(contract_id, tmp_path):
    """In a real process: a record logged by the reader went to standard error with its
    traceback (no handler: Python's last resort); it goes to the log file."""
    doc = copy.deepcopy(SMALL)
    doc["contracts"][0]["id"] = contract_id
    source = tmp_path / "odd-id.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    env.pop(cli.ENVIRONMENT, None)
    target = tmp_path / "new.sqlite3"
    done = subprocess.run([sys.executable, "-m", "desktop", "import", str(source), "--db",
                           str(target)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    assert f"contracts[0].id: {json.dumps(contract_id)} is not text." in done.stderr
    assert not target.exists()
    log = tmp_path / "state" / "Frontdesk" / "log" / "frontdesk.log"
    assert "Traceback" in log.read_text(encoding="utf-8")
