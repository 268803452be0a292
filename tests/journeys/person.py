"""What a person does at the desk, as Qt events: type, press keys and shortcuts, click, pick.

Each helper checks the widget is there to be used (visible, enabled) before acting, as a person
could only use what they see.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget


def usable(widget: QWidget) -> QWidget:
    assert widget is not None, "no such widget"
    assert widget.isVisible(), f"{widget.objectName() or widget} is not visible"
    assert widget.isEnabled(), f"{widget.objectName() or widget} is disabled"
    return widget


def closed(widget: QWidget) -> bool:
    """Off the screen: hidden, or deleted by Qt once closed (editors and dialogs are)."""
    import shiboken6

    return not shiboken6.isValid(widget) or not widget.isVisible()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier, widget: QWidget | None = None):
    """A key on the focused widget (or the given one), as the keyboard delivers it."""
    QTest.keyClick(widget or focused(), key, modifiers)


def shortcut(sequence: str, widget: QWidget | None = None) -> None:
    """A shortcut such as "Ctrl+E", pressed where the focus is."""
    combo = QKeySequence(sequence)[0]
    QTest.keyClick(widget or focused(), combo.key(), combo.keyboardModifiers())


def type_text(text: str, widget: QWidget | None = None) -> None:
    """Keys as a keyboard sends them; a letter beyond ASCII (á in Pádraig) comes as the key and
    text a European layout delivers, since QTest's own typing asserts on anything but ASCII."""
    target = widget or focused()
    for run in _ascii_runs(text):
        if run.isascii():
            QTest.keyClicks(target, run)
            continue
        for letter in run:
            key = Qt.Key(ord(letter.upper())) if ord(letter.upper()) <= 0xFF else Qt.Key.Key_unknown
            for action in (QTest.KeyAction.Press, QTest.KeyAction.Release):
                QTest.sendKeyEvent(action, target, key, letter, Qt.KeyboardModifier.NoModifier)


def _ascii_runs(text: str) -> list[str]:
    runs: list[str] = []
    for letter in text:
        if runs and runs[-1].isascii() == letter.isascii():
            runs[-1] += letter
        else:
            runs.append(letter)
    return runs


def replace_text(widget: QWidget, text: str) -> None:
    """Select everything in a field with Ctrl+A and type over it."""
    usable(widget)
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def click(widget: QWidget, button=Qt.MouseButton.LeftButton) -> None:
    QTest.mouseClick(usable(widget), button)


def click_row(view: QAbstractItemView, row: int, column: int = 0, double: bool = False) -> None:
    usable(view)
    index = view.model().index(row, column)
    view.scrollTo(index)
    centre = view.visualRect(index).center()
    assert view.viewport().rect().contains(centre), "the row is not in sight"
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    if double:
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def when_modal(act: Callable[[QWidget], None], seen: list | None = None,
               name: str | None = None) -> list:
    """Run act(dialog) as soon as a modal dialog (with objectName `name`, when given) is up;
    exec() blocks until it is closed.

    Returns a list that holds the dialog once it was seen, for the test to check.
    """
    seen = [] if seen is None else seen

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if (dialog is None or not dialog.isVisible()
                or (name is not None and dialog.objectName() != name)):
            QTimer.singleShot(10, poll)
            return
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, poll)
    return seen


def texts(widget: QWidget) -> str:
    """Every label's and button's text under a widget, one line each (what a person reads)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    parts = [w.text() for w in widget.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisible()]
    return "\n".join(parts)


def point_in(widget: QWidget) -> QPoint:
    return widget.rect().center()


def click_tab(tabs, page: QWidget) -> None:
    """Click the tab that shows `page`, where a person sees its caption."""
    index = tabs.indexOf(page)
    assert index >= 0, "no such tab"
    bar = tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def bring_to_front(qtbot, window: QWidget) -> None:
    """Click into a window (here: activate it), as a person does before using its shortcuts."""
    window.activateWindow()
    window.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def choose_menu(qtbot, window, menu_title: str, action_name: str) -> None:
    """Click a menu in the window's menu bar, then the item whose objectName is given."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    bar = window.menuBar()
    entry = next(a for a in bar.actions() if a.text().replace("&", "") == menu_title)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(entry).center())
    menu: QMenu = entry.menu()
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    item = next(a for a in menu.actions() if a.objectName() == action_name)
    assert isinstance(item, QAction) and item.isEnabled(), f"{action_name} is not enabled"
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(item).center())


def pick_in_combo(qtbot, combo, text: str) -> None:
    """Click a combo box open, walk to the item that reads `text` with the arrow keys, Enter.

    (The popup ignores a mouse release for a double-click interval after it opens, which a
    test could only wait out by sleeping; the keys are what a person at the desk uses anyway.)
    """
    click(combo)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    row = combo.findText(text)
    assert row >= 0, f"no item {text!r}"
    for _step in range(combo.count()):
        current = view.currentIndex().row()
        if current == row:
            break
        QTest.keyClick(view, Qt.Key.Key_Down if current < row else Qt.Key.Key_Up)
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)
    assert combo.currentText() == text


class ModalSteps:
    """Act on modal dialogs one after the other while an exec() blocks the test (never hangs).

    Each step is (name, act): it waits until the active modal widget has that objectName (or
    class name), is
    visible and holds the keyboard focus, then runs act(widget). When a step fails or does not
    come within `timeout_ms`, every modal widget still up is closed with done(), so the exec()
    that blocks the test returns, and `failure` says what went wrong for the test to assert.
    After the last step it watches until the widgets it acted on are closed, and closes any
    that stays.
    """

    def __init__(self, *steps: tuple[str, Callable[[QWidget], None]], timeout_ms: int = 5000):
        from time import monotonic

        self._steps = list(steps)
        self._deadline = monotonic() + timeout_ms / 1000
        self._clock = monotonic
        self.seen: list[QWidget] = []
        # Their names as they came up: a dialog is deleted once closed (forms.run_modal).
        self.seen_names: list[str] = []
        self.failure = ""
        self.done = False
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        if not self._steps:
            left = QApplication.activeModalWidget()
            if left is None or all(left is not seen for seen in self.seen):
                self.done = True  # what the steps acted on is closed
            elif self._clock() > self._deadline:
                self._give_up(f"{left.objectName() or left} stayed open")
            else:
                QTimer.singleShot(10, self._poll)
            return
        name, act = self._steps[0]
        widget = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        ready = (widget is not None and widget.isVisible()
                 and name in (widget.objectName(), type(widget).__name__)
                 and focus is not None and (focus is widget or widget.isAncestorOf(focus)))
        if not ready:
            if self._clock() > self._deadline:
                self._give_up(f"step {len(self.seen) + 1}: {name} did not come up with the "
                              f"focus in it (modal: {widget and widget.objectName()}, "
                              f"focus: {focus and focus.objectName()})")
                return
            QTimer.singleShot(10, self._poll)
            return
        self._steps.pop(0)
        self.seen.append(widget)
        self.seen_names.append(widget.objectName())
        try:
            act(widget)
        except Exception as error:  # noqa: BLE001 (reported to the test, which fails on it)
            self._give_up(f"{name}: {error!r}")
            return
        QTimer.singleShot(0, self._poll)

    def _give_up(self, why: str) -> None:
        from PySide6.QtWidgets import QDialog

        self.failure, self.done = why, True
        for _attempt in range(10):
            widget = QApplication.activeModalWidget()
            if widget is None:
                break
            if isinstance(widget, QDialog):
                widget.done(QDialog.DialogCode.Rejected)
            else:
                widget.close()
