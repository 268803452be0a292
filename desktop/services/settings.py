"""Site settings: currency, locale, the standard and reduced tax rates and the exemption reason
(rule 17), default billing day, the operator's name, and the site's identity printed on its
documents (name, address, VAT id, IBAN, the number prefixes of invoices, credit notes and deposit
documents, payment terms, logo)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as NumberInvalid

from desktop.domain.addresses import Contact, PostalAddress, country_problem
from desktop.domain.limits import number_problem, plain_rate
from desktop.domain.model import BillingSettings, Problem, refusal
from desktop.domain.money import parse_rate
from desktop.domain.vat import vat_id_problem
from desktop.i18n import _
from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import parse_locale
from desktop.ledger import audit
from desktop.services.changes import Changes
from desktop.services.errors import ValidationError, text_problems
from desktop.storage import models as m

DEFAULTS = m.SETTINGS_DEFAULTS
MAX_PAYMENT_TERMS = 365
# The prefix goes into invoice numbers and so into PDF file names: nothing a file system minds.
_PREFIX = re.compile(r"[A-Za-z0-9._-]{1,12}")
# The settings written as text; only the address may hold line breaks (issue 19).
TEXT_FIELDS = ("currency", "locale", "tax_rate", "operator", "site_name", "address", "vat_id",
               "iban", "invoice_prefix", "reduced_tax_rate", "exemption_reason",
               "credit_note_prefix", "deposit_prefix", "street", "line2", "postcode", "city",
               "country", "contact_name", "contact_phone", "contact_email", "tax_number")
# The number series (rules 15, 17): each document type's prefix field, in the order a clash is
# told (a later series is the one asked for a prefix of its own).
INVOICE_SERIES, CREDIT_NOTE_SERIES, DEPOSIT_SERIES = "invoice", "credit_note", "deposit"
PREFIX_FIELDS = {INVOICE_SERIES: "invoice_prefix", CREDIT_NOTE_SERIES: "credit_note_prefix",
                 DEPOSIT_SERIES: "deposit_prefix"}


@dataclass(frozen=True)
class SiteSettings:
    currency: str = "EUR"
    locale: str = "en_IE"
    tax_rate: str = "0"
    billing_day: int | None = None
    operator: str = ""
    site_name: str = ""
    address: str = ""
    vat_id: str = ""
    iban: str = ""
    invoice_prefix: str = DEFAULTS["invoice_prefix"]
    payment_terms: int = DEFAULTS["payment_terms"]
    logo: bytes | None = None
    reduced_tax_rate: str = DEFAULTS["reduced_tax_rate"]
    exemption_reason: str = ""
    credit_note_prefix: str = DEFAULTS["credit_note_prefix"]
    deposit_prefix: str = DEFAULTS["deposit_prefix"]
    # Rule 25: the earliest cancellation is moved to the next period boundary (default on).
    cancellations_on_boundary: bool = True
    # Rule 28: the address in its parts (ISO country code), the contact and the tax number
    # e-invoices name; `address` stays the free text older documents printed.
    street: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    tax_number: str = ""

    @property
    def postal(self) -> PostalAddress:
        return PostalAddress(self.street, self.line2, self.postcode, self.city, self.country)

    @property
    def contact(self) -> Contact:
        return Contact(self.contact_name, self.contact_phone, self.contact_email)


# The e-invoice fields (rule 28): SiteSettings' name -> the settings row's column.
EINVOICE_COLUMNS = {"street": "address_street", "line2": "address_line2",
                    "postcode": "address_postcode", "city": "address_city",
                    "country": "address_country", "contact_name": "contact_name",
                    "contact_phone": "contact_phone", "contact_email": "contact_email",
                    "tax_number": "tax_number"}


def settings_of_row(row: m.SettingsRow | None) -> SiteSettings:
    if row is None:
        return SiteSettings()
    terms = row.payment_terms
    return SiteSettings(row.currency or "EUR", row.locale or "en_IE", row.tax_rate or "0",
                        row.billing_day, row.operator or "", row.site_name or "",
                        row.address or "", row.vat_id or "", row.iban or "",
                        row.invoice_prefix or DEFAULTS["invoice_prefix"],
                        DEFAULTS["payment_terms"] if terms is None else terms, row.logo or None,
                        row.reduced_tax_rate or DEFAULTS["reduced_tax_rate"],
                        row.exemption_reason or "",
                        row.credit_note_prefix or DEFAULTS["credit_note_prefix"],
                        row.deposit_prefix or DEFAULTS["deposit_prefix"],
                        **{field: getattr(row, column) or ""
                           for field, column in EINVOICE_COLUMNS.items()},
                        cancellations_on_boundary=row.cancellations_on_boundary is not False)


def iban_problem(iban: str) -> str:
    """The sentence saying why an IBAN is wrong, "" when it is valid or empty (python-stdnum)."""
    compact = stdnum_iban.compact(iban or "")
    if not compact:
        return ""
    try:
        stdnum_iban.validate(compact)
    except NumberInvalid:
        return _('"{iban}" is not a valid IBAN; check the country code and the digits.').format(
            iban=iban.strip())
    return ""


def prefix_problem(prefix: str, series: str = INVOICE_SERIES) -> str:
    """Why a number prefix of the series (invoices, credit notes, deposit documents) cannot be
    used, "" when it can.

    Every number made with it must pass the import's own check (`number_problem`), or the
    site's export would not import again: no leading dot, no device name such as CON."""
    if not _PREFIX.fullmatch(prefix or ""):
        if series == CREDIT_NOTE_SERIES:
            return _("The credit note number prefix is 1 to 12 letters, digits, dots, dashes or "
                     "underscores, such as CN-.")
        if series == DEPOSIT_SERIES:
            return _("The deposit number prefix is 1 to 12 letters, digits, dots, dashes or "
                     "underscores, such as DEP-.")
        return _("The invoice number prefix is 1 to 12 letters, digits, dots, dashes or "
                 "underscores, such as INV- or 2026-.")
    if number_problem(f"{prefix}000001") is not None:
        if series == CREDIT_NOTE_SERIES:
            return _("The credit note number prefix starts every credit note's file name: it "
                     "cannot start with a dot or be a device name such as CON or LPT1.")
        if series == DEPOSIT_SERIES:
            return _("The deposit number prefix starts every deposit document's file name: it "
                     "cannot start with a dot or be a device name such as CON or LPT1.")
        return _("The invoice number prefix starts every invoice's file name: it cannot start "
                 "with a dot or be a device name such as CON or LPT1.")
    return ""


def series_problems(prefixes: dict[str, str]) -> dict[str, str]:
    """The series whose prefix an earlier series already uses, each with its sentence: two
    series with one prefix would hand out one number twice. Compared without regard to case,
    since each number names a PDF file and many file systems do not tell INV- from inv-."""
    problems: dict[str, str] = {}
    owners: dict[str, str] = {}
    for series in PREFIX_FIELDS:
        prefix = prefixes.get(series) or ""
        owner = owners.setdefault(prefix.casefold(), series)
        if owner == series:
            continue
        if series == CREDIT_NOTE_SERIES:
            text = _("Credit notes need a prefix of their own: {prefix} already numbers the "
                     "invoices.")
        elif owner == INVOICE_SERIES:
            text = _("Deposit documents need a prefix of their own: {prefix} already numbers "
                     "the invoices.")
        else:
            text = _("Deposit documents need a prefix of their own: {prefix} already numbers "
                     "the credit notes.")
        problems[series] = text.format(prefix=prefix)
    return problems


def terms_problem(days) -> str:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_PAYMENT_TERMS:
        return _("The payment terms are a number of days from 0 to {most}.").format(
            most=MAX_PAYMENT_TERMS)
    return ""


def settings_problems(settings: SiteSettings) -> list[Problem]:
    """Every problem of the settings, with the field it concerns."""
    problems = text_problems({key: getattr(settings, key) for key in TEXT_FIELDS},
                             multiline=("address",))
    said = {problem.field for problem in problems}  # a control character in them
    for key, check in (("currency", lambda code: Formatter("en_IE", code)),
                       ("locale", parse_locale), ("tax_rate", plain_rate),
                       ("reduced_tax_rate", plain_rate)):
        try:
            if key not in said:
                check(getattr(settings, key))
        except ValueError as exc:
            problems.append(Problem(key, refusal(exc)))
    day = settings.billing_day
    if day is not None and (not isinstance(day, int) or not 1 <= day <= 31):
        problems.append(Problem("billing_day",
                                "The billing day must be a day of the month from 1 to 31."))
    if "vat_id" not in said and (vat := vat_id_problem(settings.vat_id)) is not None:
        problems.append(Problem("vat_id", vat))
    if "country" not in said and (
            country := country_problem((settings.country or "").strip().upper())) is not None:
        problems.append(Problem("country", country))
        said.add("country")
    checks = [("iban", iban_problem(settings.iban))]
    checks += [(field, prefix_problem(getattr(settings, field), series))
               for series, field in PREFIX_FIELDS.items()]
    checks.append(("payment_terms", terms_problem(settings.payment_terms)))
    for key, problem in checks:
        if problem and key not in said:
            problems.append(Problem(key, problem))
            said.add(key)
    clashes = series_problems({series: getattr(settings, field)
                               for series, field in PREFIX_FIELDS.items()})
    for series, problem in clashes.items():
        if PREFIX_FIELDS[series] not in said:
            problems.append(Problem(PREFIX_FIELDS[series], problem))
    return problems


def _normalised(settings: SiteSettings) -> SiteSettings:
    rate = str(settings.tax_rate).strip()
    return SiteSettings(str(settings.currency).strip().upper(),
                        str(parse_locale(settings.locale)), rate, settings.billing_day,
                        (settings.operator or "").strip(), (settings.site_name or "").strip(),
                        (settings.address or "").strip(), (settings.vat_id or "").strip(),
                        stdnum_iban.format(settings.iban) if settings.iban.strip() else "",
                        settings.invoice_prefix, settings.payment_terms, settings.logo or None,
                        str(settings.reduced_tax_rate).strip(),
                        (settings.exemption_reason or "").strip(), settings.credit_note_prefix,
                        settings.deposit_prefix,
                        **{field: (getattr(settings, field) or "").strip()
                           for field in EINVOICE_COLUMNS}
                        | {"country": (settings.country or "").strip().upper()},
                        cancellations_on_boundary=bool(settings.cancellations_on_boundary))


class SettingsService:
    """Reads and saves the one settings row; billing() gives the rules what they need."""

    def __init__(self, db, clock) -> None:
        self.db = db
        self.clock = clock

    def get(self) -> SiteSettings:
        with self.db.session() as session:
            return settings_of_row(session.get(m.SettingsRow, 1))

    def save(self, settings: SiteSettings) -> Changes:
        """Validate and save; ValidationError (nothing written) when a field is wrong. The
        settings as stored (normalised) are `get()`."""
        problems = settings_problems(settings)
        if problems:
            raise ValidationError(problems)
        settings = _normalised(settings)
        with self.db.write() as session:
            row = session.get(m.SettingsRow, 1)
            before = settings_of_row(row)
            if row is None:
                row = m.SettingsRow(id=1)
                session.add(row)
            row.currency, row.locale = settings.currency, settings.locale
            row.tax_rate = settings.tax_rate
            row.billing_day, row.operator = settings.billing_day, settings.operator
            row.site_name, row.address = settings.site_name, settings.address
            row.vat_id, row.iban = settings.vat_id, settings.iban
            row.invoice_prefix, row.payment_terms = settings.invoice_prefix, settings.payment_terms
            row.logo = settings.logo
            row.reduced_tax_rate = settings.reduced_tax_rate
            row.exemption_reason = settings.exemption_reason
            row.credit_note_prefix = settings.credit_note_prefix
            row.deposit_prefix = settings.deposit_prefix
            for field, column in EINVOICE_COLUMNS.items():
                setattr(row, column, getattr(settings, field))
            row.cancellations_on_boundary = bool(settings.cancellations_on_boundary)
            who = settings.operator or audit.SYSTEM
            audit.write_changes(
                session, at=self.clock.now(), who=who, entity="settings", entity_id=1,
                before=_readable(before), after=_readable(settings))
        # Money and dates of every screen follow the site's settings.
        return Changes(settings=True)

    def billing(self) -> BillingSettings:
        return billing_settings_of(self.get())


def billing_settings_of(settings: SiteSettings) -> BillingSettings:
    """The domain's view of the settings: currency, the standard and reduced rates as fractions,
    billing day, payment terms."""
    return BillingSettings(settings.currency, parse_rate(settings.tax_rate), settings.billing_day,
                           parse_rate(settings.reduced_tax_rate), settings.payment_terms)


def _readable(settings: SiteSettings) -> dict[str, str]:
    labels = {"currency": "Currency", "locale": "Locale", "tax_rate": "Tax rate",
              "billing_day": "Billing day", "operator": "Operator", "site_name": "Site name",
              "address": "Address", "vat_id": "VAT id", "iban": "IBAN",
              "invoice_prefix": "Invoice number prefix", "payment_terms": "Payment terms (days)",
              "reduced_tax_rate": "Reduced tax rate", "exemption_reason": "Exemption reason",
              "credit_note_prefix": "Credit note number prefix",
              "deposit_prefix": "Deposit number prefix", "street": "Street",
              "line2": "Address line 2", "postcode": "Postcode", "city": "City",
              "country": "Country", "contact_name": "Contact name",
              "contact_phone": "Contact phone", "contact_email": "Contact e-mail",
              "tax_number": "Tax number",
              "cancellations_on_boundary": "Cancellations end on a period boundary"}
    values = {labels[k]: "" if v is None else str(v) for k, v in asdict(settings).items()
              if k in labels}
    # The logo's bytes would say nothing in the audit; its size (raw, in bytes) says it changed.
    values["Logo"] = str(len(settings.logo)) if settings.logo else ""
    return values
