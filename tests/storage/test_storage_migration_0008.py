"""Migration 0008 (the member's account, rules 15, 17, 18, 21): documents get their types and
dates, lines their tax categories, payments become allocations — without changing any issued
amount or number — from the previous schema and from older ones."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop.services.accounts import account_summary
from desktop.services.payments import invoice_row, invoice_standing, member_outstanding
from desktop.storage import models as m
from desktop.storage.database import open_database
from old_schema import ADA, file_at

UPGRADED_AT = datetime(2026, 12, 7, 9, 0, 0)

INVOICES = [  # id, number, issue date, subtotal, tax, total, credit applied, amount due
    (1, "INV-000001", "2024-04-01", 30000, 3800, 33800, 1000, 32800),  # plan + deposit 10000
    (2, "INV-000002", "2024-05-01", 20000, 3800, 23800, 0, 23800),     # plan only
    (3, "INV-000003", "2024-05-11", -12000, -2280, -14280, 0, 0),      # unused: a credit note
    (4, "INV-000004", "2024-06-01", 5000, 0, 5000, 0, 5000),           # deposit only
    (5, "INV-000005", "2024-07-01", -15000, 0, -15000, 0, 0),          # deposit refund only
    (6, "INV-000006", "2024-08-01", 10000, 1600, 11600, 0, 11600),     # taxed at 16 % then
]
LINES = [  # invoice, position, kind, amount
    (1, 0, "plan", 20000), (1, 1, "deposit", 10000), (2, 0, "plan", 20000),
    (3, 0, "unused", -12000), (4, 0, "deposit", 5000), (5, 0, "deposit_refund", -15000),
    (6, 0, "plan", 10000),
]
PAYMENTS = [  # id, invoice, date, amount
    (1, 1, "2024-04-03", 32800), (2, 2, "2024-05-03", 10000), (3, None, "2024-07-02", -2000),
]


def _statements() -> list[str]:
    statements = [ADA, "UPDATE settings SET tax_rate = '19', payment_terms = 14",
                  # A balance an older version left beside open documents (rule 22).
                  "UPDATE members SET credit_balance = 3000 WHERE id = 1"]
    for invoice_id, number, issued, subtotal, tax, total, credit, due in INVOICES:
        statements.append(
            "INSERT INTO invoices (id, number, member_id, issue_date, subtotal, tax, total, "
            f"credit_applied, amount_due) VALUES ({invoice_id}, '{number}', 1, '{issued}', "
            f"{subtotal}, {tax}, {total}, {credit}, {due})")
    for invoice_id, position, kind, amount in LINES:
        statements.append(
            "INSERT INTO invoice_lines (invoice_id, position, kind, description, amount) "
            f"VALUES ({invoice_id}, {position}, '{kind}', '{kind}', {amount})")
    for payment_id, invoice_id, day, amount in PAYMENTS:
        statements.append(
            "INSERT INTO payments (id, member_id, invoice_id, date, amount, method, reference, "
            f"recorded_at) VALUES ({payment_id}, 1, {invoice_id or 'NULL'}, '{day}', {amount}, "
            f"'transfer', '', '{day} 10:00:00')")
    return statements


def _amounts(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT id, number, member_id, issue_date, subtotal, tax, total, "
                            "credit_applied, amount_due FROM invoices ORDER BY id").fetchall()


@pytest.mark.parametrize("revision", ["0004", "0005", "0007"])
def test_documents_keep_every_amount_and_number_and_gain_types_dates_and_allocations(
        tmp_path, revision):
    path = file_at(tmp_path / "desk.sqlite3", revision, *_statements())
    before = _amounts(path)
    db = open_database(str(path), now=UPGRADED_AT)
    try:
        assert _amounts(path) == before  # no issued amount or number changed
        with db.session() as session:
            rows = session.scalars(select(m.InvoiceRow).order_by(m.InvoiceRow.id)).all()
            assert [r.type for r in rows] == ["invoice", "invoice", "credit_note",
                                              "deposit_request", "deposit_return", "invoice"]
            assert [r.billing_date for r in rows] == [r.issue_date for r in rows]
            assert rows[1].due_date == date(2024, 5, 15)
            lines = session.scalars(select(m.InvoiceLineRow)
                                    .order_by(m.InvoiceLineRow.id)).all()
            assert [(ln.kind, ln.tax_category, ln.rate) for ln in lines] == [
                ("plan", "standard", "19"), ("deposit", None, None), ("plan", "standard", "19"),
                ("unused", "standard", "19"), ("deposit", None, None),
                ("deposit_refund", None, None), ("plan", "standard", "16")]
            allocations = session.execute(
                select(m.AllocationRow.document_id, m.AllocationRow.payment_id,
                       m.AllocationRow.method, m.AllocationRow.amount)
                .order_by(m.AllocationRow.id)).all()
            # The credit the first invoice took when issued, then each payment on its invoice,
            # then the 30.00 of credit held beside open documents, on the oldest (rule 22).
            assert [tuple(a) for a in allocations] == [(1, None, "credit", 1000),
                                                       (1, 1, "payment", 32800),
                                                       (2, 2, "payment", 10000),
                                                       (2, None, "credit", 3000)]
            assert session.get(m.MemberRow, 1).credit_balance == 0
            # What each document still lacks is what it lacked before.
            today = date(2024, 8, 1)
            standing = [invoice_standing(session, invoice_row(session, n), today)
                        for n in ("INV-000001", "INV-000002", "INV-000003", "INV-000004")]
            assert [(s.outstanding, s.status) for s in standing] == [
                (0, "paid"), (10800, "overdue"), (0, "credited"), (5000, "overdue")]
            assert member_outstanding(session, [1]) == {1: 10800 + 5000 + 11600}
            # The refund stays a refund: a payment of −20.00 with no allocation.
            refund = session.get(m.PaymentRow, 3)
            assert refund.amount == -2000
            summary = account_summary(session, 1, today)
            assert summary.totals.received == 42800 and summary.totals.refunded == 2000
    finally:
        db.dispose()


def test_new_documents_continue_each_series_after_an_upgrade(tmp_path):
    from desktop.ledger.numbering import document_numbers

    path = file_at(tmp_path / "desk.sqlite3", "0007", *_statements())
    db = open_database(str(path), now=UPGRADED_AT)
    try:
        with db.write() as session:
            assert document_numbers(session, ["invoice", "credit_note", "deposit_request",
                                              "deposit_return", "invoice"]) == [
                "INV-000007", "CN-000001", "DEP-000001", "DEP-000002", "INV-000008"]
    finally:
        db.dispose()
