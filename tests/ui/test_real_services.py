"""The interface over the real services and a SQLite file filled by the demo (issue 4)."""

from __future__ import annotations

import functools
from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QLabel

from desktop.services.catalog import CatalogService
from desktop.services.clock import FixedClock
from desktop.services.contracts.editing import ContractService
from desktop.services.documents import DocumentService
from desktop.services.invoices import InvoiceService
from desktop.services.members import MemberService
from desktop.services.payments import PaymentService
from desktop.services.sample import demo
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage.database import open_database
from desktop.ui.catalog.plan_dialog import PlanDialog
from desktop.ui.invoices.invoice_view import InvoiceView
from desktop.ui.window.context import Services
from desktop.ui.window.main_window import MainWindow

TODAY = date(2026, 3, 20)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    clock = FixedClock(TODAY, datetime(2026, 3, 20, 10, 2))
    db = open_database(str(tmp_path_factory.mktemp("db") / "frontdesk.sqlite3"), now=clock.now())
    demo.load_demo(db, TODAY, members=30, seed=3)
    yield db, clock
    db.dispose()


@pytest.fixture
def window(qtbot, database, formatter, qsettings):
    db, clock = database
    build = lambda cls: cls(db, clock)  # noqa: E731
    services = Services(build(SettingsService), build(MemberService), build(CatalogService),
                        build(ContractService), build(InvoiceService), build(SweepService),
                        load_demo=functools.partial(demo.load_demo, db),
                        is_empty=functools.partial(demo.is_empty, db),
                        payments=build(PaymentService), documents=build(DocumentService))
    window = MainWindow(services, formatter, clock, qsettings)
    qtbot.addWidget(window)
    yield window
    window.scheduler.stop()


def test_a_filled_database_opens_on_the_members(window):
    assert window.stack.currentWidget() is window.tabs
    assert window.members_panel.model.rowCount() == 30
    assert window.members_panel.count_label.text() == "30 people"


def test_search_then_member_page_then_invoice(qtbot, window, formatter):
    members = window.services.members
    detail = next(members.get(r.id) for r in members.search(status="members")
                  if members.get(r.id).invoices)
    qtbot.keyClicks(window.members_panel.search, detail.email)
    qtbot.waitUntil(lambda: window.members_panel.model.rowCount() == 1, timeout=3000)
    window.members_panel.table.setCurrentIndex(window.members_panel.model.index(0, 0))
    page = window.member_page
    assert page.title.text() == detail.name
    assert page.contract_table.model().rowCount() == len(detail.contracts)
    assert page.credit_card.value.text() == formatter.money(detail.credit_balance)
    invoice = window.services.invoices.get(detail.invoices[0].id)
    view = InvoiceView(window.services.documents.invoice(invoice.number), formatter)
    qtbot.addWidget(view)
    text = " ".join(view.browser.toPlainText().split())
    assert all(line.description in text for line in invoice.lines)
    assert f"Amount due {formatter.money(invoice.amount_due)}" in text


def test_sweep_and_transitions_tab(qtbot, window):
    with qtbot.waitSignal(window.transitions_panel.refreshed, timeout=10000):
        window.start()
    label = window.findChild(QLabel, "transitionStatus")
    assert label.text().startswith("Checked ")
    assert "due in the next 30 days" in label.text()
    assert window.transitions_panel.due_model.rowCount() > 0


def test_plan_dialog_shows_the_catalog_duplicate_name(qtbot, window, formatter):
    catalog = window.services.catalog
    existing = catalog.plans()[0]
    dialog = PlanDialog(catalog, formatter)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText(existing.name.upper())
    dialog.price_edit.setText("10")
    dialog.ok_button.click()
    assert dialog.result() != PlanDialog.DialogCode.Accepted
    assert existing.name.upper() in dialog.problems.message("name")
    assert not dialog.ok_button.isEnabled()
