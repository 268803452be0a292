"""VAT ids (rule 17): checked for format and check digits with python-stdnum, and whether a
member is invoiced under reverse charge.

Reverse charge applies to a member whose VAT id is a valid one of another EU country than the
site's own VAT id: the space's supply to that business is taxed by the buyer.
"""

from __future__ import annotations

from desktop.domain.model import M_, Message

# python-stdnum is imported where a VAT id is checked, so the billing core loads with the
# standard library alone (tests/test_layering.py), as money.minor_digits does with Babel.

NOT_A_VAT_ID = M_("{text} is not a valid VAT id: check its country letters and digits.")
# Countries outside the EU whose VAT numbers stdnum checks and a coworking space commonly sees.
_OTHERS = {"GB": "gb", "CH": "ch", "NO": "no"}


def compact(text: str) -> str:
    """The VAT id without spaces, dots or dashes, upper case ("de 136.695.976" → DE136695976)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def country(vat_id: str) -> str | None:
    """The ISO country of a valid EU VAT id (Greece's "EL" is GR), None when not one."""
    from stdnum.eu import vat as eu_vat

    number = compact(vat_id)
    if not number or not eu_vat.is_valid(number):
        return None
    prefix = number[:2]
    return "GR" if prefix == "EL" else prefix


def vat_id_problem(text: str) -> Message | None:
    """Why a typed VAT id cannot be kept, or None (empty is allowed: no VAT id)."""
    from stdnum import get_cc_module
    from stdnum.eu import vat as eu_vat
    from stdnum.exceptions import ValidationError

    number = compact(text)
    if not number:
        return None
    if eu_vat.is_valid(number):
        return None
    module_name = _OTHERS.get(number[:2])
    if module_name is not None:
        module = get_cc_module(module_name, "vat")
        try:
            if module is not None and module.validate(number[2:] if module_name != "ch"
                                                      else number):
                return None
        except ValidationError:
            pass
    return Message.of(NOT_A_VAT_ID, text=text.strip()[:40])


def reverse_charge(member_vat_id: str | None, site_vat_id: str | None) -> bool:
    """Rule 17: the member's valid EU VAT id is of another country than the site's."""
    theirs, ours = country(member_vat_id or ""), country(site_vat_id or "")
    return theirs is not None and ours is not None and theirs != ours
