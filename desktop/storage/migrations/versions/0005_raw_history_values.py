"""A contract's audit values stored raw, shown in the reader's language; each invoice keeps the
locale it was issued in (issue 10).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

History rows of contracts used to hold dates and amounts formatted at write time in the site's
locale ("1 Sept 2024", "€350.00"), so a German reader saw them in Irish English. They become
raw values the History tab formats at display: dates as ISO "2024-09-01", amounts as minor
units "35000"; a "Created" row names its plan alone (its start date has its own row). A value
this migration cannot read (typed by another tool) is left as it was and is shown as written.

Invoices gain `language`, the site's locale on the day they were issued, so an issued invoice
prints in the words and formats it was issued in; invoices already issued take the site's
current locale (the best this version knows).
"""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from alembic import op
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, get_currency_symbol, parse_decimal

from desktop.domain.money import minor_digits

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DATE_FIELDS = ("Start date", "Billing anchor", "Next invoice date", "Cancellation date")
MONEY_FIELDS = ("Custom price",)
_YEAR = re.compile(r"\d{4}")
_CREATED = re.compile(r"(?P<plan>.+), from (?P<day>.+)")

_history = sa.table("history", sa.column("id", sa.Integer), sa.column("entity", sa.String),
                    sa.column("field", sa.String), sa.column("old_value", sa.Text),
                    sa.column("new_value", sa.Text))


def _site(connection) -> tuple[Locale, str]:
    row = connection.execute(sa.text("SELECT locale, currency FROM settings WHERE id = 1")).first()
    try:
        return Locale.parse((row[0] if row else "en_IE").replace("-", "_")), (
            row[1] if row else "EUR")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en_IE"), (row[1] if row else "EUR")


class _Dates:
    """Reads dates as the site's medium format wrote them, year by year on demand."""

    def __init__(self, locale: Locale):
        self.locale = locale
        self.known: dict[str, date] = {}
        self.years: set[int] = set()

    def iso(self, text: str) -> str | None:
        for year in {int(y) for y in _YEAR.findall(text)} - self.years:
            self.years.add(year)
            day = date(year, 1, 1)
            while day.year == year:
                self.known[format_date(day, "medium", locale=self.locale)] = day
                day += timedelta(days=1)
        found = self.known.get(text)
        return None if found is None else found.isoformat()


def _minor(text: str, locale: Locale, currency: str) -> str | None:
    cleaned = text.replace(get_currency_symbol(currency, locale=locale), "").replace(currency, "")
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", cleaned).replace("\u2212", "-")
    try:
        value = parse_decimal(cleaned, locale=locale)
    except (ValueError, InvalidOperation):
        return None
    scaled = value.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        return None
    # Read only what this locale wrote: the same text formatted again. A text of another
    # locale ("€1,200.00" read as German would be 1.2) is left as written, never misread.
    if _spaced(format_currency(value, currency, locale=locale)) != _spaced(text):
        return None
    return str(int(scaled))


def _spaced(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def upgrade() -> None:
    op.add_column("invoices", sa.Column("language", sa.String(), nullable=True))
    connection = op.get_bind()
    locale, currency = _site(connection)
    connection.execute(sa.text("UPDATE invoices SET language = :locale"), {"locale": str(locale)})
    dates = _Dates(locale)
    rows = connection.execute(sa.select(_history.c.id, _history.c.field, _history.c.old_value,
                                        _history.c.new_value)
                              .where(_history.c.entity == "contract")).all()
    for row_id, field, old, new in rows:
        values = {}
        for column, text in (("old_value", old), ("new_value", new)):
            if not text:
                continue
            if field in DATE_FIELDS:
                raw = dates.iso(text)
            elif field in MONEY_FIELDS:
                raw = _minor(text, locale, currency)
            elif field == "Created" and column == "new_value" and (
                    found := _CREATED.fullmatch(text)):
                raw = found["plan"]
            else:
                raw = None
            if raw is not None and raw != text:
                values[column] = raw
        if values:
            connection.execute(_history.update().where(_history.c.id == row_id).values(**values))


def downgrade() -> None:
    """Back to values formatted in the site's locale, as the previous version wrote them."""
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("language")
    connection = op.get_bind()
    locale, currency = _site(connection)
    rows = connection.execute(sa.select(_history.c.id, _history.c.field, _history.c.old_value,
                                        _history.c.new_value)
                              .where(_history.c.entity == "contract")).all()
    for row_id, field, old, new in rows:
        values = {}
        for column, text in (("old_value", old), ("new_value", new)):
            try:
                if text and field in DATE_FIELDS:
                    values[column] = format_date(date.fromisoformat(text), "medium",
                                                 locale=locale)
                elif text and field in MONEY_FIELDS:
                    values[column] = format_currency(
                        Decimal(int(text)).scaleb(-minor_digits(currency)), currency,
                        locale=locale)
            except ValueError:
                continue
        if values:
            connection.execute(_history.update().where(_history.c.id == row_id).values(**values))
