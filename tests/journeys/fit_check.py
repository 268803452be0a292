"""Run in its own process (the screen and scale are fixed when Qt starts): open the window, the
contract editor and the change-plan assistant as a person would find them on this screen, and
print, as JSON, every button outside its window and every label whose text does not fit.

Usage: python fit_check.py DATABASE CONTRACT_ID [PICTURES_DIR [dark|light [LANGUAGE]]]
(with QT_QPA_PLATFORM=offscreen:configfile=… for the screen); given a folder, each screen is
also saved there as a picture to look at, in the dark palette when asked, in the interface
language given (the user's setting; English when none).

Besides what does not fit it reports a tab that scrolls sideways, and a status bar that holds
the main window wider than it can shrink.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QRect, QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollArea, QWidget


def in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def problems_of(window: QWidget, name: str) -> list[str]:
    found = []
    screen = window.screen().availableGeometry()
    if not screen.contains(window.frameGeometry()):
        found.append(f"{name}: {window.frameGeometry()} is not inside the screen {screen}")
    inside = window.rect()
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or in_scroll_area(button, window) or not button.text():
            continue
        rect = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
        if not inside.contains(rect):
            found.append(f"{name}: button {button.text()!r} at {rect} is outside {inside}")
    for label in window.findChildren(QLabel):
        text = label.text()
        if not label.isVisible() or not text.strip() or "<" in text or label.pixmap() is not None \
                and not label.pixmap().isNull():
            continue
        if label.visibleRegion().isEmpty():
            continue
        room = label.contentsRect()
        metrics = label.fontMetrics()
        shown = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
        if label.wordWrap():
            needed = label.heightForWidth(room.width())
            if needed > room.height() + 1:
                found.append(f"{name}: {shown[:40]!r} needs {needed}px of height, has "
                             f"{room.height()}")
        else:
            widest = max(metrics.horizontalAdvance(line) for line in shown.split("\n"))
            if widest > room.width() + 1:
                found.append(f"{name}: {shown[:40]!r} needs {widest}px, has {room.width()}")
    return found


def sideways(tabs, name: str) -> list[str]:
    """The tab in sight scrolls sideways: its page is wider than the room it is given."""
    holder = tabs.currentWidget().parentWidget()
    while holder is not None and not isinstance(holder, QScrollArea):
        holder = holder.parentWidget()
    if holder is None or holder.horizontalScrollBar().maximum() == 0:
        return []
    return [f"{name}: scrolls sideways by {holder.horizontalScrollBar().maximum()}px"]


def unreachable_columns(window: QWidget) -> list[str]:
    """Every column of the member list is in sight or scrolled into it (issue 26: Credit
    balance and Outstanding sat past the edge with no scroll bar)."""
    from PySide6.QtWidgets import QTableView

    table = window.findChild(QTableView, "memberTable")
    model, header = table.model(), table.horizontalHeader()
    problems = []
    for column in range(model.columnCount()):
        if header.isSectionHidden(column):
            problems.append(f"member list: column {column} is hidden")
            continue
        table.scrollTo(model.index(0, column))
        QTest.qWait(10)
        if not table.viewport().rect().contains(table.visualRect(model.index(0, column))):
            problems.append(f"member list: column {column} cannot be scrolled into sight")
    table.horizontalScrollBar().setValue(0)
    return problems


def hidden_at_the_end(dialog) -> list[str]:
    """Scrolled to its end, the assistant's last line of content (the comparison's last row)
    is whole in sight, above the banners and buttons that sit below the scroll area."""
    scroll = dialog.findChild(QScrollArea)
    bar = scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    QTest.qWait(20)
    table = dialog.comparisonTable
    last = table.model().rowCount() - 1
    if last < 0:
        return ["change plan: the comparison has no rows"]
    top = table.viewport().mapTo(scroll.viewport(), table.viewport().rect().topLeft()).y()
    row_bottom = top + table.rowViewportPosition(last) + table.rowHeight(last)
    room = min(scroll.viewport().height(), top + table.viewport().height())
    if row_bottom > room:
        return [f"change plan: the comparison's last row ends at {row_bottom}px, "
                f"below the {room}px in sight"]
    viewport_bottom = scroll.viewport().mapTo(dialog, scroll.viewport().rect().bottomLeft()).y()
    banners = [b for b in (dialog.noChange, dialog.message, dialog.result) if b.isVisible()]
    return [f"change plan: the content reaches {viewport_bottom}px, under a banner at "
            f"{b.mapTo(dialog, b.rect().topLeft()).y()}px"
            for b in banners if b.mapTo(dialog, b.rect().topLeft()).y() <= viewport_bottom]


def main(database: str, contract_id: int, pictures: str = "", palette: str = "",
         language: str = "") -> None:
    app = QApplication(sys.argv[:1])
    if palette == "dark":
        sys.path.insert(0, str(Path(__file__).parent))
        from test_palettes import dark_palette

        app.setPalette(dark_palette())

    def picture(widget: QWidget, name: str) -> None:
        if pictures:
            Path(pictures).mkdir(parents=True, exist_ok=True)
            widget.grab().save(str(Path(pictures) / f"{name}.png"))
    from desktop.app import create_main_window
    from desktop.ui.change_plan.dialog import ChangePlanDialog
    from desktop.ui.common.style import apply_style

    apply_style(app)
    folder = tempfile.mkdtemp()
    settings = QSettings(str(Path(folder) / "window.ini"), QSettings.Format.IniFormat)
    if language:
        from desktop.ui.window.language import LANGUAGE

        settings.setValue(LANGUAGE.key, language)
    window = create_main_window(database, date(2026, 11, 22), settings=settings)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.scheduler.run_now()  # the first sweep, and the status bar's sentence after it
    for _wait in range(400):
        if window.last_report is not None:
            break
        QTest.qWait(50)
    QTest.qWait(200)
    problems = problems_of(window, "main window")
    status = window.status_label.minimumSizeHint().width()
    if status > 100:
        problems.append(f"main window: the status bar sentence holds it {status}px wide")
    picture(window, "main-window")
    problems += unreachable_columns(window)
    editor = window.open_contract(contract_id)
    QTest.qWaitForWindowExposed(editor)
    QTest.qWait(400)  # the preview's debounce
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        QTest.qWait(20)
        problems += problems_of(editor, f"editor ({editor.tabs.tabText(index)})")
        problems += sideways(editor.tabs, f"editor ({editor.tabs.tabText(index)})")
        picture(editor, f"editor-{index}")
    dialog = ChangePlanDialog(window.services.contracts, window.services.catalog,
                              window.formatter, contract_id, parent=editor)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    QTest.qWait(400)  # the quotes' debounce
    problems += problems_of(dialog, "change plan")
    addons = dialog.addonList.horizontalScrollBar()
    if addons.maximum() > 0:
        problems.append(f"change plan: the add-on list scrolls sideways by {addons.maximum()}px")
    problems += hidden_at_the_end(dialog)
    picture(dialog, "change-plan")
    dialog.close()
    editor.close()
    from desktop.ui.window.preferences_dialog import PreferencesDialog

    preferences = PreferencesDialog(window.services.settings, window, language=language,
                                    languages=("de", "en", "es", "fr"),
                                    reader=window.formatter.language)
    preferences.show()
    QTest.qWaitForWindowExposed(preferences)
    for index in range(preferences.tabs.count()):
        preferences.tabs.setCurrentIndex(index)
        QTest.qWait(20)
        problems += problems_of(preferences, f"preferences ({preferences.tabs.tabText(index)})")
        problems += sideways(preferences.tabs, f"preferences ({preferences.tabs.tabText(index)})")
        picture(preferences, f"preferences-{index}")
    print(json.dumps(problems))
    window.scheduler.stop()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:6])
