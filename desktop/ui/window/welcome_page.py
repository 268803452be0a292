"""First run (docs/design.md#screens, issue 4 item 8): an empty database offers sample data or a
clean start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.ui.common.icons import icon
from desktop.ui.common.widgets import label, user_message
from desktop.ui.common.workers import run_in_background


class WelcomePage(QWidget):
    """Load sample data (on a worker, with a busy bar) or start empty; emits `finished(summary)`.

    `load_sample` is a callable taking no argument that fills the database (the window binds
    demo.load_demo to the database and today's date); `summary` is None for "Start empty".
    """

    finished = Signal(object)

    def __init__(self, load_sample: Callable[[], Any] | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self._load_sample = load_sample
        self._job = None

        card = QFrame(objectName="welcomeCard")
        card.setMaximumWidth(560)
        title = label(_("Welcome to Frontdesk"), "welcomeTitle")
        intro = label(_("The database is empty. Load a realistic sample coworking space — "
                        "plans, add-ons, members and contracts in every state — to look "
                        "around, or start empty and add your own plans and members."),
                      wrap=True)
        self.sample_button = QPushButton(icon("sample", "onAccent"), _("Load sample data"),
                                         objectName="loadSampleButton")
        self.sample_button.setProperty("primary", True)
        self.sample_button.setDefault(True)
        self.empty_button = QPushButton(_("Start empty"), objectName="startEmptyButton")
        self.sample_button.setEnabled(load_sample is not None)
        self.progress = QProgressBar(objectName="sampleProgress")
        self.progress.setRange(0, 0)        # busy: the loader reports no steps
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.status = label("", "muted", wrap=True)
        self.status.hide()
        self.error = label("", "formError", wrap=True)
        self.error.hide()
        self.sample_button.clicked.connect(self.load_sample)
        self.empty_button.clicked.connect(lambda: self.finished.emit(None))

        buttons = QHBoxLayout()
        buttons.addWidget(self.sample_button)
        buttons.addWidget(self.empty_button)
        buttons.addStretch(1)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(14)
        inner.addWidget(title)
        inner.addWidget(intro)
        inner.addLayout(buttons)
        inner.addWidget(self.progress)
        inner.addWidget(self.status)
        inner.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        layout.setAlignment(row, Qt.AlignmentFlag.AlignCenter)

    @property
    def loading(self) -> bool:
        return self._job is not None

    def load_sample(self) -> None:
        if self._job is not None or self._load_sample is None:
            return
        self.sample_button.setEnabled(False)
        self.empty_button.setEnabled(False)
        self.error.hide()
        self.progress.show()
        self.status.setText(_("Creating plans, members, contracts and their invoices…"))
        self.status.show()
        self._job = run_in_background(self._load_sample, self._loaded, self._failed)

    def _loaded(self, summary: Any) -> None:
        self._job = None
        self.progress.hide()
        self.status.hide()
        self.finished.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.progress.hide()
        self.status.hide()
        self.error.setText(_("The sample data could not be loaded: {reason}").format(
            reason=user_message(exc)))
        self.error.show()
        self.sample_button.setEnabled(True)
        self.empty_button.setEnabled(True)
