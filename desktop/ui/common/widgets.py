"""Small widgets shared by the pages: tables with an empty-state sentence, badges, stat cards."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import Message, refusal
from desktop.i18n import _
from desktop.i18n.messages import say

_log = logging.getLogger(__name__)


def user_message(exc: BaseException) -> str:
    """One sentence for an operator in their language: the product's own errors speak for
    themselves (a refused value or an unreadable plan through its template, issue 10)."""
    worded = refusal(exc)
    if isinstance(worded, Message):
        return say(worded)
    if type(exc).__module__.startswith("desktop.") or isinstance(exc, ValueError):
        text = str(exc).strip()
        if text:
            return text
    _log.error("unexpected error", exc_info=exc)
    return _("Something went wrong ({reason}). Nothing was changed.").format(
        reason=str(exc).strip() or type(exc).__name__)


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


class ElidedLabel(QLabel):
    """One line that gives way to the window: drawn cut short with "…" when the window is
    narrower than its text, and never making the window wider (a long status-bar sentence in
    German at scale 2 held the main window at 1820 px). text() stays the whole sentence."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                              room.width())
        painter = QPainter(self)
        self.style().drawItemText(painter, room, int(self.alignment()), self.palette(),
                                  self.isEnabled(), shown, self.foregroundRole())


class TableView(QTableView):
    """A read-only row table that paints a helpful sentence when its model has no rows."""

    def __init__(self, object_name: str, empty_text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("frontdeskTable", True)  # styled by resources/style.qss
        self._empty_text = empty_text
        self._readable: tuple[int, int, dict[int, int], tuple[int, ...]] | None = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Tab moves on to the next widget instead of from cell to cell (docs/design.md#screens).
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.viewport().update()

    def empty_text(self) -> str:
        return self._empty_text

    def set_column_modes(self, stretch: int | tuple[int, ...], *,
                         fixed: dict[int, int] | None = None) -> None:
        """Stretch some columns, size the others to their contents (or a fixed width)."""
        stretch = (stretch,) if isinstance(stretch, int) else stretch
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        model = self.model()
        for column in range(model.columnCount() if model else 0):
            if column in stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            elif fixed and column in fixed:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, fixed[column])
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def keep_readable(self, column: int, minimum: int, widths: dict[int, int],
                      drop: tuple[int, ...]) -> None:
        """Keep `column` (stretched) at least `minimum` px wide: when the table is too narrow
        for every column at its width, hide the columns in `drop`, first ones first."""
        self._readable = (column, minimum, dict(widths), tuple(drop))
        self._fit_columns()

    def _fit_columns(self) -> None:
        if self._readable is None:
            return
        column, minimum, widths, drop = self._readable
        room = self.viewport().width() or self.width()
        hidden: set[int] = set()
        for candidate in (None, *drop):
            if candidate is not None:
                hidden.add(candidate)
            if minimum + sum(w for c, w in widths.items() if c not in hidden) <= room:
                break
        header = self.horizontalHeader()
        for c in widths:
            header.setSectionHidden(c, c in hidden)
        # Still too narrow with every droppable column hidden: a table that may scroll sideways
        # keeps the column at its minimum and scrolls, rather than stretching it down to nothing
        # or leaving the last columns past the edge (the member list at 1366×768, issue 26).
        if self.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            short = minimum + sum(w for c, w in widths.items() if c not in hidden) > room
            mode = QHeaderView.ResizeMode.Interactive if short else QHeaderView.ResizeMode.Stretch
            if header.sectionResizeMode(column) != mode:
                header.setSectionResizeMode(column, mode)
                if short:
                    header.resizeSection(column, minimum)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_columns()

    def _is_empty(self) -> bool:
        model: QAbstractItemModel | None = self.model()
        if model is None:
            return True
        return model.rowCount(QModelIndex()) == 0 and not model.canFetchMore(QModelIndex())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().paintEvent(event)
        if self._empty_text and self._is_empty():
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            rect = self.viewport().rect().adjusted(24, 16, -24, -16)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap, self._empty_text)
            painter.end()


class SearchField(QLineEdit):
    """A search box that hands the keyboard to its list on Down (Enter is returnPressed)."""

    downPressed = Signal()  # noqa: N815

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.downPressed.emit()
            return
        super().keyPressEvent(event)


def label(text: str = "", object_name: str | None = None, *, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if object_name:
        widget.setObjectName(object_name)
    widget.setWordWrap(wrap)
    return widget


class ErrorLabel(QLabel):
    """The sentence under a field or form; hidden while there is nothing to say."""

    def __init__(self, object_name: str = "fieldError", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.hide()

    def set_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class Badge(QLabel):
    """A small rounded status pill; `tone` picks the colour in the style sheet."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_badge(self, text: str, tone: str) -> None:
        self.setText(text.upper())
        self.setProperty("tone", tone)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(text))


class StatCard(QFrame):
    """A caption over a large value (credit balance, deposit held)."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.caption = label(caption, "muted")
        self.value = label("", "statValue")
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_value(self, text: str, tooltip: str = "") -> None:
        self.value.setText(text)
        self.setToolTip(tooltip)


def offer(widget: QWidget, why_not: str, tip: str = "") -> None:
    """Enable `widget` when `why_not` is empty; otherwise disable it and say why in its tooltip
    (docs/design.md#screens: never offered and then refused, never disabled without a reason). `tip`
    is its tooltip while enabled."""
    widget.setEnabled(not why_not)
    widget.setToolTip(why_not or tip)


LAST_FOLDER = "files/lastFolder"


def _settings_of(widget: QWidget | None) -> QSettings | None:
    """The window's QSettings (the main window keeps them as `settings`), found up the parents."""
    while widget is not None:
        settings = getattr(widget, "settings", None)
        if isinstance(settings, QSettings):
            return settings
        widget = widget.parentWidget()
    return None


def start_folder(widget: QWidget | None) -> Path:
    """Where a file dialog opens: the folder used last, else the user's Documents, else home;
    never the process's working directory."""
    settings = _settings_of(widget)
    last = str(settings.value(LAST_FOLDER, "") or "") if settings is not None else ""
    if last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(widget: QWidget | None, folder: Path) -> None:
    """The next file dialog opens in `folder`."""
    settings = _settings_of(widget)
    if settings is not None:
        settings.setValue(LAST_FOLDER, str(folder))
