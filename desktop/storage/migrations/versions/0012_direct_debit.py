"""SEPA direct debit and bank statements (rule 30 in docs/billing-rules.md).

Revision ID: 0012_direct_debit
Revises: 0013_contract_terms
Create Date: 2026-12-08

Adds the members' mandates and the imported bank statement entries, the member's own IBAN
(statements are matched by it), the site's creditor identifier and return fee, and the mark a
document gets when it goes into a direct-debit file. Nothing existing changes: every new column
is NULL, which reads as "none".
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_direct_debit"
down_revision = "0013_contract_terms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("settings", sa.Column("creditor_id", sa.String(), nullable=True))
    op.add_column("settings", sa.Column("return_fee", sa.BigInteger(), nullable=True))
    op.add_column("members", sa.Column("iban", sa.String(), nullable=True))
    op.add_column("invoices", sa.Column("collection_submitted", sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("collection_date", sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("collection_mandate", sa.String(), nullable=True))
    op.create_table(
        "mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("signed", sa.Date(), nullable=False),
        sa.Column("debtor", sa.String(), nullable=False),
        sa.Column("iban", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'revoked')", name=op.f("ck_mandates_status")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_mandates_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
        sa.UniqueConstraint("member_id", name=op.f("uq_mandates_member_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_mandates_reference")),
    )
    op.create_table(
        "bank_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("booked", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("iban", sa.String(), nullable=False),
        sa.Column("remittance", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('matched', 'returned', 'unmatched', 'assigned', "
                           "'dismissed')", name=op.f("ck_bank_entries_status")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bank_entries_amount")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_bank_entries_member_id_members")),
        sa.ForeignKeyConstraint(["document_id"], ["invoices.id"],
                                name=op.f("fk_bank_entries_document_id_invoices")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], ondelete="SET NULL",
                                name=op.f("fk_bank_entries_payment_id_payments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_entries")),
        sa.UniqueConstraint("reference", name=op.f("uq_bank_entries_reference")),
    )
    op.create_index(op.f("ix_bank_entries_status"), "bank_entries", ["status"])
    op.create_index(op.f("ix_bank_entries_member_id"), "bank_entries", ["member_id"])


def downgrade() -> None:
    op.drop_table("bank_entries")
    op.drop_table("mandates")
    for table, column in (("invoices", "collection_mandate"), ("invoices", "collection_date"),
                          ("invoices", "collection_submitted"), ("members", "iban"),
                          ("settings", "return_fee"), ("settings", "creditor_id")):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
