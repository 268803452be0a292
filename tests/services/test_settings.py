"""SettingsService: the site settings, their validation (nothing written) and their audit."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from desktop.services.errors import ValidationError
from desktop.services.settings import SettingsService, SiteSettings
from service_builders import World


@pytest.fixture
def world():
    return World()


@pytest.fixture
def settings(world):
    return SettingsService(world.db, world.clock)


def test_a_new_database_has_default_settings(settings):
    got = settings.get()
    assert got.currency == "EUR" and got.tax_rate == "0" and got.billing_day is None
    assert settings.billing().tax_rate == 0


def test_saved_settings_come_back_normalised_and_give_the_billing_settings(settings, world):
    assert settings.save(SiteSettings("gbp", "en-GB", " 20 ", 1, "  Grace ")).settings
    assert settings.get() == SiteSettings("GBP", "en_GB", "20", 1, "Grace")
    billing = settings.billing()
    assert (billing.currency, billing.tax_rate, billing.billing_day) == ("GBP", Fraction(1, 5), 1)


def test_saving_writes_one_history_row_per_changed_field_by_the_new_operator(settings, world):
    settings.save(replace(settings.get(), tax_rate="8.5", operator="Grace"))
    rows = world.history(entity="settings")
    assert {(r.field, r.old_value, r.new_value) for r in rows} == {
        ("Tax rate", "0", "8.5"), ("Operator", "", "Grace")}
    assert {r.who for r in rows} == {"Grace"}


@pytest.mark.parametrize("change, field, message", [
    (dict(currency="EURO"), "currency", '"EURO" is not a currency code'),
    (dict(locale="xx_QQ"), "locale", '"xx_QQ" is not a known locale'),
    (dict(tax_rate="twenty"), "tax_rate", '"twenty" is not a tax rate'),
    (dict(tax_rate="120"), "tax_rate", "between 0 and 100"),
    (dict(billing_day=0), "billing_day", "from 1 to 31"),
    (dict(billing_day=32), "billing_day", "from 1 to 31"),
])
def test_bad_settings_are_refused_with_a_sentence_and_nothing_is_written(
        settings, world, change, field, message):
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        settings.save(replace(settings.get(), **change))
    assert caught.value.problems[0].field == field
    assert message in str(caught.value)
    assert world.dump() == before


def test_the_rates_of_rule_17_the_exemption_reason_and_the_series_prefixes_have_defaults(
        settings):
    got = settings.get()
    assert (got.reduced_tax_rate, got.exemption_reason, got.credit_note_prefix,
            got.deposit_prefix) == ("0", "", "CN-", "DEP-")
    assert settings.billing().reduced_rate == 0


def test_reduced_rate_exemption_reason_and_prefixes_are_saved_and_audited(settings, world):
    settings.save(replace(settings.get(), tax_rate="19", reduced_tax_rate=" 7 ",
                          exemption_reason=" Steuerfrei nach § 4 Nr. 12 UStG ",
                          credit_note_prefix="GS-", deposit_prefix="KT-",
                          vat_id="DE 136 695 976", payment_terms=30))
    got = settings.get()
    assert (got.reduced_tax_rate, got.exemption_reason, got.credit_note_prefix,
            got.deposit_prefix, got.vat_id) == (
        "7", "Steuerfrei nach § 4 Nr. 12 UStG", "GS-", "KT-", "DE 136 695 976")
    billing = settings.billing()
    assert (billing.tax_rate, billing.reduced_rate, billing.payment_terms) == (
        Fraction(19, 100), Fraction(7, 100), 30)
    changed = {(r.field, r.old_value, r.new_value) for r in world.history(entity="settings")}
    assert {("Reduced tax rate", "0", "7"),
            ("Exemption reason", "", "Steuerfrei nach § 4 Nr. 12 UStG"),
            ("Credit note number prefix", "CN-", "GS-"),
            ("Deposit number prefix", "DEP-", "KT-")} <= changed


def test_the_stored_series_prefixes_number_the_documents(settings, world):
    """What Preferences saves is what the numbering reads (rules 15, 17)."""
    from desktop.ledger.numbering import document_numbers

    settings.save(replace(settings.get(), credit_note_prefix="GS-", deposit_prefix="KT-"))
    with world.db.session() as session:
        assert document_numbers(session, ["invoice", "credit_note", "deposit_request"]) == [
            "INV-000001", "GS-000001", "KT-000001"]


@pytest.mark.parametrize("change, field, message", [
    (dict(reduced_tax_rate="120"), "reduced_tax_rate",
     '"120" is not a tax rate between 0 and 100.'),
    (dict(reduced_tax_rate="seven"), "reduced_tax_rate",
     '"seven" is not a tax rate written as a plain number such as 20 or 8.5.'),
    (dict(reduced_tax_rate="-5"), "reduced_tax_rate",
     '"-5" is not a tax rate written as a plain number such as 20 or 8.5.'),
    (dict(exemption_reason="Exempt\nunder § 4"), "exemption_reason",
     "The text holds a line break or tab (U+000A), which this field cannot hold: write it on "
     "one line."),
    (dict(credit_note_prefix=""), "credit_note_prefix",
     "The credit note number prefix is 1 to 12 letters, digits, dots, dashes or underscores, "
     "such as CN-."),
    (dict(credit_note_prefix="CN\x07"), "credit_note_prefix",
     "The text holds a control character (U+0007); remove it."),
    (dict(deposit_prefix="DEP/"), "deposit_prefix",
     "The deposit number prefix is 1 to 12 letters, digits, dots, dashes or underscores, "
     "such as DEP-."),
    (dict(deposit_prefix=".DEP-"), "deposit_prefix",
     "The deposit number prefix starts every deposit document's file name: it cannot start "
     "with a dot or be a device name such as CON or LPT1."),
    (dict(credit_note_prefix="INV-"), "credit_note_prefix",
     "Credit notes need a prefix of their own: INV- already numbers the invoices."),
    (dict(deposit_prefix="inv-"), "deposit_prefix",
     "Deposit documents need a prefix of their own: inv- already numbers the invoices."),
    (dict(deposit_prefix="CN-"), "deposit_prefix",
     "Deposit documents need a prefix of their own: CN- already numbers the credit notes."),
    (dict(vat_id="XX12"), "vat_id",
     "XX12 is not a valid VAT id: check its country letters and digits."),
    (dict(vat_id="DE123456789"), "vat_id",
     "DE123456789 is not a valid VAT id: check its country letters and digits."),
])
def test_bad_rates_reasons_prefixes_and_vat_ids_are_refused_and_nothing_is_written(
        settings, world, change, field, message):
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        settings.save(replace(settings.get(), **change))
    assert [(p.field, str(p.message)) for p in caught.value.problems] == [(field, message)]
    assert str(caught.value) == message
    assert world.dump() == before


def test_a_bad_site_vat_id_is_said_in_the_readers_language(settings):
    from desktop.i18n import install
    from desktop.i18n.messages import say

    install("de_DE")
    try:
        with pytest.raises(ValidationError) as caught:
            settings.save(replace(settings.get(), vat_id="XX12"))
        assert str(caught.value) == say(caught.value.problems[0].message)
        assert "USt-IdNr." in str(caught.value) and "XX12" in str(caught.value)
    finally:
        install("en_IE")
