"""The application's style sheet (resources/style.qss) in the palette's colours, and field marking.

The sheet names no light or dark colour of its own: neutrals come from `palette(...)` and the
@tokens@ (muted text, borders, the error, warning, info and success tones) are worked out here
from the palette, with one table of tones for light palettes and one for dark. When the system
switches between light and dark the sheet is made again.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)

from desktop.ui.common.resources import resource_path

# Dynamic property the style sheet uses to outline a field with a problem.
INVALID = "invalid"

# Tones whose hue carries meaning; each pair reads at WCAG AA on its own background.
_LIGHT = {
    "error": "#b71c1c", "errorBorder": "#c62828", "errorBackground": "#fdecec",
    "warning": "#7a4a00", "warningBorder": "#f0b860", "warningBackground": "#fff4e0",
    "info": "#1f4f9a", "infoBorder": "#a9c4ea", "infoBackground": "#eef4fc",
    "success": "#1b6b34", "successBackground": "#e3f4e8",
}
_DARK = {
    "error": "#ff9e99", "errorBorder": "#e57373", "errorBackground": "#3d2222",
    "warning": "#f6c26b", "warningBorder": "#9a7431", "warningBackground": "#3a2f1a",
    "info": "#a8c8ff", "infoBorder": "#44679c", "infoBackground": "#1d2a3d",
    "success": "#8fd6a4", "successBackground": "#1d3826",
}


def blend(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """a mixed with b; share_of_b = 0 gives a, 1 gives b."""
    def mix(x: int, y: int) -> int:
        return round(x + (y - x) * share_of_b)
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tones(palette: QPalette) -> dict[str, str]:
    """Every @token@ of the style sheet as a colour name, for this palette."""
    role = QPalette.ColorRole
    window, base = palette.color(role.Window), palette.color(role.Base)
    text = palette.color(role.Text)
    found = dict(_DARK if is_dark(palette) else _LIGHT)
    found.update({
        "border": blend(window, text, 0.18).name(),
        "fieldBorder": blend(base, text, 0.32).name(),
        "muted": blend(text, window, 0.28).name(),
        "selection": blend(base, palette.color(role.Highlight), 0.30).name(),
        "disabledText": palette.color(QPalette.ColorGroup.Disabled, role.Text).name(),
        "accent": palette.color(role.Highlight).name(),
        "onAccent": palette.color(role.HighlightedText).name(),
    })
    return found


def colour(name: str, palette: QPalette | None = None) -> str:
    """A tone by its token name ("error", "muted", …) or a colour given as such."""
    found = tones(palette or QGuiApplication.palette())
    return found.get(name, name)


def style_sheet(palette: QPalette | None = None) -> str:
    template = resource_path("style.qss").read_text(encoding="utf-8")
    values = tones(palette or QGuiApplication.palette())
    return re.sub(r"@(\w+)@", lambda match: values[match.group(1)], template)


class _PaletteFollower(QObject):
    """Makes the sheet again when the application's palette changes (light ↔ dark)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._made_for = ""

    def apply(self) -> None:
        key = self._app.palette().color(QPalette.ColorRole.Window).name()
        if key != self._made_for:
            self._made_for = key
            self._app.setStyleSheet(style_sheet(self._app.palette()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self._app and event.type() == QEvent.Type.ApplicationPaletteChange:
            self.apply()
        return False


def apply_style(app: QApplication) -> None:
    """Fusion under the sheet so every platform looks the same; the sheet follows the palette."""
    app.setStyle("Fusion")
    follower = app.findChild(_PaletteFollower)
    if follower is None:
        follower = _PaletteFollower(app)
        app.installEventFilter(follower)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: follower.apply())
    follower.apply()


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Set or clear the `invalid` property and re-polish so the style sheet picks it up.

    Spin boxes and combo boxes are outlined through their text field, so their arrows keep
    the platform look.
    """
    if isinstance(widget, (QAbstractSpinBox, QComboBox)):
        inner = widget.findChild(QLineEdit)
        if inner is not None:
            _set_invalid(inner, invalid)
    _set_invalid(widget, invalid)


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property(INVALID)) == invalid:
        return
    widget.setProperty(INVALID, invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
