"""The main window (docs/design.md#screens): Members | Plans | Invoices | Transitions, menus, status
bar.

Built from injected parts; it opens no database and reads no clock of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from desktop.i18n import _
from desktop.services.changes import THIS_WINDOW, Changes
from desktop.ui.banking.window_actions import BankingActions
from desktop.ui.common.icons import application_icon, icon
from desktop.ui.common.screens import available_size, fit_to_screen
from desktop.ui.common.widgets import ElidedLabel, label, show_error, user_message
from desktop.ui.mail.sender import attach_mail
from desktop.ui.members.member_list import MemberListPanel
from desktop.ui.transitions.panel import TransitionsPanel
from desktop.ui.transitions.scheduler import SweepScheduler
from desktop.ui.window.actions import WindowActions, invoice_tools
from desktop.ui.window.context import Services
from desktop.ui.window.lazy_tabs import (
    INVOICES_TAB,
    MEMBERS_TAB,
    PLANS_TAB,
    TRANSITIONS_TAB,
    LazyTabs,
)
from desktop.ui.window.menus import build_menus, standard_keys
from desktop.ui.window.operations import Operations
from desktop.ui.window.sweep_status import SweepStatus
from desktop.ui.window.welcome_page import WelcomePage

if TYPE_CHECKING:  # built after the first paint, or when first shown (see MainWindow.__init__)
    from desktop.ui.catalog.plan_catalog import PlanCatalog
    from desktop.ui.invoices.invoices_page import InvoicesPage
    from desktop.ui.members.member_page import MemberPage

_log = logging.getLogger(__name__)
# The smallest window that is still worth working in; smaller restored sizes are replaced.
MIN_WIDTH, MIN_HEIGHT = 720, 440


class FirstPaint(QObject):
    """Calls `then` once, on the event loop's turn after the widget's first paint: what the first
    screen does not show is built only once it is on the screen."""

    def __init__(self, widget: QWidget, then: Callable[[], Any]):
        super().__init__(widget)
        self._widget, self._then = widget, then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def quit_when_closed(window: QWidget, editor: Any, waiting: list[Any]) -> None:
    """Once the editor closes (saved or discarded) the window goes on closing; if the person
    keeps the editor open, quitting is called off. `waiting` lists the editors asked so far."""
    closed, kept = getattr(editor, "closed", None), getattr(editor, "closeKept", None)
    if closed is None or kept is None or editor in waiting:
        return
    waiting.append(editor)

    def finish(go_on: bool) -> None:
        waiting.remove(editor)
        closed.disconnect(on_closed)
        kept.disconnect(on_kept)
        if go_on:
            QTimer.singleShot(0, window.close)

    def on_closed() -> None:
        finish(True)

    def on_kept() -> None:
        finish(False)

    closed.connect(on_closed)
    kept.connect(on_kept)


class MainWindow(SweepStatus, WindowActions, BankingActions, QMainWindow):
    """The window people spend the day in.

    `open_contract_editor(contract_id)` opens the contract editor and returns it (its
    `changed` signal and `on_changes` are used); `open_new_contract(member_id, plan_id)` opens
    an editor on a new draft. Either may be None.

    Every change reaches the screens through `operations` (desktop/ui/window/operations.py).
    """

    formatterChanged = Signal(object)  # noqa: N815
    sweepStatusChanged = Signal(str)   # noqa: N815

    def __init__(self, services: Services, formatter: Any, clock: Any, settings: QSettings,
                 open_contract_editor: Callable[[int], Any] | None = None,
                 open_new_contract: Callable[[int, int], Any] | None = None,
                 scheduler: SweepScheduler | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(_("Frontdesk"))
        self.setWindowIcon(application_icon())
        self.services, self.formatter, self.clock = services, formatter, clock
        self.settings = settings
        self._open_editor = open_contract_editor
        self._open_new_contract = open_new_contract
        self.editors: list[Any] = []
        self._quit_waits_for: list[Any] = []  # editors asking about unsaved changes on quit
        self.scheduler = scheduler or SweepScheduler(services.sweep, clock, parent=self)
        self.last_report: Any = None
        self.last_checked = None
        self.last_error = ""

        self.members_panel = MemberListPanel(services.members, formatter, mail=services.mail)
        # The member page shows nothing until a member is chosen, and its module brings the
        # invoice views, documents and PDF code with it: the window paints first with its empty
        # state in place (the same sentence), and the page is built right after the first paint
        # (FirstPaint) or when something asks for it (`member_page`).
        self._member_page: MemberPage | None = None
        self._empty_page = label(_("Select a member in the list to see their contracts, "
                                   "invoices and allowances."), "muted", wrap=True)
        self._empty_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="memberSplitter")
        self.splitter.addWidget(self.members_panel)
        self.splitter.addWidget(self._empty_page)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([580, 700])
        self.splitter.setChildrenCollapsible(False)
        # Neither side is ever squeezed to nothing; together they fit a scale-2 laptop screen.
        self.members_panel.setMinimumWidth(260)
        self._empty_page.setMinimumWidth(380)
        self.members_panel.setContentsMargins(8, 8, 0, 8)
        # The status bar reads the transitions panel's models, so it is built now; the Plans and
        # Invoices pages when first shown or asked for (plan_catalog, invoices_page), not before
        # the first paint.
        self.transitions_panel = TransitionsPanel(services.sweep, formatter, clock)

        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.splitter, icon("members"), _("Members"))
        self.lazy_tabs = LazyTabs(self.tabs)
        self.lazy_tabs.add(self._build_plan_catalog, icon("plans"), _("Plans"))
        self.lazy_tabs.add(self._build_invoices_page, icon("invoice"), _("Invoices"))
        self.tabs.addTab(self.transitions_panel, icon("transitions"), _("Transitions"))
        load = (lambda: services.load_demo(clock.today())) if services.load_demo else None
        self.welcome = WelcomePage(load)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.welcome)
        self.setCentralWidget(self.stack)

        # Cut short with "…" rather than holding the window wider than the screen; the whole
        # sentence is what the Transitions tab shows in full.
        self.status_label = ElidedLabel(_("Checking due transitions…"),
                                        objectName="transitionStatus")
        self.status_label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().setSizeGripEnabled(False)

        self.operations = Operations(self.screens, self)
        # Rule 29: the session's SMTP password and the worker sending the outbox.
        self.mail_password, self.mail_sender = attach_mail(self, services.mail)
        build_menus(self)
        self._connect()
        self._restore_state()
        if self._database_is_empty():
            self.stack.setCurrentWidget(self.welcome)
        self._first_paint = FirstPaint(self.members_panel.table.viewport(),
                                       lambda: self.member_page)

    # -- building -------------------------------------------------------------------------------
    @property
    def member_page(self) -> MemberPage:
        """The member page, built in place of its empty state the first time it is asked for."""
        if self._member_page is None:
            self._member_page = self._build_member_page()
        return self._member_page

    def built_member_page(self) -> MemberPage | None:
        return self._member_page

    def _build_member_page(self) -> MemberPage:
        from desktop.ui.members.member_page import MemberPage

        page = MemberPage(self.services.members, self.services.invoices, self.formatter,
                          self.clock, tools=invoice_tools(self.services, self.clock),
                          accounts=self.services.accounts, mandates=self.services.mandates,
                          einvoice_data=self.services.einvoice_data,
                          charges=self.services.charges)
        page.new_contract_button.setVisible(self._open_new_contract is not None)
        page.setMinimumWidth(380)
        sizes = self.splitter.sizes()
        self.splitter.replaceWidget(1, page)
        self.splitter.setSizes(sizes)
        self._empty_page.deleteLater()
        page.contractActivated.connect(self.open_contract)
        page.editRequested.connect(self.members_panel.edit_member)
        page.newContractRequested.connect(self.new_contract)
        page.memberChanged.connect(self._money_changed)
        page.accountChanged.connect(
            lambda changes: self.operations.done_here(changes, source=page))
        return page

    @property
    def plan_catalog(self) -> PlanCatalog:
        return self.lazy_tabs.page(PLANS_TAB)

    @property
    def invoices_page(self) -> InvoicesPage:
        return self.lazy_tabs.page(INVOICES_TAB)

    def _build_plan_catalog(self) -> PlanCatalog:
        from desktop.ui.catalog.plan_catalog import PlanCatalog

        return PlanCatalog(self.services.catalog, self.formatter, run=self.operations.run,
                           prices=self.services.prices, today=self.clock.today)

    def _build_invoices_page(self) -> InvoicesPage:
        from desktop.ui.invoices.invoices_page import InvoicesPage

        page = InvoicesPage(self.services.invoices, self.formatter,
                            tools=invoice_tools(self.services, self.clock))
        page.memberChanged.connect(self._money_changed)
        return page

    def _connect(self) -> None:
        self.members_panel.memberSelected.connect(
            lambda member_id: self.member_page.show_member(member_id))
        self.members_panel.memberChanged.connect(self._member_changed)
        self.members_panel.statusMessage.connect(
            lambda text: self.statusBar().showMessage(text, 10000))
        self.members_panel.memberActivated.connect(self._member_opened)
        self.transitions_panel.run_button.clicked.connect(self.run_sweep_now)
        self.transitions_panel.refreshed.connect(self._update_status)
        self.transitions_panel.memberActivated.connect(self.show_member)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.scheduler.started.connect(self._sweep_started)
        self.scheduler.finished.connect(self._sweep_finished)
        self.scheduler.catchUpNeeded.connect(self._ask_catch_up)
        self.scheduler.failed.connect(self._sweep_failed)
        self.scheduler.dateChanged.connect(self._date_changed)
        self.welcome.finished.connect(self._welcome_done)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the background timers: a sweep now, then every minute; the outbox likewise."""
        self.scheduler.start()
        if self.mail_sender is not None:
            self.mail_sender.start()

    def _database_is_empty(self) -> bool:
        if self.services.is_empty is None:
            return False
        try:
            return bool(self.services.is_empty())
        except Exception as exc:
            _log.warning("could not tell whether the database is empty: %s", exc)
            return False

    def _restore_state(self) -> None:
        geometry = self.settings.value("mainWindow/geometry")
        restored = geometry is not None and self.restoreGeometry(geometry)
        # A saved size that no longer fits (another screen) or is too small to work in is
        # replaced by one that fits this screen.
        room = available_size(self)
        if (not restored or self.width() < MIN_WIDTH or self.height() < MIN_HEIGHT
                or self.width() > room.width() or self.height() > room.height()):
            fit_to_screen(self, QSize(1280, 800))
        state = self.settings.value("mainWindow/state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.value("mainWindow/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        tab = self.settings.value("mainWindow/tab", 0)
        try:
            self.tabs.setCurrentIndex(int(tab))
        except (TypeError, ValueError):
            pass

    def save_state(self) -> None:
        self.settings.setValue("mainWindow/geometry", self.saveGeometry())
        self.settings.setValue("mainWindow/state", self.saveState())
        self.settings.setValue("mainWindow/splitter", self.splitter.saveState())
        self.settings.setValue("mainWindow/tab", self.tabs.currentIndex())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Each editor guards its own unsaved changes; one that stays open keeps the window open.
        for editor in list(self.live_editors()):
            if not editor.close():
                event.ignore()
                quit_when_closed(self, editor, self._quit_waits_for)
                return
        self.save_state()
        self.scheduler.stop()
        if self.mail_sender is not None:
            self.mail_sender.stop()
        super().closeEvent(event)

    # -- navigation -----------------------------------------------------------------------------
    def show_tab(self, index: int) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(index)

    def find_member(self) -> None:
        self.show_tab(MEMBERS_TAB)
        self.members_panel.search.setFocus()
        self.members_panel.search.selectAll()

    def show_member(self, member_id: int) -> None:
        """The member's page, with the member selected in the list: Edit and Archive act on
        the selection, so it must be the member in sight."""
        self.show_tab(MEMBERS_TAB)
        if not self.members_panel.reveal_member(member_id):
            self.members_panel.table.clearSelection()
            self.members_panel.table.setCurrentIndex(QModelIndex())
            self.member_page.show_member(member_id)

    def _tab_changed(self, index: int) -> None:
        # Ctrl+N is New member on the Members tab and New plan on the Plans tab, never both.
        self.members_panel.new_action.setShortcuts(
            standard_keys(QKeySequence.StandardKey.New) if index == MEMBERS_TAB else [])
        if index == INVOICES_TAB and self.invoices_page.model.rowCount() == 0:
            self.invoices_page.refresh()
        if index == TRANSITIONS_TAB and not self.transitions_panel.loading:
            self.transitions_panel.refresh()

    def screens(self) -> list[Any]:
        """Every screen told of changes: the pages built so far (one not built yet reads
        everything when first shown), every open editor, and the window's status bar."""
        pages = [self.members_panel, self._member_page, self.lazy_tabs.built(PLANS_TAB),
                 self.lazy_tabs.built(INVOICES_TAB), self.transitions_panel]
        return [page for page in pages if page is not None] + self.live_editors() + [self]

    def refresh_all(self) -> None:
        """Every screen reads everything again (a restored backup, the first run)."""
        self.operations.publish(Changes.anything())

    def on_changes(self, changes: Changes) -> None:
        """The status bar's part: a contract changed here is said, and what it made due today
        (a new contract's first invoice) is issued at once."""
        if changes.by == THIS_WINDOW and changes.contracts:
            self.statusBar().showMessage(_("Saved."), 10000)
            self.scheduler.run_now()

    def _member_opened(self, member_id: int) -> None:
        """Enter on a member: their page, with the keyboard in their contracts."""
        if self.member_page.member_id != member_id:
            self.member_page.show_member(member_id)
        self.member_page.focus_contracts()

    def _member_changed(self, member_id: int) -> None:
        """The list created, edited or archived a member (and shows it already)."""
        self.operations.done_here(Changes.of(members=[member_id]), source=self.members_panel)
        if self.members_panel.current_member_id() == member_id \
                and self.member_page.member_id != member_id:
            self.member_page.show_member(member_id)

    # -- contracts ------------------------------------------------------------------------------
    def live_editors(self) -> list[Any]:
        alive = []
        for editor in self.editors:
            try:
                if editor.isVisible():
                    alive.append(editor)
            except RuntimeError:     # its window was closed and deleted
                continue
        self.editors = alive
        return alive

    def open_contract(self, contract_id: int) -> Any:
        if self._open_editor is None:
            return None
        return self._tracked_editor(_("Contract"), self._open_editor, contract_id)

    def new_contract(self, member_id: int) -> Any:
        if self._open_new_contract is None or member_id is None:
            return None
        from desktop.ui.members.plan_picker import pick_plan

        plan_id = pick_plan(self, self.services.catalog, self.formatter)
        if plan_id is None:
            return None
        return self._tracked_editor(_("New contract"), self._open_new_contract, member_id, plan_id)

    def _tracked_editor(self, title: str, open_editor: Callable[..., Any], *args: Any) -> Any:
        """Open an editor and follow its saves; a failure is told in a message box (`title`)."""
        try:
            editor = open_editor(*args)
        except Exception as exc:
            show_error(self, title, user_message(exc))
            return None
        if editor is None:
            return None
        self.editors.append(editor)
        editor.changed.connect(self._editor_changed)
        return editor

    def _editor_changed(self, changes: Changes) -> None:
        """An editor made a new term, changed plan or an add-on (its Save is told through
        `Operations.run`): every screen hears of it but that editor, which shows it already."""
        self.operations.done_here(changes, source=self.sender())

    # -- first run ------------------------------------------------------------------------------
    def _welcome_done(self, summary: Any) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.show_tab(MEMBERS_TAB if summary is not None else PLANS_TAB)
        self.refresh_all()
        if summary is not None:
            self.scheduler.run_now()
