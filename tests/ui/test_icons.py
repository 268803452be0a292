"""The stroke icons in resources/icons: one file per meaning, drawn in the palette's colours."""

from __future__ import annotations

import gc
import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

from desktop.ui.common.icons import NAMES, application_icon, icon
from desktop.ui.common.resources import resource_path

SVG = "{http://www.w3.org/2000/svg}"
ICONS = resource_path("icons")


def test_every_meaning_has_a_file_and_every_file_a_meaning():
    assert {path.stem for path in ICONS.glob("*.svg")} == set(NAMES)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_icon_is_a_stroke_drawing_on_the_24_pixel_grid_in_current_colour(name):
    text = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert root.get("stroke") == "currentColor" and root.get("fill") == "none"
    assert root.get("stroke-width") == "2"
    # No colour of its own, no bitmap: the palette decides how it looks.
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(", text)
    assert root.find(f".//{SVG}image") is None


def _ink(qicon: QIcon, mode=QIcon.Mode.Normal) -> set[tuple[int, int, int]]:
    """The opaque colours of the icon drawn at 48 px."""
    image = qicon.pixmap(QSize(48, 48), mode).toImage()
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() == 255:
                found.add((colour.red(), colour.green(), colour.blue()))
    return found


@pytest.fixture
def palette_of(qapp):
    # Windows earlier tests left to the garbage collector go first: a palette change re-styles
    # every widget still alive (thousands of them made this test take 15 s instead of 0.1 s).
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    original = QGuiApplication.palette()

    def use(window_text: str, base: str) -> None:
        palette = QPalette(original)
        palette.setColor(QPalette.ColorRole.WindowText, QColor(window_text))
        palette.setColor(QPalette.ColorRole.Window, QColor(base))
        QGuiApplication.setPalette(palette)

    yield use
    QGuiApplication.setPalette(original)


@pytest.mark.parametrize(("text", "base"), [("#202020", "#f5f5f5"), ("#eeeeee", "#1e1e1e")])
def test_icons_take_the_palette_text_colour_in_light_and_dark(palette_of, text, base):
    palette_of(text, base)
    expected = QColor(text)
    for name in sorted(NAMES):
        assert (expected.red(), expected.green(), expected.blue()) in _ink(icon(name)), name


def test_a_fixed_colour_wins_and_a_disabled_icon_is_greyed(palette_of):
    palette_of("#202020", "#f5f5f5")
    assert _ink(icon("warning", "#c62828")) == {(0xc6, 0x28, 0x28)}
    disabled = QGuiApplication.palette().color(QPalette.ColorGroup.Disabled,
                                               QPalette.ColorRole.WindowText)
    ink = _ink(icon("new"), QIcon.Mode.Disabled)
    assert ink == {(disabled.red(), disabled.green(), disabled.blue())}


def test_an_unknown_icon_is_a_programming_error():
    with pytest.raises(KeyError):
        icon("no-such-icon")


def test_application_icon_is_the_shipped_drawing(qapp):
    image = application_icon().pixmap(QSize(64, 64)).toImage()
    assert not image.isNull()
    assert image.pixelColor(32, 32).alpha() == 255
    assert image.pixelColor(0, 0) == QColor(Qt.GlobalColor.transparent) or \
        image.pixelColor(0, 0).alpha() == 0
