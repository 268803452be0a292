"""The Terms tab of the contract editor (rule 25): the commitment end — a date, or "N periods
from the start" — the notice period, "ends at commitment end", the earliest cancellation date
and "waive notice and commitment".

The earliest date is the domain's (`earliest_cancellation`) with the site's setting from the
editor's basis; the service checks the cancellation against it on every edit and at Save. A
notice that is not a period ("1 month", "2 weeks") is marked here and keeps Save disabled.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QWidget

from desktop.domain.commitment.notice import earliest_cancellation
from desktop.domain.model import Contract
from desktop.domain.periods import boundary, parse_frequency
from desktop.i18n import _
from desktop.ui.common.fields import (
    FieldMessage,
    date_edit,
    field_block,
    from_qdate,
    styled_label,
    to_qdate,
)
from desktop.ui.common.widgets import offer
from desktop.ui.contract_editor.tabs import Blocked, EditorContext, align_labels, form_layout


class CommitmentTab(QWidget):
    """Commitment end, notice period, "ends at commitment end", the earliest cancellation date
    and the waiver."""

    edited = Signal(dict)
    localProblem = Signal(str, str)  # noqa: N815

    def __init__(self, formatter):
        super().__init__()
        self._fmt = formatter
        self._draft: Contract | None = None
        form = form_layout(self)
        self.commit_check = QCheckBox(_("Committed until"), objectName="commitmentCheck")
        self.end_edit = date_edit("commitmentEndEdit", formatter)
        self.end_message = FieldMessage("commitmentEndMessage")
        self.periods_spin = QSpinBox(objectName="commitmentPeriodsSpin")
        self.periods_spin.setRange(1, 120)
        self.periods_button = QPushButton(_("periods from the start"),
                                          objectName="commitmentPeriodsButton")
        self.periods_button.setToolTip(_("Set the commitment end this many billing periods "
                                         "after the start date."))
        periods = QWidget()
        row = QHBoxLayout(periods)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.periods_spin)
        row.addWidget(self.periods_button)
        row.addStretch(1)
        form.addRow(_("Commitment"), field_block(self.commit_check, self.end_message,
                                                 below=(self.end_edit, periods)))
        self.notice_edit = QLineEdit(objectName="noticeEdit")
        self.notice_edit.setPlaceholderText(_("No notice period (such as 1 month)"))
        self.notice_message = FieldMessage("noticeMessage")
        form.addRow(_("Notice period"), field_block(self.notice_edit, self.notice_message))
        self.ends_check = QCheckBox(_("Ends at commitment end"), objectName="endsAtCommitmentCheck")
        self.ends_check.setToolTip(_("Without it, the contract renews period by period once "
                                     "the commitment ends."))
        form.addRow("", self.ends_check)
        self.earliest = styled_label()
        self.earliest.setObjectName("earliestCancellationLabel")
        self.waive_check = QCheckBox(_("Waive notice and commitment"),
                                     objectName="waiveNoticeCheck")
        self.waive_check.setToolTip(_("Allows an earlier cancellation; recorded in the history "
                                      "with your name, and the plan's early termination fee "
                                      "is invoiced."))
        form.addRow(_("Cancellation"), field_block(self.earliest, FieldMessage("waiveMessage"),
                                                   below=(self.waive_check,)))
        align_labels(form)
        # Inputs below their row's first one are named for screen readers here.
        self.end_edit.setAccessibleName(_("Commitment end"))
        self.periods_spin.setAccessibleName(_("periods from the start"))
        self.commit_check.toggled.connect(self._commit_toggled)
        self.end_edit.dateChanged.connect(self._end_changed)
        self.periods_button.clicked.connect(self._from_periods)
        self.notice_edit.editingFinished.connect(self._notice_typed)
        self.notice_edit.textEdited.connect(lambda _text: self._notice_typed())
        self.ends_check.toggled.connect(self._ends_toggled)
        self.waive_check.toggled.connect(lambda on: self.edited.emit({"notice_waived": on}))

    def fields(self) -> dict:
        return {"commitment_end": (self.end_edit, self.end_message),
                "notice": (self.notice_edit, self.notice_message)}

    def load(self, draft: Contract, ctx: EditorContext) -> None:
        with Blocked(self.notice_edit):
            self.notice_edit.setText("" if draft.notice is None else str(draft.notice))
        for widget in (self.commit_check, self.end_edit, self.periods_spin, self.periods_button,
                       self.notice_edit, self.ends_check, self.waive_check):
            offer(widget, ctx.ended())
        self.update_derived(draft, ctx)

    def update_derived(self, draft: Contract, ctx: EditorContext) -> None:
        self._draft = draft
        committed = draft.commitment_end is not None
        with Blocked(self.commit_check, self.end_edit, self.ends_check, self.waive_check):
            self.commit_check.setChecked(committed)
            self.end_edit.setDate(to_qdate(draft.commitment_end or draft.start_date))
            self.ends_check.setChecked(draft.ends_at_commitment_end)
            self.waive_check.setChecked(draft.notice_waived)
        why = ctx.ended() or ("" if committed else _(
            "Tick “Committed until” to choose the commitment end."))
        for widget in (self.end_edit, self.ends_check):
            offer(widget, why)
        today = ctx.today
        earliest = None if today is None else earliest_cancellation(draft, today,
                                                                     ctx.on_boundary)
        self.earliest.setText(
            _("The earliest cancellation date is {date}.").format(
                date=self._fmt.date_long(earliest)) if earliest is not None
            else _("No commitment or notice: the contract can be cancelled on any day."))

    # Edits ------------------------------------------------------------------------------------

    def _commit_toggled(self, on: bool) -> None:
        changes: dict = {"commitment_end": from_qdate(self.end_edit.date()) if on else None}
        if not on:
            changes["ends_at_commitment_end"] = False
        self.edited.emit(changes)

    def _end_changed(self, qdate) -> None:
        changes: dict = {"commitment_end": from_qdate(qdate)}
        if self.ends_check.isChecked():
            changes["cancellation_date"] = changes["commitment_end"]
        self.edited.emit(changes)

    def _from_periods(self) -> None:
        """Rule 25: "N periods from the start"."""
        draft = self._draft
        if draft is None or draft.plan.frequency is None:
            return
        end = boundary(draft.start_date, draft.plan.frequency, self.periods_spin.value())
        with Blocked(self.commit_check):
            self.commit_check.setChecked(True)
        self.end_edit.setDate(to_qdate(end))
        self._end_changed(to_qdate(end))

    def _notice_typed(self) -> None:
        text = self.notice_edit.text().strip()
        if not text:
            self.localProblem.emit("notice", "")
            self.edited.emit({"notice": None})
            return
        try:
            notice = parse_frequency(text)
        except ValueError:
            self.localProblem.emit("notice", _(
                "The notice period is a number of weeks, months or years, such as “1 month” "
                "or “2 weeks”."))
            return
        self.localProblem.emit("notice", "")
        if self._draft is None or notice != self._draft.notice:
            self.edited.emit({"notice": notice})

    def _ends_toggled(self, on: bool) -> None:
        """Rule 25: ending at the commitment end sets the cancellation date to it."""
        draft = self._draft
        changes: dict = {"ends_at_commitment_end": on}
        if on and draft is not None and draft.commitment_end is not None:
            changes["cancellation_date"] = draft.commitment_end
        elif not on and draft is not None and draft.cancellation_date == draft.commitment_end:
            changes["cancellation_date"] = None
        self.edited.emit(changes)
