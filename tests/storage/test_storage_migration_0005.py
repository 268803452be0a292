"""Migration 0005 (issue 10): a contract's audit values written as formatted English text by
the previous version become raw values (ISO dates, minor units), which the History tab shows in
the reader's language and the site's locale; what it cannot read stays as written."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from desktop.storage.database import open_database
from old_schema import file_at

UPGRADED_AT = datetime(2026, 12, 6, 9, 0, 0)

OLD_ROWS = [  # (entity, field, old_value, new_value) as 0004 wrote them on an en_IE site
    ("contract", "Created", "", "Hot desk, from 11 Apr 2024"),
    ("contract", "Start date", "", "11 Apr 2024"),
    ("contract", "Next invoice date", "1 Apr 2024", "1 May 2024"),
    ("contract", "Cancellation date", "", "1 Sept 2024"),
    ("contract", "Custom price", "€350.00", "€1,234.50"),
    ("contract", "Prorate last invoice", "off", "on"),
    ("contract", "Plan", "Hot desk", "Dedicated desk"),
    ("contract", "Billing anchor", "", "sometime in May"),
    ("member", "Credit balance", "€0.00", "€12.50"),
]


def _file_at_0004(path: Path, locale: str, rows) -> None:
    file_at(path, "0004")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE settings SET currency = 'EUR', locale = ?", (locale,))
        for entity, field, old, new in rows:
            conn.execute("INSERT INTO history (at, who, entity, entity_id, member_id, "
                         "contract_id, field, old_value, new_value) VALUES "
                         "('2024-04-11 09:00:00', 'Mia', ?, 1, 1, 1, ?, ?, ?)",
                         (entity, field, old, new))


def _history(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT entity, field, old_value, new_value FROM history "
                            "ORDER BY id").fetchall()


def test_old_english_audit_text_becomes_raw_values(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _file_at_0004(path, "en_IE", OLD_ROWS)
    db = open_database(str(path), now=UPGRADED_AT)
    db.dispose()
    assert _history(path) == [
        ("contract", "Created", "", "Hot desk"),
        ("contract", "Start date", "", "2024-04-11"),
        ("contract", "Next invoice date", "2024-04-01", "2024-05-01"),
        ("contract", "Cancellation date", "", "2024-09-01"),
        ("contract", "Custom price", "35000", "123450"),
        ("contract", "Prorate last invoice", "off", "on"),
        ("contract", "Plan", "Hot desk", "Dedicated desk"),
        ("contract", "Billing anchor", "", "sometime in May"),  # unreadable: kept as written
        ("member", "Credit balance", "0", "1250"),  # a member's money: made raw by 0007
    ]
    (backup,) = db.list_backups()
    assert _history(backup)[1] == ("contract", "Start date", "", "11 Apr 2024")


@pytest.mark.parametrize(("locale", "day", "price"), [
    ("de_DE", "01.09.2024", "350,00\u00a0€"),
    ("fr_FR", "1 sept. 2024", "350,00\u00a0€"),
])
def test_a_site_in_another_locale_is_read_in_its_own_format(tmp_path, locale, day, price):
    path = tmp_path / "desk.sqlite3"
    _file_at_0004(path, locale, [("contract", "Cancellation date", "", day),
                                 ("contract", "Custom price", price, "")])
    open_database(str(path), now=UPGRADED_AT).dispose()
    assert _history(path) == [("contract", "Cancellation date", "", "2024-09-01"),
                              ("contract", "Custom price", "35000", "")]


def test_the_history_tab_shows_the_raw_values_in_the_reader_s_locale():
    from desktop.i18n import Formatter
    from desktop.ui.contract_editor.history import value_text

    german_site = Formatter("de_DE", "EUR")
    assert value_text("Cancellation date", "2024-09-01", german_site) == "01.09.2024"
    assert value_text("Custom price", "35000", german_site) == "350,00\u00a0€"
    assert value_text("Plan", "Hot desk", german_site) == "Hot desk"
    assert value_text("Billing anchor", "sometime in May", german_site) == "sometime in May"


def test_invoices_already_issued_take_the_site_s_locale(tmp_path):
    path = tmp_path / "desk.sqlite3"
    _file_at_0004(path, "de_DE", [])
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO members (id, email, name, company, phone, notes, "
                     "credit_balance, deposit_held, archived) VALUES (1, 'ada@example.org', "
                     "'Ada', '', '', '', 0, 0, 0)")
        conn.execute("INSERT INTO invoices (id, number, member_id, issue_date, subtotal, tax, "
                     "total, credit_applied, amount_due) VALUES (1, 'INV-000001', 1, "
                     "'2026-03-01', 100, 0, 100, 0, 100)")
    open_database(str(path), now=UPGRADED_AT).dispose()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT language FROM invoices").fetchall() == [("de_DE",)]
