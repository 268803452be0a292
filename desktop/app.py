"""The composition root: paths, settings, locale, database, services, window and timer.

The only module that reads the system clock; everything below is handed a clock.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import signal
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import __version__
from desktop.i18n import _
from desktop.i18n.formatting import Formatter
from desktop.log_file import start_logging
from desktop.services.accounts import AccountService
from desktop.services.banking.collection import CollectionService
from desktop.services.banking.mandates import MandateService
from desktop.services.banking.statements import StatementService
from desktop.services.catalog import CatalogService
from desktop.services.charges import ChargeService
from desktop.services.clock import FixedClock, SystemClock
from desktop.services.contracts.editing import ContractService
from desktop.services.documents import DocumentService
from desktop.services.einvoice_data import EInvoiceDataService
from desktop.services.invoices import InvoiceService
from desktop.services.members import MemberService
from desktop.services.payments import PaymentService
from desktop.services.prices import PriceService
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage import member_search, server
from desktop.storage.changes import watch_changes
from desktop.storage.database import Database, open_database, restore
from desktop.storage.emptiness import database_is_empty
from desktop.storage.errors import DatabaseBusy, DatabaseRefused
from desktop.ui.common.error_dialog import UnexpectedErrors
from desktop.ui.common.icons import application_icon
from desktop.ui.common.keyboard import KeyboardReach
from desktop.ui.common.style import apply_style
from desktop.ui.common.widgets import user_message
from desktop.ui.common.workers import run_in_background
from desktop.ui.window.connect_dialog import ConnectDialog, add_connect_action, saved_server
from desktop.ui.window.context import Services
from desktop.ui.window.language import apply_language, interface_language, speak
from desktop.ui.window.main_window import MainWindow
from desktop.ui.window.operations import OtherDesks

if TYPE_CHECKING:  # imported when the first editor opens: nothing before the first paint needs it
    from desktop.services.sample.demo import DemoSummary
    from desktop.ui.contract_editor.editor import ContractEditor

_log = logging.getLogger(__name__)
ORGANISATION, APPLICATION = "Frontdesk", "Frontdesk"
DATABASE_VARIABLE = "FRONTDESK_DATABASE_URL"
# The desktop entry packaging/frontdesk.desktop, so the shell groups the window under its icon.
DESKTOP_FILE_NAME = "frontdesk"


def make_clock(today: date | None):
    """A fixed clock for a given day (tests, demos), else the system clock."""
    return FixedClock(today) if today is not None else SystemClock(datetime.now)


def _restore_from(db: Database, clock, backup: Path) -> None:
    """Keep a copy of the current file, then put the backup in its place; the engine reconnects.

    The copy's rotation never removes the backup being restored (it may be the oldest).
    """
    db.dispose()
    restore(db.path, backup, safety_at=clock.now())
    db.adopt_file()  # a database file deleted meanwhile has been written anew


def _load_demo(db: Database, today: date) -> DemoSummary:
    """The sample data (welcome page, Help menu): its module is loaded when asked for."""
    from desktop.services.sample.demo import load_demo

    return load_demo(db, today)


def _export(db: Database, fmt, path: Path, today: date):
    """File → Export: the formats' code is loaded when a file is written, not at start."""
    from desktop.formats.files import export_file

    return export_file(fmt, db, path, today)


def build_services(db: Database, clock) -> Services:
    """Every service on one database and one clock, plus the database-level operations."""
    def build(cls):
        return cls(db, clock)
    return Services(
        build(SettingsService), build(MemberService), build(CatalogService),
        build(ContractService), build(InvoiceService), build(SweepService),
        load_demo=functools.partial(_load_demo, db),
        is_empty=functools.partial(database_is_empty, db),
        backup_now=(lambda: db.backup_now(clock.now())) if db.path else None,
        list_backups=db.list_backups if db.path else None,
        restore=functools.partial(_restore_from, db, clock) if db.path else None,
        payments=build(PaymentService), documents=build(DocumentService),
        accounts=build(AccountService), einvoice_data=build(EInvoiceDataService),
        charges=build(ChargeService),
        prices=build(PriceService),
        export=lambda fmt, path: _export(db, fmt, path, clock.today()),
        check_file=db.check_file,
        mandates=build(MandateService), collection=build(CollectionService),
        statements=build(StatementService),
        mail=_mail_service(db, clock),
    )


def _attachment(doc, send_as: str, formatter: Formatter):
    """Rule 29: a document as its member's `send_as` asks (desktop/documents/attachments.py),
    imported when the first message is made, not before the window's first paint."""
    from desktop.documents.attachments import attachment

    return attachment(doc, send_as, formatter)


def _mail_service(db, clock):
    from desktop.services.mail.service import MailService

    return MailService(db, clock, _attachment)


class _EditorFactory:
    """Opens contract editors with the current formatter; the window tracks what it returns."""

    def __init__(self, services: Services, formatter: Formatter):
        self.services, self.formatter = services, formatter
        self.window: MainWindow | None = None

    def _show(self, editor: ContractEditor) -> ContractEditor:
        editor.show()
        editor.raise_()
        return editor

    def existing(self, contract_id: int) -> ContractEditor:
        from desktop.ui.contract_editor.editor import ContractEditor

        return self._show(ContractEditor(self.services.contracts, self.services.catalog,
                                         self.formatter, contract_id,
                                         open_contract=self.window.open_contract,
                                         run=self.window.operations.run))

    def new(self, member_id: int, plan_id: int) -> ContractEditor:
        from desktop.ui.contract_editor.editor import ContractEditor

        draft = self.services.contracts.new_draft(member_id, plan_id)
        return self._show(ContractEditor(self.services.contracts, self.services.catalog,
                                         self.formatter, draft=draft,
                                         open_contract=self.window.open_contract,
                                         run=self.window.operations.run))

    def set_formatter(self, formatter: Formatter) -> None:
        self.formatter = formatter


def _prepare_windows_for_keyboard() -> None:
    """Labels linked to their inputs and mnemonics in every window, once per application."""
    app = QApplication.instance()
    if app is not None and app.property("keyboardReach") is None:
        reach = KeyboardReach(app)
        app.installEventFilter(reach)
        app.setProperty("keyboardReach", reach)


def create_main_window(database: str | None, today: date | None = None, *,
                       settings: QSettings | None = None) -> MainWindow:
    """The fully wired main window, without starting the event loop or the timer."""
    clock = make_clock(today)
    db = open_database(database, now=clock.now())
    # A write from the window waits at most a moment for another program's lock, then says so;
    # the sweep's worker keeps the long wait.
    db.wait_briefly_on_this_thread()
    _prepare_windows_for_keyboard()
    services = build_services(db, clock)
    site = services.settings.get()
    settings = settings or QSettings(ORGANISATION, APPLICATION)
    # The words are the user's (QSettings), money and dates the site's (database).
    language = interface_language(settings)
    apply_language(language, site.locale)
    formatter = Formatter(site.locale, site.currency, language)
    factory = _EditorFactory(services, formatter)
    window = MainWindow(services, formatter, clock, settings,
                        open_contract_editor=factory.existing,
                        open_new_contract=factory.new)
    factory.window = window
    window.formatterChanged.connect(factory.set_formatter)
    window.database = db
    window.clock_source = clock
    window.fixed_today = today
    add_connect_action(window, lambda: connect_to_server(window), database_name(db),
                       db.on_server, db.path.name if db.path is not None else "")
    return window


def database_name(db: Database) -> str:
    """What the title bar and status bar call the open database (never a password)."""
    if db.on_server:
        return server.describe(db.url)
    return str(db.path) if db.path is not None else _("a database in memory")


def ask_for_server(settings: QSettings, parent=None, reason: str = "") -> str | None:
    """The connect dialog: a server's address, "" for this computer's file, None if cancelled."""
    dialog = ConnectDialog(settings, server.server_address, server.check_server, parent)
    dialog.result_label.setText(reason)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen


def connect_to_server(window: MainWindow) -> MainWindow | None:
    """File → Connect to a server…: the window is replaced by one on the chosen database."""
    target = ask_for_server(window.settings, window)
    if target is None:
        return None
    return switch_database(window, target or None)


def switch_database(window: MainWindow, target: str | None) -> MainWindow | None:
    """Open a window on another database; the old one closes (its editors may refuse)."""
    try:
        new = create_main_window(target, window.fixed_today, settings=window.settings)
    except (DatabaseRefused, DatabaseBusy) as refused:  # a server away is a DatabaseBusy too
        QMessageBox.warning(window, _("Connect to a server"), user_message(refused))
        return None
    if not window.close():
        new.database.dispose()
        new.deleteLater()
        return None
    QThreadPool.globalInstance().waitForDone(30000)  # its background calls end first
    window.database.dispose()
    window.deleteLater()
    new.show()
    new.start()
    index_members_for_search(new)
    follow_other_desks(new)
    return new


def prepare_for_background_work() -> None:
    """Keep the window responsive while the sweep runs on a worker thread.

    A full garbage collection on the worker walks every object of the window while holding the
    interpreter lock (about 100 ms with a large list); freezing what exists at start-up leaves it
    only the sweep's own objects. A short switch interval lets the GUI thread in more often.
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(0.001)


def take_daily_backup(window: MainWindow) -> None:
    """The first open of a day keeps a copy of the file (once it holds data), off the GUI thread."""
    db = window.database
    if db.path is None:
        return
    def backup() -> Path | None:
        # An empty database has nothing worth keeping yet.
        return None if database_is_empty(db) else db.backup_daily(window.clock_source.now())

    run_in_background(backup,
                      lambda _path: None,
                      lambda exc: window.statusBar().showMessage(str(exc), 10000))


def index_members_for_search(window: MainWindow) -> None:
    """Where an import left the members' search index out, make it again on a worker (about a
    second for 100,000 members); until then the search reads the columns, as it always could."""
    db = window.database
    if db.on_server:
        return

    def build() -> bool:
        with db.session() as session:
            if member_search.has_index(session):
                return False
        with db.write() as session:
            return member_search.build_index(session.connection())

    run_in_background(build, lambda _built: None,
                      lambda exc: _log.warning("could not index the members for search: %s", exc))


def follow_other_desks(window: MainWindow) -> OtherDesks | None:
    """Another window, process or desk on the same database: its saves appear in this window."""
    watch = watch_changes(window.database)
    if watch is None:
        return None
    window.other_desks = OtherDesks(window, watch)
    return window.other_desks


def stop_on_interrupt(app: QApplication) -> QTimer:
    """Ctrl+C in the terminal closes the window as Quit does.

    Qt's event loop does not return to Python on its own, so a short timer lets the
    interpreter see the signal; closing goes through the window's own close (unsaved edits ask).
    """
    # Closing is queued, so a Ctrl+C that comes before the event loop runs is not lost.
    signal.signal(signal.SIGINT, lambda *_args: QTimer.singleShot(0, app.closeAllWindows))
    wake = QTimer(app)
    wake.start(250)
    wake.timeout.connect(lambda: None)
    return wake


def open_first_window(database: str | None, today: date | None,
                      settings: QSettings) -> MainWindow | None:
    """The window on the database given, else on the server chosen last time; where that server
    refuses or is away, the person chooses again (None: they gave up, said why)."""
    # Whatever is asked before a window exists (the connect dialog, a refusal) speaks the
    # user's language too, as the window will.
    speak(interface_language(settings))
    saved = None if database else saved_server(settings)
    if saved is not None:  # the server chosen last time (File → Connect to a server…)
        database = server.server_address(saved["host"], int(saved["port"] or 5432),
                                         saved["database"], saved["user"])
    try:
        return create_main_window(database, today, settings=settings)
    except (DatabaseRefused, DatabaseBusy) as refused:
        if saved is None:
            QMessageBox.critical(None, APPLICATION, user_message(refused))
            return None
        # The server asks for a password, or is away: the person chooses again.
        database = ask_for_server(settings, None, user_message(refused))
        if database is None:
            return None
        try:
            return create_main_window(database or None, today, settings=settings)
        except (DatabaseRefused, DatabaseBusy) as again:
            QMessageBox.critical(None, APPLICATION, user_message(again))
            return None


def run(database: str | None = None, today: date | None = None) -> int:
    """Open the window on the database and run until it is closed."""
    log_path = start_logging()
    UnexpectedErrors(log_path).install()
    # `frontdesk-gui` starts here directly: the same database as the command line would use.
    database = database or os.environ.get(DATABASE_VARIABLE) or None
    app = QApplication.instance() or QApplication(sys.argv[:1])
    stop_on_interrupt(app)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(application_icon())
    apply_style(app)
    settings = QSettings(ORGANISATION, APPLICATION)
    window = open_first_window(database, today, settings)
    if window is None:
        return 2
    window.show()
    _log.info("window open on %s", database_name(window.database))
    prepare_for_background_work()
    take_daily_backup(window)
    window.start()
    index_members_for_search(window)
    follow_other_desks(window)
    code = app.exec()
    window.database.dispose()
    return code
