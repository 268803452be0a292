"""Windows fit a 1366×768 screen at scale 1 and a 1600×1000 screen at scale 2, nothing clipped
(docs/design.md#screens). Each screen is its own process: Qt fixes the screen and scale when it
starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_keyboard import plain_active_contract

CHECK = Path(__file__).with_name("fit_check.py")


@pytest.mark.parametrize(("width", "height", "scale", "language"), [
    (1366, 768, "1", "en"), (1600, 1000, "2", "en"), (1366, 768, "1", "de"),
    (1600, 1000, "2", "de")])
def test_the_window_the_editor_the_assistant_and_preferences_fit_the_screen(
        desk, database, tmp_path, width, height, scale, language):
    """German at scale 2 (issue 26): the status bar's sentence held the window at 1820 px, the
    editor's General tab scrolled sideways, Preferences drew its hints over its fields."""
    _name, contract = plain_active_contract(desk)
    screens = tmp_path / "screen.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "desk", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96,
         "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
           "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, str(CHECK), database, str(contract.id), "", "",
                             language],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    problems = json.loads(result.stdout.strip().splitlines()[-1])
    assert problems == []


def test_member_names_are_readable_in_the_list_of_a_window_that_fits_the_screen(qtbot, desk):
    """At the size the window opens on a small screen the Name column was ~30 px ("Ka…")."""
    from PySide6.QtWidgets import QTableView

    table = desk.findChild(QTableView, "memberTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 5, timeout=3000)
    header = table.horizontalHeader()
    assert header.sectionSize(0) >= 170
    names = [table.model().index(r, 0).data() for r in range(table.model().rowCount())]
    fits = [table.fontMetrics().horizontalAdvance(n) + 16 <= header.sectionSize(0)
            for n in names]
    assert sum(fits) >= 0.9 * len(names), (header.sectionSize(0), names)
    bar = table.horizontalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0, "the test needs a narrow list"
    # Dragging the splitter to give the list room shows every column at once.
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    desk.resize(1900, desk.height())
    handle = desk.splitter.handle(1)
    start = handle.rect().center()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(handle, start + QPoint(900, 0))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + QPoint(900, 0))
    qtbot.waitUntil(lambda: bar.maximum() == 0, timeout=3000)
    assert not any(header.isSectionHidden(c) for c in range(6))


def test_every_member_column_is_reachable_in_a_window_of_1366_by_768(qtbot, desk):
    """Credit balance and Outstanding sat past the list's edge with no scroll bar until the
    splitter was dragged (issue 26): End in the list brings the last column into sight."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    from desktop.ui.members.member_columns import COLUMNS
    from person import click_row, press

    desk.resize(1366, 768)
    table = desk.findChild(QTableView, "memberTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 5, timeout=3000)
    outstanding = next(i for i, c in enumerate(COLUMNS) if c.key == "outstanding")
    header = table.horizontalHeader()
    assert not header.isSectionHidden(outstanding)
    viewport = table.viewport().rect()
    bar = table.horizontalScrollBar()
    assert bar.isVisible() and bar.maximum() > 0  # the list is too narrow for every column
    click_row(table, 0)
    press(Qt.Key.Key_End)  # the row's last column
    assert table.currentIndex().column() == outstanding
    cell = table.model().index(0, outstanding)
    qtbot.waitUntil(lambda: viewport.contains(table.visualRect(cell)), timeout=3000)
    left = header.sectionViewportPosition(outstanding)
    assert 0 <= left and left + header.sectionSize(outstanding) <= header.viewport().width()
