"""What the main window is given by the composition root: the services and a few callables.

The window opens no database: desktop/app.py builds every service on one Database and binds the
storage-level operations (demo data, backups) to it before handing them over.

Each service is declared here as a Protocol holding exactly the calls the screens make, with the
real services' parameter and return types. The real services satisfy them structurally (mypy
checks desktop/app.py building a Services), and so must the in-memory fakes the widget tests use
(tests/ui/test_service_protocols.py checks both statically and by signature), so a fake cannot
drift from the service it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from desktop.domain.model import Contract, Invoice, Plan, Problem
from desktop.domain.reminders import ReminderLevel
from desktop.formats.registry import Format
from desktop.services.accounts import AccountSummary
from desktop.services.banking.collection import CollectionRun
from desktop.services.banking.mandates import CreditorSettings, MandateView
from desktop.services.banking.statements import StatementReport, WaitingEntry
from desktop.services.changes import Changes
from desktop.services.contracts.basis import EditorBasis
from desktop.services.contracts.change_plan import ChangeOption
from desktop.services.contracts.editing import ContractState, SavedContract
from desktop.services.documents import InvoiceDocument
from desktop.services.einvoice_data import MemberEInvoice
from desktop.services.invoices import InvoiceSummary, InvoiceTotals
from desktop.services.mail.outbox import OutboxEntry, SendReport
from desktop.services.mail.service import Delivery
from desktop.services.mail.texts import MailText
from desktop.services.mail.transport import SmtpSettings
from desktop.services.members import MemberDetail, MemberRow
from desktop.services.payments import PlacedAllocation, Recorded
from desktop.services.prices import PriceChange
from desktop.services.settings import SiteSettings
from desktop.services.sweep.service import AppliedRow, ForecastItem, SweepReport


class SettingsServiceProtocol(Protocol):
    def get(self) -> SiteSettings: ...

    def save(self, settings: SiteSettings) -> Changes: ...


class MemberServiceProtocol(Protocol):
    def search(self, text: str = "", status: str = "all", sort: str = "name",
               descending: bool = False, offset: int = 0, limit: int = 200) -> list[MemberRow]: ...

    def count(self, text: str = "", status: str = "all") -> int: ...

    def get(self, member_id: int) -> MemberDetail: ...

    def create(self, name: str, email: str, company: str = "", phone: str = "",
               notes: str = "", billing_address: str = "", vat_id: str = "") -> Changes: ...

    def update(self, member_id: int, *, name: str, email: str, company: str, phone: str,
               notes: str, billing_address: str | None = None,
               vat_id: str | None = None) -> Changes: ...

    def set_archived(self, member_id: int, archived: bool) -> Changes: ...


class CatalogServiceProtocol(Protocol):
    def plans(self, include_archived: bool = True) -> list[Plan]: ...

    def sold_plan_ids(self) -> set[int]: ...

    def save_plan(self, plan: Plan) -> Changes: ...

    def set_archived(self, plan_id: int, archived: bool) -> Changes: ...

    def delete_plan(self, plan_id: int) -> Changes: ...


class ContractServiceProtocol(Protocol):
    def load(self, contract_id: int, *, for_editor: bool = False) -> ContractState: ...

    def new_draft(self, member_id: int, plan_id: int) -> Contract: ...

    def basis(self, draft: Contract, kept: EditorBasis | None = None) -> EditorBasis: ...

    def eligible_next_plans(self, contract: Contract,
                            basis: EditorBasis | None = None) -> list[tuple[Plan, str]]: ...

    def validate(self, draft: Contract, basis: EditorBasis | None = None) -> list[Problem]: ...

    def describe(self, draft: Contract, basis: EditorBasis | None = None) -> list[str]: ...

    def preview(self, draft: Contract, count: int = 3,
                basis: EditorBasis | None = None) -> list[Invoice]: ...

    def save(self, draft: Contract, version: int | None) -> Changes: ...

    def save_for_editor(self, draft: Contract, version: int | None) -> SavedContract: ...

    def create_new_term(self, contract_id: int,
                        cancellation_date: date | None = None) -> Changes: ...

    def unavailable_actions(self, contract_id: int) -> dict[str, str]: ...

    def change_options(self, contract_id: int) -> list[ChangeOption]: ...

    def quote_change(self, contract_id: int, plan_id: int, when: str, on: date | None = None,
                     quantity: int | None = None,
                     addon_ids: tuple[int, ...] = ()) -> ChangeOption: ...

    def change_plan(self, contract_id: int, plan_id: int, when: str, on: date | None = None,
                    quantity: int | None = None, addon_ids: tuple[int, ...] = ()) -> Changes: ...

    def add_addon(self, contract_id: int, addon_id: int, quantity: int = 1) -> Changes: ...

    def remove_addon(self, contract_id: int, addon_id: int) -> Changes: ...


class InvoiceServiceProtocol(Protocol):
    def get(self, invoice_id: int) -> Invoice: ...

    def recent(self, limit: int = 200, offset: int = 0, *, status: str = "all",
               start: date | None = None, end: date | None = None, kind: str = "all",
               member_id: int | None = None) -> list[InvoiceSummary]: ...

    def totals(self, *, status: str = "all", start: date | None = None,
               end: date | None = None, kind: str = "all",
               member_id: int | None = None) -> InvoiceTotals: ...


class SweepServiceProtocol(Protocol):
    def apply_due(self, as_of: date, catch_up_limit: int | None = None) -> SweepReport: ...

    def forecast(self, as_of: date, days: int = 30) -> list[ForecastItem]: ...

    def applied_since(self, since: datetime) -> list[AppliedRow]: ...


class PaymentServiceProtocol(Protocol):
    def record(self, invoice: int | str, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded: ...

    def refund(self, member_id: int, amount: int, *, day: date | None = None,
               method: str = "", reference: str = "", token: str | None = None) -> Recorded: ...

    def record_for_member(self, member_id: int, amount: int, *,
                          allocations: Sequence[tuple[int, int]] = (),
                          day: date | None = None, method: str = "", reference: str = "",
                          token: str | None = None) -> Recorded: ...

    def allocation_preview(self, member_id: int, amount: int,
                           chosen: Sequence[tuple[int, int]] = ()
                           ) -> tuple[tuple[PlacedAllocation, ...], int]: ...


class AccountServiceProtocol(Protocol):
    def summary(self, member_id: int) -> AccountSummary: ...

    def return_excess_deposit(self, member_id: int) -> Changes: ...


class ChargeServiceProtocol(Protocol):
    def add(self, member_id: int, *, product: int | str | None = None, quantity: int = 1,
            day: date | None = None, amount: int | None = None, description: str = "",
            tax_category: str = "standard", kind: str = "charge") -> Changes: ...

    def products(self) -> list[Plan]: ...


class PriceServiceProtocol(Protocol):
    def raise_preview(self, plan_ids: list[int], percent: str,
                      day: date | None = None) -> list[PriceChange]: ...

    def raise_prices(self, plan_ids: list[int], percent: str,
                     day: date | None = None) -> Changes: ...


class DocumentServiceProtocol(Protocol):
    def invoice(self, invoice: int | str) -> InvoiceDocument: ...

    def issued_on(self, day: date) -> list[InvoiceDocument]: ...


class MandateServiceProtocol(Protocol):
    def mandate(self, member_id: int) -> MandateView | None: ...

    def member_iban(self, member_id: int) -> str: ...

    def save(self, member_id: int, *, reference: str, signed: date | None, debtor: str,
             iban: str, status: str = "active") -> Changes: ...

    def set_member_iban(self, member_id: int, iban: str) -> Changes: ...

    def creditor(self) -> CreditorSettings: ...

    def save_creditor(self, creditor_id: str, return_fee: int = 0) -> Changes: ...


class CollectionServiceProtocol(Protocol):
    def default_collection_day(self, due_by: date) -> date: ...

    def preview(self, due_by: date, collect_on: date | None = None) -> CollectionRun: ...

    def site_problem(self) -> str: ...

    def collect(self, path: Path, due_by: date,
                collect_on: date | None = None) -> CollectionRun: ...


class StatementServiceProtocol(Protocol):
    def import_file(self, path: Path) -> StatementReport: ...

    def waiting(self) -> list[WaitingEntry]: ...

    def assign(self, entry_id: int, member_id: int) -> Changes: ...

    def dismiss(self, entry_id: int) -> Changes: ...


class MailServiceProtocol(Protocol):
    def smtp(self) -> SmtpSettings: ...

    def save_smtp(self, settings: SmtpSettings) -> Changes: ...

    def password(self, settings: SmtpSettings) -> str | None: ...

    def keep_password(self, settings: SmtpSettings, password: str) -> bool: ...

    def keyring_usable(self) -> bool: ...

    def test_message(self, settings: SmtpSettings, password: str | None,
                     recipient: str) -> None: ...

    def delivery(self, member_id: int) -> Delivery: ...

    def save_delivery(self, member_id: int, delivery: Delivery) -> Changes: ...

    def reminders(self) -> list[ReminderLevel]: ...

    def save_reminders(self, levels: list[ReminderLevel]) -> Changes: ...

    def texts(self) -> dict[str, dict[str, MailText]]: ...

    def save_texts(self, texts: Mapping[str, Mapping[str, MailText]]) -> Changes: ...

    def send_due(self, password: str | None) -> SendReport: ...

    def send_again(self, entry_id: int) -> Changes: ...

    def entries(self, statuses: tuple[str, ...] = (),
                document_id: int | None = None) -> list[OutboxEntry]: ...


class EInvoiceDataProtocol(Protocol):
    """A member's e-invoice data (rule 28; desktop/services/einvoice_data.py)."""

    def get(self, member_id: int) -> MemberEInvoice: ...

    def gaps(self, member_id: int) -> list[str]: ...

    def save(self, member_id: int, data: MemberEInvoice) -> Changes: ...


# Every Protocol above with the Services field that holds it (the fakes' test walks this).
PROTOCOLS: dict[str, type] = {
    "settings": SettingsServiceProtocol, "members": MemberServiceProtocol,
    "catalog": CatalogServiceProtocol, "contracts": ContractServiceProtocol,
    "invoices": InvoiceServiceProtocol, "sweep": SweepServiceProtocol,
    "payments": PaymentServiceProtocol, "documents": DocumentServiceProtocol,
    "accounts": AccountServiceProtocol, "mandates": MandateServiceProtocol,
    "collection": CollectionServiceProtocol, "statements": StatementServiceProtocol,
    "mail": MailServiceProtocol,
    "einvoice_data": EInvoiceDataProtocol,
    "charges": ChargeServiceProtocol, "prices": PriceServiceProtocol,
}


@dataclass
class Services:
    """The service objects of docs/services-api.md, plus optional database-level operations."""

    settings: SettingsServiceProtocol
    members: MemberServiceProtocol
    catalog: CatalogServiceProtocol
    contracts: ContractServiceProtocol
    invoices: InvoiceServiceProtocol
    sweep: SweepServiceProtocol
    # demo.load_demo bound to the database: load_demo(today) -> DemoSummary
    load_demo: Callable[[date], Any] | None = None
    # demo.is_empty bound to the database
    is_empty: Callable[[], bool] | None = None
    # Database.backup_now bound to a clock: backup_now() -> Path of the new backup
    backup_now: Callable[[], Path] | None = None
    list_backups: Callable[[], list[Path]] | None = None
    # Replaces the database with a backup and reopens it; the services keep working after it.
    restore: Callable[[Path], Any] | None = None
    payments: PaymentServiceProtocol | None = None
    documents: DocumentServiceProtocol | None = None
    accounts: AccountServiceProtocol | None = None
    einvoice_data: EInvoiceDataProtocol | None = None
    charges: ChargeServiceProtocol | None = None  # rule 27: *Add charge…* on the member page
    prices: PriceServiceProtocol | None = None  # rule 24: *Raise prices…* in the catalog
    # desktop.formats.files.export_file bound to the database and today: export(format, path)
    # writes a whole-database export of the registry and returns what it counted
    export: Callable[[Format, Path], int] | None = None
    # Database.check_file: raises DatabaseGone when the file was deleted or replaced (os.stat
    # of the path alone, safe from any thread)
    check_file: Callable[[], None] | None = None
    # Rule 30: mandates and the creditor id, collection runs, bank statements.
    mandates: MandateServiceProtocol | None = None
    collection: CollectionServiceProtocol | None = None
    statements: StatementServiceProtocol | None = None
    # Rule 29: SMTP settings, texts and the outbox (desktop/services/mail/service.py)
    mail: MailServiceProtocol | None = None
