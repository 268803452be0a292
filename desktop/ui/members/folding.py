"""A row of widgets that folds into a column when its pane is too narrow for it (a narrow
member pane, the window at scale 2, German words), so the member page never scrolls sideways
because of its heading, its cards or its buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget


class FoldingRow(QWidget):
    """`widgets` side by side (each with its stretch), or one under another when the row does
    not fit its width; never asks for more width than its widest widget."""

    SPACING = 8

    def __init__(self, widgets: Sequence[QWidget], stretches: Sequence[int] = (),
                 trailing_stretch: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.widgets = list(widgets)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(self.SPACING)
        stretches = list(stretches) or [0] * len(self.widgets)
        for widget, stretch in zip(self.widgets, stretches):
            self.box.addWidget(widget, stretch)
        if trailing_stretch:
            self.box.addStretch(1)

    def row_width(self) -> int:
        """The width the widgets need side by side."""
        shown = [w for w in self.widgets if not w.isHidden()]
        return (sum(w.row_width() if isinstance(w, FoldingRow) else w.sizeHint().width()
                    for w in shown) + self.SPACING * max(len(shown) - 1, 0))

    def folded(self) -> bool:
        return self.box.direction() == QBoxLayout.Direction.TopToBottom

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        widest = max((w.minimumSizeHint().width() if isinstance(w, FoldingRow)
                      else w.sizeHint().width() for w in self.widgets if not w.isHidden()),
                     default=0)
        return QSize(widest, self.box.totalMinimumSize().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        fold = event.size().width() < self.row_width()
        if fold != self.folded():
            self.box.setDirection(QBoxLayout.Direction.TopToBottom if fold
                                  else QBoxLayout.Direction.LeftToRight)
            for widget in self.widgets:  # folded, a button keeps its width at the left
                if isinstance(widget, QPushButton):
                    self.box.setAlignment(widget, Qt.AlignmentFlag.AlignLeft if fold
                                          else Qt.AlignmentFlag(0))
            self.updateGeometry()
        super().resizeEvent(event)
