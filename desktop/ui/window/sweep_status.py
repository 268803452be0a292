"""The main window's side of the timer: starting a run, following it, the status bar sentence.

A mixin of MainWindow, which holds the scheduler, the panels and the status label.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QMessageBox

from desktop.i18n import N_, _
from desktop.i18n.messages import say


class SweepStatus:
    """Runs of the sweep as the window shows them (docs/design.md#screens status bar
    [transitionStatus])."""

    def run_sweep_now(self) -> None:
        """Tools → Run due transitions now: run, and say what it did even when nothing was due."""
        self._run_asked = True
        self.scheduler.run_now()

    def _sweep_started(self, _as_of: date) -> None:
        running = _("The due transitions are being applied now.")
        for control in (self.run_sweep_action, self.transitions_panel.run_button):
            control.setEnabled(False)
            control.setToolTip(running)

    def _sweep_finished(self, report: Any) -> None:
        first = self.last_report is None
        self.last_report, self.last_error = report, ""
        self.last_checked = self.clock.now()
        self._sweep_idle()
        # What it changed reaches every screen through the window's runner (operations.py).
        self.operations.publish(report.changes)
        if first and not report.changes:
            self.transitions_panel.refresh()  # the panel's first figures for the status bar
        self._update_status()
        self._tell_run(report)

    def _tell_run(self, report: Any) -> None:
        """A run that did something, failed somewhere or was asked for says so in the bar."""
        asked, self._run_asked = getattr(self, "_run_asked", False), False
        applied, issued = len(report.applied), report.invoices_issued
        parts = []
        if applied or issued:
            parts.append(N_("Applied {count} due transition", "Applied {count} due transitions",
                            applied).format(count=applied) + "; " +
                         N_("issued {count} document.", "issued {count} documents.",
                            issued).format(count=issued))
        if report.failed:
            parts.append(N_("{count} could not be applied; the Transitions tab says why.",
                            "{count} could not be applied; the Transitions tab says why.",
                            len(report.failed)).format(count=len(report.failed)))
        if not parts and asked:
            parts.append(_("Nothing was due."))
        if parts:
            self.statusBar().showMessage(" ".join(parts), 10000)

    def _sweep_failed(self, message: str) -> None:
        self.last_error = message
        self.last_checked = self.clock.now()
        self._run_asked = False
        self._sweep_idle()
        self._update_status()
        if self.notice_lost_database():
            return
        self.statusBar().showMessage(
            _("Due transitions could not be applied: {reason}").format(reason=message), 10000)

    def _ask_catch_up(self, too_large: Any) -> None:
        """A sweep would issue a contract more than CATCH_UP_LIMIT invoices at once: ask first."""
        self._sweep_idle()
        box = getattr(self, "_catch_up_box", None)
        if (box is not None and box.isVisible()) or \
                getattr(self, "_catch_up_declined", None) == too_large.as_of:
            return  # asked already (today's answer stands until tomorrow)
        first = too_large.catch_ups[0]
        box = QMessageBox(QMessageBox.Icon.Question, _("Many invoices at once"), N_(
            "Applying due transitions up to {day} would issue more than {limit} invoices at once "
            "to contract {contract} of {member} ({count} contract in all). Issued invoices "
            "cannot be removed; check the contract's dates first. Issue them now?",
            "Applying due transitions up to {day} would issue more than {limit} invoices at once "
            "to contract {contract} of {member} ({count} contracts in all). Issued invoices "
            "cannot be removed; check the contract's dates first. Issue them now?",
            len(too_large.catch_ups)).format(
                day=self.formatter.date(too_large.as_of), limit=too_large.limit,
                contract=first.contract_id, member=first.member,
                count=len(too_large.catch_ups)), parent=self)
        box.setObjectName("catchUpQuestion")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda answer: self._catch_up_answered(answer, too_large.as_of))
        self.statusBar().showMessage(_("Due transitions wait for your answer."), 10000)
        box.open()
        self._catch_up_box = box

    def _catch_up_answered(self, answer: int, as_of: Any) -> None:
        if answer == QMessageBox.StandardButton.Yes:
            self.scheduler.run_now(allow_catch_up=True)
        else:
            self._catch_up_declined = as_of
            self.statusBar().showMessage(_("Nothing was issued; due transitions wait until the "
                                           "contract's dates are checked."), 10000)

    def _sweep_idle(self) -> None:
        for control in (self.run_sweep_action, self.transitions_panel.run_button):
            control.setEnabled(True)
            control.setToolTip("")

    def _date_changed(self, _today: date) -> None:
        self.member_page.refresh()
        self.transitions_panel.refresh()

    def status_text(self) -> str:
        """"Checked 10:02 · 3 transitions applied today · 5 due in the next 30 days"."""
        if self.last_checked is None:
            return _("Checking due transitions…")
        parts = [_("Checked {time}").format(time=self.formatter.datetime_short(self.last_checked))]
        if self.last_error:
            parts.append(_("the last check failed: {reason}").format(reason=self.last_error))
        today = self.clock.today()
        applied = sum(1 for row in self.transitions_panel.applied_model.rows()
                      if row.applied_at.date() == today)
        parts.append(N_("{count} transition applied today", "{count} transitions applied today",
                        applied).format(count=applied))
        due = self.transitions_panel.due_model.rowCount()
        parts.append(N_("{count} due in the next 30 days", "{count} due in the next 30 days",
                        due).format(count=due))
        failed = len(self.last_report.failed) if self.last_report is not None else 0
        if failed:
            parts.append(N_("{count} could not be applied", "{count} could not be applied",
                            failed).format(count=failed))
        return "  ·  ".join(parts)

    def _update_status(self) -> None:
        text = self.status_text()
        self.status_label.setText(text)
        failures = getattr(self.last_report, "failed", None) or []
        self.status_label.setToolTip("\n".join(
            say(f.wording, self.formatter) if getattr(f, "wording", None) else f.message
            for f in failures))
        self.sweepStatusChanged.emit(text)

