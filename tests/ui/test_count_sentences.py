"""A count is said with the right plural in every language: "1 document", never "1 documents"."""

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
    ("en_IE", "1 document ·", "2 documents ·"), ("de_DE", "1 Beleg ·", "2 Belege ·"),
    ("es_ES", "1 documento ·", "2 documentos ·"), ("fr_FR", "1 document ·", "2 documents ·")])
def test_the_invoices_tab_totals_count_one_document_as_one(qtbot, fake_invoices, formatter,
                                                           english_afterwards, language, one,
                                                           two):
    page = InvoicesPage(fake_invoices, formatter)
    qtbot.addWidget(page)
    install(language)
    totals = SimpleNamespace(count=1, issued=12000, paid=0, outstanding=12000, overdue=0,
                             credited=0)
    assert page._totals_text(totals).startswith(one)
    assert page._totals_text(SimpleNamespace(**{**vars(totals), "count": 2})).startswith(two)
