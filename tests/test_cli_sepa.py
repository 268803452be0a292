"""`frontdesk sepa collect` and `frontdesk bank import` (rule 30; docs/exchange-format.md):
what they print, and bad input refused with one sentence, exit 2, nothing written."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cli_calls import one_sentence, run
from desktop.services.banking.mandates import MandateService
from desktop.services.catalog import CatalogService
from desktop.services.clock import FixedClock
from desktop.services.members import MemberService
from desktop.services.settings import SettingsService, SiteSettings
from desktop.services.sweep.service import SweepService
from desktop.storage.database import open_database

TODAY = date.today()
START = TODAY.replace(day=1)
CREDITOR = "DE98ZZZ09999999999"


@pytest.fixture
def desk(tmp_path):
    """A database whose one member, with a mandate, has this month's invoice open."""
    from desktop.domain.model import Plan
    from desktop.domain.periods import parse_frequency

    path = tmp_path / "desk.sqlite3"
    clock = FixedClock(TODAY, datetime.combine(TODAY, datetime.min.time()))
    with open_database(str(path), now=clock.now()) as db:
        SettingsService(db, clock).save(SiteSettings(site_name="Harbour Desk",
                                                     iban="DE89370400440532013000"))
        MandateService(db, clock).save_creditor(CREDITOR, 0)
        plan = CatalogService(db, clock).save_plan(Plan(
            name="Desk", price=20000, frequency=parse_frequency("1 month"))).id
        member = MemberService(db, clock).create("Ada Lovelace", "ada@example.org").id
        from desktop.domain.model import Contract
        from desktop.ledger.contracts import save_contract
        from desktop.ledger.member_states import load_plans

        with db.write() as session:
            desk_plan = load_plans(session)[plan]
            save_contract(session, Contract(member=member, plan=desk_plan, next_plan=desk_plan,
                                            start_date=START, billing_anchor=START,
                                            next_invoice_date=START))
        SweepService(db, clock).apply_due(TODAY)
        MandateService(db, clock).save(member, reference="MNDT-ADA", signed=START,
                                       debtor="Ada Lovelace", iban="NL91ABNA0417164300")
    return path


def marked(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT number, collection_mandate FROM invoices").fetchall()


def test_sepa_collect_writes_the_file_and_marks_the_documents(desk, tmp_path, capsys):
    out_file = tmp_path / "run.xml"
    due_by = (TODAY + timedelta(days=40)).isoformat()
    code, out, err = run(["sepa", "collect", str(out_file), "--due-by", due_by,
                          "--db", str(desk)], capsys)
    assert code == 0, err
    number = marked(desk)[0][0]
    assert out.splitlines()[0].startswith(f"{number}  FRST") and "MNDT-ADA" in out
    assert f"Wrote 1 direct debits of €200.00 to be collected on {due_by}" in out
    assert b"pain.008.001.08" in out_file.read_bytes()
    assert marked(desk) == [(number, "MNDT-ADA")]
    code, out, err = run(["sepa", "collect", str(tmp_path / "again.xml"), "--due-by", due_by,
                          "--db", str(desk)], capsys)
    assert code == 0 and out.startswith("Nothing to collect") and not (tmp_path /
                                                                       "again.xml").exists()


@pytest.mark.parametrize("extra, words", [
    (["--collect-on", TODAY.isoformat()], "after today"),
    (["--collect-on", "2026-02-30"], "2026-02-30"),
])
def test_sepa_collect_refuses_bad_input_with_one_sentence(desk, tmp_path, capsys, extra,
                                                           words):
    out_file = tmp_path / "run.xml"
    code, out, err = run(["sepa", "collect", str(out_file), "--due-by",
                          (TODAY + timedelta(days=40)).isoformat(), *extra, "--db", str(desk)],
                         capsys)
    assert code == 2 and words in one_sentence(err)
    assert not out_file.exists() and marked(desk)[0][1] is None


def test_sepa_collect_without_a_creditor_id_is_refused(desk, tmp_path, capsys):
    with closing(sqlite3.connect(desk)) as conn, conn:
        conn.execute("UPDATE settings SET creditor_id = NULL")
    code, out, err = run(["sepa", "collect", str(tmp_path / "run.xml"), "--due-by",
                          (TODAY + timedelta(days=40)).isoformat(), "--db", str(desk)], capsys)
    assert code == 2 and "creditor identifier" in one_sentence(err)
    assert not (tmp_path / "run.xml").exists()


def _payments(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT amount, reference FROM payments").fetchall()


def test_bank_import_prints_matched_returned_unmatched_and_imports_once(desk, tmp_path,
                                                                         capsys):
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "services"))
    from camt_builder import Ntry, Tx, statement

    number = marked(desk)[0][0]
    file = tmp_path / "march.xml"
    file.write_bytes(statement([Ntry([Tx(20000, remittance=f"Rent {number}")], reference="E1"),
                                Ntry([Tx(700, name="Stranger")], reference="E2")]))
    code, out, err = run(["bank", "import", str(file), "--db", str(desk)], capsys)
    assert code == 0, err
    assert out.splitlines() == [f"matched         €200.00  E1  {number}",
                                "unmatched         €7.00  E2  Stranger",
                                "Matched 1, returned 0, unmatched 1; 0 were imported before."]
    code, out, err = run(["bank", "import", str(file), "--db", str(desk)], capsys)
    assert out.splitlines() == ["Matched 0, returned 0, unmatched 0; 2 were imported before."]
    assert _payments(desk) == [(20000, "E1")]


@pytest.mark.parametrize("content, words", [
    (b"<Document><broken", "not readable XML"),
    (b"{}", "not readable XML"),
    (None, "does not exist"),
])
def test_bank_import_of_a_damaged_file_is_one_sentence_and_writes_nothing(desk, tmp_path,
                                                                         capsys, content,
                                                                         words):
    file = tmp_path / "statement.xml"
    if content is not None:
        file.write_bytes(content)
    code, out, err = run(["bank", "import", str(file), "--db", str(desk)], capsys)
    assert code == 2 and words in one_sentence(err)
    assert _payments(desk) == []
    with closing(sqlite3.connect(desk)) as conn:
        assert conn.execute("SELECT count(*) FROM bank_entries").fetchone() == (0,)
