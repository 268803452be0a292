"""Money as integers of minor units (rule 3 in docs/billing-rules.md): one rounding helper, currency
digits."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from desktop.domain.limits import MAX_AMOUNT, BadValue, rate_decimal


def round_minor(value: Fraction | int) -> int:
    """Round an exact amount to whole minor units, half away from zero (rule 3)."""
    value = Fraction(value)
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * remainder >= magnitude.denominator:
        whole += 1
    return sign * whole


def minor_digits(currency: str) -> int:
    """How many decimal digits the currency's minor unit has (EUR 2, JPY 0, BHD 3)."""
    # Imported here so the rest of the billing core loads with the standard library alone.
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def parse_amount(text: str, currency: str) -> int:
    """Read a major-unit decimal like "350" or "350.50" as minor units; ValueError if not exact."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise BadValue('"{text}" is not an amount.', text=text) from None
    if not value.is_finite():
        raise BadValue('"{text}" is not an amount.', text=text)
    # Checked before any arithmetic: 1e99999999 overflows, or takes minutes to convert.
    if value and value.adjusted() > 15:
        raise BadValue('"{text}" is larger than any amount Frontdesk accepts.', text=text[:40])
    if value and value.adjusted() < -15:
        raise BadValue('"{text}" has more decimals than {currency} allows.', text=text[:40],
                       currency=currency)
    scaled = value.scaleb(minor_digits(currency))
    if abs(scaled) > MAX_AMOUNT:
        raise BadValue('"{text}" is larger than any amount Frontdesk accepts.', text=text[:40])
    if scaled != scaled.to_integral_value():
        raise BadValue('"{text}" has more decimals than {currency} allows.', text=text,
                       currency=currency)
    return int(scaled)


def to_major(amount: int, currency: str) -> Decimal:
    """Minor units as an exact Decimal in major units, for display by Babel."""
    return Decimal(amount).scaleb(-minor_digits(currency))


def parse_rate(text: str) -> Fraction:
    """A percentage written as a decimal string ("20", "8.5") as an exact fraction of one.

    The range and the decimals are checked first (desktop/domain/limits.py): "1e-99999999" is
    refused at once instead of becoming a fraction too large to compute with.
    """
    return Fraction(rate_decimal(text)) / 100


def rate_text(rate: Fraction) -> str:
    """A fraction of one as the percentage a settings field or a document holds ("19", "5.5",
    "0"), exact: rates have at most a few decimals (desktop/domain/limits.py)."""
    percent = Decimal(rate.numerator * 100) / Decimal(rate.denominator)
    text = format(percent.normalize(), "f")
    return text
