"""The project's stroke icons (resources/icons/*.svg), drawn in the palette's colours.

Each icon is an SVG on a 24-px grid whose strokes use `currentColor`. An engine renders it at
the size asked for, in the palette's text colour (or a fixed colour), and greys it out when the
widget is disabled, so the same file reads in light and dark palettes and at any scale.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from desktop.ui.common.resources import resource_path
from desktop.ui.common.style import colour

# Meanings the screens ask for; each is a file resources/icons/<name>.svg.
NAMES = frozenset({
    "about", "archive", "backup", "calendar", "contract", "delete", "edit", "empty", "invoice",
    "member",
    "members", "new", "plans", "preferences", "quit", "refresh", "restore", "sample", "search",
    "sweep", "transitions", "warning",
})


@cache
def _svg(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


class _TintedSvgEngine(QIconEngine):
    """Renders one SVG in the colour its mode calls for, at exactly the size painted."""

    def __init__(self, name: str, tint: str | None) -> None:
        super().__init__()
        self._name = name
        self._colour = tint

    def _colour_for(self, mode: QIcon.Mode) -> str:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
        if self._colour is not None:
            return colour(self._colour, palette)
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorRole.HighlightedText).name()
        return palette.color(QPalette.ColorRole.WindowText).name()

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        svg = _svg(self._name).replace("currentColor", self._colour_for(mode))
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        renderer.render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name, self._colour)

    def key(self) -> str:
        return "frontdesk-tinted-svg"


def icon(name: str, tint: str | None = None) -> QIcon:
    """The icon for a meaning in NAMES, in the palette's text colour or a tint: a tone of the
    style ("error", "info", "muted", "onAccent", …) or a colour name."""
    if name not in NAMES:
        raise KeyError(f"no icon named {name!r}")
    return QIcon(_TintedSvgEngine(name, tint))


def application_icon() -> QIcon:
    """The application's own icon (resources/frontdesk.svg): window, About box, desktop entry."""
    return QIcon(str(resource_path("frontdesk.svg")))
