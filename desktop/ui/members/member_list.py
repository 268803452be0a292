"""The member list [memberTable, memberSearch] (docs/design.md#screens): search box, status filter
and the table of MemberListModel, with the member actions (new, edit, archive)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import N_, _
from desktop.ui.common.forms import run_modal
from desktop.ui.common.icons import icon
from desktop.ui.common.widgets import (
    SearchField,
    TableView,
    label,
    show_error,
    user_message,
)
from desktop.ui.common.workers import NewestOnly
from desktop.ui.members.archiving import archived_message, confirm_archive
from desktop.ui.members.member_dialog import MemberDialog
from desktop.ui.members.member_model import MemberListModel

DEBOUNCE_MS = 0  # typing is read on a worker, the newest text winning: no need to wait; keys
# that arrive together (a paste, fast typing between two event-loop turns) still make one query
# A list longer than a page is counted once typing pauses this long, so the keys typed in a
# row never wait behind counts of texts already replaced (a short text's count reads every row).
COUNT_PAUSE_MS = 120
STATUSES = ("members", "contacts", "all", "outstanding", "archived")


class MemberListPanel(QWidget):
    """Search box, status filter and the member table; emits the chosen member's id."""

    memberSelected = Signal(int)   # noqa: N815
    memberActivated = Signal(int)  # noqa: N815
    memberChanged = Signal(int)    # noqa: N815 (created, edited or archived)
    statusMessage = Signal(str)    # noqa: N815 (what an action did, for the status bar)

    def __init__(self, members: Any, formatter: Any, parent: QWidget | None = None, *,
                 mail: Any = None):
        super().__init__(parent)
        self._members = members
        self._mail = mail  # rule 29: the member dialog's mail fields
        self.model = MemberListModel(members, formatter, self)

        self.search = SearchField()
        self.search.setObjectName("memberSearch")
        self.search.setPlaceholderText(_("Search name, email or company"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "muted"), QLineEdit.ActionPosition.LeadingPosition)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("memberStatusFilter")
        for key, text in zip(STATUSES, (_("Members"), _("Contacts"), _("All"),
                                        _("With outstanding"), _("Archived"))):
            self.status_filter.addItem(text, key)
        self.status_filter.setCurrentIndex(STATUSES.index("all"))

        self.table = TableView("memberTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self._lay_out_columns()
        self.count_label = label("", "countLabel")
        self.error_label = label("", "formError", wrap=True)
        self.error_label.hide()

        self._counts = NewestOnly(self)
        self._count_pause = QTimer(self)
        self._count_pause.setSingleShot(True)
        self._count_pause.setInterval(COUNT_PAUSE_MS)
        self._count_pause.timeout.connect(self._count_matches)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._search_typed)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._search_entered)
        self.search.downPressed.connect(self.enter_list)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.model.failed.connect(self._show_failure)
        self.model.modelReset.connect(self._update_count)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)  # Enter or a double click

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.new_action = QAction(icon("new"), _("&New member…"), self,
                                  objectName="newMemberAction")
        self.edit_action = QAction(icon("edit"), _("&Edit member…"), self,
                                   objectName="editMemberAction")
        self.archive_action = QAction(icon("archive"), _("&Archive member"), self,
                                      objectName="archiveMemberAction")
        # triggered(bool) would pass `checked` on as an argument: call without it.
        self.new_action.triggered.connect(lambda: self.new_member())
        self.edit_action.triggered.connect(lambda: self.edit_member())
        self.archive_action.triggered.connect(lambda: self.archive_member())
        self.table.addActions([self.new_action, self.edit_action, self.archive_action])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._update_actions()
        # Enabling sorting above already ran the first query; count what it found.
        self._update_count()
        self._update_empty_text()

    def _lay_out_columns(self) -> None:
        """Widths as COLUMNS declares them. Fixed widths: sizing to contents would read (and
        format) every fetched row on each reset. The stretching column (names) stays readable:
        a list too narrow for every column scrolls sideways, so each column can be reached
        (Credit balance and Outstanding were hidden, or past the edge, at 1366×768)."""
        columns = self.model.columns
        stretch = next(i for i, column in enumerate(columns) if column.stretch)
        widths = {i: column.width for i, column in enumerate(columns) if not column.stretch}
        self.table.set_column_modes(stretch, fixed=widths)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.keep_readable(stretch, columns[stretch].width, widths, drop=())

    # -- filtering ----------------------------------------------------------------------------
    def status(self) -> str:
        return self.status_filter.currentData()

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.error_label.hide()
        current = self.current_member_id()
        self.model.set_filter(self.search.text(), self.status())
        self._filtered(current)

    def _search_typed(self) -> None:
        """The text typed so far, read on a worker (NewestOnly: the newest text's rows win)."""
        self.error_label.hide()
        current = self.current_member_id()
        self.model.request(self.search.text(), self.status(), lambda: self._filtered(current))

    def _filtered(self, current: int | None) -> None:
        self.select_member(current, emit=False)  # unless None or no longer among the rows
        self._update_empty_text()

    def on_changes(self, changes: Any) -> None:
        """A member's row may read differently: read the page in sight again."""
        if changes.touches_members():
            self.refresh()

    def refresh(self) -> None:
        """Query again with the same filter, keeping the selected member selected."""
        self.apply_filter()

    def set_formatter(self, formatter: Any) -> None:
        self.model.set_formatter(formatter)

    def _update_empty_text(self) -> None:
        if self.model.text:
            text = _("Nobody matches “{text}”.").format(text=self.model.text)
            if self.model.status != "all":
                text += " " + _("Choose All to look among members and contacts.")
        elif self.model.status == "members":
            text = _("No members yet: people become members when a contract starts.")
        elif self.model.status == "contacts":
            text = _("No contacts: everyone here has an active contract.")
        elif self.model.status == "outstanding":
            text = _("Nobody owes anything: every invoice is paid.")
        elif self.model.status == "archived":
            text = _("No archived members. Archive member (Edit menu) moves someone here.")
        else:
            text = _("No one here yet. Add a member with New member.")
        self.table.set_empty_text(text)

    def _update_count(self) -> None:
        """Show how many people match: known at once when everything is fetched, else counted
        on a worker (the newest filter's count only, once typing pauses) so a keystroke never
        waits for a count."""
        self._counts.supersede()  # the count of an earlier text is no longer wanted
        if not self.model.canFetchMore(QModelIndex()):
            self._count_pause.stop()
            self._show_count(self.model.rowCount())
            if self.model.rowCount() == 0 and self.model.text and self.model.status != "archived":
                text = self.model.text  # nobody here: say so when archived members match
                self._counts.run(lambda: self._members.count(text=text, status="archived"),
                                 lambda found: self._hint_archived(text, found),
                                 lambda exc: None)
            return
        # The previous text's count would sit beside another list: say it is coming.
        self.count_label.setText(_("Counting…"))
        self._count_pause.start()

    def _count_matches(self) -> None:
        text, status = self.model.text, self.model.status
        self._counts.run(lambda: self._members.count(text=text, status=status), self._show_count,
                         lambda exc: self._show_failure(user_message(exc)))

    def _hint_archived(self, text: str, found: int) -> None:
        if found and text == self.model.text and self.model.rowCount() == 0:
            self.table.set_empty_text(self.table.empty_text() + " " + N_(
                "{count} archived member matches: choose Archived in the filter.",
                "{count} archived members match: choose Archived in the filter.",
                found).format(count=found))

    def _show_count(self, total: int) -> None:
        self.count_label.setText(
            N_("{count} person", "{count} people", total).format(count=total))

    def _show_failure(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _search_entered(self) -> None:
        """Enter in the search: show the matches now and move into the list."""
        self.apply_filter()
        self.enter_list()

    def enter_list(self) -> None:
        """Put the keyboard in the member list, on the current row or the first one."""
        if self.model.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- selection ----------------------------------------------------------------------------
    def current_member_id(self) -> int | None:
        row = self._current_row()
        return None if row is None else row.id

    def select_member(self, member_id: int, emit: bool = True) -> bool:
        row = self.model.row_of(member_id)
        if row < 0:
            return False
        if not emit:
            self.table.selectionModel().blockSignals(True)
        try:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        finally:
            self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(self.model.index(row, 0))
        self._update_actions()
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        if current.isValid():
            self.memberSelected.emit(self.model.row_at(current.row()).id)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.memberActivated.emit(self.model.row_at(index.row()).id)

    def _current_row(self) -> Any | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_actions(self) -> None:
        row = self._current_row()
        self.edit_action.setEnabled(row is not None)
        self.archive_action.setEnabled(row is not None)
        # One action, named for what it will do to the selected member.
        if row is not None and getattr(row, "archived", False):
            self.archive_action.setText(_("Un&archive member"))
            self.archive_action.setToolTip(_("Bring {name} back to the member list.")
                                           .format(name=row.name))
        else:
            self.archive_action.setText(_("&Archive member"))
            self.archive_action.setToolTip(
                _("Hide {name} from the member list; contracts and invoices are kept.")
                .format(name=row.name) if row is not None else _("Select a member first."))

    # -- member actions -------------------------------------------------------------------
    def new_member(self) -> int | None:
        dialog = MemberDialog(self._members, parent=self, mail=self._mail)
        if run_modal(dialog) != MemberDialog.DialogCode.Accepted:
            return None
        self._show_member_after_change(dialog.member_id)
        self.statusMessage.emit(_("{name} added.").format(name=dialog.values()["name"]))
        return dialog.member_id

    def edit_member(self, member_id: int | None = None) -> None:
        member_id = member_id if member_id is not None else self.current_member_id()
        if member_id is None:
            return
        try:
            dialog = MemberDialog(self._members, member_id, parent=self, mail=self._mail)
        except Exception as exc:
            show_error(self, _("Edit member"), user_message(exc))
            return
        if run_modal(dialog) == MemberDialog.DialogCode.Accepted:
            self._show_member_after_change(member_id)
            self.statusMessage.emit(_("{name} saved.").format(name=dialog.values()["name"]))

    def archive_member(self) -> None:
        """Archive the selected member after confirming, or bring an archived one back."""
        row = self._current_row()
        if row is None:
            return
        archive = not getattr(row, "archived", False)
        if archive and not confirm_archive(self, self._members, row):
            return
        try:
            self._members.set_archived(row.id, archive)
        except Exception as exc:
            show_error(self, _("Archive member"), user_message(exc))
            return
        self.refresh()
        self.memberChanged.emit(row.id)
        self.statusMessage.emit(archived_message(row.name, archive))

    def _show_member_after_change(self, member_id: int) -> None:
        self.refresh()
        self.reveal_member(member_id)
        self.memberChanged.emit(member_id)

    def reveal_member(self, member_id: int) -> bool:
        """Select the member in the list, searching for exactly them when they are not among
        the rows fetched (another filter, or far down the list), so that what the member
        actions act on is the member in sight."""
        if self.model.row_of(member_id) < 0:
            try:
                member = self._members.get(member_id)
            except Exception:
                return False
            self.search.blockSignals(True)
            self.search.setText(member.email)
            self.search.blockSignals(False)
            self.status_filter.blockSignals(True)
            self.status_filter.setCurrentIndex(
                STATUSES.index("archived" if member.archived else "all"))
            self.status_filter.blockSignals(False)
            self.apply_filter()
        return self.select_member(member_id)
