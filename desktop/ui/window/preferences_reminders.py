"""Preferences → Reminders and texts (rule 29): up to three reminder levels (days after the due
date, no fee, a fixed fee or a percentage of what is open) and the mail texts per language —
the document's own message and each reminder, subject and body, with their placeholders. A
text left as the built-in one is not stored, so it follows the translations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import Problem
from desktop.domain.reminders import MAX_DAYS, MAX_LEVELS, ReminderLevel
from desktop.i18n import _
from desktop.i18n.messages import reason
from desktop.services.errors import ValidationError
from desktop.services.mail.texts import KEYS, PLACEHOLDERS, MailText, default_text
from desktop.ui.common.forms import FormProblems
from desktop.ui.common.widgets import ErrorLabel, label
from desktop.ui.window.language import language_name

LANGUAGES = ("en", "de", "es", "fr")
NO_FEE, FIXED, PERCENT = "none", "fixed", "percent"


class ReminderRow:
    def __init__(self, number: int, level: ReminderLevel | None, formatter: Any) -> None:
        self.formatter = formatter
        self.check = QCheckBox(_("Reminder {number}").format(number=number),
                               objectName=f"reminder{number}Check")
        self.days = QSpinBox(objectName=f"reminder{number}Days")
        self.days.setRange(1, MAX_DAYS)
        self.days.setSuffix(_(" days after the due date"))
        self.kind = QComboBox(objectName=f"reminder{number}FeeKind")
        for code, text in ((NO_FEE, _("No late fee")), (FIXED, _("Fixed fee")),
                           (PERCENT, _("Percentage of what is open"))):
            self.kind.addItem(text, code)
        self.fee = QLineEdit(objectName=f"reminder{number}Fee")
        self.fee.setMaximumWidth(110)
        self.fee.setAccessibleName(_("Late fee of reminder {number}").format(number=number))
        self.check.setChecked(level is not None)
        self.days.setValue(level.days if level else 7 * 2 ** (number - 1))
        if level is not None and level.fee_percent:
            self.kind.setCurrentIndex(2)
            self.fee.setText(level.fee_percent)
        elif level is not None and level.fee:
            self.kind.setCurrentIndex(1)
            self.fee.setText(formatter.money_plain(level.fee))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.check.toggled.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        on = self.check.isChecked()
        for widget in (self.days, self.kind):
            widget.setEnabled(on)
        self.fee.setEnabled(on and self.kind.currentData() != NO_FEE)

    def level(self, field: str) -> ReminderLevel:
        kind, text = self.kind.currentData(), self.fee.text().strip()
        if kind == FIXED:
            try:
                return ReminderLevel(self.days.value(), fee=self.formatter.parse_money(text))
            except ValueError as exc:
                raise ValidationError([Problem(field, reason(exc))]) from None
        if kind == PERCENT:
            return ReminderLevel(self.days.value(), fee_percent=text)
        return ReminderLevel(self.days.value())


def _two_lines(row: ReminderRow, error: QLabel) -> QWidget:
    """A level's days on one line, its fee under them, then its problem: side by side they
    were wider than the dialog (in German by 140 px) and the tab scrolled sideways."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    for widgets in ((row.days,), (row.kind, row.fee)):
        line = QHBoxLayout()
        for widget in widgets:
            line.addWidget(widget)
        line.addStretch(1)
        column.addLayout(line)
    column.addWidget(error)
    return box


class RemindersTab(QWidget):
    def __init__(self, mail: Any, formatter: Any, problems: FormProblems,
                 edited: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersTab")
        self._mail = mail
        levels = mail.reminders()
        self.rows = [ReminderRow(n, levels[n - 1] if n <= len(levels) else None, formatter)
                     for n in range(1, MAX_LEVELS + 1)]
        reminders = QGroupBox(_("Reminders of overdue documents"))
        form = QFormLayout(reminders)
        for n, row in enumerate(self.rows, start=1):
            error = ErrorLabel()
            form.addRow(row.check, _two_lines(row, error))
            problems.add(f"reminder{n}", row.days, error)
            for signal in (row.check.toggled, row.days.valueChanged,
                           row.kind.currentIndexChanged, row.fee.textChanged):
                signal.connect(lambda *_args, key=f"reminder{n}": edited(key))
        form.addRow(label(_("The sweep sends each reminder once, only while the document is "
                            "open; a late fee goes on the member's next invoice."),
                          "muted", wrap=True))

        self._texts = mail.texts()
        self.language = QComboBox(objectName="mailTextLanguage")
        for code in LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.message = QComboBox(objectName="mailTextMessage")
        for key, text in zip(KEYS, (_("The document"), _("Reminder 1"), _("Reminder 2"),
                                    _("Reminder 3")), strict=True):
            self.message.addItem(text, key)
        self.subject = QLineEdit(objectName="mailTextSubject")
        self.body = QPlainTextEdit(objectName="mailTextBody")
        self.body.setTabChangesFocus(True)
        self.reset = QPushButton(_("Use the &built-in text"), objectName="mailTextReset")
        self.reset.clicked.connect(self._reset)
        texts = QGroupBox(_("Mail texts"))
        column = QVBoxLayout(texts)
        choose = QHBoxLayout()
        choose.addWidget(self.language)
        choose.addWidget(self.message)
        choose.addStretch(1)
        choose.addWidget(self.reset)
        column.addLayout(choose)
        column.addWidget(self.subject)
        column.addWidget(self.body, 1)
        column.addWidget(label(_("Placeholders: {names}").format(
            names=", ".join("{" + name + "}" for name in PLACEHOLDERS)), "muted", wrap=True))
        self._shown = self._choice()
        self._show()
        self.language.currentIndexChanged.connect(self._switch)
        self.message.currentIndexChanged.connect(self._switch)
        layout = QVBoxLayout(self)
        layout.addWidget(reminders)
        layout.addWidget(texts, 1)

    def _choice(self) -> tuple[str, str]:
        return str(self.language.currentData()), str(self.message.currentData())

    def _show(self) -> None:
        language, key = self._shown
        own = self._texts.get(language, {}).get(key)
        text = own if own is not None else default_text(key, language)
        self.subject.setText(text.subject)
        self.body.setPlainText(text.body)

    def _keep(self) -> None:
        """The text on screen into the site's texts, unless it is the built-in one."""
        language, key = self._shown
        typed = MailText(self.subject.text(), self.body.toPlainText())
        entries = self._texts.setdefault(language, {})
        if typed == default_text(key, language):
            entries.pop(key, None)
        else:
            entries[key] = typed

    def _switch(self) -> None:
        self._keep()
        self._shown = self._choice()
        self._show()

    def _reset(self) -> None:
        language, key = self._shown
        self._texts.get(language, {}).pop(key, None)
        self._show()

    def save(self) -> Any:
        levels = [row.level(f"reminder{n}") for n, row in enumerate(self.rows, start=1)
                  if row.check.isChecked()]
        self._keep()
        changes = self._mail.save_reminders(levels)
        return changes | self._mail.save_texts(
            {language: entries for language, entries in self._texts.items() if entries})
