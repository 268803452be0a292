"""Windows that fit the screen they open on (docs/design.md#screens: 1366×768 at scale 1, 1600×1000
at scale 2), and tab pages that scroll rather than push a window past it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

# Room left for the window frame and the desktop's panels.
MARGIN = QSize(24, 48)


def available_size(widget: QWidget) -> QSize:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() - MARGIN


def fit_to_screen(window: QWidget, preferred: QSize) -> None:
    """Give a window its preferred size, or as much of it as the screen has, and centre it."""
    room = available_size(window)
    size = preferred.boundedTo(room).expandedTo(window.minimumSize().boundedTo(room))
    window.resize(size)
    screen = window.screen() or QGuiApplication.primaryScreen()
    centre = screen.availableGeometry().center()
    window.move(max(screen.availableGeometry().left(), centre.x() - size.width() // 2),
                max(screen.availableGeometry().top(), centre.y() - size.height() // 2))


def scrolled(page: QWidget) -> QScrollArea:
    """A page inside a frameless scroll area that gives it the whole width."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll.setWidget(page)
    return scroll


class ScrolledTabs(QTabWidget):
    """Tabs whose pages scroll when the window is smaller than they are tall.

    widget(), indexOf(), currentWidget() and setCurrentWidget() speak of the pages themselves,
    not of the scroll areas around them.
    """

    def addTab(self, page: QWidget, *args) -> int:  # noqa: N802 (Qt name)
        return super().addTab(scrolled(page), *args)

    def widget(self, index: int) -> QWidget | None:
        holder = super().widget(index)
        return holder.widget() if isinstance(holder, QScrollArea) else holder

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        return next((i for i in range(self.count()) if self.widget(i) is page), -1)

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self.widget(self.currentIndex())

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        index = self.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)
