"""Migration 0004 (invoice documents and payments): a database of the previous version keeps
every row and value, is backed up first, and reads the new fields as empty."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine, select

from desktop.ledger.numbering import invoice_numbers
from desktop.storage import migrate
from desktop.storage.database import open_database
from desktop.storage.models import AllocationRow, InvoiceRow, MemberRow, PaymentRow, SettingsRow

UPGRADED_AT = datetime(2026, 11, 24, 9, 0, 0)


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table the previous version had, in primary-key order."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name")]
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in tables}


def _file_at_0002(path: Path) -> None:
    """A database as the release before invoice documents left it: settings, a member with an
    invoice and its lines, a sweep run."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection, "0002")
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE settings SET currency = 'EUR', locale = 'de_DE', tax_rate = '19', "
                     "operator = 'Mia'")
        conn.execute("INSERT INTO members (id, email, name, company, phone, notes, "
                     "credit_balance, deposit_held, archived) VALUES (1, 'ada@example.org', "
                     "'Ada Lovelace', 'Engines', '+49 1', 'VIP', 1250, 50000, 0)")
        conn.execute("INSERT INTO invoices (id, number, member_id, issue_date, subtotal, tax, "
                     "total, credit_applied, amount_due) VALUES (1, 'INV-000041', 1, "
                     "'2026-03-01', 35000, 6650, 41650, 0, 41650)")
        conn.execute("INSERT INTO invoice_lines (id, invoice_id, position, kind, description, "
                     "contract_id, period_start, period_end, amount, days, period_days) VALUES "
                     "(1, 1, 0, 'plan', 'Dedicated desk', NULL, '2026-03-01', '2026-04-01', "
                     "35000, NULL, NULL)")
        conn.execute("INSERT INTO sweep_runs (ran_at, as_of, applied, invoices_issued, failed) "
                     "VALUES ('2026-03-01 09:00:00', '2026-03-01', 1, 1, 0)")


def test_a_database_of_the_previous_version_keeps_everything_and_gains_the_new_fields(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _file_at_0002(path)
    before = _dump(path)

    db = open_database(str(path), now=UPGRADED_AT)
    try:
        with db.session() as session:
            settings = session.get(SettingsRow, 1)
            member = session.get(MemberRow, 1)
            assert (settings.site_name, settings.iban, settings.invoice_prefix,
                    settings.payment_terms, settings.logo) == (None, None, None, None, None)
            assert (member.billing_address, member.vat_id) == (None, None)
            assert session.scalars(select(PaymentRow)).all() == []
        with db.write() as session:  # the new tables take a payment against the old invoice
            payment = PaymentRow(member_id=1, date=date(2026, 3, 5), amount=41650,
                                 method="transfer", reference="", recorded_at=UPGRADED_AT)
            session.add(payment)
            session.flush()
            session.add(AllocationRow(document_id=1, payment_id=payment.id, member_id=1,
                                      method="payment", amount=41650, date=date(2026, 3, 5)))
            # An old database has no prefix set: numbering goes on from the old numbers.
            assert invoice_numbers(session, 1)[0] == "INV-000042"
        with db.session() as session:
            assert session.scalar(select(InvoiceRow.number)) == "INV-000041"
    finally:
        db.dispose()

    after = _dump(path)
    # Old tables: the same rows, each extended only by the new columns (which stay empty).
    for table, rows in before.items():
        if table == "members":  # 0008 offsets the 12.50 of credit against the open invoice
            rows = [row[:6] + (0,) + row[7:] for row in rows]  # (rule 22)
        assert [row[:len(rows[0])] for row in after[table]] == rows, table
    # 0004's billing address and VAT id empty, and every later column empty (0010's address
    # parts, 0012's IBAN) but 0011's send_as, "none".
    added = after["members"][0][len(before["members"][0]):]
    assert added.count("none") == 1 and set(added) == {None, "none"}
    (backup,) = db.list_backups()
    assert backup.name == "desk.backup-20261124-090000.sqlite3"
    assert _dump(backup) == before  # taken before the upgrade
