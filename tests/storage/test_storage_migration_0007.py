"""Migration 0007 (issue 10): applied transitions and the billing core's invoice lines, stored
as English text by the previous version, gain their raw parameters (read out of the text where
it is made from their kind's sentence); the audit rows still formatted at write time (a
member's money, a plan's price and frequency, payments, the settings' logo) become raw. What
cannot be read stays as written, and the English descriptions are kept."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop.storage.database import open_database
from old_schema import ADA, file_at

UPGRADED_AT = datetime(2026, 12, 6, 9, 0, 0)

SETUP = (
    ADA,
    "INSERT INTO plans (id, name, kind, price, frequency, deposit, archived) "
    "VALUES (1, 'Hot desk', 'plan', 20000, '1 month', 0, 0)",
    "INSERT INTO contracts (id, member_id, plan_id, quantity, start_date, billing_anchor, "
    "prorate_last_invoice, prorate_first_invoice, notes, version) "
    "VALUES (1, 1, 1, 1, '2024-04-01', '2024-04-01', 1, 1, '', 1)",
    "INSERT INTO invoices (id, number, member_id, issue_date, subtotal, tax, total, "
    "credit_applied, amount_due, language) "
    "VALUES (1, 'INV-0001', 1, '2024-05-01', 0, 0, 0, 0, 0, 'en_IE')",
    "INSERT INTO payments (id, member_id, invoice_id, date, amount, method, reference, "
    "recorded_at) VALUES (1, 1, 1, '2024-05-03', 5000, 'card', 'R1', '2024-05-03 10:00:00')",
    "INSERT INTO payments (id, member_id, invoice_id, date, amount, method, reference, "
    "recorded_at) VALUES (2, 1, NULL, '2024-06-01', -1250, '', '', '2024-06-01 10:00:00')",
)

TRANSITIONS = [  # (kind, date, description) as 0006 wrote them
    ("activation", "2024-04-01", "Started Hot desk"),
    ("renewal", "2024-05-01", "Switched from Hot desk to Desk to go"),
    ("renewal", "2024-06-01", "Renewed Hot desk"),
    ("cancellation", "2024-07-01", "Ended Hot desk"),
    ("renewal", "2024-08-01", "Verlängert"),  # typed by another tool
]

LINES = [  # (kind, description)
    ("plan", "Hot desk × 2"),
    ("unused", "Unused time on Hot desk × 2"),
    ("deposit", "Refundable deposit (Hot desk, Locker)"),
    ("deposit_refund", "Deposit refund"),
    ("deposit", "Kaution"),
]

HISTORY = [  # (entity, entity_id, field, old_value, new_value) on an en_IE site
    ("member", 1, "Credit balance", "€0.00", "€12.50"),
    ("member", 1, "Deposit held", "", "€1,200.00"),
    ("member", 1, "Name", "Ada", "Ada Lovelace"),
    ("plan", 1, "Price", "€200.00", "€250.00"),
    ("plan", 1, "Frequency", "monthly", "every 3 months"),
    ("settings", 1, "Logo", "", "2048 bytes"),
    ("settings", 1, "Currency", "EUR", "GBP"),
    ("payment", 1, "Payment recorded", "€120.00", "€50.00, INV-0001, 3 May 2024, card, R1"),
    ("payment", 2, "Credit balance refunded", "€12.50", "€0.00 (€12.50, 1 Jun 2024)"),
    ("member", 1, "Credit balance", "lots", "€12.5x"),  # unreadable: kept
]


@pytest.fixture
def english_afterwards():
    from desktop.i18n import install

    yield
    install("en_IE")


def _file_at_0006(path: Path) -> None:
    file_at(path, "0006", *SETUP)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE settings SET currency = 'EUR', locale = 'en_IE'")
        conn.executemany("INSERT INTO applied_transitions (contract_id, kind, date, applied_at, "
                         "description) VALUES (1, ?, ?, '2024-04-01 09:00:00', ?)", TRANSITIONS)
        conn.executemany("INSERT INTO invoice_lines (invoice_id, position, kind, description, "
                         "contract_id, amount) VALUES (1, ?, ?, ?, 1, 100)",
                         [(index, kind, text) for index, (kind, text) in enumerate(LINES)])
        conn.executemany("INSERT INTO history (at, who, entity, entity_id, member_id, field, "
                         "old_value, new_value) VALUES ('2024-04-11 09:00:00', 'Mia', ?, ?, 1, "
                         "?, ?, ?)", HISTORY)


def _rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _params(text: str | None):
    return None if text is None else json.loads(text)


def test_transitions_and_lines_keep_their_english_and_gain_raw_parameters(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _file_at_0006(path)
    db = open_database(str(path), now=UPGRADED_AT)
    db.dispose()
    transitions = _rows(path, "SELECT description, params FROM applied_transitions ORDER BY id")
    assert [(text, _params(params)) for text, params in transitions] == [
        ("Started Hot desk", {"plan": "Hot desk"}),
        ("Switched from Hot desk to Desk to go", {"old": "Hot desk", "new": "Desk to go"}),
        ("Renewed Hot desk", {"plan": "Hot desk"}),
        ("Ended Hot desk", {"plan": "Hot desk"}),
        ("Verlängert", None),
    ]
    lines = _rows(path, "SELECT description, params FROM invoice_lines ORDER BY position")
    assert [(text, _params(params)) for text, params in lines] == [
        ("Hot desk × 2", None),  # a plan's own name: shown as written
        ("Unused time on Hot desk × 2", {"name": "Hot desk × 2"}),
        ("Refundable deposit (Hot desk, Locker)", {"plans": "Hot desk, Locker"}),
        ("Deposit refund", {}),
        ("Kaution", None),
    ]
    (backup,) = db.list_backups()
    assert "params" not in {row[1] for row in _rows(backup, "PRAGMA table_info(invoice_lines)")}


def test_the_upgraded_rows_read_in_the_readers_language(tmp_path, english_afterwards):
    from desktop.i18n import install
    from desktop.i18n.formatting import Formatter
    from desktop.i18n.messages import wording_text
    from desktop.ledger.mapping import invoice_to_domain
    from desktop.services.sweep.service import SweepService
    from desktop.storage import models as m

    path = tmp_path / "desk.sqlite3"
    _file_at_0006(path)
    db = open_database(str(path), now=UPGRADED_AT)
    try:
        install("de")
        applied = SweepService(db, clock=None).applied_since(datetime(2024, 1, 1))
        fmt = Formatter("en_IE", "EUR", "de")
        assert [wording_text(row.wording, row.description, fmt) for row in applied][:2] == [
            "Hot desk begonnen", "Von Hot desk zu Desk to go gewechselt"]
        with db.session() as session:
            invoice = invoice_to_domain(session.get(m.InvoiceRow, 1))
        assert wording_text(invoice.lines[1].wording, invoice.lines[1].description, fmt) == (
            "Nicht genutzte Zeit für Hot desk × 2")
        assert invoice.lines[1].description == "Unused time on Hot desk × 2"
    finally:
        db.dispose()


def test_formatted_audit_values_become_raw(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _file_at_0006(path)
    open_database(str(path), now=UPGRADED_AT).dispose()
    rows = _rows(path, "SELECT entity, field, old_value, new_value FROM history ORDER BY id")
    assert rows[:7] == [
        ("member", "Credit balance", "0", "1250"),
        ("member", "Deposit held", "", "120000"),
        ("member", "Name", "Ada", "Ada Lovelace"),
        ("plan", "Price", "20000", "25000"),
        ("plan", "Frequency", "1 month", "3 months"),
        ("settings", "Logo", "", "2048"),
        ("settings", "Currency", "EUR", "GBP"),
    ]
    (_, _, old, new), (_, _, refund_old, refund_new) = rows[7:9]
    assert old == "12000"
    assert json.loads(new) == {"amount": 5000, "invoice": "INV-0001", "date": "2024-05-03",
                               "method": "card", "reference": "R1"}
    assert refund_old == "1250"
    assert json.loads(refund_new) == {"amount": 1250, "invoice": "", "date": "2024-06-01",
                                      "method": "", "reference": "", "balance": 0}
    assert rows[9] == ("member", "Credit balance", "lots", "€12.5x")
    assert date.fromisoformat(json.loads(new)["date"]) == date(2024, 5, 3)


def test_amounts_written_before_the_site_changed_its_locale_are_never_misread(tmp_path):
    """An en_IE-era "€1,200.00" on a site now de_DE is not 1.2 in German: it is read as the
    en_IE text it is, and a text neither locale wrote is left as written."""
    path = tmp_path / "desk.sqlite3"
    _file_at_0006(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE settings SET locale = 'de_DE'")
        conn.execute("INSERT INTO history (at, who, entity, entity_id, member_id, field, "
                     "old_value, new_value) VALUES ('2024-04-12 09:00:00', 'Mia', 'member', 1, "
                     "1, 'Deposit held', '1.200,00\u00a0€', '12.50 €')")
    open_database(str(path), now=UPGRADED_AT).dispose()
    rows = _rows(path, "SELECT old_value, new_value FROM history WHERE field = 'Deposit held' "
                       "ORDER BY id")
    assert rows == [("", "120000"), ("120000", "12.50 €")]


def test_the_raw_audit_values_read_in_the_readers_language(english_afterwards):
    from desktop.i18n import Formatter, install
    from desktop.ui.contract_editor.history import field_caption, value_text

    install("de")
    irish_site = Formatter("en_IE", "EUR", "de")
    payment = json.dumps({"amount": 5000, "invoice": "INV-0001", "date": "2024-05-03",
                          "method": "card", "reference": "R1"})
    refund = json.dumps({"amount": 1250, "invoice": "", "date": "2024-06-01", "method": "",
                         "reference": "", "balance": 0})
    assert value_text("Payment recorded", payment, irish_site) == (
        "€50.00, INV-0001, 3 May 2024, card, R1")
    assert value_text("Credit balance refunded", refund, irish_site) == "€0.00 (€12.50, 1 Jun 2024)"
    assert value_text("Credit balance", "1250", irish_site) == "€12.50"
    assert value_text("Frequency", "3 months", irish_site) == "alle 3 Monate"
    assert value_text("Archived", "yes", irish_site) == "ja"
    assert value_text("Prorate first invoice", "off", irish_site) == "aus"
    # A person's words that happen to be one of the services' are theirs: shown as written.
    assert value_text("Notes", "no", irish_site) == "no"
    assert value_text("Name", "Plan", irish_site) == "Plan"
    assert value_text("Logo", "2048", irish_site) == "2,048 Bytes"
    assert field_caption("Deposit held") == "Hinterlegte Kaution"
    # What an older version wrote and this one cannot read is shown as written.
    assert value_text("Credit balance", "€12.5x", irish_site) == "€12.5x"
    assert value_text("Payment recorded", "€50.00, INV-0001", irish_site) == "€50.00, INV-0001"
