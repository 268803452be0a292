"""Record each sweep run, for the status bar's "checked at ..." line.

Revision ID: 0002
Revises: 0001
Create Date: 2024-02-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sweep_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("invoices_issued", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sweep_runs")),
    )
    op.create_index(op.f("ix_sweep_runs_ran_at"), "sweep_runs", ["ran_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sweep_runs_ran_at"), table_name="sweep_runs")
    op.drop_table("sweep_runs")
