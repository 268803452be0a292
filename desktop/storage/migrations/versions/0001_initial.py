"""Initial schema: settings, catalog, members, contracts, invoices, transitions, audit.

Revision ID: 0001
Revises:
Create Date: 2024-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str,
        ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{columns[0]}"), table, list(columns))


def upgrade() -> None:
    settings = op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=False),
        sa.Column("tax_rate", sa.String(), nullable=False),
        sa.Column("billing_day", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_settings_single_row")),
        _pk("settings", "id"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("frequency", sa.String(), nullable=True),
        sa.Column("deposit", sa.BigInteger(), nullable=False),
        sa.Column("group_name", sa.String(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('plan', 'addon')", name=op.f("ck_plans_kind")),
        _pk("plans", "id"),
        sa.UniqueConstraint("name", name=op.f("uq_plans_name")),
    )
    op.create_table(
        "plan_allowances",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        _fk("plan_allowances", "plan_id", "plans", "CASCADE"),
        _pk("plan_allowances", "plan_id", "name"),
    )
    op.create_table(
        "plan_addons",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("addon_id", sa.Integer(), nullable=False),
        _fk("plan_addons", "plan_id", "plans", "CASCADE"),
        _fk("plan_addons", "addon_id", "plans", "CASCADE"),
        _pk("plan_addons", "plan_id", "addon_id"),
    )
    _index("plan_addons", "addon_id")

    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("company", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("credit_balance", sa.BigInteger(), nullable=False),
        sa.Column("deposit_held", sa.BigInteger(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        _pk("members", "id"),
        sa.UniqueConstraint("email", name=op.f("uq_members_email")),
    )
    op.create_index("ix_members_name_lower", "members", [sa.text("lower(name)")])
    op.create_index("ix_members_company_lower", "members", [sa.text("lower(company)")])

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("next_plan_id", sa.Integer(), nullable=True),
        sa.Column("custom_price", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("billing_anchor", sa.Date(), nullable=False),
        sa.Column("next_invoice_date", sa.Date(), nullable=True),
        sa.Column("cancellation_date", sa.Date(), nullable=True),
        sa.Column("prorate_last_invoice", sa.Boolean(), nullable=False),
        sa.Column("prorate_first_invoice", sa.Boolean(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_event_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_contracts_quantity")),
        _fk("contracts", "member_id", "members"),
        _fk("contracts", "plan_id", "plans"),
        _fk("contracts", "next_plan_id", "plans"),
        _fk("contracts", "predecessor_id", "contracts"),
        _pk("contracts", "id"),
    )
    for column in ("member_id", "plan_id", "next_plan_id", "predecessor_id",
                   "next_invoice_date", "next_event_date"):
        _index("contracts", column)

    op.create_table(
        "contract_addons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("addon_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_contract_addons_quantity")),
        _fk("contract_addons", "contract_id", "contracts", "CASCADE"),
        _fk("contract_addons", "addon_id", "plans"),
        _pk("contract_addons", "id"),
    )
    _index("contract_addons", "contract_id")
    _index("contract_addons", "addon_id")

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("credit_applied", sa.BigInteger(), nullable=False),
        sa.Column("amount_due", sa.BigInteger(), nullable=False),
        _fk("invoices", "member_id", "members"),
        _pk("invoices", "id"),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    _index("invoices", "member_id")
    _index("invoices", "issue_date")

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("period_days", sa.Integer(), nullable=True),
        _fk("invoice_lines", "invoice_id", "invoices", "CASCADE"),
        _fk("invoice_lines", "contract_id", "contracts"),
        _pk("invoice_lines", "id"),
    )
    _index("invoice_lines", "invoice_id")
    op.create_index(op.f("ix_invoice_lines_contract_id_period_end"), "invoice_lines",
                    ["contract_id", "period_end"])

    op.create_table(
        "applied_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _fk("applied_transitions", "contract_id", "contracts", "CASCADE"),
        _pk("applied_transitions", "id"),
        sa.UniqueConstraint("contract_id", "kind", "date",
                            name=op.f("uq_applied_transitions_contract_id_kind_date")),
    )
    _index("applied_transitions", "applied_at")

    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        _pk("history", "id"),
    )
    _index("history", "member_id")
    _index("history", "contract_id")

    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("old_plan", sa.String(), nullable=False),
        sa.Column("new_plan", sa.String(), nullable=False),
        sa.Column("old_price", sa.BigInteger(), nullable=False),
        sa.Column("new_price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("upgrade", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        _pk("plan_changes", "id"),
    )
    _index("plan_changes", "contract_id")

    # The settings table always holds its one row, so readers never have to create it.
    op.bulk_insert(settings, [{"id": 1, "currency": "EUR", "locale": "en_IE", "tax_rate": "0",
                               "billing_day": None, "operator": ""}])


def downgrade() -> None:
    for table in ("plan_changes", "history", "applied_transitions", "invoice_lines", "invoices",
                  "contract_addons", "contracts", "members", "plan_addons", "plan_allowances",
                  "plans", "settings"):
        op.drop_table(table)
