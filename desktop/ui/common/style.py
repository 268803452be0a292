"""The application's style sheet (resources/style.qss) and the invalid-field marking."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from desktop.ui.common.resources import resource_path

# Dynamic property the style sheet uses to outline a field with a problem.
INVALID = "invalid"


def style_sheet() -> str:
    return resource_path("style.qss").read_text(encoding="utf-8")


def apply_style(app: QApplication) -> None:
    """Use the Fusion style under the sheet so every platform looks the same."""
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())


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
