"""The Plans tab [planCatalog] (docs/design.md#screens): plans and add-ons, groups, prices, tax
categories (rule 17), allowances, archive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.model import ADDON, PLAN
from desktop.i18n import _
from desktop.ui.catalog.plan_dialog import PlanDialog
from desktop.ui.catalog.raise_prices import RaisePricesDialog
from desktop.ui.catalog.tax_category import category_name
from desktop.ui.common.forms import run_modal
from desktop.ui.common.icons import icon
from desktop.ui.common.tables import RowTableModel
from desktop.ui.common.widgets import TableView, label, offer, show_error, user_message
from desktop.ui.common.workers import run_alone

COLUMNS = ("name", "kind", "group", "price", "frequency", "deposit", "tax_category", "allowances",
           "addons", "archived")
_MONEY = ("price", "deposit")


class PlanTableModel(RowTableModel):
    """Every plan and add-on of the catalog, one row each."""

    PlanIdRole = RowTableModel.IdRole
    SortRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, formatter: Any, parent=None):
        super().__init__(formatter, (_("Name"), _("Kind"), _("Group"), _("Price"), _("Billed"),
                                     _("Deposit"), _("Tax category"), _("Allowances"),
                                     _("Offered add-ons"),
                                     _("Archived")),
                         right=[i for i, key in enumerate(COLUMNS) if key in _MONEY],
                         parent=parent)

    def ordered(self, plans) -> list[Any]:
        # Plans before add-ons, then by group and name: how the desk thinks of the catalog.
        return sorted(plans, key=lambda p: (p.kind != PLAN, (p.group or "").lower(),
                                            p.name.lower()))

    def cell_text(self, plan: Any, column: int) -> str:
        return self._display(plan, COLUMNS[column])

    def cell_data(self, plan: Any, column: int, role: int) -> Any:
        key = COLUMNS[column]
        if role == self.SortRole:
            if key in _MONEY:
                return getattr(plan, key)
            if key == "frequency":
                return float(plan.frequency.periods_per_year) if plan.frequency else 0.0
            return (self._display(plan, key) or "").lower()
        if role == Qt.ItemDataRole.ForegroundRole and plan.archived:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("allowances", "addons"):
            return self._display(plan, key) or None
        return None

    def _display(self, plan: Any, key: str) -> str:
        f = self._formatter
        if key == "name":
            return plan.name
        if key == "kind":
            return _("Plan") if plan.kind == PLAN else _("Add-on")
        if key == "group":
            return plan.group or ""
        if key in _MONEY:
            return f.money(getattr(plan, key))
        if key == "frequency":
            return f.frequency(plan.frequency) if plan.frequency else _("one-off")
        if key == "tax_category":
            return category_name(plan.tax_category)
        if key == "allowances":
            return ", ".join(_("{quantity} {name}").format(quantity=q, name=n)
                             for n, q in sorted(dict(plan.allowances).items()))
        if key == "addons":
            return ", ".join(sorted(plan.addons))
        return _("Archived") if plan.archived else ""


class _PlanFilter(QSortFilterProxyModel):
    """Hides archived rows unless asked; sorts by the model's SortRole."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_archived = False
        self.setSortRole(PlanTableModel.SortRole)

    def set_show_archived(self, show: bool) -> None:
        if hasattr(self, "beginFilterChange"):   # Qt 6.9+
            self.beginFilterChange()
            self.show_archived = show
            self.endFilterChange()
        else:
            self.show_archived = show
            self.invalidateFilter()

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802
        return self.show_archived or not self.sourceModel().row_at(row).archived


class PlanCatalog(QWidget):
    """The catalog table with New plan / New add-on / Edit / Archive / Delete."""

    def __init__(self, catalog: Any, formatter: Any, parent: QWidget | None = None, *,
                 run: Callable[..., Any] = run_alone, prices: Any = None,
                 today: Callable[[], date] | None = None):
        super().__init__(parent)
        self.setObjectName("planCatalog")
        self._catalog, self._formatter = catalog, formatter
        self._prices, self._today = prices, today  # rule 24: *Raise prices…*
        # Every edit calls its service through `run` (the window's Operations.run), which tells
        # every other screen that the catalog changed; this page shows its own edit itself.
        self._run = partial(run, source=self)
        self._sold: set[int] = set()
        self.model = PlanTableModel(formatter, self)
        self.proxy = _PlanFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = TableView("planTable", _("No plans yet. Create the first one with "
                                              "New plan; add-ons come after."))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        # No column sort until one is clicked: the model's own order (plans, group, name).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.set_column_modes((COLUMNS.index("allowances"), COLUMNS.index("addons")))
        self.table.activated.connect(self.edit_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

        self.new_plan_button = QPushButton(icon("new"), _("New plan…"), objectName="newPlanButton")
        self.new_addon_button = QPushButton(icon("new"), _("New add-on…"),
                                            objectName="newAddonButton")
        self.edit_button = QPushButton(icon("edit"), _("Edit…"), objectName="editPlanButton")
        self.archive_button = QPushButton(icon("archive"), _("Archive"),
                                          objectName="archivePlanButton")
        self.delete_button = QPushButton(icon("delete"), _("Delete"), objectName="deletePlanButton")
        self.show_archived = QCheckBox(_("Show archived"), objectName="showArchivedCheck")
        self.new_plan_button.clicked.connect(lambda: self.create(PLAN))
        # Ctrl+N on this tab makes a plan: live only while the tab shows (the window gives New
        # member's Ctrl+N up meanwhile, so the key is never ambiguous).
        self.new_plan_action = QAction(_("New plan…"), self, objectName="newPlanAction")
        self.new_plan_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_plan_action.triggered.connect(lambda: self.create(PLAN))
        self.addAction(self.new_plan_action)
        self.new_addon_button.clicked.connect(lambda: self.create(ADDON))
        self.edit_button.clicked.connect(self.edit_selected)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.delete_button.clicked.connect(self.delete_selected)
        self.show_archived.toggled.connect(self.proxy.set_show_archived)
        self.error_label = label("", "formError", wrap=True)
        self.error_label.hide()

        bar = QHBoxLayout()
        bar.setSpacing(6)
        for button in (self.new_plan_button, self.new_addon_button, self.edit_button,
                       self.archive_button, self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)
        # "Show archived" on a row of its own, over the table's right edge: beside five buttons
        # it needed 813 to 866 px in German, French and Spanish, wider than a 1600-px screen at
        # scale 2 (800 px), and the window grew past the screen's edge.
        shown = QHBoxLayout()
        self.raise_button = QPushButton(_("Raise prices…"), objectName="raisePricesButton")
        self.raise_button.clicked.connect(self.raise_prices)
        shown.addWidget(self.raise_button)
        shown.addStretch(1)
        shown.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(bar)
        layout.addLayout(shown)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(label(_("A plan in a group offers only the plans of its group as next "
                                 "plans; archived plans are never offered. A plan's new price "
                                 "applies to every contract on it without a custom price, for "
                                 "the periods that start from then on."),
                               "muted", wrap=True))
        # Hidden only once it has a parent: shown while it had none, it became a window of its
        # own, which took the main window's activation (and the keyboard focus) with it.
        self.raise_button.setVisible(prices is not None and today is not None)
        self.refresh()

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        self.model.set_formatter(formatter)

    def on_changes(self, changes: Any) -> None:
        """Plans changed outside this page (another desk, an import); its own edits it shows."""
        if changes.touches_catalog():
            self.refresh()

    def refresh(self) -> None:
        current = self.selected_plan()
        try:
            plans = self._catalog.plans(include_archived=True)
            self._sold = self._catalog.sold_plan_ids()
        except Exception as exc:
            self._tell(user_message(exc))
            return
        self.error_label.hide()
        self.model.set_rows(plans)
        if current is not None:
            self.select_plan(current.id)
        self._update_buttons()

    def _tell(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    # -- selection ----------------------------------------------------------------------------
    def selected_plan(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select_plan(self, plan_id: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id == plan_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.table.setCurrentIndex(index)
                    self.table.selectRow(index.row())
                    return True
        return False

    def _update_buttons(self, *_args) -> None:
        plan = self.selected_plan()
        none = "" if plan is not None else _("Select a plan first.")
        for button in (self.edit_button, self.archive_button, self.delete_button):
            offer(button, none)
        # Offered only when it can be done: a plan that was sold can only be archived.
        if plan is not None and plan.id in self._sold:
            offer(self.delete_button,
                  _("{name} has been sold, so it can only be archived.").format(name=plan.name))
        self.archive_button.setText(_("Restore") if plan is not None and plan.archived
                                    else _("Archive"))

    # -- actions ------------------------------------------------------------------------------
    def dialog_for(self, plan: Any = None, kind: str = PLAN) -> PlanDialog:
        return PlanDialog(self._catalog, self._formatter, plan, kind, self, run=self._run)

    def create(self, kind: str = PLAN) -> None:
        dialog = self.dialog_for(None, kind)
        if run_modal(dialog) == PlanDialog.DialogCode.Accepted:
            self._changed(dialog.plan_id)

    def edit_selected(self, *_args) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        dialog = self.dialog_for(plan)
        if run_modal(dialog) == PlanDialog.DialogCode.Accepted:
            self._changed(dialog.plan_id)

    def toggle_archived(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        try:
            self._run(self._catalog.set_archived, plan.id, not plan.archived)
        except Exception as exc:
            show_error(self, _("Archive"), user_message(exc))
            return
        if not plan.archived and not self.show_archived.isChecked():
            self.show_archived.setChecked(True)  # keep the row just archived in sight
        self._changed(plan.id)

    def delete_selected(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        # No is the default: Enter on an irreversible question keeps the plan.
        answer = QMessageBox.question(
            self, _("Delete"), _("Delete {name}? This cannot be undone.").format(name=plan.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._run(self._catalog.delete_plan, plan.id)
        except Exception as exc:
            show_error(self, _("Delete"), user_message(exc))
            return
        self._changed(None)

    def raise_prices(self) -> None:
        """Rule 24: the chosen plans raised by a percentage from a day, after a preview."""
        if self._prices is None or self._today is None:
            return
        current = self.selected_plan()
        dialog = RaisePricesDialog(self._prices, self.model.rows(), self._formatter,
                                   self._today(), None if current is None else current.id,
                                   self, run=self._run)
        if run_modal(dialog) == RaisePricesDialog.DialogCode.Accepted:
            self._changed(None if current is None else current.id)

    def _changed(self, plan_id: int | None) -> None:
        """Show this page's own edit (the other screens were told by `run`)."""
        self.refresh()
        if plan_id is not None:
            self.select_plan(plan_id)
