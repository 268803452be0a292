"""Migration 0010 (rule 28): free-text addresses split into their parts where that is safe,
the rest kept as written with empty parts (the member page flags them)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from sqlalchemy import create_engine

from desktop.storage import migrate
from desktop.storage.database import open_database
from storage_helpers import NOW

MEMBERS = [
    (1, "plain@example.org", "Hafenstraße 1\n20457 Hamburg", None),
    (2, "two@example.org", "c/o Kontor\nAm Markt 3\n10115 Berlin", None),
    (3, "vague@example.org", "somewhere near the harbour", None),
    (4, "belgian@example.org", "Rue Haute 1\n1000 Bruxelles", "BE0403170701"),
    (5, "prefix@example.org", "Hafenstraße 1\nD-20457 Hamburg", None),
]


def test_addresses_are_split_where_it_is_safe_and_left_whole_elsewhere(tmp_path):
    path = tmp_path / "desk.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection, "0009_search_trigrams")
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE settings SET locale = 'de_DE', "
                     "address = 'Kaistraße 5\n40221 Düsseldorf' WHERE id = 1")
        for key, email, address, vat_id in MEMBERS:
            conn.execute("INSERT INTO members (id, email, name, company, phone, notes, "
                         "credit_balance, deposit_held, archived, billing_address, vat_id) "
                         "VALUES (?, ?, 'M', '', '', '', 0, 0, 0, ?, ?)",
                         (key, email, address, vat_id))
    open_database(str(path), now=NOW).dispose()
    parts = "address_street, address_line2, address_postcode, address_city, address_country"
    with closing(sqlite3.connect(path)) as conn:
        site = conn.execute(f"SELECT {parts}, address FROM settings").fetchone()
        members = conn.execute(f"SELECT {parts}, billing_address FROM members ORDER BY id"
                               ).fetchall()
    assert site == ("Kaistraße 5", "", "40221", "Düsseldorf", "DE",
                    "Kaistraße 5\n40221 Düsseldorf")
    assert members == [
        ("Hafenstraße 1", "", "20457", "Hamburg", "DE", MEMBERS[0][2]),
        ("c/o Kontor", "Am Markt 3", "10115", "Berlin", "DE", MEMBERS[1][2]),
        (None, None, None, None, None, MEMBERS[2][2]),
        # A member with an EU VAT id is in its country, not the site's.
        ("Rue Haute 1", "", "1000", "Bruxelles", "BE", MEMBERS[3][2]),
        (None, None, None, None, None, MEMBERS[4][2]),
    ]
