"""The one place that turns money, dates, rates and frequencies into text, and money text back.

Amounts are ints of minor units (rule 3 in docs/billing-rules.md); they reach Babel as exact
Decimals from `desktop.domain.money.to_major`, never as floats. Intervals are half-open, and `span`
shows the end exactly as stored: the period [1 Apr, 1 May) reads "1 Apr – 1 May 2026".
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

from babel import numbers as babel_numbers
from babel.dates import format_date, format_datetime, format_interval

from desktop.domain.limits import BadValue
from desktop.domain.money import minor_digits, to_major
from desktop.domain.periods import Frequency
from desktop.i18n.translations import load, parse_locale

# Formatter has a method named `date`, which hides the type in the rest of its class body.
Day = date

# Minus signs people type or that some locales print (U+2212, U+2013), all read as "-".
_MINUS_SIGNS = ("\u2212", "\u2013", "\u2012")
# Spaces some locales group digits with; typed as ordinary spaces just as often.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# Bidirectional marks around numbers in right-to-left locales; invisible, never meaningful.
_MARKS = re.compile(r"[\u200e\u200f\u061c]")
# How many made texts a Formatter keeps (a few hundred bytes each).
_KEPT_TEXTS = 4096


class Formatter:
    """Formats for one locale and one currency (the site's settings).

    Numbers, money and dates follow the site's locale; the words around them ("monthly",
    "12 of 31 days") follow `language`, the reader's interface language (default: the locale's
    own language, as on an invoice document printed in the site's language).
    """

    def __init__(self, locale: str = "en_IE", currency: str = "EUR",
                 language: str | None = None) -> None:
        self.locale = parse_locale(locale)
        self.language = str(parse_locale(language)) if language else self.locale.language
        code = str(currency).strip().upper()
        if not babel_numbers.is_currency(code):
            raise BadValue('"{currency}" is not a currency code such as "EUR" or "GBP".',
                           currency=currency)
        self.currency = code
        self.digits = minor_digits(code)
        self._translations = load(self.language if language else str(self.locale))
        # Parsed once per Formatter (docs/design.md#targets): Babel's format_currency looks the
        # pattern up on every call, and a text once made is kept, since the preview and the sweep's
        # audit rows format the same few amounts and dates over and over.
        self._currency_pattern = self.locale.currency_formats["standard"]
        self._texts: dict[tuple, str] = {}

    def __repr__(self) -> str:
        return (f"Formatter(locale={str(self.locale)!r}, currency={self.currency!r}, "
                f"language={self.language!r})")

    def for_language(self, language: str) -> Formatter:
        """The same site formats with the words in another interface language."""
        return Formatter(str(self.locale), self.currency, language)

    @property
    def currency_symbol(self) -> str:
        """The currency's symbol in this locale ("€", "kr", "CHF")."""
        return babel_numbers.get_currency_symbol(self.currency, locale=self.locale)

    # Money ---------------------------------------------------------------------------------

    def money(self, amount_minor: int) -> str:
        """An amount with its currency sign: "€350.00", "350,00 €", "-€133.33" for a credit."""
        key = ("money", _minor(amount_minor))
        text = self._texts.get(key)
        if text is None:
            # What babel_numbers.format_currency(amount, currency, locale=…) does, its
            # pattern looked up once.
            text = self._keep(key, self._currency_pattern.apply(
                to_major(amount_minor, self.currency), self.locale, currency=self.currency))
        return text

    def _keep(self, key: tuple, text: str) -> str:
        """Remember a made text; a long-running sweep starts afresh rather than grow."""
        if len(self._texts) >= _KEPT_TEXTS:
            self._texts.clear()
        self._texts[key] = text
        return text

    def _kept(self, key: tuple, make) -> str:
        text = self._texts.get(key)
        return self._keep(key, make()) if text is None else text

    def money_plain(self, amount_minor: int) -> str:
        """An amount without sign or grouping, for edit fields: "350.00", "350,00", "350"."""
        pattern = "0" if self.digits == 0 else "0." + "0" * self.digits
        return babel_numbers.format_decimal(
            to_major(_minor(amount_minor), self.currency), format=pattern, locale=self.locale
        )

    def parse_money(self, text: str) -> int:
        """Minor units typed in this locale ("350", "1.234,50", "€ 12"); ValueError if not exact."""
        shown = "" if text is None else str(text).strip()
        cleaned = self._without_currency(shown)
        if not cleaned:
            raise BadValue("Enter an amount.")
        negative = cleaned[0] == "-"
        digits = cleaned[1:] if cleaned[0] in "-+" else cleaned
        decimal_symbol, group_symbol = self._number_symbols()
        allowed = set("0123456789") | {decimal_symbol, group_symbol}
        if not digits or not digits[0].isdigit() and digits[0] != decimal_symbol or any(
            char not in allowed for char in digits
        ):
            raise self._not_an_amount(shown)
        try:
            # Strict: a misplaced group separator ("1.23.4") is a typo, not a number.
            value = babel_numbers.parse_decimal(digits, locale=self.locale, strict=True)
        except (babel_numbers.NumberFormatError, InvalidOperation, ValueError):
            raise self._not_an_amount(shown) from None
        if not value.is_finite():
            raise self._not_an_amount(shown)
        scaled = value.scaleb(self.digits)
        if scaled != scaled.to_integral_value():
            raise BadValue('"{text}" has more decimals than {currency} allows.', text=shown,
                           currency=self.currency)
        return -int(scaled) if negative else int(scaled)

    def _not_an_amount(self, shown: str) -> ValueError:
        example = self.money_plain(123456 if self.digits else 1234)
        return BadValue('"{text}" is not an amount; write it like "{example}".', text=shown,
                        example=example)

    def _number_symbols(self) -> tuple[str, str]:
        """The decimal and group symbols of the locale's Latin digits."""
        return (
            babel_numbers.get_decimal_symbol(self.locale, numbering_system="latn"),
            babel_numbers.get_group_symbol(self.locale, numbering_system="latn"),
        )

    def _without_currency(self, text: str) -> str:
        """The text without bidi marks or currency sign, minus variants and spaces normalised."""
        text = _MARKS.sub("", text)
        for minus in _MINUS_SIGNS:
            text = text.replace(minus, "-")
        for sign in sorted({self.currency_symbol, self.currency}, key=len, reverse=True):
            text = text.replace(sign, "")
        group_symbol = self._number_symbols()[1]
        # A space typed between digit groups stands for the locale's own space-like separator.
        spacer = group_symbol if _SPACES.fullmatch(group_symbol) else ""
        text = _SPACES.sub(" ", text).strip()
        text = re.sub(r"^([-+]) ", r"\1", text)
        return text.replace(" ", spacer)

    # Rates and counts ------------------------------------------------------------------------

    def percent(self, rate_fraction: Fraction | Decimal | int) -> str:
        """A rate given as a fraction of one (Fraction(1, 5)) as "20%", "8.5%", "20 %"."""
        if isinstance(rate_fraction, float):
            raise TypeError("A rate must be exact (Fraction, Decimal or int), not a float.")
        return babel_numbers.format_percent(
            _exact_decimal(Fraction(rate_fraction)), locale=self.locale, decimal_quantization=False
        )

    def days_of(self, days: int, period_days: int) -> str:
        """Proration shown in words: "12 of 31 days" (the plural follows the period's days)."""
        template = self._translations.ngettext(
            "%(days)s of %(total)s day", "%(days)s of %(total)s days", period_days
        )
        return template % {"days": self._count(days), "total": self._count(period_days)}

    def frequency(self, frequency: Frequency) -> str:
        """A billing frequency in words: "monthly", "every 3 months", "every 2 weeks"."""
        gettext, ngettext = self._translations.gettext, self._translations.ngettext
        n = frequency.count
        if frequency.unit == "week":
            if n == 1:
                return gettext("weekly")
            template = ngettext("every %(count)s week", "every %(count)s weeks", n)
        elif frequency.unit == "month":
            if n == 1:
                return gettext("monthly")
            template = ngettext("every %(count)s month", "every %(count)s months", n)
        else:
            if n == 1:
                return gettext("yearly")
            template = ngettext("every %(count)s year", "every %(count)s years", n)
        return template % {"count": self._count(n)}

    def _count(self, n: int) -> str:
        return babel_numbers.format_decimal(n, locale=self.locale)

    # Dates -----------------------------------------------------------------------------------

    def date(self, d: date) -> str:
        """A date, medium length: "1 Apr 2026" (en_IE), "01.04.2026" (de_DE)."""
        return self._kept(("date", d), lambda: format_date(d, "medium", locale=self.locale))

    def date_long(self, d: Day) -> str:
        """A date, long: "1 April 2026"."""
        return self._kept(("date_long", d),
                          lambda: format_date(d, "long", locale=self.locale))

    def date_short(self, d: Day) -> str:
        """A date, short, with all four digits of its year: "01/04/2026", "01.04.2026" (the
        locale's own short form writes "01.04.26" in German)."""
        return self._kept(("date_short", d),
                          lambda: format_date(d, self._short_date_pattern(), locale=self.locale))

    def _short_date_pattern(self) -> str:
        return _whole_year(self.locale.date_formats["short"].pattern)

    def span(self, start: Day, end: Day) -> str:
        """A half-open span with its end as stored: "1 Apr – 1 May 2026"."""
        return self._kept(("span", start, end),
                          lambda: format_interval(start, end, "yMMMd", locale=self.locale))

    def period(self, start: Day, end: Day) -> str:
        """The days a half-open period covers, as people read them: [1 Oct, 1 Jan) is
        "1 Oct – 31 Dec 2026" (its last day, not the first day after it)."""
        last = max(start, end - timedelta(days=1))
        return self._kept(("span", start, last),
                          lambda: format_interval(start, last, "yMMMd", locale=self.locale))

    def datetime_short(self, dt: datetime) -> str:
        """A moment as given, without time zone conversion: "01/04/2026, 10:02", "07.12.2026,
        18:29" (a four-digit year where the locale's short form has two)."""
        time_pattern = self.locale.time_formats["short"].pattern
        pattern = str(self.locale.datetime_formats["short"]).replace(
            "{0}", time_pattern).replace("{1}", self._short_date_pattern())
        return format_datetime(dt, pattern, tzinfo=dt.tzinfo, locale=self.locale)


def _whole_year(pattern: str) -> str:
    """A CLDR date pattern with its two-digit year ("yy") widened to the whole year ("y");
    quoted literal text is left alone."""
    parts = re.split(r"('(?:[^']|'')*')", pattern)
    return "".join(part if part.startswith("'") else re.sub(r"(?<!y)yy(?!y)", "y", part)
                   for part in parts)


def _minor(amount: int) -> int:
    """Guard the money rule: amounts are whole minor units, never floats or Decimals."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"An amount must be an int of minor units, not {type(amount).__name__}.")
    return amount


def _exact_decimal(value: Fraction) -> Decimal:
    """A fraction as a Decimal: exact for decimal rates, 12 significant digits otherwise."""
    with localcontext() as context:
        context.prec = 28
        result = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(result) == value:
        return result
    return round(result, 12).normalize()
