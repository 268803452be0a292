"""Light and dark system palettes both read well (docs/design.md#screens): contrast from grabbed
pixels.

Each main screen is shown on the real window; for every visible label with text, the pixels
under it are read from a grab of its window: the most common colour is the background, the
colour furthest from it is the text. Their contrast must reach WCAG AA (4.5:1).
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from person import click, when_modal
from test_keyboard import plain_active_contract

AA = 4.5


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_palette() -> QPalette:
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    for name, value in ((role.Window, "#2b2d30"), (role.WindowText, "#e8eaed"),
                        (role.Base, "#1f2023"), (role.AlternateBase, "#26282b"),
                        (role.Text, "#e8eaed"), (role.Button, "#35373b"),
                        (role.ButtonText, "#e8eaed"), (role.Highlight, "#3d7be0"),
                        (role.HighlightedText, "#ffffff"), (role.PlaceholderText, "#9aa0a6"),
                        (role.ToolTipBase, "#35373b"), (role.ToolTipText, "#e8eaed"),
                        (role.Light, "#45474b"), (role.Midlight, "#3a3c40"),
                        (role.Mid, "#2a2c2f"), (role.Dark, "#1a1b1d"), (role.Shadow, "#000000"),
                        (role.Link, "#8ab4f8"), (role.BrightText, "#ffffff")):
        palette.setColor(name, QColor(value))
    for name in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(group.Disabled, name, QColor("#80868b"))
    return palette


@pytest.fixture(params=["light", "dark"])
def palette_name(request, qapp):
    original = QGuiApplication.palette()
    if request.param == "dark":
        QApplication.setPalette(dark_palette())
    yield request.param
    QApplication.setPalette(original)


def poor_contrast(window: QWidget) -> list[str]:
    image = window.grab().toImage()
    ratio = window.devicePixelRatioF()
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip() or not label.isEnabled():
            continue
        seen = label.visibleRegion().boundingRect()  # a label scrolled out of sight is skipped
        if seen.isEmpty():
            continue
        top_left = label.mapTo(window, seen.topLeft())
        rect = QRect(round(top_left.x() * ratio), round(top_left.y() * ratio),
                     round(seen.width() * ratio), round(seen.height() * ratio))
        rect = rect.intersected(image.rect())
        if rect.width() < 4 or rect.height() < 4:
            continue
        counts = Counter(image.pixel(x, y) for y in range(rect.top(), rect.bottom() + 1)
                         for x in range(rect.left(), rect.right() + 1))
        background = QColor.fromRgb(counts.most_common(1)[0][0])
        text = max((QColor.fromRgb(p) for p in counts), key=lambda c: contrast(c, background))
        measured = contrast(text, background)
        if measured < AA:
            found.append(f"{label.text()[:40]!r}: {measured:.2f}")
    return found


def test_every_tab_of_the_main_window_reads_well(qtbot, palette_name, open_desk, database):
    window = open_desk(database)
    _name, contract = plain_active_contract(window)
    window.show_member(contract.member)
    qtbot.waitUntil(lambda: window.member_page.member_id == contract.member, timeout=3000)
    problems = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        problems += [f"{window.tabs.tabText(index)}: {p}" for p in poor_contrast(window)]
    assert problems == []


def test_the_contract_editor_and_the_change_plan_assistant_read_well(qtbot, palette_name, desk):
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    problems = []
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        problems += [f"editor {editor.tabs.tabText(index)}: {p}" for p in poor_contrast(editor)]

    def inspect(dialog):
        problems.extend(f"assistant: {p}" for p in poor_contrast(dialog))
        dialog.reject()

    seen = when_modal(inspect)
    click(editor.findChild(QPushButton, "changePlanButton"))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert problems == []
