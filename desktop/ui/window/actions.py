"""The main window's File, Tools and Help commands: backups, the exports of the registry
(desktop/formats/registry.py), preferences, sample data, about."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox

import desktop
from desktop.formats.registry import DATABASE, Command
from desktop.i18n import N_, Formatter, _, available_languages
from desktop.services.changes import Changes
from desktop.storage.backups import taken_at
from desktop.storage.files import DatabaseGone
from desktop.ui.common.forms import run_modal
from desktop.ui.common.widgets import remember_folder, show_error, start_folder, user_message
from desktop.ui.window.language import (
    choose_language,
    chosen_language,
    interface_language,
    language_name,
)
from desktop.ui.window.lazy_tabs import INVOICES_TAB, PLANS_TAB

if TYPE_CHECKING:  # the invoice views, their documents and PDF code: loaded when first used
    from desktop.ui.invoices.invoice_view import InvoiceTools


def invoice_tools(services: Any, clock: Any) -> InvoiceTools | None:
    """What invoice views need to print and take payments, when the services provide it."""
    if services.documents is None or services.payments is None:
        return None
    from desktop.ui.invoices.invoice_view import InvoiceTools

    return InvoiceTools(services.documents, services.payments, clock, services.mail)


def preference_pages(services: Any, formatter: Any) -> tuple[Any, ...]:
    """Preferences pages of their own: the Direct debit page when mandates are served."""
    if getattr(services, "mandates", None) is None:
        return ()
    from desktop.ui.banking.preferences_page import DirectDebitPage

    return (DirectDebitPage(services.mandates, formatter),)


class WindowActions:
    """Mixed into MainWindow; uses its services, formatter and pages."""

    def _money_changed(self, member_id: int) -> None:
        """A payment or refund, recorded on the page that says so (and shows it already): the
        member's page, balance, outstanding column and the Invoices tab change."""
        self.statusBar().showMessage(_("Payment recorded."), 8000)
        self.operations.done_here(Changes.of(members=[member_id], payments=True),
                                  source=self.sender())

    def can_export(self, command: Command) -> bool:
        """Whether this window can run an export command of the registry."""
        if command.subject == DATABASE:
            return self.services.export is not None
        return self.services.documents is not None and self.services.payments is not None

    def export(self, command: Command, name: str | None = None,
               path: str | None = None) -> Path | list[Path] | None:
        """File → Export → an entry of the registry: choose which (when the command offers
        several), then where; written whole or not at all, readable by its owner alone."""
        if not self.can_export(command):
            return None
        if command.subject != DATABASE:  # invoice documents: those of a day, into a folder
            from desktop.ui.invoices.day_files import write_day_files

            return write_day_files(self, command, invoice_tools(self.services, self.clock),
                                   self.formatter, folder=path)
        title = _(command.title)
        if name is None and len(command.formats) > 1:
            labels = [_(f.label) for f in command.formats]
            text, chosen = QInputDialog.getItem(self, title, _("What to export:"), labels, 0,
                                                False)
            if not chosen:
                return None
            name = command.formats[labels.index(text)].name
        fmt = next(f for f in command.formats if name in (None, f.name))
        if not path:
            path, _filter = QFileDialog.getSaveFileName(
                self, title, str(start_folder(self) / f"{fmt.name}{fmt.suffix}"),
                _(fmt.file_filter))
            if path:
                remember_folder(self, Path(path).parent)
        if not path:
            return None
        target = Path(path)
        try:
            count = self.services.export(fmt, target)
        except Exception as exc:  # a refused or failed file says so in the user's language
            show_error(self, title, user_message(exc))
            return None
        message = (N_("{count} row written to {path}.", "{count} rows written to {path}.", count)
                   if fmt.rows else _("Exported to {path}."))
        self.statusBar().showMessage(message.format(count=count, path=target), 8000)
        return target

    def backup_now(self) -> Path | None:
        if self.services.backup_now is None:
            return None
        try:
            path = self.services.backup_now()
        except Exception as exc:
            show_error(self, _("Backup"), user_message(exc))
            return None
        QMessageBox.information(self, _("Backup"),
                                _("The database was copied to {path}.").format(path=path))
        return path

    def choose_backup(self) -> Path | None:
        """File → Restore…: the backups, newest first, with what restoring does."""
        try:
            backups = self.services.list_backups() if self.services.list_backups else []
        except Exception as exc:
            show_error(self, _("Restore"), user_message(exc))
            return None
        from desktop.ui.window.restore_dialog import RestoreDialog

        dialog = RestoreDialog(backups, self.formatter, self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen

    def restore_backup(self, path: Path | None = None) -> bool:
        """Put a backup in place of the database (a copy of it is kept first) and say so."""
        if self.services.restore is None:
            return False
        path = path if isinstance(path, Path) else self.choose_backup()
        if path is None:
            return False
        try:
            self.services.restore(path)
        except Exception as exc:
            show_error(self, _("Restore"), user_message(exc))
            return False
        self.member_page.clear()
        if getattr(self, "_database_lost", False):  # a lost file was brought back: carry on
            self._database_lost = False
            self.statusBar().clearMessage()
            self.scheduler.start()
        self.refresh_all()
        self.scheduler.run_now()
        when = taken_at(path)
        self.statusBar().showMessage(
            _("Restored the backup of {when}; the database as it was is kept as a backup.")
            .format(when=self.formatter.datetime_short(when) if when else path.name), 20000)
        return True

    def notice_lost_database(self) -> bool:
        """The database file was deleted or replaced: stop the timer, say so once (status bar
        and a message), and write nothing more. True when it is lost."""
        check = getattr(self.services, "check_file", None)
        if check is None:
            return False
        try:
            check()
        except DatabaseGone as gone:
            if not getattr(self, "_database_lost", False):
                self._database_lost = True
                self.scheduler.stop(wait_ms=0)
                self.statusBar().showMessage(str(gone))
                box = QMessageBox(QMessageBox.Icon.Critical, _("Database missing"),
                                  _("The database file {path} was deleted, moved or replaced "
                                    "while Frontdesk had it open. Nothing more is saved: close "
                                    "Frontdesk and open the database again, or restore a "
                                    "backup.").format(path=gone.path), parent=self)
                box.setObjectName("databaseLostMessage")
                box.open()
                self._lost_message = box
            return True
        return False

    def show_outbox(self) -> Any:
        """Rule 29: what waits to be sent, what failed and why, what left; Send again."""
        from PySide6.QtCore import Qt

        from desktop.ui.invoices.outbox_view import OutboxView

        sender = self.mail_sender
        view = OutboxView(self.services.mail, self.formatter, self, run=self.operations.run,
                          send_now=sender.run_now if sender is not None else None)
        if sender is not None:
            sender.finished.connect(view.refresh)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.open()
        return view

    def edit_preferences(self) -> Any:
        from desktop.ui.window.preferences_dialog import PreferencesDialog

        try:
            dialog = PreferencesDialog(self.services.settings, self,
                                       language=chosen_language(self.settings),
                                       languages=tuple(available_languages()),
                                       reader=self.formatter.language,
                                       pages=preference_pages(self.services, self.formatter),
                                       mail=self.services.mail, passwords=self.mail_password)
        except Exception as exc:
            show_error(self, _("Preferences"), user_message(exc))
            return None
        if run_modal(dialog) != PreferencesDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        saved = dialog.saved
        self.operations.done_here(dialog.changes)  # open editors preview with the new tax rate
        if (saved.locale, saved.currency) != (str(self.formatter.locale), self.formatter.currency):
            self.set_formatter(Formatter(saved.locale, saved.currency, self.formatter.language))
        if dialog.chosen_language() != chosen_language(self.settings):
            choose_language(self.settings, dialog.chosen_language())
            self.offer_restart()
        return saved

    def offer_restart(self) -> QMessageBox:
        """A new interface language applies at the next start; say so and offer it now."""
        box = QMessageBox(QMessageBox.Icon.Information, _("Interface language"), _(
            "Frontdesk will speak {language} after a restart. Restart now?").format(
                language=language_name(interface_language(self.settings))),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("restartQuestion")
        restart = box.addButton(_("&Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("&Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restart)
        box.buttonClicked.connect(lambda button: button is restart and self.restart())
        box.open()
        return box

    def restart(self) -> bool:
        """Close the window (unsaved edits ask first) and start Frontdesk again."""
        if not self.close():
            return False
        if getattr(sys, "frozen", False):  # the one-folder build is its own program
            QProcess.startDetached(sys.executable, sys.argv[1:])
        else:
            QProcess.startDetached(sys.executable, ["-m", "desktop", *sys.argv[1:]])
        QApplication.instance().quit()
        return True

    def set_formatter(self, formatter: Any) -> None:
        """Show every amount and date with a new locale or currency."""
        self.formatter = formatter
        for page in (self.members_panel, self.built_member_page(), self.lazy_tabs.built(PLANS_TAB),
                     self.lazy_tabs.built(INVOICES_TAB), self.transitions_panel):
            if page is not None:  # a page not built yet takes the window's formatter then
                page.set_formatter(formatter)
        self._update_status()
        self.formatterChanged.emit(formatter)

    def offer_sample_data(self) -> None:
        """Load sample data is enabled on an empty database only; otherwise it says why."""
        why = "" if self.services.load_demo is not None and self._database_is_empty() else _(
            "Sample data can only be loaded into an empty database. Start Frontdesk with a new "
            "database file to try it.")
        self.sample_action.setEnabled(not why)
        self.sample_action.setToolTip(why or self.sample_action.text().replace("&", ""))
        self.sample_action.setStatusTip(why)

    def load_sample_data(self) -> None:
        if self.services.load_demo is None:
            return
        if not self._database_is_empty():
            QMessageBox.information(self, _("Load sample data"),
                                    _("Sample data can only be loaded into an empty database. "
                                      "Start Frontdesk with a new database file to try it."))
            return
        self.stack.setCurrentWidget(self.welcome)
        self.welcome.load_sample()

    def sample_summary_text(self, summary: Any) -> str:
        return _("Loaded {members} members, {contracts} contracts and {invoices} invoices.").format(
            members=getattr(summary, "members", 0), contracts=getattr(summary, "contracts", 0),
            invoices=getattr(summary, "invoices", 0))

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Frontdesk"), _(
            "<b>Frontdesk {version}</b><p>Contracts and billing for a coworking space's front "
            "desk, offline on this computer.</p><p>Due transitions are applied in the "
            "background every minute.</p>").format(version=desktop.__version__))
