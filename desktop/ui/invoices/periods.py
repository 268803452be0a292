"""The periods the Invoices tab filters by, and the "which day?" question of the PDFs of a day."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.ui.common.fields import date_edit, from_qdate, to_qdate
from desktop.ui.common.forms import accept_cancel_buttons, run_modal


def periods() -> list[tuple[str, str]]:
    return [("all", _("Any time")), ("this_month", _("This month")),
            ("last_month", _("Last month")), ("this_year", _("This year"))]


def period_range(key: str, today: date | None) -> tuple[date | None, date | None]:
    """[start, end) of a period named in periods() around today; (None, None) for any time."""
    if key == "all" or today is None:
        return None, None
    month = date(today.year, today.month, 1)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if key == "this_month":
        return month, following
    if key == "last_month":
        previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
        return previous, month
    return date(today.year, 1, 1), date(today.year + 1, 1, 1)


def ask_day(parent: QWidget, today: date, formatter: Any) -> date | None:
    """A small dialog asking for a day (today by default); None when cancelled."""
    dialog = QDialog(parent)
    dialog.setObjectName("pdfDayDialog")
    dialog.setWindowTitle(_("PDFs of a day"))
    edit = date_edit("pdfDayEdit", formatter)
    edit.setDate(to_qdate(today))
    caption = QLabel(_("Invoices issued &on"))
    caption.setBuddy(edit)
    form = QFormLayout()
    form.addRow(caption, edit)
    buttons, _accept = accept_cancel_buttons(dialog, _("Choose folder…"), "pdfDayAccept")
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(buttons)
    if run_modal(dialog) != QDialog.DialogCode.Accepted:
        return None
    return from_qdate(edit.date())
