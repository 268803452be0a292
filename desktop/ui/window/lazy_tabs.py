"""Tabs whose pages are built when first shown or first asked for (docs/design.md#targets,
start-up).

The window opens on one tab; building the others (their widgets, models and first queries)
before the first paint only delays it. `LazyTabs.add` puts an empty stand-in under the tab's
caption; `page` builds the real page the first time it is shown or asked for and swaps it in at
the same place, keeping the current tab; `built` answers without building.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTabWidget, QWidget

from desktop.ui.common.keyboard import prepare_again

# The main window's tabs, in order.
MEMBERS_TAB, PLANS_TAB, INVOICES_TAB, TRANSITIONS_TAB = range(4)


class LazyTabs:
    def __init__(self, tabs: QTabWidget):
        self.tabs = tabs
        self._builders: dict[int, Callable[[], QWidget]] = {}
        self._pages: dict[int, QWidget] = {}
        tabs.currentChanged.connect(self.page)  # connected first: built before others hear

    def add(self, build: Callable[[], QWidget], tab_icon: QIcon, text: str) -> int:
        index = self.tabs.addTab(QWidget(), tab_icon, text)
        self._builders[index] = build
        return index

    def built(self, index: int) -> QWidget | None:
        return self._pages.get(index)

    def page(self, index: int) -> QWidget | None:
        """The page of the tab at index, built now if it was not yet (None: not a lazy tab)."""
        if index in self._pages or index not in self._builders:
            return self._pages.get(index)
        page = self._pages[index] = self._builders.pop(index)()
        tabs, current = self.tabs, self.tabs.currentIndex()
        stand_in = tabs.widget(index)
        blocked = tabs.blockSignals(True)  # the same tab stays current: nothing to announce
        try:
            tabs.insertTab(index, page, tabs.tabIcon(index), tabs.tabText(index))
            tabs.removeTab(index + 1)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(blocked)
        stand_in.deleteLater()
        prepare_again(tabs.window())  # its buttons and fields get Alt letters as the rest did
        return page
