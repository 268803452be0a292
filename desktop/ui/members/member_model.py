"""The member list's model: the database filters, sorts and pages.

The model holds only the rows fetched so far and asks MemberService.search for the next page of
200 when the view scrolls near the end, so 100,000 members cost no more than the visible ones.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import user_message
from desktop.ui.common.workers import NewestOnly
from desktop.ui.members.member_columns import COLUMNS, MemberColumn, headers

PAGE_SIZE = 200


class MemberListModel(RowTableModel):
    """Rows of MemberService.search, fetched lazily in pages; sort() asks the service again."""

    failed = Signal(str)
    MemberIdRole = RowTableModel.IdRole

    def __init__(self, members: Any, formatter: Any, parent=None,
                 columns: tuple[MemberColumn, ...] = COLUMNS):
        super().__init__(formatter, headers(columns),
                         right=[i for i, column in enumerate(columns) if column.amount],
                         parent=parent)
        self.columns = columns
        self._members = members
        self._complete = True
        self.text = ""
        self.status = "all"
        self.sort_key = "name"
        self.descending = False
        self._requests = NewestOnly(self, at_once=2)  # a new text need not wait for a slow one

    # -- querying -------------------------------------------------------------------------
    def set_filter(self, text: str, status: str) -> None:
        shown = self._query()
        self.text, self.status = text.strip(), status
        self.requery(shown)

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        if self._rows:  # every column: amounts, and whatever a column formats
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self.columns) - 1))

    def request(self, text: str, status: str, then) -> None:
        """set_filter read on a worker, then then(); only the newest request's rows are shown."""
        text, key, descending = text.strip(), self.sort_key, self.descending
        self._requests.run(lambda: list(self._members.search(
            text=text, status=status, sort=key, descending=descending, limit=PAGE_SIZE)),
            lambda rows: (self._show(text, status, rows), then()),
            lambda exc: self.failed.emit(user_message(exc)))

    def requery(self, shown: tuple | None = None) -> None:
        """Start over from the first page with the current text, status and sort.

        When the page cannot be read (a server away, issue 19) the rows shown stay, and so does
        the query they answer (`shown`, as it was before a new filter or sort), so that the next
        page fetched continues those rows, never mixing in another filter's."""
        self._requests.supersede()
        first = self._page(0)
        if first is not None:
            self._show(self.text, self.status, first)
        elif shown is not None:
            self.text, self.status, self.sort_key, self.descending = shown

    def _query(self) -> tuple:
        return self.text, self.status, self.sort_key, self.descending

    def _show(self, text: str, status: str, first: list[Any]) -> None:
        self.text, self.status = text, status
        self.beginResetModel()
        self._rows = first
        self._complete = len(first) < PAGE_SIZE
        self.endResetModel()

    def _page(self, offset: int) -> list[Any] | None:
        """The rows from offset on; None when they could not be read (said by `failed`)."""
        try:
            return list(self._members.search(
                text=self.text, status=self.status, sort=self.sort_key,
                descending=self.descending, offset=offset, limit=PAGE_SIZE))
        except Exception as exc:  # shown as a sentence by the panel
            self.failed.emit(user_message(exc))
            return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or self._complete:
            return
        rows = self._page(len(self._rows))
        if rows is None:
            return  # tried again when the view next scrolls near the end
        self._complete = len(rows) < PAGE_SIZE
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        shown = self._query()
        self.sort_key = self.columns[column].key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.requery(shown)

    # -- reading ----------------------------------------------------------------------------
    def row_of(self, member_id: int) -> int:
        """The row showing this member among those fetched, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == member_id), -1)

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            # Elided company and plan names read in full on hover; elsewhere the email.
            full = self.columns[column].full_text_tip
            return (self.cell_text(row, column) if full else row.email) or None
        return None

    def cell_text(self, row: Any, column: int) -> str:
        return self.columns[column].text(row, self._formatter)
