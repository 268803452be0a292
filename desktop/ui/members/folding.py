"""A row of widgets that folds when its pane is too narrow for it (a narrow member pane, the
window at scale 2, German words): into rows of two, then into a column, so the member page never
scrolls sideways because of its heading, its cards or its buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget


class FoldingRow(QWidget):
    """`widgets` side by side (each column with its stretch), two a row, or one under another:
    the most a row its width holds. It never asks for more width than its widest widget."""

    SPACING = 8

    def __init__(self, widgets: Sequence[QWidget], stretches: Sequence[int] = (),
                 trailing_stretch: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.widgets = list(widgets)
        self.stretches = list(stretches) or [0] * len(self.widgets)
        self.trailing_stretch = trailing_stretch
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(self.SPACING)
        self.per_row = 0
        self._place(len(self.widgets))

    @staticmethod
    def need(widget: QWidget) -> int:
        """The least width a widget reads well at (a folding row: its widest widget)."""
        if isinstance(widget, FoldingRow):
            return widget.row_width()
        return widget.minimumSizeHint().width()

    def row_width(self, per_row: int | None = None) -> int:
        """The width the widgets need `per_row` a row (all of them by default)."""
        shown = [w for w in self.widgets if not w.isHidden()]
        per_row = per_row or len(shown) or 1
        rows = [shown[i:i + per_row] for i in range(0, len(shown), per_row)]
        return max((sum(self.need(w) for w in row) + self.SPACING * (len(row) - 1)
                    for row in rows), default=0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        widest = max((w.minimumSizeHint().width() if isinstance(w, FoldingRow)
                      else self.need(w) for w in self.widgets if not w.isHidden()), default=0)
        return QSize(widest, self.grid.totalMinimumSize().height())

    def _place(self, per_row: int) -> None:
        self.per_row = per_row
        for widget in self.widgets:
            self.grid.removeWidget(widget)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        whole = per_row == len(self.widgets)
        for index, widget in enumerate(self.widgets):
            row, column = divmod(index, per_row)
            # Folded, a button keeps its width at the left; a card fills its column.
            align = (Qt.AlignmentFlag.AlignLeft if isinstance(widget, QPushButton)
                     and not whole else Qt.AlignmentFlag(0))
            self.grid.addWidget(widget, row, column, align)
        for column in range(per_row):
            stretch = self.stretches[column] if whole else (0 if self.trailing_stretch else 1)
            self.grid.setColumnStretch(column, stretch)
        if self.trailing_stretch:
            self.grid.setColumnStretch(per_row, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        width, count = event.size().width(), len(self.widgets)
        per_row = next((n for n in (count, 2, 1) if n <= count
                        and self.row_width(n) <= width), 1)
        if per_row != self.per_row:
            self._place(per_row)
            self.updateGeometry()
        super().resizeEvent(event)
