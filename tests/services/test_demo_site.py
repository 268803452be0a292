"""The sample data follows the site: its currency's prices and a bank account of its country."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select
from stdnum import iban as stdnum_iban

from desktop.documents.invoice_layout import invoice_document
from desktop.i18n.formatting import Formatter
from desktop.services.clock import FixedClock
from desktop.services.documents import DocumentService
from desktop.services.sample.demo import PLANS, load_demo
from desktop.services.sample.site import price_in, sample_iban
from desktop.storage import models as m
from desktop.storage.database import open_database

TODAY = date(2025, 3, 12)
NOW = datetime(2025, 3, 12, 9)


def demo_site(tmp_path, locale: str, currency: str):
    """A new database set up for a site in `locale` and `currency`, then given the sample data."""
    db = open_database(str(tmp_path / f"{locale}-{currency}.sqlite3"), now=NOW)
    with db.write() as session:
        row = session.get(m.SettingsRow, 1)
        row.locale, row.currency = locale, currency
    load_demo(db, TODAY, members=15)
    return db


def settings_and_prices(db) -> tuple[m.SettingsRow, dict[str, int]]:
    with db.session() as session:
        row = session.get(m.SettingsRow, 1)
        session.expunge(row)
        prices = dict(session.execute(select(m.PlanRow.name, m.PlanRow.price)).all())
    return row, prices


def first_document_text(db) -> str:
    with db.session() as session:
        number = session.scalars(select(m.InvoiceRow.id).order_by(m.InvoiceRow.id)).first()
    document = DocumentService(db, FixedClock(TODAY, NOW)).invoice(number)
    site = document.site
    return invoice_document(document, Formatter(site.locale, site.currency)).toPlainText()


def test_a_german_euro_site_gets_a_german_iban_and_euro_prices(tmp_path):
    db = demo_site(tmp_path, "de_DE", "EUR")
    row, prices = settings_and_prices(db)
    assert (row.locale, row.currency) == ("de_DE", "EUR")
    assert row.iban.startswith("DE") and stdnum_iban.is_valid(row.iban)
    assert prices["Hot desk"] == PLANS["Hot desk"][0] == 19500
    db.dispose()


@pytest.mark.parametrize(("locale", "country"), [("en_IE", "IE"), ("fr_FR", "FR"),
                                                  ("es_ES", "ES"), ("de_CH", "CH")])
def test_the_iban_is_valid_for_the_sites_country(locale, country):
    iban = sample_iban(country, seed=1)
    assert iban.startswith(country) and stdnum_iban.is_valid(iban)
    assert sample_iban(country, seed=1) == iban != sample_iban(country, seed=2)


def test_a_country_without_ibans_gets_none():
    assert sample_iban("US", seed=1) == sample_iban("", seed=1) == ""


def test_a_swiss_franc_site_is_priced_and_invoiced_in_francs(qapp, tmp_path):
    db = demo_site(tmp_path, "de_CH", "CHF")
    row, prices = settings_and_prices(db)
    assert row.currency == "CHF" and row.iban.startswith("CH")
    assert prices["Hot desk"] == 19500  # CHF 195.00 in minor units, a plausible desk
    text = first_document_text(db)
    assert "CHF" in text and "€" not in text and "EUR" not in text
    db.dispose()


def test_a_yen_site_is_priced_in_whole_yen_of_a_plausible_size(qapp, tmp_path):
    assert price_in(19500, "JPY") == 31200  # ¥31,200 a month, not ¥195 or ¥19,500.00
    db = demo_site(tmp_path, "ja_JP", "JPY")
    row, prices = settings_and_prices(db)
    assert row.iban == ""  # Japan has no IBANs
    assert prices["Hot desk"] == 31200 and prices["Virtual office"] == 12640
    # Yen have no minor unit: the document's totals are whole yen, with no decimals.
    totals = first_document_text(db).split("Subtotal", 1)[1]
    amounts = re.findall(r"\d[\d,.]*\d", totals)
    assert amounts and not any(re.search(r"\.\d+$", amount) for amount in amounts)
    db.dispose()


def test_the_default_site_keeps_its_catalog_and_gets_an_irish_iban(tmp_path):
    db = open_database(str(tmp_path / "default.sqlite3"), now=NOW)
    load_demo(db, TODAY, members=5)
    row, prices = settings_and_prices(db)
    assert (row.locale, row.currency) == ("en_IE", "EUR")
    assert row.iban.startswith("IE") and stdnum_iban.is_valid(row.iban)
    assert {name: prices[name] for name in PLANS} == {n: spec[0] for n, spec in PLANS.items()}
    db.dispose()
