"""The member's account (rules 15, 17, 18, 21, 22 in docs/billing-rules.md).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Converts representation without changing any issued amount or number:

- invoices become documents with a `type`: one whose lines are all deposits is a deposit
  request (or, negative, a deposit return); any other negative one is a credit note; the rest
  are invoices. Each gets its billing date (its issue date, the only date older versions kept)
  and its due date (issue date + the site's payment terms).
- lines get a tax category and rate: deposit lines none (outside VAT), every other line the
  standard category at the rate its document was taxed at: the site's rate when it gives the
  document's stored tax, else the rate that does (a site whose rate changed), else none (the
  document keeps its stored tax, printed without a rate).
- payments become allocations: each payment against an invoice is allocated to it, and the
  credit an invoice took when it was issued is an allocation of method "credit". The payment
  keeps its member, date, amount, method and reference; its `invoice_id` column goes.
- a credit balance held beside open documents (older versions never offset them) pays them,
  oldest first, as allocations of method "credit" dated each document's issue date (rule 22).
- plans get the standard tax category; the settings get the reduced rate, the exemption reason
  and the prefixes of credit notes and deposit documents (NULL reads as the defaults).
"""

import warnings
from datetime import timedelta
from fractions import Fraction

import sqlalchemy as sa
from alembic import op

from desktop.domain.money import parse_rate, round_minor

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SETTINGS = (("reduced_tax_rate", sa.String()), ("exemption_reason", sa.Text()),
             ("credit_note_prefix", sa.String()), ("deposit_prefix", sa.String()))
DEPOSIT_KINDS = ("deposit", "deposit_refund")
BATCH = 2000

_invoices = sa.table("invoices", sa.column("id", sa.Integer), sa.column("member_id", sa.Integer),
                     sa.column("issue_date", sa.Date), sa.column("total", sa.BigInteger),
                     sa.column("tax", sa.BigInteger),
                     sa.column("credit_applied", sa.BigInteger), sa.column("type", sa.String),
                     sa.column("billing_date", sa.Date), sa.column("due_date", sa.Date))
_lines = sa.table("invoice_lines", sa.column("invoice_id", sa.Integer),
                  sa.column("kind", sa.String), sa.column("amount", sa.BigInteger),
                  sa.column("tax_category", sa.String),
                  sa.column("rate", sa.String))
_payments = sa.table("payments", sa.column("id", sa.Integer), sa.column("member_id", sa.Integer),
                     sa.column("invoice_id", sa.Integer), sa.column("date", sa.Date),
                     sa.column("amount", sa.BigInteger))
_settings = sa.table("settings", sa.column("tax_rate", sa.String),
                     sa.column("payment_terms", sa.Integer))


def _document_type(total: int, kinds: set[str]) -> str:
    if kinds and kinds <= set(DEPOSIT_KINDS):
        return "deposit_return" if total < 0 else "deposit_request"
    return "credit_note" if total < 0 else "invoice"


def upgrade() -> None:
    for name, kind in _SETTINGS:
        op.add_column("settings", sa.Column(name, kind, nullable=True))
    op.add_column("plans", sa.Column("tax_category", sa.String(), nullable=False,
                                     server_default="standard"))
    op.add_column("invoices", sa.Column("type", sa.String(), nullable=False,
                                        server_default="invoice"))
    for name in ("billing_date", "due_date"):
        op.add_column("invoices", sa.Column(name, sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("credits", sa.Text(), nullable=True))
    op.add_column("invoice_lines", sa.Column("tax_category", sa.String(), nullable=True))
    op.add_column("invoice_lines", sa.Column("rate", sa.String(), nullable=True))
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_allocations_amount")),
        sa.CheckConstraint("method IN ('payment', 'credit')", name=op.f("ck_allocations_method")),
        sa.ForeignKeyConstraint(["document_id"], ["invoices.id"],
                                name=op.f("fk_allocations_document_id_invoices")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], ondelete="CASCADE",
                                name=op.f("fk_allocations_payment_id_payments")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_allocations_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    for column in ("document_id", "payment_id", "member_id"):
        op.create_index(op.f(f"ix_allocations_{column}"), "allocations", [column])
    _convert(op.get_bind())
    op.drop_index(op.f("ix_payments_invoice_id"), table_name="payments")
    # SQLite rebuilds the payments table; reflecting it reads the members table it refers to,
    # whose case-insensitive expression indexes SQLAlchemy says it skips (they are untouched).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        with op.batch_alter_table("payments") as batch:
            batch.drop_constraint("fk_payments_invoice_id_invoices", type_="foreignkey")
            batch.drop_column("invoice_id")


def _convert(bind) -> None:
    settings = bind.execute(sa.select(_settings.c.tax_rate, _settings.c.payment_terms)).first()
    rate = (settings.tax_rate if settings is not None else None) or "0"
    terms = settings.payment_terms if settings is not None and settings.payment_terms is not None \
        else 14
    bind.execute(_lines.update().where(_lines.c.kind.in_(DEPOSIT_KINDS))
                 .values(tax_category=None, rate=None))
    bind.execute(_lines.update().where(_lines.c.kind.not_in(DEPOSIT_KINDS))
                 .values(tax_category="standard", rate=rate))
    _true_rates(bind, rate)
    kinds: dict[int, set[str]] = {}
    for invoice_id, kind in bind.execute(sa.select(_lines.c.invoice_id, _lines.c.kind)):
        kinds.setdefault(invoice_id, set()).add(kind)
    rows = bind.execute(sa.select(_invoices.c.id, _invoices.c.member_id, _invoices.c.issue_date,
                                  _invoices.c.total, _invoices.c.credit_applied)
                        .order_by(_invoices.c.id)).all()
    updates, credit = [], []
    for row in rows:
        updates.append({"doc": row.id, "t": _document_type(row.total, kinds.get(row.id, set())),
                        "b": row.issue_date, "d": row.issue_date + timedelta(days=terms)})
        if row.credit_applied and row.credit_applied > 0:
            credit.append({"document_id": row.id, "payment_id": None,
                           "member_id": row.member_id, "method": "credit",
                           "amount": row.credit_applied, "date": row.issue_date})
    statement = (_invoices.update().where(_invoices.c.id == sa.bindparam("doc"))
                 .values(type=sa.bindparam("t"), billing_date=sa.bindparam("b"),
                         due_date=sa.bindparam("d")))
    for start in range(0, len(updates), BATCH):
        bind.execute(statement, updates[start:start + BATCH])
    paid = [{"document_id": p.invoice_id, "payment_id": p.id, "member_id": p.member_id,
             "method": "payment", "amount": p.amount, "date": p.date}
            for p in bind.execute(sa.select(_payments).where(_payments.c.invoice_id.is_not(None),
                                                             _payments.c.amount > 0)
                                  .order_by(_payments.c.id))]
    allocations = sa.table("allocations", *(sa.column(name) for name in (
        "document_id", "payment_id", "member_id", "method", "amount", "date")))
    for chunk in (credit, paid):
        for start in range(0, len(chunk), BATCH):
            bind.execute(allocations.insert(), chunk[start:start + BATCH])
    _offset_credit(bind, allocations)


# Rates tried, after the site's own, for a document its rate does not reproduce: the standard
# and reduced rates EU sites have used.
_RATES = ("0", "5", "5.5", "6", "7", "8", "9", "10", "12", "13", "14", "15", "16", "17", "18",
          "19", "20", "21", "22", "23", "24", "25", "27")


def _taxes_to(taxable: int, rate: str, tax: int) -> bool:
    return round_minor(Fraction(taxable) * parse_rate(rate)) == tax


def _true_rates(bind, site_rate: str) -> None:
    """Each document's taxed lines at the rate that gives its stored tax (the site's first)."""
    taxable: dict[int, int] = {}
    for invoice_id, amount in bind.execute(
            sa.select(_lines.c.invoice_id, _lines.c.amount)
            .where(_lines.c.kind.not_in(DEPOSIT_KINDS))):
        taxable[invoice_id] = taxable.get(invoice_id, 0) + amount
    taxes = dict(bind.execute(sa.select(_invoices.c.id, _invoices.c.tax)).all())
    changed = []
    for invoice_id, net in taxable.items():
        tax = taxes.get(invoice_id, 0)
        if _taxes_to(net, site_rate, tax):
            continue
        found = next((r for r in _RATES if _taxes_to(net, r, tax)), None)
        changed.append({"doc": invoice_id, "r": found})
    statement = (_lines.update().where(_lines.c.invoice_id == sa.bindparam("doc"),
                                       _lines.c.kind.not_in(DEPOSIT_KINDS))
                 .values(rate=sa.bindparam("r")))
    for start in range(0, len(changed), BATCH):
        bind.execute(statement, changed[start:start + BATCH])


def _offset_credit(bind, allocations) -> None:
    """Rule 22 for balances older versions left beside open documents."""
    members = sa.table("members", sa.column("id", sa.Integer),
                       sa.column("credit_balance", sa.BigInteger))
    held = bind.execute(sa.select(members.c.id, members.c.credit_balance)
                        .where(members.c.credit_balance > 0)).all()
    for member_id, balance in held:
        paid = dict(bind.execute(
            sa.select(allocations.c.document_id, sa.func.sum(allocations.c.amount))
            .where(allocations.c.member_id == member_id)
            .group_by(allocations.c.document_id)).all())
        rows = bind.execute(
            sa.select(_invoices.c.id, _invoices.c.total, _invoices.c.issue_date)
            .where(_invoices.c.member_id == member_id, _invoices.c.total > 0,
                   _invoices.c.type.in_(("invoice", "deposit_request")))
            .order_by(_invoices.c.issue_date, _invoices.c.id)).all()
        left, made = balance, []
        for document_id, total, issued in rows:
            share = min(left, total - int(paid.get(document_id) or 0))
            if share > 0:
                made.append({"document_id": document_id, "payment_id": None,
                             "member_id": member_id, "method": "credit", "amount": share,
                             "date": issued})
                left -= share
        if made:
            bind.execute(allocations.insert(), made)
            bind.execute(members.update().where(members.c.id == member_id)
                         .values(credit_balance=left))


def downgrade() -> None:
    # Payments get their invoice back from their (first) allocation; the rest is dropped.
    op.add_column("payments", sa.Column("invoice_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT payment_id, MIN(document_id) FROM allocations "
                                "WHERE payment_id IS NOT NULL GROUP BY payment_id")).all()
    for payment_id, document_id in rows:
        bind.execute(_payments.update().where(_payments.c.id == payment_id)
                     .values(invoice_id=document_id))
    op.create_index(op.f("ix_payments_invoice_id"), "payments", ["invoice_id"])
    for column in ("document_id", "payment_id", "member_id"):
        op.drop_index(op.f(f"ix_allocations_{column}"), table_name="allocations")
    op.drop_table("allocations")
    for table, names in (("invoice_lines", ("tax_category", "rate")),
                         ("invoices", ("type", "billing_date", "due_date", "credits")),
                         ("plans", ("tax_category",)),
                         ("settings", tuple(name for name, _ in _SETTINGS))):
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.drop_column(name)
