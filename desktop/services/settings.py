"""Site settings: currency, locale, tax rate, default billing day and the operator's name."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from desktop.domain.model import BillingSettings, Problem
from desktop.domain.money import parse_rate
from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import parse_locale
from desktop.services import history
from desktop.services.errors import ValidationError
from desktop.storage import models as m


@dataclass(frozen=True)
class SiteSettings:
    currency: str = "EUR"
    locale: str = "en_IE"
    tax_rate: str = "0"
    billing_day: int | None = None
    operator: str = ""


def _from_row(row: m.SettingsRow | None) -> SiteSettings:
    if row is None:
        return SiteSettings()
    return SiteSettings(row.currency or "EUR", row.locale or "en_IE", row.tax_rate or "0",
                        row.billing_day, row.operator or "")


def settings_problems(settings: SiteSettings) -> list[Problem]:
    """Every problem of the settings, with the field it concerns."""
    problems = []
    try:
        Formatter("en_IE", settings.currency)
    except ValueError as exc:
        problems.append(Problem("currency", str(exc)))
    try:
        parse_locale(settings.locale)
    except ValueError as exc:
        problems.append(Problem("locale", str(exc)))
    try:
        parse_rate(settings.tax_rate)
    except ValueError as exc:
        problems.append(Problem("tax_rate", str(exc)))
    day = settings.billing_day
    if day is not None and (not isinstance(day, int) or not 1 <= day <= 31):
        problems.append(Problem("billing_day",
                                "The billing day must be a day of the month from 1 to 31."))
    return problems


def _normalised(settings: SiteSettings) -> SiteSettings:
    rate = str(settings.tax_rate).strip()
    return SiteSettings(str(settings.currency).strip().upper(),
                        str(parse_locale(settings.locale)), rate, settings.billing_day,
                        (settings.operator or "").strip())


class SettingsService:
    """Reads and saves the one settings row; billing() gives the rules what they need."""

    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def get(self) -> SiteSettings:
        with self.db.session() as session:
            return _from_row(session.get(m.SettingsRow, 1))

    def save(self, settings: SiteSettings) -> SiteSettings:
        """Validate and save; ValidationError (nothing written) when a field is wrong."""
        problems = settings_problems(settings)
        if problems:
            raise ValidationError(problems)
        settings = _normalised(settings)
        with self.db.write() as session:
            row = session.get(m.SettingsRow, 1)
            before = _from_row(row)
            if row is None:
                row = m.SettingsRow(id=1)
                session.add(row)
            row.currency, row.locale = settings.currency, settings.locale
            row.tax_rate = settings.tax_rate
            row.billing_day, row.operator = settings.billing_day, settings.operator
            who = settings.operator or history.SYSTEM
            history.write_changes(
                session, at=self.clock.now(), who=who, entity="settings", entity_id=1,
                before=_readable(before), after=_readable(settings))
        return settings

    def billing(self) -> BillingSettings:
        return billing_settings_of(self.get())


def billing_settings_of(settings: SiteSettings) -> BillingSettings:
    """The domain's view of the settings: currency, tax rate as a fraction, billing day."""
    return BillingSettings(settings.currency, parse_rate(settings.tax_rate), settings.billing_day)


def _readable(settings: SiteSettings) -> dict[str, str]:
    labels = {"currency": "Currency", "locale": "Locale", "tax_rate": "Tax rate",
              "billing_day": "Billing day", "operator": "Operator"}
    return {labels[k]: "" if v is None else str(v) for k, v in asdict(settings).items()}
