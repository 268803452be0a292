"""The sample site's money and bank account: prices in the site's own currency, an IBAN of its
country.

The sample data stays English, but a site set up in CHF, GBP or JPY gets prices it would
recognise, and a German or French site an IBAN of its own country (check digits by ISO 13616,
mod 97, as python-stdnum computes and validates them).
"""

from __future__ import annotations

import random
import re
from fractions import Fraction

from babel import Locale, UnknownLocaleError
from stdnum import iban as stdnum_iban
from stdnum import numdb

from desktop.domain.money import minor_digits, round_minor

# Roughly how many units of a currency buy what a euro does; the catalog is written in euro
# cents. Currencies near the euro (GBP, CHF, USD, ...) keep the same numbers: only the scale
# matters for sample data, not the day's exchange rate.
_UNITS_PER_EURO: dict[str, int | Fraction] = {
    "JPY": 160, "KRW": 1500, "CNY": 8, "HKD": 8, "INR": 90, "SEK": 11, "NOK": 11, "DKK": 7,
    "ISK": 150, "PLN": 4, "CZK": 25, "HUF": 400, "RON": 5, "TRY": 35, "ZAR": 20, "MXN": 20,
    "BRL": 6, "AED": 4, "BHD": Fraction(2, 5), "KWD": Fraction(1, 3), "OMR": Fraction(2, 5),
}
# SWIFT's BBAN notation, as stdnum's registry writes it: "8!n10!n" = 8 digits, then 10 digits.
_BBAN_PART = re.compile(r"(\d+)!?([nace])")
_ALPHABETS = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
              "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "e": " "}


def price_in(euro_cents: int, currency: str) -> int:
    """A catalog price written in euro cents as minor units of the site's currency; the same
    number for EUR and the currencies of a similar scale, whole units where the scale differs."""
    digits = minor_digits(currency)
    factor = _UNITS_PER_EURO.get(currency)
    if factor is None and digits == 2:
        return euro_cents
    # Whole major units: 195.00 EUR is 31,200 JPY, not 31,200.00 or 31,212.
    major = round_minor(Fraction(euro_cents, 100) * (factor or 1))
    return major * 10 ** digits


def territory(locale: str) -> str:
    """The country of a site's locale ("de_DE" -> "DE"), "" when it names none."""
    try:
        return Locale.parse(locale).territory or ""
    except (ValueError, TypeError, UnknownLocaleError):
        return ""


def sample_iban(country: str, seed: int) -> str:
    """A valid IBAN of the country, made up for the sample site; "" where IBANs are not used."""
    structure = numdb.get("iban").info(country + "00")[0][1].get("bban") if country else None
    if not structure:
        return ""
    rng = random.Random(f"iban {country} {seed}")
    # Some countries add a national check (France's RIB key, Spain's control digits); stdnum
    # knows them, so draw until one passes (a few draws at most, and the same for a seed).
    for _ in range(10_000):
        bban = "".join(rng.choice(_ALPHABETS[kind])
                       for length, kind in _BBAN_PART.findall(structure)
                       for _ in range(int(length)))
        number = country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban
        if stdnum_iban.is_valid(number):
            return stdnum_iban.format(number)
    return ""
