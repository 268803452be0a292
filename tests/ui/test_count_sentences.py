"""A count is said with the right plural in every language: "1 invoice", never "1 invoices"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from desktop.i18n.translations import install
from desktop.ui.invoices.invoices_page import InvoicesPage


@pytest.fixture
def english_afterwards():
    yield
    install("en_IE")


@pytest.mark.parametrize("language, one, two", [
    ("en_IE", "1 invoice ·", "2 invoices ·"), ("de_DE", "1 Rechnung ·", "2 Rechnungen ·"),
    ("es_ES", "1 factura ·", "2 facturas ·"), ("fr_FR", "1 facture ·", "2 factures ·")])
def test_the_invoices_tab_totals_count_one_invoice_as_one(qtbot, fake_invoices, formatter,
                                                           english_afterwards, language, one,
                                                           two):
    page = InvoicesPage(fake_invoices, formatter)
    qtbot.addWidget(page)
    install(language)
    totals = SimpleNamespace(count=1, issued=12000, paid=0, outstanding=12000, overdue=0)
    assert page._totals_text(totals).startswith(one)
    assert page._totals_text(SimpleNamespace(**{**vars(totals), "count": 2})).startswith(two)
