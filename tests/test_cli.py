"""The command line (docs/exchange-format.md): exit 0 done, 2 bad input (nothing written), 1
anything else; errors are one sentence on stderr, never a traceback."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from datetime import date, timedelta
from pathlib import Path

import pytest

from cli_calls import one_sentence, run
from desktop import __version__, cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


def document(db_file: Path, capsys) -> dict:
    code, out, _ = run(["export", "-", "--db", str(db_file)], capsys)
    assert code == 0
    return json.loads(out)


def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert (code, out.strip()) == (0, f"frontdesk {__version__}")


def test_demo_fills_an_empty_database_and_refuses_a_full_one(tmp_path, capsys):
    db_file = tmp_path / "demo.sqlite3"
    code, out, err = run(["demo", "--members", "15", "--seed", "4", "--db", str(db_file)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Loaded 15 members,")
    before = document(db_file, capsys)
    code, _, err = run(["--db", str(db_file), "demo"], capsys)
    assert code == 2
    assert "not empty" in one_sentence(err)
    assert document(db_file, capsys) == before


def test_sweep_prints_what_it_applied_and_json_when_asked(tmp_path, capsys):
    db_file = tmp_path / "sweep.sqlite3"
    run(["demo", "--members", "10", "--db", str(db_file)], capsys)
    code, out, err = run(["sweep", "--db", str(db_file), "--today", "2099-01-01", "--json",
                          "--catch-up-limit", "1000"],
                         capsys)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert set(report) == {"as_of", "applied", "invoices_issued", "failed"}
    assert report["as_of"] == "2099-01-01" and report["invoices_issued"] > 0
    assert set(report["applied"][0]) == {"contract", "kind", "date", "description"}
    code, out, _ = run(["sweep", "--db", str(db_file), "--today", "2099-01-01"], capsys)
    assert code == 0
    assert out.strip() == "Applied 0 transitions due up to 2099-01-01; issued 0 documents."


def test_the_environment_variable_names_the_database(tmp_path, capsys, monkeypatch):
    db_file = tmp_path / "env.sqlite3"
    monkeypatch.setenv(cli.ENVIRONMENT, f"sqlite:///{db_file}")
    assert run(["demo", "--members", "3"], capsys)[0] == 0
    assert db_file.exists()
    assert len(document(db_file, capsys)["members"]) == 3


@pytest.mark.parametrize("argv, words", [
    (["sweep", "--today", "2024-02-30"], '"2024-02-30" is not a date'),
    (["demo", "--members", "many"], '"many" is not a whole number'),
    (["demo", "--members", "0"], '"0" is not a whole number from 1 to 1,000,000'),
    (["frobnicate"], "Argument COMMAND: invalid choice: 'frobnicate'"),
    (["import"], "The following arguments are required: FILE"),
    (["export", "a", "b"], "Unrecognized arguments: b"),
])
def test_bad_arguments_exit_2_with_one_sentence(argv, words, tmp_path, capsys):
    db_file = tmp_path / "never.sqlite3"
    code, out, err = run(argv + ["--db", str(db_file)], capsys)
    assert code == 2 and out == ""
    assert words in one_sentence(err)
    assert not db_file.exists()  # nothing written, not even a new database


def test_import_and_export_round_trip(tmp_path, capsys):
    """Issue 19: export, import into an empty file, export again: the same bytes, with the
    history and the applied transitions the demo's sweep wrote."""
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    run(["demo", "--members", "12", "--db", str(source)], capsys)
    exported = tmp_path / "space.json"
    assert run(["export", str(exported), "--db", str(source)], capsys)[0] == 0
    code, out, err = run(["import", str(exported), "--db", str(target)], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Imported ") and "12 members" in out
    again = tmp_path / "again.json"
    assert run(["export", str(again), "--db", str(target)], capsys)[:2] == (0, "")
    assert again.read_bytes() == exported.read_bytes()
    moved = json.loads(again.read_text(encoding="utf-8"))
    assert moved["format"] == "frontdesk/2"
    assert len(moved["history"]) > 12 and len(moved["applied_transitions"]) > 12


def test_an_import_with_problems_lists_every_one_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "format": "frontdesk/1",
        "plans": [{"name": "Desk", "price": "lots"}],
        "members": [{"email": "ada@example.org", "name": "Ada"}],
        "contracts": [{"id": "1", "member": "ada@example.org", "plan": "Desk",
                       "start_date": "2024-13-01"}]}), encoding="utf-8")
    db_file = tmp_path / "target.sqlite3"
    code, out, err = run(["import", str(bad), "--db", str(db_file)], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "Nothing was imported; the document has 2 problems:",
        '  plans[0].price: "lots" is not a whole number of minor units.',
        '  contracts[0].start_date: "2024-13-01" is not a date.']
    assert not db_file.exists()  # a refused import into a new file leaves no file


def test_rule_9_an_import_the_editor_could_never_save_exits_2_and_writes_nothing(tmp_path,
                                                                                capsys):
    """The audit's case: a custom price with another next plan, refused at its place."""
    bad = tmp_path / "custom.json"
    bad.write_text(json.dumps({
        "format": "frontdesk/1",
        "plans": [{"name": "Desk", "price": 20000}, {"name": "Office", "price": 60000}],
        "members": [{"email": "ada@example.org", "name": "Ada"}],
        "contracts": [{"id": "c1", "member": "ada@example.org", "plan": "Desk",
                       "next_plan": "Office", "custom_price": 15000,
                       "start_date": "2024-01-01", "next_invoice_date": "2024-05-01"}]}),
        encoding="utf-8")
    db_file = tmp_path / "target.sqlite3"
    code, out, err = run(["import", str(bad), "--db", str(db_file)], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "Nothing was imported: contracts[0].next_plan: A contract with a custom price cannot "
        "switch plans on its own; cancel it and create a new term on the other plan."]
    assert not db_file.exists()  # nothing written: not even a file


@pytest.mark.parametrize("content, words", [
    (None, "does not exist"),
    ("{not json", "is not JSON: Expecting property name"),
])
def test_an_unreadable_import_file_exits_2(tmp_path, capsys, content, words):
    path = tmp_path / "space.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, _, err = run(["import", str(path), "--db", str(tmp_path / "db.sqlite3")], capsys)
    assert code == 2 and words in one_sentence(err)


def test_import_into_a_database_that_is_not_empty_exits_2(tmp_path, capsys):
    db_file = tmp_path / "full.sqlite3"
    run(["demo", "--members", "3", "--db", str(db_file)], capsys)
    path = tmp_path / "space.json"
    run(["export", str(path), "--db", str(db_file)], capsys)
    before = document(db_file, capsys)
    code, _, err = run(["import", str(path), "--db", str(db_file)], capsys)
    assert code == 2 and "not empty" in one_sentence(err)
    assert document(db_file, capsys) == before


def test_a_file_that_is_not_a_frontdesk_database_is_refused_untouched(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n", encoding="utf-8")
    code, _, err = run(["sweep", "--db", str(notes)], capsys)
    assert code == 2 and "not a Frontdesk database" in one_sentence(err)
    assert notes.read_text(encoding="utf-8") == "shopping list\n"


@pytest.mark.parametrize("command", [["sweep"], ["export", "-"]])
def test_a_database_file_that_does_not_exist_is_refused_not_created(command, tmp_path, capsys):
    db_file = tmp_path / "typo.sqlite3"
    code, out, err = run(command + ["--db", str(db_file)], capsys)
    assert (code, out) == (2, "")
    assert one_sentence(err) == (f'There is no database at {db_file}; run "frontdesk demo" or '
                                 f'"frontdesk import" to create one.')
    assert list(tmp_path.iterdir()) == []


def test_a_missing_default_or_environment_database_is_refused_too(
        tmp_path, capsys, monkeypatch):
    from desktop.storage import database

    default = tmp_path / "data" / "frontdesk.sqlite3"
    monkeypatch.setattr(database, "default_path", lambda: default)
    code, _, err = run(["sweep"], capsys)
    assert code == 2 and f"There is no database at {default};" in one_sentence(err)
    monkeypatch.setenv(cli.ENVIRONMENT, str(tmp_path / "env.sqlite3"))
    code, _, err = run(["export", "-"], capsys)
    assert code == 2 and "env.sqlite3;" in one_sentence(err)
    assert list(tmp_path.iterdir()) == []


def test_a_url_names_a_database_the_driver_may_create(tmp_path, capsys):
    db_file = tmp_path / "new.sqlite3"
    code, out, err = run(["sweep", "--db", f"sqlite:///{db_file}", "--today", "2024-01-01"],
                         capsys)
    assert (code, err) == (0, "")
    assert out.strip() == "Applied 0 transitions due up to 2024-01-01; issued 0 documents."


def test_an_unexpected_failure_exits_1_with_one_sentence(tmp_path, capsys, monkeypatch):
    from desktop.services.sweep import service as sweep

    def broken(self, as_of, **_options):
        raise RuntimeError("the disk is full\nmore detail nobody needs")

    db_file = tmp_path / "db.sqlite3"
    run(["demo", "--members", "1", "--db", str(db_file)], capsys)
    monkeypatch.setattr(sweep.SweepService, "apply_due", broken)
    code, _, err = run(["sweep", "--db", str(db_file)], capsys)
    assert code == 1
    assert one_sentence(err) == "The sweep command failed: the disk is full."


def test_a_sweep_with_failed_member_days_exits_1(tmp_path, capsys, monkeypatch):
    from desktop.services.sweep import service as sweep

    db_file = tmp_path / "db.sqlite3"
    run(["demo", "--members", "5", "--db", str(db_file)], capsys)

    def refuse(*args, **kwargs):
        raise ValueError("no rule for this")

    monkeypatch.setattr(sweep, "apply_day", refuse)
    code, out, err = run(["sweep", "--db", str(db_file), "--today", "2099-01-01",
                          "--catch-up-limit", "1000"], capsys)
    assert code == 1 and "issued 0 documents" in out
    assert "could not be applied: no rule for this" in one_sentence(err)


@pytest.fixture
def real_window_loaded(monkeypatch):
    """desktop.app imported (as after the UI tests), its run() made to fail if reached."""
    try:
        real = importlib.import_module("desktop.app")
    except ImportError:
        return
    monkeypatch.setattr(real, "run", lambda *args: pytest.fail("the real window was opened"))


def test_no_command_opens_the_window_on_the_chosen_database(monkeypatch, capsys,
                                                           real_window_loaded):
    opened = []
    fake = types.ModuleType("desktop.app")
    fake.run = lambda target: opened.append(target) or 0
    monkeypatch.setitem(sys.modules, "desktop.app", fake)
    assert run(["--db", "/tmp/somewhere.sqlite3"], capsys)[0] == 0
    assert opened == ["/tmp/somewhere.sqlite3"]


def test_without_qt_the_window_command_fails_with_a_sentence(monkeypatch, capsys,
                                                            real_window_loaded):
    monkeypatch.setitem(sys.modules, "desktop.app", None)  # import fails as if not built
    code, out, err = run([], capsys)
    assert (code, out) == (1, "")
    assert "Qt (PySide6) is not installed" in one_sentence(err)


def test_a_missing_qt_system_library_is_named_and_exits_1(tmp_path):
    """PySide6 that cannot load its libraries (no libEGL on the machine), in a real process."""
    fake = tmp_path / "PySide6"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        'raise ImportError("libEGL.so.1: cannot open shared object file: No such file or '
        'directory")\n')
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    env.pop(cli.ENVIRONMENT, None)
    done = subprocess.run([sys.executable, "-m", "desktop", "--db", str(tmp_path / "x.sqlite3")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (1, "")
    assert "the system library libEGL.so.1 is missing" in one_sentence(done.stderr)


def test_a_reader_that_stops_early_is_no_failure_of_the_sweep(tmp_path):
    """`frontdesk sweep | head`: the pipe closes before the report is written."""
    database = str(tmp_path / "desk.sqlite3")
    assert cli.main(["demo", "--members", "8", "--db", database]) == 0
    env = {**os.environ}
    env.pop(cli.ENVIRONMENT, None)
    # Two months after the demo's today (the real one): transitions fall due, well within any
    # catch-up limit.
    day = (date.today() + timedelta(days=62)).isoformat()
    process = subprocess.Popen([sys.executable, "-m", "desktop", "sweep", "--db", database,
                                "--today", day], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # like `head` that has read enough
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0 and err == ""
    done = subprocess.run([sys.executable, "-m", "desktop", "sweep", "--db", database,
                           "--today", day, "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout)["applied"] == [], "the first sweep was not applied"


def test_python_dash_m_desktop_never_shows_a_traceback(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(cli.ENVIRONMENT, None)
    done = subprocess.run([sys.executable, "-m", "desktop", "sweep", "--today", "yesterday",
                           "--db", str(tmp_path / "db.sqlite3")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert "yesterday" in one_sentence(done.stderr)


# Payments and refunds (issue 11) -------------------------------------------------------------


def _demo_with_invoice(tmp_path, capsys) -> tuple[str, str, int]:
    """A demo database, an invoice number with something left to pay, and what it lacks."""
    import sqlite3
    from contextlib import closing

    database = str(tmp_path / "desk.sqlite3")
    assert cli.main(["demo", "--members", "5", "--db", database]) == 0
    with closing(sqlite3.connect(database)) as conn:
        number, due = conn.execute("SELECT number, amount_due FROM invoices "
                                   "WHERE amount_due > 0 ORDER BY id LIMIT 1").fetchone()
    capsys.readouterr()
    return database, number, due


def _payments(database: str) -> list[tuple]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT amount, method, reference FROM payments ORDER BY id").fetchall()


def test_payments_add_records_a_partial_payment(tmp_path, capsys):
    database, number, due = _demo_with_invoice(tmp_path, capsys)
    assert cli.main(["payments", "add", number, "100", "--method", "card", "--reference", "R1",
                     "--db", database]) == 0
    assert capsys.readouterr().out == f"Recorded €1.00: {number} €1.00.\n"
    assert _payments(database) == [(100, "card", "R1")]


def test_payments_add_for_a_member_pays_the_oldest_documents_and_keeps_the_rest(tmp_path,
                                                                               capsys):
    """Rule 21: `payments add --member EMAIL AMOUNT`; more than is owed becomes credit."""
    import sqlite3
    from contextlib import closing

    database, _number, _due = _demo_with_invoice(tmp_path, capsys)
    with closing(sqlite3.connect(database)) as conn:
        email, member_id = conn.execute(
            "SELECT email, id FROM members WHERE id IN (SELECT member_id FROM invoices "
            "WHERE amount_due > 0) ORDER BY id LIMIT 1").fetchone()
    assert cli.main(["payments", "add", "--member", email, "99999999", "--db", database]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Recorded €999,999.99: INV-") and "to the credit balance." in out
    with closing(sqlite3.connect(database)) as conn:
        balance = conn.execute("SELECT credit_balance FROM members WHERE id = ?",
                               (member_id,)).fetchone()[0]
        allocated = conn.execute("SELECT SUM(amount) FROM allocations WHERE payment_id = 1"
                                 ).fetchone()[0]
    assert balance + allocated == 99999999
    assert cli.main(["payments", "add", "--member", email, "INV-000001", "100",
                     "--db", database]) == 2
    assert capsys.readouterr().err == ("With --member, give only the amount: payments add "
                                       "--member EMAIL AMOUNT.\n")


@pytest.mark.parametrize(("amount", "number", "words"), [
    ("100", "INV-424242", "There is no document INV-424242; nothing was written."),
    ("0", None, "A payment is an amount greater than zero; nothing was written."),
    ("1.5", None, "is not a whole number of minor units"),
])
def test_payments_add_refuses_bad_input_with_one_sentence_and_writes_nothing(
        tmp_path, capsys, amount, number, words):
    database, existing, due = _demo_with_invoice(tmp_path, capsys)
    amount = str(due + 1) if amount == "OVER" else amount
    assert cli.main(["payments", "add", number or existing, amount, "--db", database]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert _payments(database) == []


def test_payments_refund_pays_out_credit_or_says_why_not(tmp_path, capsys):
    import sqlite3
    from contextlib import closing

    database, _number, _due = _demo_with_invoice(tmp_path, capsys)
    with closing(sqlite3.connect(database)) as conn, conn:  # a member who owes nothing
        email = conn.execute("SELECT email FROM members WHERE id NOT IN (SELECT member_id "
                             "FROM invoices) ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE members SET credit_balance = 5000 WHERE email = ?", (email,))
    assert cli.main(["payments", "refund", email, "6000", "--db", database]) == 2
    assert "more than the credit balance" in capsys.readouterr().err
    assert cli.main(["payments", "refund", email, "2000", "--db", database]) == 0
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT credit_balance FROM members WHERE email = ?",
                            (email,)).fetchone() == (3000,)
    assert _payments(database) == [(-2000, "", "")]
    assert cli.main(["payments", "refund", "nobody@example.org", "1", "--db", database]) == 2
    assert capsys.readouterr().err.endswith("There is no member with the email "
                                            "nobody@example.org.\n")


def _charges(database: str) -> list[tuple]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT kind, description, quantity, unit_amount, tax_category, day "
                            "FROM charges ORDER BY id").fetchall()


def test_charges_add_records_a_product_or_a_described_amount(tmp_path, capsys):
    """Rule 27: `charges add EMAIL PRODUCT QUANTITY` and `--amount N --description TEXT`."""
    import sqlite3
    from contextlib import closing

    database = str(tmp_path / "desk.sqlite3")
    assert cli.main(["demo", "--members", "5", "--db", database]) == 0
    with closing(sqlite3.connect(database)) as conn:
        email = conn.execute("SELECT email FROM members ORDER BY id LIMIT 1").fetchone()[0]
        product, price = conn.execute("SELECT name, price FROM plans WHERE kind = 'addon' AND "
                                      "frequency IS NULL ORDER BY id LIMIT 1").fetchone()
    capsys.readouterr()
    assert cli.main(["charges", "add", email, product, "2", "--date", "2024-05-02",
                     "--db", database]) == 0
    assert "it goes on their next invoice" in capsys.readouterr().out
    assert cli.main(["charges", "add", email, "--amount", "450", "--description", "Printing",
                     "--tax-category", "reduced", "--db", database]) == 0
    rows = _charges(database)
    assert rows[0][:4] == ("charge", product, 2, price) and rows[0][5] == "2024-05-02"
    assert rows[1][:5] == ("charge", "Printing", 1, 450, "reduced")


@pytest.mark.parametrize("arguments, words", [
    (["nobody@example.org", "--amount", "100", "--description", "Tea"], "no member"),
    (["{email}", "No such thing", "1"], "There is no product named No such thing"),
    (["{email}", "{product}", "0"], "The quantity must be a whole number from 1 to 10,000"),
    (["{email}", "{product}", "two"], '"two" is not a whole number for the quantity'),
    (["{email}", "--amount", "-5", "--description", "Tea"], "must be above zero"),
    (["{email}", "--amount", "5"], "With --amount, give --description"),
    (["{email}", "--amount", "5", "--description", "Tea", "--tax-category", "x"],
     "The tax category must be"),
])
def test_charges_add_refuses_bad_input_with_one_sentence_and_writes_nothing(
        tmp_path, capsys, arguments, words):
    import sqlite3
    from contextlib import closing

    database = str(tmp_path / "desk.sqlite3")
    assert cli.main(["demo", "--members", "3", "--db", database]) == 0
    with closing(sqlite3.connect(database)) as conn:
        email = conn.execute("SELECT email FROM members ORDER BY id LIMIT 1").fetchone()[0]
        product = conn.execute("SELECT name FROM plans WHERE kind = 'addon' AND frequency IS "
                               "NULL ORDER BY id LIMIT 1").fetchone()[0]
    capsys.readouterr()
    argv = ["charges", "add", *(a.format(email=email, product=product) for a in arguments),
            "--db", database]
    code, _out, err = run(argv, capsys)
    assert code == 2
    assert words in one_sentence(err)
    assert _charges(database) == []
