"""Contracts as operators sign them (rules 24-27): pending charges.

Revision ID: 0013_contract_terms
Revises: 0009_search_trigrams
Create Date: 2026-12-08

The `charges` table: a member's charges (a catalogue product × quantity, or a described
amount) waiting for their next document, and the document each was billed on (rule 27);
`allowance_uses`, what each charge took from the member's allowances; the plans' allowance
unit (a product sold by the unit) and a package's months of validity; `plan_prices`, each
plan's price history (rule 24); the contracts' commitment end, notice, waiver and "ends at
commitment end", the plans' early termination fee and the site's "cancellations end on a period
boundary" (rule 25).
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
        sa.Column("covered", sa.Integer(), nullable=False),
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
    op.create_table(
        "allowance_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("charge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("addon_id", sa.Integer(), nullable=True),
        sa.Column("held_from", sa.Date(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_allowance_uses_quantity")),
        sa.ForeignKeyConstraint(["charge_id"], ["charges.id"], ondelete="CASCADE",
                                name=op.f("fk_allowance_uses_charge_id_charges")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_allowance_uses_contract_id_contracts")),
        sa.ForeignKeyConstraint(["addon_id"], ["plans.id"],
                                name=op.f("fk_allowance_uses_addon_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowance_uses")),
    )
    for column in ("charge_id", "contract_id"):
        op.create_index(op.f(f"ix_allowance_uses_{column}"), "allowance_uses", [column])
    op.create_table(
        "plan_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE",
                                name=op.f("fk_plan_prices_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_prices")),
        sa.UniqueConstraint("plan_id", "from_day", name=op.f("uq_plan_prices_plan_id_from_day")),
    )
    op.create_index(op.f("ix_plan_prices_plan_id"), "plan_prices", ["plan_id"])
    op.add_column("plans", sa.Column("allowance_unit", sa.String(), nullable=True))
    op.add_column("plans", sa.Column("expires_months", sa.Integer(), nullable=True))
    op.add_column("plans", sa.Column("early_termination_fee", sa.String(), nullable=True))
    op.add_column("contracts", sa.Column("commitment_end", sa.Date(), nullable=True))
    op.add_column("contracts", sa.Column("notice", sa.String(), nullable=True))
    op.add_column("contracts", sa.Column("notice_waived", sa.Boolean(), nullable=False,
                                         server_default="0"))
    op.add_column("contracts", sa.Column("ends_at_commitment_end", sa.Boolean(),
                                         nullable=False, server_default="0"))
    op.add_column("settings", sa.Column("cancellations_on_boundary", sa.Boolean(),
                                        nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("cancellations_on_boundary")
    with op.batch_alter_table("contracts") as batch:
        for column in ("ends_at_commitment_end", "notice_waived", "notice", "commitment_end"):
            batch.drop_column(column)
    with op.batch_alter_table("plans") as batch:
        for column in ("early_termination_fee", "expires_months", "allowance_unit"):
            batch.drop_column(column)
    op.drop_table("plan_prices")
    op.drop_table("allowance_uses")
    op.drop_table("charges")
