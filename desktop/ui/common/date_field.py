"""A date field people can type into and pick from (docs/design.md#screens "Dates are typed …").

A text field, not a sectioned spin box: the whole date is typed at once ("1 Dec 2026", the
locale's short format such as 01/12/2026 or 1.12.26, or ISO 2026-12-01), read in the site's
locale, and a text that cannot be read is marked and kept as typed, never replaced. Up and Down
step the day, month or year under the cursor; Alt+Down, F4 or the calendar button opens a
calendar that follows the locale (weekday names, ISO week numbers). It keeps QDateEdit's calls
(date, setDate, dateChanged, minimum and maximum, special value text) so screens use it alike.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QFrame, QLineEdit, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.ui.common.icons import icon
from desktop.ui.common.style import mark_invalid

# Two-digit years are read in this century ("1.12.26" is 2026).
BASE_YEAR = 2000
_TOKEN = re.compile(r"d+|M+|y+")
_RUN = re.compile(r"\w+", re.UNICODE)


def locale_of(formatter) -> QLocale:
    """The Qt locale of the site's locale (a Formatter's Babel locale, e.g. en_IE)."""
    return QLocale(str(getattr(formatter, "locale", "") or "en_IE"))


class _CalendarPopup(QFrame):
    """The calendar under a date field; a click or Enter picks, Esc leaves the date alone."""

    picked = Signal(QDate)

    def __init__(self, field: DateField) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName(f"{field.objectName()}Calendar")
        self.calendar.setLocale(field.qlocale())
        self.calendar.setFirstDayOfWeek(field.qlocale().firstDayOfWeek())
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.ISOWeekNumbers)
        self.calendar.setMinimumDate(field.minimumDate())
        self.calendar.setMaximumDate(field.maximumDate())
        self.calendar.setAccessibleName(_("Calendar"))
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar)

    def _pick(self, day: QDate) -> None:
        self.picked.emit(day)
        self.close()


class DateField(QLineEdit):
    """A typed or picked date; `date()` is the last readable one, `readable()` says if the
    text is."""

    dateChanged = Signal(QDate)  # noqa: N815
    readableChanged = Signal(bool)  # noqa: N815

    def __init__(self, name: str = "", formatter=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self._locale = locale_of(formatter)
        self._format = self._locale.dateFormat(QLocale.FormatType.ShortFormat)
        self._date = QDate(2000, 1, 1)
        self._minimum, self._maximum = QDate(1900, 1, 1), QDate(9999, 12, 31)
        self._special = ""
        self._readable = True
        self._own_tip = ""  # the field's own tooltip, shown while the text is a date
        self.popup: _CalendarPopup | None = None
        self._button = self.addAction(icon("calendar"), QLineEdit.ActionPosition.TrailingPosition)
        self._button.setText(_("Pick from a calendar"))
        self._button.setToolTip(_("Pick from a calendar (Alt+Down)"))
        self._button.triggered.connect(self.open_calendar)
        self.setPlaceholderText(self._example())
        self.textEdited.connect(self._typed)
        self.editingFinished.connect(self._settle)
        self.setMinimumWidth(150)
        self._show_date()

    # QDateEdit's calls ---------------------------------------------------------------------

    def date(self) -> QDate:
        return QDate(self._date)

    def setDate(self, day: QDate) -> None:  # noqa: N802 (QDateEdit's name)
        day = self._bounded(day)
        changed = day != self._date
        self._date = QDate(day)
        # A screen echoing back the date someone is typing must not rewrite their text.
        if not (self._readable and self.read(self.text()) == day):
            self._show_date()
            self._set_readable(True)
        if changed:
            self.dateChanged.emit(QDate(day))

    def setDisplayFormat(self, pattern: str) -> None:  # noqa: N802
        if pattern:
            self._format = pattern
            self.setPlaceholderText(self._example())
            self._show_date()

    def displayFormat(self) -> str:  # noqa: N802
        return self._format

    def setMinimumDate(self, day: QDate) -> None:  # noqa: N802
        self._minimum = QDate(day)

    def setMaximumDate(self, day: QDate) -> None:  # noqa: N802
        self._maximum = QDate(day)

    def minimumDate(self) -> QDate:  # noqa: N802
        return QDate(self._minimum)

    def maximumDate(self) -> QDate:  # noqa: N802
        return QDate(self._maximum)

    def setSpecialValueText(self, text: str) -> None:  # noqa: N802
        """Shown instead of the minimum date, which then stands for "no date"."""
        if text == self._special:
            # A screen refreshing on every keystroke sets the same text again: rewriting the
            # field then would turn a half-typed "1 Jan 20" into "1 Jan 2020" under the cursor.
            return
        self._special = text
        self._show_date()

    def qlocale(self) -> QLocale:
        return QLocale(self._locale)

    def readable(self) -> bool:
        return self._readable

    # Typing --------------------------------------------------------------------------------

    def read(self, text: str) -> QDate | None:
        """The date a text stands for in this locale, or None."""
        text = " ".join(text.split())
        if not text:
            return None
        if self._special and text == self._special:
            return QDate(self._minimum)
        long = self._locale.dateFormat(QLocale.FormatType.LongFormat)
        # The long format without its weekday, with full and short month names.
        spoken = re.sub(r"d{4}\W*", "", long).strip()
        formats = [self._format, self._locale.dateFormat(QLocale.FormatType.ShortFormat),
                   long, spoken, re.sub(r"M{4}", "MMM", spoken), "yyyy-MM-dd"]
        formats += [re.sub(r"y+", "yy", f) for f in formats[:2]]
        formats += [re.sub(r"y+", "yyyy", f) for f in formats[1:2]]
        formats += [re.sub(r"M{3,}", "MMMM", f) for f in formats[:1]]
        # "1/2/26" as well as "01/02/26": one-letter day and month accept either.
        formats += [re.sub(r"(?<!d)dd(?!d)", "d", re.sub(r"(?<!M)MM(?!M)", "M", f))
                    for f in formats]
        for pattern in dict.fromkeys(formats):
            day = self._locale.toDate(text, pattern, BASE_YEAR)
            if day.isValid():
                return day
        return None

    def _typed(self, text: str) -> None:
        day = self.read(text)
        if day is None or not self._minimum <= day <= self._maximum:
            self._set_readable(False)
            return
        self._set_readable(True)
        if day != self._date:
            self._date = day
            self.dateChanged.emit(QDate(day))

    def _settle(self) -> None:
        """Leaving the field: a readable date is shown in the display format; an unreadable
        text stays as typed, marked."""
        if self._readable:
            self._show_date()

    def setToolTip(self, text: str) -> None:  # noqa: N802 (Qt name)
        """The field's own tooltip (such as why it is disabled); an unreadable text's sentence
        shows over it until the text is a date again."""
        self._own_tip = text
        if self._readable:
            super().setToolTip(text)

    def _set_readable(self, readable: bool) -> None:
        mark_invalid(self, not readable)
        super().setToolTip(self._own_tip if readable else _(
            "This is not a date. Type it like {example}.").format(example=self._example()))
        if readable != self._readable:
            self._readable = readable
            self.readableChanged.emit(readable)

    # Keys and the calendar -----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        key, mods = event.key(), event.modifiers()
        if (key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down
                                     and mods & Qt.KeyboardModifier.AltModifier)):
            self.open_calendar()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not mods and not self.isReadOnly():
            self.step(1 if key == Qt.Key.Key_Up else -1)
            return
        super().keyPressEvent(event)

    def step(self, steps: int) -> None:
        """Move the day, month or year under the cursor (the day when there is none)."""
        if not self._readable:
            return
        section = self._section_at(self.cursorPosition())
        day = self._date
        stepped = (day.addMonths(steps) if section == "M" else
                   day.addYears(steps) if section == "y" else day.addDays(steps))
        index = self._run_index(self.cursorPosition())
        self.setDate(self._bounded(stepped))
        runs = list(_RUN.finditer(self.text()))
        if runs:
            run = runs[min(index, len(runs) - 1)]
            self.setCursorPosition(run.end())

    def open_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        self.popup = _CalendarPopup(self)
        self.popup.calendar.setSelectedDate(self._date if self._readable
                                            else QDate(self._minimum))
        self.popup.picked.connect(self._picked)
        self.popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.popup.show()
        self.popup.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.setDate(day)
        self.setFocus()

    # Helpers -------------------------------------------------------------------------------

    def _bounded(self, day: QDate) -> QDate:
        return max(self._minimum, min(self._maximum, day))

    def _show_date(self) -> None:
        if self._special and self._date == self._minimum:
            text = self._special
        else:
            text = self._locale.toString(self._date, self._format)
        if text != self.text():
            self.setText(text)

    def _example(self) -> str:
        return self._locale.toString(QDate(2026, 12, 1), self._format)

    def _run_index(self, position: int) -> int:
        for index, run in enumerate(_RUN.finditer(self.text())):
            if position <= run.end():
                return index
        return 0

    def _section_at(self, position: int) -> str:
        """"d", "M" or "y": which part of the display format the cursor stands in."""
        tokens = [match.group(0)[0] for match in _TOKEN.finditer(self._format)]
        index = self._run_index(position)
        return tokens[index] if index < len(tokens) else "d"
