"""Document numbers: "<prefix>000123", consecutive after the highest one of the series' prefix.

Each series has its own prefix (rules 15, 17): invoices (default INV-), credit notes (CN-), and
deposit requests and returns together (DEP-), each numbered without gaps.

Read inside the write transaction, which holds the writers' lock (BEGIN IMMEDIATE on SQLite, the
advisory lock on a server), so two desks never hand out one number; the unique index on the
number turns any clash into an error all the same.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.storage.models import InvoiceRow, SettingsRow

INVOICE_PREFIX = "INV-"
INVOICE_DIGITS = 6
# The settings column and default prefix of each document type's series.
SERIES = {"invoice": ("invoice_prefix", INVOICE_PREFIX),
          "credit_note": ("credit_note_prefix", "CN-"),
          "deposit_request": ("deposit_prefix", "DEP-"),
          "deposit_return": ("deposit_prefix", "DEP-")}


def invoice_prefix(session: Session) -> str:
    """The site's invoice number prefix (Preferences), INVOICE_PREFIX when none is set."""
    prefix = session.scalar(select(SettingsRow.invoice_prefix).where(SettingsRow.id == 1))
    return prefix or INVOICE_PREFIX


def highest_invoice_number(session: Session, prefix: str) -> int:
    """The highest number of "<prefix>000123"-style invoice numbers (longer ones follow
    <prefix>999999); 0 when there is none. Numbers of another prefix do not count."""
    highest, width = 0, INVOICE_DIGITS
    while True:
        low, high = prefix + "0" * width, prefix + "9" * width
        # Fixed-width numbers sort like integers, so the index gives the highest first; the
        # rows are read one at a time until one is all digits (imported numbers may not be).
        result = session.connection().execute(
            select(InvoiceRow.number)
            .where(InvoiceRow.number.between(low, high), func.length(InvoiceRow.number) == len(low))
            .order_by(InvoiceRow.number.desc()))
        found = next((n for (n,) in result if n[len(prefix):].isascii()
                      and n[len(prefix):].isdigit()), None)
        result.close()
        if found is None:
            return highest
        highest = int(found[len(prefix):])
        if highest < 10 ** width - 1:
            return highest
        width += 1  # INV-999999 is followed by INV-1000000


def invoice_numbers(session: Session, count: int) -> list[str]:
    """`count` consecutive invoice numbers after the highest one of the site's prefix.

    One indexed query per batch whatever its size; invoices added to the session but not yet
    flushed do not count (the writers insert them with the numbers this gives).
    """
    prefix = invoice_prefix(session)
    highest = highest_invoice_number(session, prefix)
    return [f"{prefix}{highest + k:0{INVOICE_DIGITS}d}" for k in range(1, count + 1)]


def series_prefixes(session: Session) -> dict[str, str]:
    """Each document type's prefix at the site (Preferences), the defaults where none is set."""
    row = session.execute(select(SettingsRow.invoice_prefix, SettingsRow.credit_note_prefix,
                                 SettingsRow.deposit_prefix)
                          .where(SettingsRow.id == 1)).first()
    return {kind: (getattr(row, column, None) if row is not None else None) or default
            for kind, (column, default) in SERIES.items()}


def document_numbers(session: Session, types: list[str]) -> list[str]:
    """A number for each document type given, in order: consecutive within each series, after
    the highest one of its prefix (one indexed query per series)."""
    prefixes = series_prefixes(session)
    highest: dict[str, int] = {}
    numbers = []
    for kind in types:
        prefix = prefixes[kind]
        if prefix not in highest:
            highest[prefix] = highest_invoice_number(session, prefix)
        highest[prefix] += 1
        numbers.append(f"{prefix}{highest[prefix]:0{INVOICE_DIGITS}d}")
    return numbers
