"""Field building blocks of the editor and dialogs: dates, field messages, banners, labels."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.date_field import DateField
from desktop.ui.common.forms import field_box
from desktop.ui.common.icons import icon
from desktop.ui.common.style import mark_invalid


class _WheelScrollsPast(QObject):
    """Lets the wheel over a closed combo box or spin box without the keyboard scroll the page
    around it instead of changing its value (a next plan changed while scrolling the tab)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            event.ignore()  # not accepted: Qt hands it on to the scroll area around it
            return True
        return False


def wheel_scrolls_past(*widgets: QWidget) -> None:
    """The wheel changes these widgets only once they have the keyboard (clicked or tabbed to);
    otherwise it scrolls what they sit in."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel turn gives no focus either
        guard = _WheelScrollsPast(widget)
        widget.installEventFilter(guard)


# A date field cannot hold "no date"; its minimum shows a text and stands for None instead.
_NO_DATE = QDate(1900, 1, 1)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def qt_date_format(formatter) -> str:
    """The locale's medium date pattern ("d MMM y" in en_IE) in Qt's notation, for date fields."""
    try:
        from babel.dates import get_date_format

        pattern = get_date_format("medium", locale=formatter.locale).pattern
    except Exception:  # an unusual locale falls back to Qt's own format
        return ""
    if re.search(r"[^dMy .,/\-]", pattern):
        return ""
    return re.sub(r"y+", "yyyy", pattern)


def date_edit(name: str, formatter=None) -> DateField:
    """A date field named for tests and accessibility, in the formatter's display format."""
    edit = DateField(name, formatter)
    display = qt_date_format(formatter) if formatter is not None else ""
    if display:
        edit.setDisplayFormat(display)
    edit.setMinimumDate(_NO_DATE)
    edit.setMaximumDate(QDate(9999, 12, 31))
    return edit


def set_optional_date(edit: DateField, value: date | None, none_text: str) -> None:
    """Show a date, or `none_text` when there is none (read-only displays only)."""
    edit.setSpecialValueText(none_text if value is None else "")
    edit.setDate(_NO_DATE if value is None else to_qdate(value))


def optional_date(edit: DateField) -> date | None:
    return None if edit.date() == _NO_DATE else from_qdate(edit.date())


def styled_label(text: str = "", role: str = "explanation", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    if wrap:  # a wrapped sentence reads from its first line, not centred in spare height
        label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class FieldMessage(QLabel):
    """The sentence shown under a field with a problem; hidden while there is none."""

    def __init__(self, name: str):
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "fieldMessage")
        self.setWordWrap(True)
        self.hide()
        # Notes that read the field's value ("Last day of access: …"): hidden while the value
        # has a problem, since what they say of it would be a stale guess.
        self.hides: tuple[QWidget, ...] = ()

    def show_problem(self, widget: QWidget, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))
        mark_invalid(widget, bool(message))
        for note in self.hides:
            note.setVisible(not message)


def field_block(widget: QWidget, message: FieldMessage, *extras: QWidget,
                below: tuple[QWidget, ...] = ()) -> QWidget:
    """The field (with any hint beside it) above its problem message, then any notes `below`."""
    block = field_box(widget, *extras, error=message, spacing=8)
    for note in below:
        block.layout().addWidget(note)
    return block


class Banner(QFrame):
    """A coloured strip with an icon, a sentence and an optional action button."""

    actionClicked = Signal()

    _ICONS = {"warning": ("warning", "warning"), "info": ("about", "info"),
              "error": ("warning", "error")}

    def __init__(self, name: str, kind: str = "info", action: str = "",
                 action_name: str = ""):
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "banner")
        self.setProperty("kind", kind)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        self._icon = QLabel()
        self._set_icon(kind)
        self.message = styled_label(role="bannerText")
        self.message.setObjectName(f"{name}Text")
        self.message.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        row.addWidget(self._icon, 0, Qt.AlignTop)
        row.addWidget(self.message, 1)
        self.button = QPushButton(action)
        self.button.setObjectName(action_name or f"{name}Button")
        self.button.clicked.connect(self.actionClicked)
        self.button.setAutoDefault(False)  # Enter is for the dialog's own primary button
        self.button.setVisible(bool(action))
        row.addWidget(self.button, 0, Qt.AlignVCenter)
        self.hide()

    def _set_icon(self, kind: str) -> None:
        name, colour = self._ICONS.get(kind, self._ICONS["info"])
        self._icon.setPixmap(icon(name, colour).pixmap(16, 16))

    def show_message(self, text: str, kind: str | None = None, action: bool | None = None) -> None:
        if kind is not None and kind != self.property("kind"):
            self.setProperty("kind", kind)
            self._set_icon(kind)
            self.style().unpolish(self)
            self.style().polish(self)
        if action is not None:
            self.button.setVisible(action)
        self.message.setText(text)
        self.show()

    def clear(self) -> None:
        self.message.clear()
        self.hide()


def change_label_text(label: str) -> str:
    """The upgrade / downgrade / same level label (rule 13) in the interface language."""
    return {"upgrade": _("upgrade"), "downgrade": _("downgrade"),
            "same level": _("same level")}.get(label, label)
