"""Alt+letter of a field on a tab not in sight shows that tab and puts the keyboard in the field.

A label's own mnemonic is live only while the label shows (Qt matches a shortcut of a hidden
widget to nothing), so Alt+letter of a field on another tab did nothing and what was typed next
was lost (issue 26). Tab pages may reuse each other's letters (common/keyboard.py): what is in
sight keeps its letter, and a letter nothing in sight holds reaches the first hidden tab with a
field labelled by it. Only labelled fields are reached so: check boxes and buttons of different
tabs share letters too often ("P&ick from a calendar", "Cancel th&is contract") for one of them
to be the right guess.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabWidget, QWidget

from desktop.ui.common.keyboard import keep_keyboard


def _letter(text: str) -> str | None:
    """The mnemonic letter of a text ("&&" is a literal ampersand), lower case."""
    text = text.replace("&&", "")
    index = text.find("&")
    return text[index + 1].lower() if 0 <= index < len(text) - 1 else None


class HiddenTabLetters(QObject):
    """One shortcut per letter of a field on a hidden tab of `tabs`, inside `window`.

    Refreshed when the tab changes or the window is shown (its letters are handed out when it
    is first shown), so the shortcuts never clash with a letter in sight.
    """

    def __init__(self, window: QWidget, tabs: QTabWidget):
        # The window is only the parent: a reference kept here would keep the window's wrapper
        # alive after the window is deleted.
        super().__init__(window)
        self._tabs = tabs
        self._shortcuts: list[QShortcut] = []
        tabs.currentChanged.connect(self.refresh)

    def _in_sight(self) -> set[str]:
        """Letters held by what can be pressed now: tab captions, buttons, visible labels."""
        bar = self._tabs.tabBar()
        texts = [bar.tabText(i) for i in range(bar.count())]
        window = self.parent()
        for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
            if widget.isVisibleTo(window) and widget.text():
                texts.append(widget.text())
        return {letter for text in texts if (letter := _letter(text))}

    def refresh(self) -> None:
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self._shortcuts = []
        taken = self._in_sight()
        for index in range(self._tabs.count()):
            page = self._tabs.widget(index)
            if index == self._tabs.currentIndex() or not self._tabs.isTabEnabled(index):
                continue
            for label in page.findChildren(QLabel):
                letter = _letter(label.text())
                if letter is None or letter in taken or label.buddy() is None \
                        or not label.isVisibleTo(page):
                    continue
                taken.add(letter)  # the first hidden tab holding a letter answers it
                shortcut = QShortcut(QKeySequence(f"Alt+{letter.upper()}"), self.parent())
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(
                    lambda index=index, label=label: self._reach(index, label))
                self._shortcuts.append(shortcut)

    def _reach(self, index: int, label: QLabel) -> None:
        """Show the tab and give its field the keyboard; a field that cannot take it now (the
        cancellation date before "Cancel this contract" is ticked) leaves it to the tab's first
        field that can, so what is typed next is not lost."""
        self._tabs.setCurrentIndex(index)
        keep_keyboard(self.parent(), label.buddy(), self._tabs.widget(index), self._tabs)
