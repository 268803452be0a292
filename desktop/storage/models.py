"""The database tables (docs/storage.md), as SQLAlchemy 2 declarative rows.

Money columns hold integers of minor units (rule 3), dates are calendar dates. Relationships
that a hot path walks for many rows at once (a plan's allowances and add-ons, a contract's
plans and add-ons, an invoice's lines) load with "selectin", a fixed number of queries per
batch; the wide ones (a member's contracts and invoices, a contract's member) raise instead of
loading one row at a time, so a query that needs them has to say so with an option.
Migrations in desktop/storage/migrations must match this file exactly (a test compares them).
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints keep SQLite batch migrations and autogenerate comparisons predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = BigInteger


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model here is mapped to one Table (DeclarativeBase says only FromClause, which
    # update() and insert() do not take).
    __table__: ClassVar[Table]


# Every site setting's default, declared once: a new database, a missing row and an export of
# one all use these. (Migration 0001 writes the same values into the row it creates.) Values of
# several types, each the type of its SettingsRow column.
SETTINGS_DEFAULTS: dict[str, Any] = {
    "currency": "EUR", "locale": "en_IE", "tax_rate": "0", "billing_day": None, "operator": "",
    "site_name": "", "address": "", "vat_id": "", "iban": "", "invoice_prefix": "INV-",
    "payment_terms": 14, "reduced_tax_rate": "0", "exemption_reason": "",
    "credit_note_prefix": "CN-", "deposit_prefix": "DEP-"}


class SettingsRow(Base):
    """The site settings: exactly one row, id 1."""

    __tablename__ = "settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    currency: Mapped[str] = mapped_column(String, default=SETTINGS_DEFAULTS["currency"])
    locale: Mapped[str] = mapped_column(String, default=SETTINGS_DEFAULTS["locale"])
    # A percentage as a decimal string ("20", "8.5"): exact, read with money.parse_rate.
    tax_rate: Mapped[str] = mapped_column(String, default=SETTINGS_DEFAULTS["tax_rate"])
    billing_day: Mapped[int | None] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(String, default=SETTINGS_DEFAULTS["operator"])
    # The site's identity on invoice documents (migration 0004); NULL in older rows reads as
    # empty, and as the defaults above for the prefix and the payment terms.
    site_name: Mapped[str | None] = mapped_column(String)
    address: Mapped[str | None] = mapped_column(Text)
    vat_id: Mapped[str | None] = mapped_column(String)
    iban: Mapped[str | None] = mapped_column(String)
    invoice_prefix: Mapped[str | None] = mapped_column(String)
    payment_terms: Mapped[int | None] = mapped_column(Integer)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Rule 17 (migration 0008): the reduced rate, the reason printed on exempt lines, and the
    # number series of credit notes and of deposit documents; NULL reads as the defaults.
    reduced_tax_rate: Mapped[str | None] = mapped_column(String)
    exemption_reason: Mapped[str | None] = mapped_column(Text)
    credit_note_prefix: Mapped[str | None] = mapped_column(String)
    deposit_prefix: Mapped[str | None] = mapped_column(String)
    # Rule 30 (migration 0012_direct_debit): the SEPA creditor identifier collections go out
    # under, and the fee charged for a returned direct debit (minor units; NULL reads as none).
    creditor_id: Mapped[str | None] = mapped_column(String)
    return_fee: Mapped[int | None] = mapped_column(Money)
    # Rule 29 (migration 0011_outbox): the site's SMTP server, never its password (that lives
    # in the system keyring), the reminder levels and the mail texts per language, as JSON.
    smtp_host: Mapped[str | None] = mapped_column(String)
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[str | None] = mapped_column(String)
    smtp_user: Mapped[str | None] = mapped_column(String)
    smtp_sender: Mapped[str | None] = mapped_column(String)
    reminders: Mapped[str | None] = mapped_column(Text)
    mail_texts: Mapped[str | None] = mapped_column(Text)
    # Rule 28 (0010): the address in its parts, the contact and tax number e-invoices name.
    address_street: Mapped[str | None] = mapped_column(String)
    address_line2: Mapped[str | None] = mapped_column(String)
    address_postcode: Mapped[str | None] = mapped_column(String)
    address_city: Mapped[str | None] = mapped_column(String)
    address_country: Mapped[str | None] = mapped_column(String)
    contact_name: Mapped[str | None] = mapped_column(String)
    contact_phone: Mapped[str | None] = mapped_column(String)
    contact_email: Mapped[str | None] = mapped_column(String)
    tax_number: Mapped[str | None] = mapped_column(String)
    # Rule 25 (migration 0013): the earliest cancellation falls on a period boundary (NULL: on).
    cancellations_on_boundary: Mapped[bool | None] = mapped_column(Boolean)


plan_addons = Table(
    "plan_addons",
    Base.metadata,
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column("addon_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_plan_addons_addon_id", "addon_id"),
)


class PlanRow(Base):
    """A plan or an add-on of the catalog (kind says which); frequency None = one-off add-on."""

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("kind IN ('plan', 'addon')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String, default="plan")
    price: Mapped[int] = mapped_column(Money, default=0)
    frequency: Mapped[str | None] = mapped_column(String)
    deposit: Mapped[int] = mapped_column(Money, default=0)
    group_name: Mapped[str | None] = mapped_column(String)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rule 17: "standard", "reduced", "zero" or "exempt" (checked by the catalogue).
    tax_category: Mapped[str] = mapped_column(String, default="standard",
                                              server_default="standard")
    # Rule 27 (migration 0013): the allowance a charge of this product uses up (a product sold
    # by the unit), and how many months a package's allowances last (NULL: 12).
    allowance_unit: Mapped[str | None] = mapped_column(String)
    expires_months: Mapped[int | None] = mapped_column(Integer)
    # Rule 25: NULL (no fee), "remaining" (the charges left in the commitment) or an amount in
    # minor units written as digits.
    early_termination_fee: Mapped[str | None] = mapped_column(String)

    allowances: Mapped[list[PlanAllowanceRow]] = relationship(
        back_populates="plan", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True, order_by="PlanAllowanceRow.name",
    )
    addons: Mapped[list[PlanRow]] = relationship(
        secondary=plan_addons,
        primaryjoin=lambda: PlanRow.id == plan_addons.c.plan_id,
        secondaryjoin=lambda: PlanRow.id == plan_addons.c.addon_id,
        lazy="selectin", order_by=lambda: PlanRow.name,
    )


class PlanPriceRow(Base):
    """Rule 24 (migration 0013): a plan's price from a day on; the plan's `price` is its newest.
    A plan whose price never changed has no rows."""

    __tablename__ = "plan_prices"
    __table_args__ = (UniqueConstraint("plan_id", "from_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    from_day: Mapped[date] = mapped_column(Date)
    price: Mapped[int] = mapped_column(Money)


class PlanAllowanceRow(Base):
    """A quantity a plan or add-on grants per period (meeting-room hours, ...)."""

    __tablename__ = "plan_allowances"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String, primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[PlanRow] = relationship(back_populates="allowances", lazy="raise_on_sql")


class MemberRow(Base):
    """A member or contact (the status is derived from contracts, never stored)."""

    __tablename__ = "members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String)
    company: Mapped[str] = mapped_column(String, default="")
    phone: Mapped[str] = mapped_column(String, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    credit_balance: Mapped[int] = mapped_column(Money, default=0)
    deposit_held: Mapped[int] = mapped_column(Money, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Printed on invoice documents (migration 0004); NULL in older rows reads as empty.
    billing_address: Mapped[str | None] = mapped_column(Text)
    vat_id: Mapped[str | None] = mapped_column(String)
    # Rule 30 (migration 0012_direct_debit): the account the member pays from, to match bank
    # statements by; NULL reads as the mandate's IBAN.
    iban: Mapped[str | None] = mapped_column(String)
    # Rule 29: how the member receives documents by mail ("pdf", "facturx", "xrechnung" or
    # "none") and where to (empty: their e-mail address).
    send_as: Mapped[str] = mapped_column(String, default="none", server_default="none")
    mail_to: Mapped[str | None] = mapped_column(String)
    # Rule 28 (0010): the address in its parts and the buyer reference (Leitweg-ID).
    address_street: Mapped[str | None] = mapped_column(String)
    address_line2: Mapped[str | None] = mapped_column(String)
    address_postcode: Mapped[str | None] = mapped_column(String)
    address_city: Mapped[str | None] = mapped_column(String)
    address_country: Mapped[str | None] = mapped_column(String)
    buyer_reference: Mapped[str | None] = mapped_column(String)

    contracts: Mapped[list[ContractRow]] = relationship(
        back_populates="member", lazy="raise_on_sql")
    invoices: Mapped[list[InvoiceRow]] = relationship(
        back_populates="member", lazy="raise_on_sql")


# Search and sort are case-insensitive: order by func.lower(...) to use these.
Index("ix_members_name_lower", func.lower(MemberRow.name))
Index("ix_members_company_lower", func.lower(MemberRow.company))


class ContractRow(Base):
    """One member on one plan. next_invoice_date None = ended; version guards concurrent edits."""

    __tablename__ = "contracts"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    next_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)
    custom_price: Mapped[int | None] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date] = mapped_column(Date)
    billing_anchor: Mapped[date] = mapped_column(Date)
    next_invoice_date: Mapped[date | None] = mapped_column(Date, index=True)
    cancellation_date: Mapped[date | None] = mapped_column(Date)
    prorate_last_invoice: Mapped[bool] = mapped_column(Boolean, default=True)
    prorate_first_invoice: Mapped[bool] = mapped_column(Boolean, default=True)
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The id a frontdesk/1 document gave an imported contract (docs/exchange-format.md), written
    # back by export; None for a contract made here, which exports its database id.
    reference: Mapped[str | None] = mapped_column(Text, unique=True, index=True)
    # The date of the next transition, kept up to date by the services so the sweep and the
    # forecast find due contracts through an index instead of evaluating every contract.
    next_event_date: Mapped[date | None] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer)
    # Rule 25 (migration 0013): commitment end, notice period ("1 month"), the waiver recorded
    # with the cancellation it allowed, and whether the contract ends at its commitment end.
    commitment_end: Mapped[date | None] = mapped_column(Date)
    notice: Mapped[str | None] = mapped_column(String)
    notice_waived: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    ends_at_commitment_end: Mapped[bool] = mapped_column(Boolean, default=False,
                                                         server_default="0")

    __mapper_args__ = {"version_id_col": version}

    member: Mapped[MemberRow] = relationship(back_populates="contracts", lazy="raise_on_sql")
    plan: Mapped[PlanRow] = relationship(foreign_keys=[plan_id], lazy="selectin")
    next_plan: Mapped[PlanRow | None] = relationship(foreign_keys=[next_plan_id], lazy="selectin")
    addons: Mapped[list[ContractAddonRow]] = relationship(
        back_populates="contract", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True, order_by="ContractAddonRow.id",
    )


class ContractAddonRow(Base):
    """An add-on held on a contract since start_date (rule 16); a contract lists them by id."""

    __tablename__ = "contract_addons"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    addon_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date | None] = mapped_column(Date)

    contract: Mapped[ContractRow] = relationship(back_populates="addons", lazy="raise_on_sql")
    addon: Mapped[PlanRow] = relationship(lazy="selectin")


class InvoiceRow(Base):
    """An issued document (rules 15, 17, 18): an invoice, a credit note, a deposit request or a
    deposit return (`type`); never edited once written. The table keeps its first name."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String, unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # "invoice", "credit_note", "deposit_request" or "deposit_return" (migration 0008; added
    # to a table too large to rebuild, so checked by the writers rather than the schema).
    type: Mapped[str] = mapped_column(String, default="invoice", server_default="invoice")
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    # Rule 18; always written, NULL only in a row no version of Frontdesk wrote.
    billing_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    # The numbers of the invoices a credit note credits, a JSON list (rule 17).
    credits: Mapped[str | None] = mapped_column(Text)
    subtotal: Mapped[int] = mapped_column(Money)
    tax: Mapped[int] = mapped_column(Money)
    total: Mapped[int] = mapped_column(Money)
    credit_applied: Mapped[int] = mapped_column(Money, default=0)
    amount_due: Mapped[int] = mapped_column(Money)
    # The site's locale when it was issued: its printed words and formats stay as issued.
    language: Mapped[str | None] = mapped_column(String)
    # Rule 30 (migration 0012_direct_debit): the day the document went into a direct-debit
    # file, the day collected and the mandate's reference (kept as text: the mandate may be
    # replaced later); NULL when it never did. A run never collects it twice.
    collection_submitted: Mapped[date | None] = mapped_column(Date)
    collection_date: Mapped[date | None] = mapped_column(Date)
    collection_mandate: Mapped[str | None] = mapped_column(String)

    member: Mapped[MemberRow] = relationship(back_populates="invoices", lazy="raise_on_sql")
    lines: Mapped[list[InvoiceLineRow]] = relationship(
        back_populates="invoice", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True, order_by="InvoiceLineRow.position",
    )


class InvoiceLineRow(Base):
    """One invoice line; days/period_days say how it was prorated."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        Index("ix_invoice_lines_contract_id_period_end", "contract_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text, default="")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    days: Mapped[int | None] = mapped_column(Integer)
    period_days: Mapped[int | None] = mapped_column(Integer)
    # The billing core's wording's raw parameters as a JSON object (issue 10, migration 0007);
    # None for a plan's or an add-on's line and for lines of a document that gave only text.
    params: Mapped[str | None] = mapped_column(Text)
    # Rule 17 (migration 0008): the line's tax category and rate (a percentage as a decimal
    # string); both NULL on a deposit line, which is outside VAT.
    tax_category: Mapped[str | None] = mapped_column(String)
    rate: Mapped[str | None] = mapped_column(String)

    invoice: Mapped[InvoiceRow] = relationship(back_populates="lines", lazy="raise_on_sql")


class AppliedTransitionRow(Base):
    """A transition the sweep applied; the unique key makes it exactly once (rule 19)."""

    __tablename__ = "applied_transitions"
    __table_args__ = (UniqueConstraint("contract_id", "kind", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String)
    date: Mapped[dt.date] = mapped_column(Date)
    applied_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The raw plan names of what it did, a JSON object (issue 10, migration 0007); the kind
    # says which sentence, `description` keeps it in English for the document and the CLI.
    params: Mapped[str | None] = mapped_column(Text)


class HistoryRow(Base):
    """An audit row (rule 20). No foreign keys: the audit outlives what it describes."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    who: Mapped[str] = mapped_column(String)
    entity: Mapped[str] = mapped_column(String)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(Integer, index=True)
    contract_id: Mapped[int | None] = mapped_column(Integer, index=True)
    field: Mapped[str] = mapped_column(String)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class PlanChangeRow(Base):
    """A plan switch applied to a contract (rule 20); plans kept by name like the audit."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int | None] = mapped_column(Integer, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    old_plan: Mapped[str] = mapped_column(String)
    new_plan: Mapped[str] = mapped_column(String)
    old_price: Mapped[int] = mapped_column(Money)
    new_price: Mapped[int] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    upgrade: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime)


class SweepRunRow(Base):
    """One run of the sweep, for the status bar (added by migration 0002)."""

    __tablename__ = "sweep_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    as_of: Mapped[date] = mapped_column(Date)
    applied: Mapped[int] = mapped_column(Integer, default=0)
    invoices_issued: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class PaymentRow(Base):
    """Money received from a member (amount > 0), allocated to documents (rule 21), or a refund
    paid out of their credit balance (amount < 0). The token, unique, makes one press of
    "Record" write one row (migration 0004).
    """

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount <> 0", name="amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String, default="")
    reference: Mapped[str] = mapped_column(String, default="")
    token: Mapped[str | None] = mapped_column(String, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class AllocationRow(Base):
    """Money put against a document (rules 21, 22): part of a payment, or of the member's
    credit balance (payment_id NULL, method "credit"). A document's outstanding amount is its
    total less its allocations (migration 0008)."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("method IN ('payment', 'credit')", name="method"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    method: Mapped[str] = mapped_column(String)
    amount: Mapped[int] = mapped_column(Money)
    date: Mapped[dt.date] = mapped_column(Date)


class MandateRow(Base):
    """A member's SEPA Core mandate (rule 30): one per member, its reference unique."""

    __tablename__ = "mandates"
    __table_args__ = (CheckConstraint("status IN ('active', 'revoked')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    reference: Mapped[str] = mapped_column(String, unique=True)
    signed: Mapped[dt.date] = mapped_column(Date)
    debtor: Mapped[str] = mapped_column(String)
    iban: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, default="active")


class BankEntryRow(Base):
    """A bank statement's entry once imported (rule 30), by its reference: imported once.

    `status`: "matched" (paid documents: `payment_id`), "returned" (a direct debit that came
    back, `reason` the bank's), "unmatched" (waits for the operator), "assigned" (the operator
    named the member) or "dismissed"."""

    __tablename__ = "bank_entries"
    __table_args__ = (
        CheckConstraint("status IN ('matched', 'returned', 'unmatched', 'assigned', "
                        "'dismissed')", name="status"),
        CheckConstraint("amount > 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String, unique=True)
    booked: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    credit: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String, default="")
    iban: Mapped[str] = mapped_column(String, default="")
    remittance: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String, index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String, default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class OutboxRow(Base):
    """A message waiting to leave, sent, or failed (rule 29, migration 0011_outbox): one per
    document and level (0 the document itself, 1-3 its reminders), so each is queued once.

    `status` is "waiting" (due at `due_at`), "sending" (claimed by `claim` at `claimed_at`),
    "sent" or "failed". `message_id` is made at the first claim and kept, so a send repeated
    after a crash carries the same Message-ID. `failure` is the kind of the last failure (the
    window words it), `detail` the server's own reply, for the log and the curious."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("document_id", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=0)
    recipient: Mapped[str] = mapped_column(String)
    send_as: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, index=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A claim taken over from a desk that stopped mid-send: such a message is never taken over
    # a second time (at most two sends, docs/billing-rules.md rule 29).
    resumed: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    message_id: Mapped[str | None] = mapped_column(String)
    failure: Mapped[str | None] = mapped_column(String)
    detail: Mapped[str | None] = mapped_column(Text)


class ChargeRow(Base):
    """A charge for a member (rule 27, migration 0013): a catalogue product × quantity or a
    described amount, from `day`, waiting for the member's next document; `document_id` is
    the document it was billed on (NULL while pending). `kind` is "charge", "late_fee",
    "return_fee" or "termination_fee" (checked by the writers: more kinds may come)."""

    __tablename__ = "charges"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String, default="charge")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_amount: Mapped[int] = mapped_column(Money)
    tax_category: Mapped[str] = mapped_column(String, default="standard")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String, default="")
    # Of the quantity, what the member's allowances took (the sum of its uses); only the rest
    # is billed, and a charge they took whole is never billed.
    covered: Mapped[int] = mapped_column(Integer, default=0)


class AllowanceUseRow(Base):
    """What a charge took from one allowance source (rule 27): a contract's plan in a period,
    a recurring add-on held from `held_from` in a period, or a package bought on `held_from`
    (no period: it lasts until used or expired)."""

    __tablename__ = "allowance_uses"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    addon_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    held_from: Mapped[dt.date | None] = mapped_column(Date)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    unit: Mapped[str] = mapped_column(String)
    quantity: Mapped[int] = mapped_column(Integer)
