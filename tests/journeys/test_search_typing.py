"""Searching while typing fast (docs/design.md#screens, docs/design.md#targets): whatever order the
queries finish in, the member list ends on the rows of the text in the box, never an earlier
text's."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QLineEdit, QTableView

from desktop.ui.members.member_list import DEBOUNCE_MS
from person import focused, shortcut, type_text


def test_typing_fast_ends_on_the_rows_of_the_final_text(qtbot, desk):
    everyone = desk.services.members.search(limit=200)
    person = everyone[len(everyone) // 2]
    search = desk.findChild(QLineEdit, "memberSearch")
    table = desk.findChild(QTableView, "memberTable")
    model = table.model()
    (debounce,) = [t for t in desk.members_panel.findChildren(QTimer)
                   if t.isSingleShot() and t.interval() == DEBOUNCE_MS]
    shown = []
    model.modelReset.connect(lambda: shown.append(model.text))

    shortcut("Ctrl+F", desk)
    assert focused() is search
    start, rest = person.email[:3], person.email[3:]
    type_text(start)
    qtbot.waitUntil(lambda: model.text == start, timeout=10000)  # an earlier text's rows
    for i, char in enumerate(rest):
        type_text(char)
        if i % 2:  # every other key lets the pause end: queries start while typing goes on
            qtbot.waitUntil(lambda: not debounce.isActive(), timeout=10000)

    qtbot.waitUntil(lambda: model.text == person.email, timeout=20000)
    assert QThreadPool.globalInstance().waitForDone(20000)  # every query answered...
    qtbot.waitUntil(lambda: shown[-1] == person.email and not debounce.isActive())
    # ... and the list still shows the final text's rows, whichever answered last.
    assert model.text == search.text() == person.email
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [person.name]
    assert shown[0] == start
    lengths = [len(text) for text in shown]
    assert lengths == sorted(lengths)  # never back to an earlier, shorter text's rows
