"""Keep an imported contract's document id as its reference, so export gives it back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite adds the column to the table in place, the index after it.
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("reference", sa.Text(), nullable=True))
    op.create_index(op.f("ix_contracts_reference"), "contracts", ["reference"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_contracts_reference"), table_name="contracts")
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("reference")
