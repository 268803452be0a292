"""Inline validation for dialogs: a field with a problem is outlined, its sentence shown under it,
and OK stays disabled until every problem is fixed (docs/billing-rules.md#validation).

FormDialog is the dialog around such a form: OK and Cancel, the form's own sentence above them,
and the service's ValidationError shown field by field. Ctrl+S saves like OK; Esc, Cancel and the
window's close button close at once when nothing was typed, and otherwise ask first, as the
contract editor does (docs/design.md#screens): Save, Discard or Cancel (keep editing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.i18n.messages import say
from desktop.services.errors import ValidationError
from desktop.ui.common.style import mark_invalid
from desktop.ui.common.widgets import ErrorLabel, label, user_message


def field_box(*widgets: QWidget, error: QLabel, hint: str = "", spacing: int = 6,
              stretch: bool = True) -> QWidget:
    """A form row's field: its widgets side by side, an optional hint, then its problem sentence.

    `stretch` keeps short widgets at their own width; leave it off for a field that should fill
    the row.
    """
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    row = QHBoxLayout()
    row.setSpacing(spacing)
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    column.addLayout(row)
    if hint:
        column.addWidget(label(hint, "muted", wrap=True))
    column.addWidget(error)
    return box


class FormProblems:
    """Problems of one form, from the dialog's own checks and from the service's ValidationError."""

    def __init__(self, ok_button: QPushButton | None, form_error: ErrorLabel):
        self._ok = ok_button
        self._form_error = form_error
        self._fields: dict[str, tuple[QWidget, ErrorLabel]] = {}
        self._aliases: dict[str, str] = {}
        self._local: dict[str, str] = {}
        self._service: dict[str, str] = {}
        self._general = ""
        self._touched: set[str] = set()

    def add(self, key: str, widget: QWidget, error: ErrorLabel,
            aliases: Iterable[str] = ()) -> None:
        """Register a field; `aliases` are other names the service may use for it."""
        self._fields[key] = (widget, error)
        for alias in aliases:
            self._aliases[alias] = key

    def key_for(self, field: str) -> str | None:
        field = (field or "").strip()
        if field in self._fields:
            return field
        return self._aliases.get(field)

    def set_local(self, key: str, message: str | None) -> None:
        if message:
            self._local[key] = message
        else:
            self._local.pop(key, None)
        self.refresh()

    def set_service_problems(self, problems: Iterable[Any]) -> None:
        """Show a ValidationError's problems: each by its field, the rest above the buttons."""
        self._service.clear()
        general = []
        for problem in problems:
            key = self.key_for(getattr(problem, "field", ""))
            if key is None:
                general.append(say(problem.message))
            else:
                self._service.setdefault(key, say(problem.message))
        self._general = " ".join(general)
        self.refresh()

    def set_general(self, message: str) -> None:
        self._general = message
        self.refresh()

    def touch_all(self) -> None:
        """Show every local problem, also on fields not typed in yet."""
        self._touched.update(self._fields)
        self.refresh()

    def edited(self, key: str) -> None:
        """The operator changed a field: show its own problems, drop the service's old verdict."""
        changed = self._service.pop(key, None) is not None or key not in self._touched
        self._touched.add(key)
        if self._general:
            self._general = ""
            changed = True
        if changed:
            self.refresh()

    def message(self, key: str) -> str:
        """The sentence shown under a field; a fresh empty form is not scolded before typing."""
        local = self._local.get(key, "") if key in self._touched else ""
        return local or self._service.get(key, "")

    def has_problems(self) -> bool:
        return bool(self._local or self._service or self._general)

    def refresh(self) -> None:
        for key, (widget, error) in self._fields.items():
            text = self.message(key)
            mark_invalid(widget, bool(text))
            error.set_message(text)
        self._form_error.set_message(self._general)
        if self._ok is not None:
            # Disabled, it says why: every problem, also of fields not typed in yet.
            why = dict.fromkeys([*self._local.values(), *self._service.values()])
            self._ok.setEnabled(not why)
            self._ok.setToolTip("\n".join(why))


class FormDialog(QDialog):
    """OK (named `ok_text`) stays disabled while `problems` has any; the service has the last word.

    A subclass registers its fields on `problems`, sets what it can see by itself in
    check_locally(), calls edited(key) when a field changes, and writes in submit(). It returns
    what was typed from typed() and calls loaded() once its fields are filled: closing with
    something else typed asks first, in the words of unsaved_sentence().
    """

    def __init__(self, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form_error = ErrorLabel("formError")
        self.problems = FormProblems(self.ok_button, self.form_error)
        self._loaded: object = None
        self.question: QMessageBox | None = None  # the unsaved-changes box while it is up
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)

    def typed(self) -> object:
        """What the fields hold now, comparable with what they held when loaded()."""
        return None

    def loaded(self) -> None:
        """The fields are filled: from now on a difference is an unsaved change."""
        self._loaded = self.typed()

    def unsaved_sentence(self) -> str:
        return _("Unsaved changes")

    def has_changes(self) -> bool:
        return self.typed() != self._loaded

    def reject(self) -> None:
        """Esc, Cancel or the close button: at once when nothing was typed, else ask first.

        The question is opened, not executed, so no second event loop runs inside the dialog's.
        """
        if self.question is not None:
            return
        if not self.has_changes():
            super().reject()
            return
        self.question = unsaved_changes_box(self, self.unsaved_sentence())
        self.question.finished.connect(self._answered)
        self.question.open()

    def _answered(self, _result: int) -> None:
        box, self.question = self.question, None
        clicked = box.standardButton(box.clickedButton()) if box.clickedButton() else None
        box.setParent(None)
        box.deleteLater()
        if clicked == QMessageBox.StandardButton.Save:
            self.accept()
        elif clicked == QMessageBox.StandardButton.Discard:
            super().reject()
        if self.isVisible():  # kept open: typing goes on where it stopped
            self.activateWindow()

    def check_locally(self) -> None:
        """Set the problems the dialog can see without asking the service."""

    def submit(self) -> None:
        """Write the form through the service; a refusal raises (ValidationError or other)."""
        raise NotImplementedError

    def edited(self, key: str) -> None:
        self.problems.edited(key)
        self.check_locally()

    def accept(self) -> None:
        """Write unless a problem stands; then show every problem, also on fields not typed in."""
        self.check_locally()
        if not self.ok_button.isEnabled():
            self.problems.touch_all()
            return
        try:
            self.submit()
        except ValidationError as exc:
            self.problems.set_service_problems(exc.problems)
            return
        except Exception as exc:
            self.problems.set_general(user_message(exc))
            return
        super().accept()


def unsaved_changes_box(parent: QWidget, text: str) -> QMessageBox:
    """Save / Discard / Cancel (keep editing), Save the default, for closing unsaved changes."""
    box = QMessageBox(parent)
    box.setObjectName("unsavedChangesBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Unsaved changes"))
    box.setText(text)
    box.setInformativeText(_("Save them before closing?"))
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.button(QMessageBox.StandardButton.Save).setObjectName("guardSaveButton")
    box.button(QMessageBox.StandardButton.Discard).setObjectName("guardDiscardButton")
    box.button(QMessageBox.StandardButton.Cancel).setObjectName("guardCancelButton")
    return box


def accept_cancel_buttons(dialog: QDialog, accept_text: str,
                          object_name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel and a primary, default button named for what it does, wired to the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    accept = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    accept.setObjectName(object_name)
    accept.setProperty("primary", True)
    accept.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, accept


def run_modal(dialog: QDialog) -> int:
    """exec() the dialog, then let Qt delete it at the next turn of the event loop.

    A dialog made with a parent belongs to that parent: without this, every dialog ever opened
    would stay alive, hidden, as long as the window (the soak journey counts them). What the
    caller reads of the dialog right after exec() is still there.
    """
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()
