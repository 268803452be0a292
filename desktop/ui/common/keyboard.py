"""Keyboard reach for every form: labels that name their field, mnemonics, accessible names.

A form row's label is made the buddy of the input inside the row's field (not of the container
around it), so Alt+letter jumps to the input and screen readers name it. Mnemonics are given
at run time, in whatever language the labels are in: each label, check box and button without
one gets the first free letter of its text in its window, the way KDE's accelerator manager
does, so translations need no '&' of their own.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QStackedWidget,
    QTabBar,
    QTextEdit,
    QWidget,
)

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView,
          QAbstractButton)


def plain(text: str) -> str:
    """A label's text as read aloud: no mnemonic marker, no trailing colon."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":")


def first_input(widget: QWidget) -> QWidget | None:
    """The widget itself when it takes input, else the first input inside it, in tab order."""
    if isinstance(widget, INPUTS):
        return widget
    for child in widget.findChildren(QWidget):
        if isinstance(child, INPUTS) and not isinstance(child.parent(), (QComboBox,
                                                                         QAbstractSpinBox)):
            return child
    return None


def name_input(widget: QWidget, name: str) -> None:
    """Give an input an accessible name unless it has one."""
    if name and not widget.accessibleName():
        widget.setAccessibleName(name)


def link_form_labels(form: QFormLayout) -> None:
    """Point every row's label at the input in its field and name that input after it."""
    for row in range(form.rowCount()):
        label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label_item is None or field_item is None:
            continue
        label, field = label_item.widget(), field_item.widget()
        if not isinstance(label, QLabel) or field is None or not label.text():
            continue
        target = first_input(field)
        if target is None:
            continue
        label.setBuddy(target)
        name_input(target, plain(label.text()))


def _taken(text: str) -> str | None:
    index = text.replace("&&", "").find("&")
    if index < 0 or index + 1 >= len(text.replace("&&", "")):
        return None
    return text.replace("&&", "")[index + 1].lower()


def _with_mnemonic(text: str, used: set[str]) -> str:
    for index, char in enumerate(text):
        if char.isalnum() and char.lower() not in used:
            used.add(char.lower())
            return text[:index] + "&" + text[index:]
    return text


def _pages_of(widget: QWidget, window: QWidget) -> tuple[QWidget, ...]:
    """The tab or stack pages the widget sits on, outermost first (empty when it is always in
    sight). A page's letters are live only while it shows, so pages side by side in one stack
    may reuse each other's; a page inside a page must avoid its outer page's letters too."""
    pages = []
    parent = widget.parentWidget()
    child = widget
    while parent is not None and child is not window:
        if isinstance(parent, QStackedWidget):
            pages.append(child)
        child, parent = parent, parent.parentWidget()
    return tuple(reversed(pages))


def _reserved(window: QWidget) -> set[str]:
    """Letters the menu bar and tab captions already use in this window."""
    texts = []
    if isinstance(window, QMainWindow):
        texts += [a.text() for a in window.menuBar().actions()]
    for bar in window.findChildren(QTabBar):
        texts += [bar.tabText(i) for i in range(bar.count())]
    return {letter for text in texts if (letter := _taken(text))}


def _letter_tabs(window: QWidget) -> None:
    """Give every tab caption its own letter after the menu bar's (Alt+letter shows the tab).

    A letter a translation wrote in is kept while no menu or earlier tab holds it: German's
    "&Standort" and "&Sprache" both asked for Alt+S, and the second now takes another letter.
    """
    used = set()
    if isinstance(window, QMainWindow):
        used = {letter for a in window.menuBar().actions() if (letter := _taken(a.text()))}
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            text = bar.tabText(index)
            letter = _taken(text)
            if letter is not None and letter not in used:
                used.add(letter)
                continue
            bar.setTabText(index, _with_mnemonic(plain_mnemonic(text), used))


def assign_mnemonics(window: QWidget) -> None:
    """Give each buddied label, check box, radio button and push button a free letter.

    Letters are unique among what can be in sight at once: the menu bar, tab captions, the
    widgets always shown, and one tab page at a time. A letter written into a text that another
    widget already holds is given up for a free one.
    """
    buttons = [w for w in window.findChildren(QAbstractButton)
               if w.text() and not w.text().startswith("…")]
    labels = [w for w in window.findChildren(QLabel) if w.buddy() is not None and w.text()]
    pages: dict[tuple[QWidget, ...], list[QWidget]] = {(): []}
    # Always in sight: the buttons that act (Save, Revert) first; on a page: the labels of its
    # fields first, so every field can be reached.
    for widget in buttons + labels:
        if not _pages_of(widget, window):
            pages[()].append(widget)
    for widget in labels + buttons:
        if path := _pages_of(widget, window):
            pages.setdefault(path, []).append(widget)
    _letter_tabs(window)
    taken: dict[tuple[QWidget, ...], set[str]] = {}
    for path, widgets in sorted(pages.items(), key=lambda item: len(item[0])):
        # What is in sight with this page: the menu bar, the tabs, the pages around it.
        used = _reserved(window).union(*(taken[path[:depth]] for depth in range(len(path))
                                         if path[:depth] in taken))
        explicit = [w for w in widgets if _taken(w.text()) is not None and "<" not in w.text()]
        for widget in explicit:  # first come keep their letter, later clashes give it up
            letter = _taken(widget.text())
            if letter in used:
                widget.setText(plain_mnemonic(widget.text()))
            else:
                used.add(letter)
        for widget in widgets:
            text = widget.text()
            if _taken(text) is None and "<" not in text:
                widget.setText(_with_mnemonic(text, used))
        taken[path] = used


def plain_mnemonic(text: str) -> str:
    """The text without its mnemonic marker ("&&" stays a literal ampersand)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


def prepare_for_keyboard(window: QWidget) -> None:
    """Link every form's labels in the window, name buddied inputs, then hand out mnemonics."""
    for form in window.findChildren(QFormLayout):
        link_form_labels(form)
    # Qt names an input after its buddy label only when both share a parent: say it outright.
    for label in window.findChildren(QLabel):
        if label.buddy() is not None and label.text():
            name_input(label.buddy(), plain(label.text()))
    assign_mnemonics(window)


def keep_keyboard(window: QWidget, widget: QWidget | None, page: QWidget,
                  fallback: QWidget) -> None:
    """Give the keyboard back to `widget` when it can still take it, else to the first field of
    `page` that can, else to `fallback`."""
    if widget is not None and window.isAncestorOf(widget) and widget.isEnabled() \
            and widget.isVisible():
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return
    target = next((w for w in page.findChildren(QWidget) if isinstance(w, INPUTS)
                   and w.isEnabled() and w.isVisible()
                   and w.focusPolicy() & Qt.FocusPolicy.TabFocus), None)
    (target or fallback).setFocus(Qt.FocusReason.OtherFocusReason)


def prepare_again(window: QWidget) -> None:
    """Widgets added to a window already prepared (a tab page built when first shown) get
    their letters too; those handed out before keep theirs."""
    if window.property(_READY):
        prepare_for_keyboard(window)


class KeyboardReach(QObject):
    """Prepares each window and dialog for the keyboard the first time it is shown.

    Installed on the application by the composition root, so every dialog (the member dialog,
    the plan dialog, message boxes, …) gets linked labels and mnemonics without each one asking.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if (event.type() == QEvent.Type.Show and isinstance(watched, QWidget)
                and watched.isWindow() and not watched.property(_READY)):
            watched.setProperty(_READY, True)
            prepare_for_keyboard(watched)
        return False


_READY = "keyboardReady"
