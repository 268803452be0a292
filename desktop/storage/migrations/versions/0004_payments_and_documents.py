"""Invoice documents and payments: the site's identity, members' billing details, payments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Every added column is nullable, so existing rows keep their values and read the new fields as
empty (the services supply the defaults: prefix "INV-", payment terms 14 days).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (column, type) pairs; columns of several types.
Columns = tuple[tuple[str, sa.types.TypeEngine], ...]
_SETTINGS: Columns = (("site_name", sa.String()), ("address", sa.Text()), ("vat_id", sa.String()),
                      ("iban", sa.String()), ("invoice_prefix", sa.String()),
                      ("payment_terms", sa.Integer()), ("logo", sa.LargeBinary()))
_MEMBERS: Columns = (("billing_address", sa.Text()), ("vat_id", sa.String()))


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): the members table keeps its expression indexes.
    for name, kind in _SETTINGS:
        op.add_column("settings", sa.Column(name, kind, nullable=True))
    for name, kind in _MEMBERS:
        op.add_column("members", sa.Column(name, kind, nullable=True))
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("token", sa.String(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_payments_amount")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_payments_member_id_members")),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_payments_invoice_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("token", name=op.f("uq_payments_token")),
    )
    for column in ("member_id", "invoice_id", "date"):
        op.create_index(op.f(f"ix_payments_{column}"), "payments", [column])


def downgrade() -> None:
    for column in ("member_id", "invoice_id", "date"):
        op.drop_index(op.f(f"ix_payments_{column}"), table_name="payments")
    op.drop_table("payments")
    with op.batch_alter_table("members") as batch:
        for name, _kind in _MEMBERS:
            batch.drop_column(name)
    with op.batch_alter_table("settings") as batch:
        for name, _kind in _SETTINGS:
            batch.drop_column(name)
