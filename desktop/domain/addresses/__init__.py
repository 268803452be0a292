"""Structured postal addresses and the site's contact (rule 28): what an EN 16931 e-invoice
needs of the seller and the buyer, kept beside the free text the paper document printed before.

`split_address` reads an older free-text address into its parts where it safely can ("Street 1
\n12345 City" with the site's country); anything else stays unsplit and is flagged as missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.domain.model import M_, Message

# A postcode line: digits (with an optional country prefix such as "D-", or the Dutch
# "1234 AB", the British "SW1A 1AA" forms) followed by the city.
_POSTCODE_CITY = re.compile(
    r"^(?:(?P<prefix>[A-Z]{1,2})-)?(?P<postcode>\d{4,5}(?: ?[A-Z]{2})?|"
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\s+(?P<city>\S.*)$")
_COUNTRY = re.compile(r"[A-Z]{2}")
NOT_A_COUNTRY = M_('"{code}" is not a two-letter ISO country code such as DE, FR or BE.')


@dataclass(frozen=True)
class PostalAddress:
    """An address in the parts EN 16931 names (BG-5, BG-8); `country` is ISO 3166 alpha-2."""

    street: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""

    def lines(self) -> list[str]:
        """The address as printed: street, second line, "postcode city", country code."""
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return [part for part in (self.street, self.line2, place, self.country) if part]

    @property
    def empty(self) -> bool:
        return not any((self.street, self.line2, self.postcode, self.city, self.country))

    def missing(self) -> list[str]:
        """The parts an e-invoice cannot go without (English field names, for the sentence)."""
        return [name for name, value in (("street", self.street), ("postcode", self.postcode),
                                         ("city", self.city), ("country", self.country))
                if not value.strip()]


@dataclass(frozen=True)
class Contact:
    """The seller's contact an XRechnung names (BG-6): a person or desk, phone, e-mail."""

    name: str = ""
    phone: str = ""
    email: str = ""


def country_problem(code: str) -> Message | None:
    """Why a country code is not ISO 3166 alpha-2, None when it is (or empty)."""
    from babel import Locale

    if not code:
        return None
    if not _COUNTRY.fullmatch(code) or code not in Locale("en").territories:
        return Message.of(NOT_A_COUNTRY, code=code[:10])
    return None


def split_address(text: str, country: str = "") -> PostalAddress | None:
    """The parts of a free-text address, or None when they cannot be told safely.

    Safe means: one or two street lines, then one "postcode city" line; the country is the
    given one (the site's). A "D-12345"-style prefix or anything else is left to a person.
    """
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not 2 <= len(lines) <= 3:
        return None
    found = _POSTCODE_CITY.match(lines[-1])
    if found is None:
        return None
    street, line2 = lines[0], lines[1] if len(lines) == 3 else ""
    code = country
    if found.group("prefix") or not code or country_problem(code) is not None:
        return None
    return PostalAddress(street, line2, found.group("postcode"), found.group("city"), code)
