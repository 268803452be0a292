"""The e-invoice fields of `frontdesk/2` (rule 28; docs/exchange-format.md): the site's and
members' `address` as `{"street", "line2", "postcode", "city", "country"}`, the site's
`contact` (`{"name", "phone", "email"}`) and `tax_number`, members' `buyer_reference`.

The site's `address` is the object once its parts are known; until then it stays the free
text a `frontdesk/1` document (and the paper document) carries, and both import. A member keeps
`billing_address` (its free text) beside `address` (the parts, or null).
"""

from __future__ import annotations

from desktop.domain.addresses import country_problem
from desktop.services.exchange.values import BAD, Reader, shown

PARTS = ("street", "line2", "postcode", "city", "country")
ADDRESS_COLUMNS = {part: f"address_{part}" for part in PARTS}
CONTACT_COLUMNS = {"name": "contact_name", "phone": "contact_phone", "email": "contact_email"}
# The fields frontdesk/2 adds, with what an older document gets.
SETTINGS_ADDED = {"contact": None, "tax_number": ""}
MEMBER_ADDED = {"address": None, "buyer_reference": ""}


def _parts(row) -> dict | None:
    values = {part: getattr(row, column) or "" for part, column in ADDRESS_COLUMNS.items()}
    return values if any(values.values()) else None


def export_settings(row) -> dict:
    """The site's e-invoice fields, to merge over the settings' own (its `address` replaced
    by the object when the parts are known)."""
    if row is None:
        return {"contact": None, "tax_number": ""}
    contact = {key: getattr(row, column) or "" for key, column in CONTACT_COLUMNS.items()}
    written: dict = {"contact": contact if any(contact.values()) else None,
                     "tax_number": row.tax_number or ""}
    if (parts := _parts(row)) is not None:
        written["address"] = parts
    return written


def export_member(row) -> dict:
    return {"address": _parts(row), "buyer_reference": row.buyer_reference or ""}


def _read_object(reader: Reader, value, place: str, keys: tuple[str, ...]) -> dict | object:
    if not isinstance(value, dict):
        return reader.problem(place, f"{shown(value)} is not an object.")
    read = {}
    for key in value:
        if key not in keys:
            reader.problem(f"{place}.{key}", "is not a field of this format.")
    for key in keys:
        read[key] = reader.text(value.get(key, ""), f"{place}.{key}")
    if any(v is BAD for v in read.values()):
        return BAD
    return {key: text.strip() for key, text in read.items()}


def read_address(reader: Reader, value, place: str) -> dict | object:
    """The address object as row columns, or BAD (told at its place)."""
    parts = _read_object(reader, value, place, PARTS)
    if parts is BAD or not isinstance(parts, dict):
        return BAD
    if (problem := country_problem(parts["country"])) is not None:
        return reader.problem(f"{place}.country", str(problem))
    return {ADDRESS_COLUMNS[part]: text for part, text in parts.items()}


def split_settings_address(rec: dict) -> object:
    """Take the site's `address` out of the settings record when it is the object (the free
    text is read as before); returns the object, or None."""
    if isinstance(rec.get("address"), dict):
        parts = rec["address"]
        rec["address"] = ""
        return parts
    return None


def read_settings(reader: Reader, rec: dict, address) -> dict:
    """The site's e-invoice fields as settings columns, every one of them (an import defines
    the settings whole)."""
    columns: dict = dict.fromkeys([*ADDRESS_COLUMNS.values(), *CONTACT_COLUMNS.values()], "")
    if address is not None:
        read = read_address(reader, address, "settings.address")
        if isinstance(read, dict):
            columns.update(read)
    contact = rec.get("contact")
    if contact is not None:
        read = _read_object(reader, contact, "settings.contact", tuple(CONTACT_COLUMNS))
        if isinstance(read, dict):
            columns.update({CONTACT_COLUMNS[key]: text for key, text in read.items()})
    tax_number = reader.text(rec.get("tax_number", ""), "settings.tax_number")
    if isinstance(tax_number, str):
        columns["tax_number"] = tax_number.strip()
    return columns


def read_member(reader: Reader, rec: dict, place: str) -> dict:
    """A member's e-invoice fields as member columns; BAD values where a problem was told."""
    columns: dict = {}
    if rec.get("address") is not None:
        read = read_address(reader, rec["address"], f"{place}.address")
        columns.update(read if isinstance(read, dict) else {"address_street": BAD})
    reference = reader.text(rec.get("buyer_reference", ""), f"{place}.buyer_reference")
    columns["buyer_reference"] = reference.strip() if isinstance(reference, str) else reference
    return columns
