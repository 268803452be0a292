"""The change-plan assistant opens on the current plan and shows the change's invoice line by
line for each way of changing (rule 12): credit, charges, deposit, tax, pay now, balance after."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton, QTableView

from person import click, press, when_modal
from test_keyboard import plain_active_contract


def comparison(dialog) -> dict[tuple[str, str], str]:
    model = dialog.findChild(QTableView, "comparisonTable").model()
    return {(model.headerData(r, Qt.Orientation.Vertical),
             model.headerData(c, Qt.Orientation.Horizontal).replace("\n", " ")):
            model.index(r, c).data()
            for r in range(model.rowCount()) for c in range(model.columnCount())}


def test_the_assistant_opens_on_the_current_plan_and_breaks_the_change_down(qtbot, desk):
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    seen: list = []

    def inspect(dialog):
        plans = dialog.findChild(QListWidget, "planList")
        seen.append(plans.currentItem().text())
        seen.append(dialog.findChild(QLabel, "noChangeMessageText").isVisible())
        plans.setFocus()
        row = plans.currentRow()
        press(Qt.Key.Key_Down if row + 1 < plans.count() else Qt.Key.Key_Up, widget=plans)
        qtbot.waitUntil(lambda: not dialog.findChild(QLabel, "noChangeMessageText").isVisible(),
                        timeout=3000)
        seen.append(comparison(dialog))
        dialog.reject()

    when_modal(inspect)
    click(editor.findChild(QPushButton, "changePlanButton"))
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=5000)
    current, no_change, figures = seen
    assert "current plan" in current
    assert no_change is True
    rows = {row for row, _column in figures}
    assert {"Credit for unused time", "Charges", "Refundable deposit", "Tax", "Pay now",
            "Credit balance after"} <= rows
    now = {row: text for (row, column), text in figures.items() if column == "Now"}
    assert now["Credit for unused time"].startswith("-") or now["Credit for unused time"] == "—"
    assert now["Charges"] != "—" and now["Tax"] != "—"
