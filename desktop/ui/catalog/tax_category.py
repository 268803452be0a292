"""The tax categories of plans and add-ons (rule 17) in the reader's words, for the plan dialog's
choice and the catalog's column."""

from __future__ import annotations

from desktop.domain.model import EXEMPT, REDUCED, STANDARD, TAX_CATEGORIES, ZERO
from desktop.i18n import _


def category_name(category: str) -> str:
    """A category as the desk names it; an unknown one (written by a tool) as stored."""
    names = {STANDARD: _("Standard rate"), REDUCED: _("Reduced rate"), ZERO: _("Zero-rated"),
             EXEMPT: _("Exempt")}
    return names.get(category, category)


def categories() -> list[tuple[str, str]]:
    """(name, category) for each category a plan may have, in the order the desk picks from."""
    return [(category_name(category), category) for category in TAX_CATEGORIES]
