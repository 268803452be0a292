"""Open editors follow what changed elsewhere, from the change itself, not by polling."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QPushButton

from person import bring_to_front, shortcut, texts
from test_keyboard import plain_active_contract
from test_offered_actions import create_new_term_by_mouse


def test_a_new_term_made_in_one_editor_shows_at_once_in_the_other(qtbot, desk):
    _name, contract = plain_active_contract(desk)
    first = desk.open_contract(contract.id)
    second = desk.open_contract(contract.id)
    qtbot.waitExposed(second)
    create_new_term_by_mouse(qtbot, desk, second, "1 Feb 2027")
    qtbot.waitUntil(lambda: first.draft().cancellation_date == date(2027, 2, 1), timeout=3000)
    assert not first.findChild(QPushButton, "createNewTermButton").isEnabled()
    qtbot.waitUntil(lambda: bool(first.preview.invoices()), timeout=3000)
    last = first.preview.invoices()[-1]
    assert all(line.period_end is None or line.period_end <= date(2027, 2, 1)
               for line in last.lines if line.contract == contract.id)


def test_a_cancelled_contract_previews_nothing_of_its_successor(qtbot, desk):
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    create_new_term_by_mouse(qtbot, desk, editor, "1 Dec 2026")
    qtbot.waitUntil(lambda: editor.draft().cancellation_date == date(2026, 12, 1), timeout=3000)
    # Days later the timer cancels it and starts the next term (Tools → Run due transitions).
    desk.clock.set(date(2026, 12, 2))
    bring_to_front(qtbot, desk)
    with qtbot.waitSignal(desk.scheduler.finished, timeout=10000):
        shortcut("Ctrl+R", desk)
    qtbot.waitUntil(lambda: editor.findChild(QLabel, "contractStatus").text() == "Cancelled",
                    timeout=3000)
    qtbot.waitUntil(lambda: "Nothing more will be invoiced" in texts(editor.preview),
                    timeout=3000)
    assert editor.preview.invoices() == ()
