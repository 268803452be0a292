"""The fakes the widget tests use, and the real services, against the screens' Protocols.

desktop/ui/window/context.py declares each service as a Protocol of the calls the screens make.
A fake that drifts from it (a method renamed, a parameter added to the service and not to the
fake) would let widget tests pass against calls the real service refuses. Two checks keep them
together: mypy reads the typed assignments below (`make test` runs it over this file), and the
test compares every method's parameter names and kinds with inspect.signature.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import ui_fakes as fakes
from desktop.services.accounts import AccountService
from desktop.services.banking.collection import CollectionService
from desktop.services.banking.mandates import MandateService
from desktop.services.banking.statements import StatementService
from desktop.services.catalog import CatalogService
from desktop.services.charges import ChargeService
from desktop.services.clock import FixedClock
from desktop.services.contracts.editing import ContractService
from desktop.services.documents import DocumentService
from desktop.services.einvoice_data import EInvoiceDataService
from desktop.services.invoices import InvoiceService
from desktop.services.mail.service import MailService
from desktop.services.members import MemberService
from desktop.services.payments import PaymentService
from desktop.services.prices import PriceService
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage.database import Database
from desktop.ui.window.context import (
    PROTOCOLS,
    AccountServiceProtocol,
    CatalogServiceProtocol,
    ChargeServiceProtocol,
    CollectionServiceProtocol,
    ContractServiceProtocol,
    DocumentServiceProtocol,
    InvoiceServiceProtocol,
    MailServiceProtocol,
    MandateServiceProtocol,
    MemberServiceProtocol,
    PaymentServiceProtocol,
    PriceServiceProtocol,
    SettingsServiceProtocol,
    StatementServiceProtocol,
    SweepServiceProtocol,
)


def fakes_as_services() -> None:
    """Never called: mypy checks that each fake satisfies its Protocol."""
    members: MemberServiceProtocol = fakes.FakeMembers([])
    catalog: CatalogServiceProtocol = fakes.FakeCatalog()
    invoices: InvoiceServiceProtocol = fakes.FakeInvoices()
    sweep: SweepServiceProtocol = fakes.FakeSweep()
    settings: SettingsServiceProtocol = fakes.FakeSettings()
    accounts: AccountServiceProtocol = fakes.FakeAccounts(fakes.FakeMembers([]))
    payments: PaymentServiceProtocol = fakes.FakePayments()
    charges: ChargeServiceProtocol = fakes.FakeCharges()
    prices: PriceServiceProtocol = fakes.FakePrices()
    del members, catalog, invoices, sweep, settings, accounts, payments, charges, prices


def real_services(db: Database, clock: FixedClock) -> None:
    """Never called: mypy checks that each real service satisfies its Protocol."""
    members: MemberServiceProtocol = MemberService(db, clock)
    catalog: CatalogServiceProtocol = CatalogService(db, clock)
    contracts: ContractServiceProtocol = ContractService(db, clock)
    invoices: InvoiceServiceProtocol = InvoiceService(db, clock)
    sweep: SweepServiceProtocol = SweepService(db, clock)
    settings: SettingsServiceProtocol = SettingsService(db, clock)
    payments: PaymentServiceProtocol = PaymentService(db, clock)
    documents: DocumentServiceProtocol = DocumentService(db, clock)
    accounts: AccountServiceProtocol = AccountService(db, clock)
    mandates: MandateServiceProtocol = MandateService(db, clock)
    collection: CollectionServiceProtocol = CollectionService(db, clock)
    statements: StatementServiceProtocol = StatementService(db, clock)
    mail: MailServiceProtocol = MailService(db, clock)
    charges: ChargeServiceProtocol = ChargeService(db, clock)
    prices: PriceServiceProtocol = PriceService(db, clock)
    del members, catalog, contracts, invoices, sweep, settings, payments, documents, accounts
    del mandates, collection, statements, mail, charges, prices


FAKES: dict[str, type] = {"members": fakes.FakeMembers, "catalog": fakes.FakeCatalog,
                          "invoices": fakes.FakeInvoices, "sweep": fakes.FakeSweep,
                          "settings": fakes.FakeSettings, "accounts": fakes.FakeAccounts,
                          "payments": fakes.FakePayments, "charges": fakes.FakeCharges,
                          "prices": fakes.FakePrices}
REAL: dict[str, type] = {"members": MemberService, "catalog": CatalogService,
                         "contracts": ContractService, "invoices": InvoiceService,
                         "sweep": SweepService, "settings": SettingsService,
                         "payments": PaymentService, "documents": DocumentService,
                         "accounts": AccountService, "mandates": MandateService,
                         "collection": CollectionService, "statements": StatementService,
                         "mail": MailService, "einvoice_data": EInvoiceDataService,
                         "charges": ChargeService, "prices": PriceService}


def calls_of(protocol: type) -> list[str]:
    """The methods a Protocol declares (its own, not typing's machinery)."""
    return sorted(name for name, value in vars(protocol).items()
                  if inspect.isfunction(value) and not name.startswith("_"))


def parameters(function: Any) -> list[tuple[str, Any]]:
    """Each parameter's name and kind (positional, keyword-only…), self left out."""
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()
            if p.name != "self"]


def drift(implementation: type, protocol: type) -> list[str]:
    """What the implementation lacks or takes differently from the Protocol, one line each."""
    problems = []
    for name in calls_of(protocol):
        method = getattr(implementation, name, None)
        if method is None:
            problems.append(f"{implementation.__name__} has no {name}")
        elif parameters(method) != parameters(getattr(protocol, name)):
            problems.append(f"{implementation.__name__}.{name}{parameters(method)} is not "
                            f"{protocol.__name__}.{name}{parameters(getattr(protocol, name))}")
    return problems


@pytest.mark.parametrize("field", sorted(FAKES))
def test_every_fake_takes_the_calls_of_its_protocol(field):
    assert drift(FAKES[field], PROTOCOLS[field]) == []


@pytest.mark.parametrize("field", sorted(REAL))
def test_every_real_service_takes_the_calls_of_its_protocol(field):
    assert drift(REAL[field], PROTOCOLS[field]) == []


def test_a_drifted_fake_is_named():
    class Drifted:
        def search(self, text="", status="all", order="name", descending=False, offset=0,
                   limit=200):
            return []

    found = drift(Drifted, PROTOCOLS["members"])
    assert "Drifted has no count" in found
    assert any(line.startswith("Drifted.search") for line in found)


def test_every_protocol_is_checked_against_a_real_service():
    assert set(REAL) == set(PROTOCOLS)
