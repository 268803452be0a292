"""The member list's columns are declared once (desktop/ui/members/member_columns.py): the
model's headers, cells, alignment and repaints, the service's sort and the view's widths all
read the declaration, so they cannot disagree."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.i18n import Formatter
from desktop.services.members import SORTS
from desktop.ui.members.member_columns import COLUMNS, MemberColumn
from desktop.ui.members.member_list import MemberListPanel
from desktop.ui.members.member_model import MemberListModel


def test_a_new_locale_repaints_every_column_the_outstanding_one_included(
        qtbot, fake_members, formatter):
    model = MemberListModel(fake_members, formatter)
    model.requery()
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.set_formatter(Formatter("de_DE", "EUR"))
    first, last = changed.args[:2]
    outstanding = [c.key for c in COLUMNS].index("outstanding")
    assert first.column() == 0 and last.column() >= outstanding
    assert last.row() == model.rowCount() - 1
    assert "€" in model.data(model.index(0, outstanding)) and "," in model.data(
        model.index(0, outstanding))


def test_every_column_sorts_by_a_sort_the_service_knows():
    assert [c.key for c in COLUMNS] == list(SORTS)


def test_headers_cells_alignment_and_sort_come_from_the_declaration(fake_members, formatter):
    columns = (COLUMNS[0], MemberColumn("credit_balance", "Balance (test)",
                                        lambda row, f: f"<{row.credit_balance}>", 80,
                                        amount=True))
    model = MemberListModel(fake_members, formatter, columns=columns)
    model.requery()
    assert model.columnCount() == 2
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Balance (test)"
    row = model.row_at(0)
    assert model.data(model.index(0, 1)) == f"<{row.credit_balance}>"
    assert model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole) \
        & Qt.AlignmentFlag.AlignRight
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert fake_members.search_calls[-1]["sort"] == "credit_balance"


def test_the_view_takes_widths_from_the_declaration_and_scrolls_to_every_column_when_narrow(
        qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    table = panel.table
    header = table.horizontalHeader()
    bar = table.horizontalScrollBar()
    panel.resize(1200, 400)
    panel.show()
    qtbot.waitExposed(panel)
    for index, column in enumerate(COLUMNS):
        assert not header.isSectionHidden(index)
        if not column.stretch:
            assert header.sectionSize(index) == column.width
    qtbot.waitUntil(lambda: bar.maximum() == 0)
    panel.resize(400, 400)
    # Too narrow for every column: none hides, the name keeps its width, the list scrolls
    # sideways to the last column (issue 26: Credit balance and Outstanding were out of reach).
    qtbot.waitUntil(lambda: bar.isVisible() and bar.maximum() > 0)
    stretch = next(i for i, c in enumerate(COLUMNS) if c.stretch)
    assert header.sectionSize(stretch) >= COLUMNS[stretch].width
    assert not any(header.isSectionHidden(i) for i in range(len(COLUMNS)))
    last = len(COLUMNS) - 1
    qtbot.waitUntil(lambda: table.model().rowCount() > 0)
    table.scrollTo(table.model().index(0, last))
    qtbot.waitUntil(lambda: table.viewport().rect().contains(
        table.visualRect(table.model().index(0, last))))
    panel.resize(1200, 400)  # room again: the name stretches, nothing scrolls
    qtbot.waitUntil(lambda: bar.maximum() == 0)
    assert header.sectionSize(stretch) > COLUMNS[stretch].width
