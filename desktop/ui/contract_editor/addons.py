"""The add-ons block of the contract editor's General tab (rule 16 in docs/billing-rules.md,
docs/design.md#screens).

A compact table of the add-ons the contract holds, with Add add-on… (AddonDialog) and Remove.
Both write at once through ContractService, so they are offered only on a saved contract that has
not ended and has no unsaved edits; the editor reloads on `changed`.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import ACTIVE, CANCELLED, INACTIVE, Contract, ContractAddon
from desktop.i18n import _
from desktop.ui.common.fields import styled_label
from desktop.ui.common.icons import icon
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import TableView, user_message
from desktop.ui.contract_editor.addon_dialog import AddonDialog, price_text

ROW_HEIGHT = 26
VISIBLE_ROWS = (2, 4)  # the table grows with the add-ons held up to four rows, then scrolls


class HeldAddonsModel(RowTableModel):
    """ContractAddon rows: add-on, quantity, since, price per period (or one-off)."""

    def __init__(self, formatter, parent=None):
        super().__init__(formatter, (_("Add-on"), _("Quantity"), _("Since"), _("Price")),
                         right=(1, 3), parent=parent)

    def cell_text(self, row: ContractAddon, column: int) -> str:
        fmt = self._formatter
        if column == 0:
            return row.addon.name
        if column == 1:
            return str(row.quantity)
        if column == 2:
            return fmt.date(row.start_date) if row.start_date else ""
        return price_text(fmt, row.addon, row.quantity)

    def cell_data(self, row: ContractAddon, column: int, role: int):
        if role == Qt.ToolTipRole and column == 3:
            return (_("Invoiced with the contract on every invoice date.") if row.addon.recurring
                    else _("Invoiced once, when it was added."))
        return None


class AddonsBlock(QWidget):
    """The held add-ons and the buttons that add or remove one (written at once)."""

    changed = Signal(object)  # what adding or removing an add-on changed (Changes)
    failed = Signal(str)

    def __init__(self, contract_service, catalog_service, formatter,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("addonsBlock")
        self._contracts, self._catalog, self._fmt = contract_service, catalog_service, formatter
        self._contract: Contract | None = None
        self._status = ""
        self._saved = False
        self._dirty = False
        self.dialog: AddonDialog | None = None
        self.confirmation: QMessageBox | None = None

        self.model = HeldAddonsModel(formatter, self)
        self.table = TableView("addonTable", _("No add-ons on this contract."))
        self.table.setModel(self.model)
        self.table.set_column_modes(0)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.table.setMinimumWidth(280)
        self.addButton = QPushButton(icon("new"), _("Add add-on…"), objectName="addAddonButton")
        self.removeButton = QPushButton(icon("delete"), _("Remove"),
                                        objectName="removeAddonButton")
        self.note = styled_label(role="hint")
        self.note.setObjectName("addonsNote")
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.addButton)
        buttons.addWidget(self.removeButton)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.table)
        column.addLayout(buttons)
        column.addWidget(self.note)

        self.addButton.clicked.connect(self.open_add_dialog)
        self.removeButton.clicked.connect(self.confirm_remove)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)

    # What is shown ------------------------------------------------------------------------------

    def load(self, contract: Contract, status: str, saved: bool) -> None:
        """Show the add-ons of the contract as stored (on open, reload, revert)."""
        self._contract, self._status, self._saved = contract, status, saved
        self.model.set_rows(contract.addons if saved else ())
        rows = min(max(self.model.rowCount(), VISIBLE_ROWS[0]), VISIBLE_ROWS[1])
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * ROW_HEIGHT + 2 * self.table.frameWidth())
        self.table.setVisible(saved)
        for button in (self.addButton, self.removeButton):
            button.setVisible(self._changeable())
        if not saved:
            note = _("Add-ons can be added once the contract is saved.")
        elif status == CANCELLED:
            note = _("This contract has ended; its add-ons can no longer be changed.")
        else:
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self._update_buttons()

    def set_dirty(self, dirty: bool) -> None:
        """Unsaved edits in the editor: adding or removing (which write at once) waits for them."""
        self._dirty = dirty
        self._update_buttons()

    def _changeable(self) -> bool:
        return self._saved and self._status in (ACTIVE, INACTIVE)

    def selected(self) -> ContractAddon | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_args) -> None:
        ready = self._changeable() and not self._dirty
        offers = self._contract is not None and bool(self._contract.plan.addons)
        self.addButton.setEnabled(ready and offers)
        self.removeButton.setEnabled(ready and self.selected() is not None)
        if self._dirty:
            tip = _("Save or revert your changes first.")
            self.addButton.setToolTip(tip)
            self.removeButton.setToolTip(tip)
            return
        self.addButton.setToolTip("" if offers or self._contract is None else _(
            "{plan} offers no add-ons.").format(plan=self._contract.plan.name))
        self.removeButton.setToolTip("" if self.selected() is not None
                                     else _("Select an add-on to remove."))

    # Adding -------------------------------------------------------------------------------------

    def open_add_dialog(self) -> AddonDialog | None:
        """The add-on dialog for the loaded contract; `changed` once it has added one."""
        if not self.addButton.isEnabled():
            return None
        self.dialog = AddonDialog(self._contracts, self._catalog, self._fmt, self._contract,
                                  self._status, self._today(), self)
        dialog = self.dialog
        dialog.setAttribute(Qt.WA_DeleteOnClose)  # a fresh one each time, fresh catalog
        dialog.changed.connect(self.changed)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: AddonDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _today(self) -> date:
        # The service's clock, the one add_addon invoices with (nothing here reads the system's).
        return self._contracts.clock.today()

    # Removing -----------------------------------------------------------------------------------

    def confirm_remove(self) -> QMessageBox | None:
        """Ask before removing the selected add-on, saying when it stops (rule 16)."""
        item = self.selected()
        if item is None or not self.removeButton.isEnabled():
            return None
        box = QMessageBox(self)
        box.setObjectName("removeAddonBox")
        box.setIcon(QMessageBox.Question)
        box.setWindowTitle(_("Remove add-on"))
        box.setText(_("Remove {name} from this contract?").format(name=item.addon.name))
        box.setInformativeText(self.removal_sentence(item))
        remove = box.addButton(_("Remove"), QMessageBox.AcceptRole)
        remove.setObjectName("confirmRemoveAddonButton")
        box.addButton(QMessageBox.Cancel).setObjectName("cancelRemoveAddonButton")
        box.setDefaultButton(remove)
        box.finished.connect(lambda _result: self._removal_answered(box, remove, item))
        self.confirmation = box
        box.open()
        return box

    def removal_sentence(self, item: ContractAddon) -> str:
        """What removing does: a recurring add-on stops at the next invoice date (rule 16)."""
        contract, name = self._contract, item.addon.name
        if not item.addon.recurring:
            sentence = _("{name} was invoiced once, when it was added; removing it takes it off "
                         "this contract and credits nothing.").format(name=name)
        elif self._status == INACTIVE:
            sentence = _("{name} is taken off before the contract starts, so it is never "
                         "invoiced.").format(name=name)
        else:
            sentence = _("{name} stops at the next invoice date, {day}.").format(
                name=name, day=self._fmt.date(contract.next_invoice_date))
        same = sum(1 for held in contract.addons if held.addon.id == item.addon.id)
        if same > 1:
            sentence += " " + _("All {count} entries of {name} are removed.").format(
                count=same, name=name)
        return sentence

    def _removal_answered(self, box: QMessageBox, remove: QPushButton,
                          item: ContractAddon) -> None:
        confirmed = box.clickedButton() is remove
        self.confirmation = None
        box.deleteLater()
        if not confirmed:
            return
        try:
            changes = self._contracts.remove_addon(self._contract.id, item.addon.id)
        except Exception as error:
            self.failed.emit(user_message(error))
            return
        self.changed.emit(changes)
