"""The window's direct-debit and bank-statement commands (rule 30), mixed into MainWindow:
Tools → Direct debit…, File → Import bank statement…, Tools → Bank entries to assign…, and a
statement dropped on the window. Each tells every screen what it changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from desktop.i18n import _
from desktop.ui.common.forms import run_modal
from desktop.ui.common.widgets import remember_folder, start_folder


def add_banking_actions(window: Any, file_menu: Any, tools_menu: Any, act) -> None:
    """The menu entries, each enabled when the window has the service it needs."""
    services = window.services
    window.import_statement_action = act(_("Import bank state&ment…"),
                                         lambda: window.import_statement(), None, None,
                                         "importStatementAction")
    window.direct_debit_action = act(_("&Direct debit…"), window.direct_debit, None, None,
                                     "directDebitAction")
    window.bank_entries_action = act(_("Bank &entries to assign…"), window.bank_entries, None,
                                     None, "bankEntriesAction")
    window.import_statement_action.setEnabled(services.statements is not None)
    window.bank_entries_action.setEnabled(services.statements is not None)
    window.direct_debit_action.setEnabled(services.collection is not None)
    file_menu.addAction(window.import_statement_action)
    tools_menu.addSeparator()
    tools_menu.addAction(window.direct_debit_action)
    tools_menu.addAction(window.bank_entries_action)
    window.setAcceptDrops(services.statements is not None)


def _dropped_file(event: Any) -> Path | None:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return files[0] if len(files) == 1 else None


class BankingActions:
    """Mixed into MainWindow; uses its services, formatter, clock and operations."""

    def direct_debit(self) -> Any:
        from desktop.ui.banking.direct_debit_dialog import DirectDebitDialog

        services: Any = self.services  # type: ignore[attr-defined]
        if services.collection is None:
            return None
        dialog = DirectDebitDialog(services.collection, self.formatter,  # type: ignore
                                   self.clock, self)  # type: ignore[attr-defined]
        run_modal(dialog)
        if dialog.changes:
            self.operations.done_here(dialog.changes)  # type: ignore[attr-defined]
            self.statusBar().showMessage(  # type: ignore[attr-defined]
                _("Collection file saved; its documents are marked submitted."), 10000)
        return dialog.changes

    def import_statement(self, path: str | Path | None = None) -> Any:
        from desktop.ui.banking.bank_entries import import_statement

        services: Any = self.services  # type: ignore[attr-defined]
        if services.statements is None:
            return None
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Import bank statement"), str(start_folder(self)),  # type: ignore
                _("Bank statements (camt.053) (*.xml);;All files (*)"))
            if not path:
                return None
            remember_folder(self, Path(path).parent)  # type: ignore[arg-type]
        report = import_statement(self, services.statements, Path(path))  # type: ignore
        if report is not None and report.changes:
            self.operations.done_here(report.changes)  # type: ignore[attr-defined]
        return report

    def bank_entries(self) -> Any:
        from desktop.ui.banking.bank_entries import BankEntriesDialog

        services: Any = self.services  # type: ignore[attr-defined]
        if services.statements is None:
            return None
        dialog = BankEntriesDialog(services.statements, services.members,
                                   self.formatter, self)  # type: ignore[attr-defined]
        run_modal(dialog)
        if dialog.changes:
            self.operations.done_here(dialog.changes)  # type: ignore[attr-defined]
        return dialog.changes

    # A statement dropped on the window is imported (one file at a time).
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt name)
        if _dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt name)
        path = _dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_statement(path)
