"""Documents leave by mail (rule 29): the site's SMTP server, reminder levels and mail texts,
how each member receives documents, and the outbox.

Revision ID: 0011_outbox
Revises: 0009_search_trigrams
Create Date: 2026-12-08

The settings' and members' new columns are nullable (or, for `send_as`, default "none"), so
every existing member keeps receiving nothing by mail until the operator says otherwise. The
SMTP password is never stored here: it lives in the system keyring.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_outbox"
down_revision = "0009_search_trigrams"
branch_labels = None
depends_on = None

_SETTINGS = (("smtp_host", sa.String()), ("smtp_port", sa.Integer()),
             ("smtp_security", sa.String()), ("smtp_user", sa.String()),
             ("smtp_sender", sa.String()), ("reminders", sa.Text()), ("mail_texts", sa.Text()))
_INDEXED = ("document_id", "status", "due_at")


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): the members table keeps its expression indexes.
    for name, kind in _SETTINGS:
        op.add_column("settings", sa.Column(name, kind, nullable=True))
    op.add_column("members", sa.Column("send_as", sa.String(), nullable=False,
                                       server_default="none"))
    op.add_column("members", sa.Column("mail_to", sa.String(), nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("send_as", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("resumed", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("failure", sa.String(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["invoices.id"],
                                name=op.f("fk_outbox_document_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("document_id", "level", name=op.f("uq_outbox_document_id_level")),
    )
    for column in _INDEXED:
        op.create_index(op.f(f"ix_outbox_{column}"), "outbox", [column])


def downgrade() -> None:
    for column in _INDEXED:
        op.drop_index(op.f(f"ix_outbox_{column}"), table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("mail_to")
        batch.drop_column("send_as")
    with op.batch_alter_table("settings") as batch:
        for name, _kind in _SETTINGS:
            batch.drop_column(name)
