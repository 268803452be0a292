"""Contracts as operators sign them (rules 24-27): pending charges.

Revision ID: 0013_contract_terms
Revises: 0009_search_trigrams
Create Date: 2026-12-08

The `charges` table: a member's charges (a catalogue product × quantity, or a described
amount) waiting for their next document, and the document each was billed on (rule 27).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_contract_terms"
# Chained after 0011_outbox on the branch that has both (the merge re-chains the round).
down_revision = "0011_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_amount", sa.BigInteger(), nullable=False),
        sa.Column("tax_category", sa.String(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_charges_quantity")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"],
                                name=op.f("fk_charges_member_id_members")),
        sa.ForeignKeyConstraint(["product_id"], ["plans.id"],
                                name=op.f("fk_charges_product_id_plans")),
        sa.ForeignKeyConstraint(["document_id"], ["invoices.id"],
                                name=op.f("fk_charges_document_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charges")),
    )
    for column in ("member_id", "product_id", "document_id"):
        op.create_index(op.f(f"ix_charges_{column}"), "charges", [column])


def downgrade() -> None:
    op.drop_table("charges")
