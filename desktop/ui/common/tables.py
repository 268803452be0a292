"""The model behind every read-only list of rows: contracts, invoices, lines, transitions, plans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

ROLE = Qt.ItemDataRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowTableModel(QAbstractTableModel):
    """Row objects under fixed headers; a subclass says what each cell shows (cell_text).

    Columns listed in `right` (amounts) are aligned right, header too; IdRole answers a row's id.
    """

    IdRole = ROLE.UserRole + 1

    def __init__(self, formatter: Any, headers: Iterable[str], right: Iterable[int] = (),
                 parent=None):
        super().__init__(parent)
        self._formatter = formatter
        self._rows: list[Any] = []
        self.headers = tuple(headers)
        self._right = frozenset(right)

    # -- what a subclass says ---------------------------------------------------------------
    def ordered(self, rows: Iterable[Any]) -> list[Any]:
        """The rows in the order shown; as given unless a list has an order of its own."""
        return list(rows)

    def cell_text(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def cell_data(self, row: Any, column: int, role: int) -> Any:
        """Any other role of a cell (tooltip, colour, sort key); nothing by default."""
        return None

    # -- filling ----------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = self.ordered(rows)
        self.endResetModel()

    def set_formatter(self, formatter: Any) -> None:
        self.beginResetModel()
        self._formatter = formatter
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    # -- QAbstractTableModel ----------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=ROLE.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            if role == ROLE.DisplayRole:
                return self.headers[section]
            if role == ROLE.TextAlignmentRole and section in self._right:
                return RIGHT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=ROLE.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == ROLE.DisplayRole:
            return self.cell_text(row, column)
        if role == ROLE.TextAlignmentRole and column in self._right:
            return RIGHT
        if role == self.IdRole:
            return getattr(row, "id", None)
        return self.cell_data(row, column, role)
