"""Transitions, the billing core's invoice lines and the remaining audit rows stored raw, shown
in the reader's language (issue 10).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Applied transitions and invoice lines gain `params`, the raw plan names of their wording as a
JSON object; with the row's kind it says which sentence ("Started {plan}", "Switched from {old}
to {new}", "Unused time on {name}", "Refundable deposit ({plans})", "Deposit refund"), which the
interface shows in its reader's language. The English `description` stays beside it, as the
frontdesk/1 document and the command line give it. Existing rows whose description is made from
their kind's sentence get their parameters read out of it; any other row (a plan's own name, a
description typed by another tool) keeps none and is shown as written.

Audit rows that still held amounts and dates formatted at write time in the site's locale
become raw, like a contract's (0005): a member's "Credit balance" and "Deposit held", a plan's
"Price" and "Deposit" in minor units, a plan's "Frequency" as stored ("1 month"), the settings'
"Logo" as its size in bytes, and a payment's "Payment recorded" / "Credit balance refunded"
as the amount outstanding or held before (minor units) and a JSON object of the payment (amount,
invoice, ISO date, method, reference; the balance left after a refund). A value this migration
cannot read is left as it was and is shown as written.
"""

import importlib
import json
import re

import sqlalchemy as sa
from alembic import op
from babel import Locale

from desktop.domain.periods import MAX_COUNT, Frequency
from desktop.i18n.formatting import Formatter

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The wordings as version 0006 wrote them, in the order they are tried.
TRANSITIONS = {
    "activation": ("Started {plan}",),
    "cancellation": ("Ended {plan}",),
    "renewal": ("Switched from {old} to {new}", "Renewed {plan}"),
}
LINES = {
    "unused": ("Unused time on {name}",),
    "deposit": ("Refundable deposit ({plans})",),
    "deposit_refund": ("Deposit refund",),
}
MEMBER_MONEY = ("Credit balance", "Deposit held")
PLAN_MONEY = ("Price", "Deposit")
PAYMENTS = ("Payment recorded", "Credit balance refunded")
_LOGO = re.compile(r"(?P<size>\d+) bytes")
_REFUND = re.compile(r"(?P<balance>.+?) \((?P<payment>.+)\)", re.DOTALL)

_history = sa.table("history", sa.column("id", sa.Integer), sa.column("entity", sa.String),
                    sa.column("entity_id", sa.Integer), sa.column("field", sa.String),
                    sa.column("old_value", sa.Text), sa.column("new_value", sa.Text))
_payments = sa.table("payments", sa.column("id", sa.Integer), sa.column("invoice_id", sa.Integer),
                     sa.column("date", sa.Date), sa.column("amount", sa.BigInteger),
                     sa.column("method", sa.String), sa.column("reference", sa.String))
_invoices = sa.table("invoices", sa.column("id", sa.Integer), sa.column("number", sa.String))


def _params(templates, text: str) -> dict | None:
    for template in templates:
        parts = re.split(r"\{(\w+)\}", template)
        pattern = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                          for index, part in enumerate(parts))
        found = re.fullmatch(pattern, text or "", re.DOTALL)
        if found:
            return found.groupdict()
    return None


def _read_wordings(connection, table: str, wordings: dict) -> None:
    rows = sa.table(table, sa.column("id", sa.Integer), sa.column("kind", sa.String),
                    sa.column("description", sa.Text), sa.column("params", sa.Text))
    updates = []
    for row_id, kind, text in connection.execute(
            sa.select(rows.c.id, rows.c.kind, rows.c.description)
            .where(rows.c.kind.in_(list(wordings)))):
        params = _params(wordings[kind], text)
        if params is not None:
            updates.append({"_id": row_id, "_params": json.dumps(params, ensure_ascii=False,
                                                                 sort_keys=True)})
    if updates:
        connection.execute(rows.update().where(rows.c.id == sa.bindparam("_id"))
                           .values(params=sa.bindparam("_params")), updates)


def _raw_history(connection) -> None:
    """The audit rows 0006 wrote formatted, made raw where they can be read."""
    earlier = importlib.import_module(
        "desktop.storage.migrations.versions.0005_raw_history_values")
    locale, currency = earlier._site(connection)

    english = Locale.parse("en_IE")

    def minor(text: str | None) -> str | None:
        """The amount, read as the site's locale wrote it or else as the first release's en_IE
        did; None (left as written) when neither wrote exactly this text."""
        if not text:
            return None
        return earlier._minor(text, locale, currency) or earlier._minor(text, english, currency)

    payments = {row.id: row for row in connection.execute(
        sa.select(_payments, _invoices.c.number)
        .join(_invoices, _invoices.c.id == _payments.c.invoice_id, isouter=True))}
    rows = connection.execute(
        sa.select(_history.c.id, _history.c.entity, _history.c.field, _history.c.old_value,
                  _history.c.new_value, _history.c.entity_id)
        .where(_history.c.entity.in_(["member", "plan", "settings", "payment"]))).all()
    for row_id, entity, field, old, new, entity_id in rows:
        values = {}
        if (entity == "member" and field in MEMBER_MONEY) or (
                entity == "plan" and field in PLAN_MONEY):
            values = {"old_value": minor(old), "new_value": minor(new)}
        elif entity == "settings" and field == "Logo":
            values = {column: found["size"] for column, text in (("old_value", old),
                                                                 ("new_value", new))
                      if text and (found := _LOGO.fullmatch(text))}
        elif entity == "payment" and field in PAYMENTS and entity_id in payments:
            values["old_value"] = minor(old)
            values["new_value"] = _payment_value(payments[entity_id], field, new, minor)
        values = {column: raw for column, raw in values.items() if raw is not None}
        if values:
            connection.execute(_history.update().where(_history.c.id == row_id).values(**values))
    _raw_frequencies(connection, locale)


def _payment_value(payment, field: str, text: str | None, minor) -> str | None:
    """The payment's audit value as the current version writes it, from the payment's own row;
    a refund's balance read from the text ("€0.00 (€50.00, 1 Dec 2026)")."""
    amount = payment.amount if field == "Payment recorded" else -payment.amount
    values = {"amount": amount, "invoice": payment.number or "",
              "date": str(payment.date)[:10], "method": payment.method or "",
              "reference": payment.reference or ""}
    if field == "Credit balance refunded":
        found = _REFUND.fullmatch(text or "")
        balance = None if found is None else minor(found["balance"])
        if balance is None:
            return None
        values["balance"] = int(balance)
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def _raw_frequencies(connection, locale) -> None:
    """A plan's "Frequency" written in the site's words ("monthly") back to its stored form."""
    known: dict[str, str] = {}
    for site in {str(locale), "en_IE"}:
        fmt = Formatter(site, "EUR")
        for unit, most in MAX_COUNT.items():
            for count in range(1, most + 1):
                frequency = Frequency(unit, count)
                known.setdefault(fmt.frequency(frequency), str(frequency))
    rows = connection.execute(
        sa.select(_history.c.id, _history.c.old_value, _history.c.new_value)
        .where(_history.c.entity == "plan", _history.c.field == "Frequency")).all()
    for row_id, old, new in rows:
        values = {column: known[text] for column, text in (("old_value", old),
                                                            ("new_value", new))
                  if text in known}
        if values:
            connection.execute(_history.update().where(_history.c.id == row_id).values(**values))


def upgrade() -> None:
    for table in ("applied_transitions", "invoice_lines"):
        op.add_column(table, sa.Column("params", sa.Text(), nullable=True))
    connection = op.get_bind()
    _read_wordings(connection, "applied_transitions", TRANSITIONS)
    _read_wordings(connection, "invoice_lines", LINES)
    _raw_history(connection)


def downgrade() -> None:
    """The columns go; descriptions were kept in English, so nothing else is lost. Audit values
    made raw stay raw: 0006 would show a price of 250.00 as "25000", so going back to it means
    restoring the backup taken before this migration, not downgrading."""
    for table in ("applied_transitions", "invoice_lines"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("params")
