"""*Raise prices…* (rule 24): chosen plans and add-ons raised by a percentage from a day, with a
preview of each one's price before and after and how many contracts are billed at it.

Lines of periods that start on or after the day take the new price; earlier periods keep theirs
and custom prices are untouched, which the dialog says. The service has the last word
(`PriceService.raise_prices`), its refusals translated beside their field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import N_, _
from desktop.i18n.messages import say
from desktop.services.errors import ValidationError
from desktop.ui.common.fields import date_edit, from_qdate, to_qdate
from desktop.ui.common.forms import FormDialog, field_box
from desktop.ui.common.widgets import ErrorLabel, label, user_message
from desktop.ui.common.workers import run_alone


class RaisePricesDialog(FormDialog):
    """The plans to raise (checked), the percentage and the day; `preview_label` says what
    changes before anything is written."""

    def __init__(self, prices: Any, plans: list[Any], formatter: Any, today: date,
                 chosen: int | None = None, parent: QWidget | None = None,
                 run: Callable[..., Any] = run_alone):
        super().__init__(_("Raise prices"), parent)
        self.setObjectName("raisePricesDialog")
        self.setWindowTitle(_("Raise prices"))
        self._prices, self._formatter, self._run = prices, formatter, run
        self.changes: Any = None
        self.ok_button.setObjectName("raisePricesOk")
        self.plan_list = QListWidget(objectName="raisePlanList")
        for plan in plans:
            if plan.archived:
                continue
            item = QListWidgetItem(f"{plan.name} ({formatter.money(plan.price)})")
            item.setData(Qt.ItemDataRole.UserRole, plan.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if plan.id == chosen
                               else Qt.CheckState.Unchecked)
            self.plan_list.addItem(item)
        self.plan_list.setMinimumHeight(140)
        self.percent_edit = QLineEdit(objectName="raisePercentEdit")
        self.percent_edit.setMaximumWidth(90)
        self.date_edit = date_edit("raiseDateEdit", formatter)
        self.date_edit.setDate(to_qdate(today))
        self.preview_label = label("", "muted", wrap=True)
        self.preview_label.setObjectName("raisePreview")
        self.preview_label.setMinimumWidth(420)
        form = QFormLayout()
        for key, caption, widget, extra in (
                ("plans", _("&Plans and add-ons"), self.plan_list, ()),
                ("percent", _("&Raise by"), self.percent_edit, (label("%"),)),
                ("day", _("&From"), self.date_edit, ())):
            error = ErrorLabel()
            error.setObjectName(f"{key}Error")
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            form.addRow(caption_label, field_box(widget, *extra, error=error,
                                                 stretch=key != "plans"))
            widget.setAccessibleName(caption.replace("&", ""))
            self.problems.add(key, widget, error)
        body = QVBoxLayout(self)
        body.addWidget(label(_("Periods that start on or after the day are billed at the new "
                               "price; periods that started earlier keep theirs. Custom prices "
                               "are not changed."), "muted", wrap=True))
        body.addLayout(form)
        body.addWidget(self.preview_label)
        body.addWidget(self.form_error)
        body.addWidget(self.buttons)
        self.plan_list.itemChanged.connect(lambda: self.edited("plans"))
        self.percent_edit.textChanged.connect(lambda: self.edited("percent"))
        self.date_edit.dateChanged.connect(lambda: self.edited("day"))
        self.date_edit.textEdited.connect(lambda: self.edited("day"))
        self.check_locally()
        self.loaded()

    def chosen(self) -> list[int]:
        return [self.plan_list.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.plan_list.count())
                if self.plan_list.item(row).checkState() == Qt.CheckState.Checked]

    def day(self) -> date | None:
        return from_qdate(self.date_edit.date()) if self.date_edit.readable() else None

    def typed(self) -> object:
        return (tuple(self.chosen()), self.percent_edit.text(), self.date_edit.text())

    def check_locally(self) -> None:
        """Ask the service what would change (nothing is written); what it refuses is said
        beside its field and keeps Raise disabled."""
        messages = {"plans": "", "percent": "", "day": ""}
        text = ""
        day = self.day()
        if day is None:
            messages["day"] = _("This is not a date. Type it like {example}.").format(
                example=self.date_edit.placeholderText())
        elif not self.chosen():
            messages["plans"] = _("Choose the plans to raise.")
        elif self.percent_edit.text().strip():
            try:
                changes = self._prices.raise_preview(self.chosen(), self.percent_edit.text(),
                                                     day)
            except ValidationError as exc:
                for problem in exc.problems:
                    messages[problem.field if problem.field in messages else "percent"] = \
                        say(problem.message, self._formatter)
            except Exception as exc:  # the server away: said, and Raise decides
                text = user_message(exc)
            else:
                text = preview_sentence(changes, self._formatter, day)
        else:
            messages["percent"] = _("Type the percentage to raise by.")
        for key, message in messages.items():
            self.problems.set_local(key, message)
        self.preview_label.setText(text)
        self.preview_label.setVisible(bool(text))

    def submit(self) -> None:
        self.changes = self._run(self._prices.raise_prices, self.chosen(),
                                 self.percent_edit.text(), self.day())


def preview_sentence(changes: list[Any], formatter: Any, day: date) -> str:
    """What a raise changes, one plan a line: its price before and after, and for how many
    contracts."""
    lines = [_("From {day}:").format(day=formatter.date(day))]
    for change in changes:
        lines.append(N_("{name}: {old} → {new}, {count} contract",
                        "{name}: {old} → {new}, {count} contracts", change.contracts).format(
            name=change.name, old=formatter.money(change.old), new=formatter.money(change.new),
            count=change.contracts))
    return "\n".join(lines)
