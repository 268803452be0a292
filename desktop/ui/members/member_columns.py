"""The member list's columns, each declared once: what the model shows and aligns, what the
header says, what the service sorts by and how wide the view makes it.

The model (`MemberListModel`), the view (`MemberListPanel`) and the sort all read `COLUMNS`;
nothing else numbers the columns. Before, seven position lists in three places said the same
thing and drifted apart (a new locale repainted columns 0–4 while Outstanding is column 5).
To add a column, add one `MemberColumn` here, its sort to `MemberService.search`
(desktop/services/members.py) and its header to the catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.domain.model import M_
from desktop.i18n import _


def _status(row: Any, formatter: Any) -> str:
    if getattr(row, "archived", False):
        return _("Archived")
    return _("Member") if row.status == "member" else _("Contact")


@dataclass(frozen=True)
class MemberColumn:
    """One column of the member list."""

    key: str             # the sort MemberService.search takes for it (services/members.py SORTS)
    header: str          # English, marked for the catalogs; shown through _()
    text: Callable[[Any, Any], str]  # (search row, formatter) -> what the cell shows
    width: int           # px: fixed, or the least the stretching column keeps
    amount: bool = False  # money: right-aligned, header too
    stretch: bool = False  # takes the room the others leave
    full_text_tip: bool = False  # elided often: the tooltip repeats the cell (else the email)


COLUMNS: tuple[MemberColumn, ...] = (
    MemberColumn("name", M_("Name"), lambda row, f: row.name, 170, stretch=True),
    MemberColumn("company", M_("Company"), lambda row, f: row.company or "", 110,
                 full_text_tip=True),
    MemberColumn("plans", M_("Plans"), lambda row, f: row.plans or "", 100,
                 full_text_tip=True),
    MemberColumn("status", M_("Status"), _status, 92),
    MemberColumn("credit_balance", M_("Credit balance"),
                 lambda row, f: f.money(row.credit_balance), 110, amount=True),
    MemberColumn("outstanding", M_("Outstanding"),
                 lambda row, f: f.money(getattr(row, "outstanding", 0)), 110, amount=True),
)


def headers(columns: tuple[MemberColumn, ...] = COLUMNS) -> tuple[str, ...]:
    """The header texts in the interface's language."""
    return tuple(_(column.header) for column in columns)
