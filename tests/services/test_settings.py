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
