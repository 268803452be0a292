"""The contract editor's widgets and where they sit, as a Designer form would hold them
(docs/design.md#screens): header, banners, the tabs beside the live invoice preview, the footer's
buttons.

`lay_out(editor)` creates them on the editor under the names tests and accessibility rely on
(`contractTabs`, `saveButton`, …); what they do is wired by `ContractEditor` itself.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout

from desktop.i18n import _
from desktop.ui.common.fields import Banner, styled_label
from desktop.ui.common.icons import icon
from desktop.ui.common.screens import ScrolledTabs
from desktop.ui.contract_editor.addons import AddonsBlock
from desktop.ui.contract_editor.commitment import CommitmentTab
from desktop.ui.contract_editor.dates import KeyDatesTab
from desktop.ui.contract_editor.history import HistoryTab
from desktop.ui.contract_editor.invoice_preview import InvoicePreview
from desktop.ui.contract_editor.tabs import GeneralTab
from desktop.ui.contract_editor.terms import CancellationTab, NewTermTab


def lay_out(editor) -> None:
    """Create the editor's widgets (with its services and formatter) and lay them out."""
    fmt = editor._fmt
    column = QVBoxLayout(editor)
    column.setContentsMargins(14, 12, 14, 12)
    column.setSpacing(8)
    header = QHBoxLayout()
    editor.title = styled_label(role="title", wrap=False)
    editor.title.setObjectName("contractTitle")
    editor.chip = styled_label(role="chip", wrap=False)
    editor.chip.setObjectName("contractStatus")
    header.addWidget(editor.title)
    header.addWidget(editor.chip, 0, Qt.AlignVCenter)
    header.addStretch(1)
    column.addLayout(header)
    editor.subtitle = styled_label(role="subtitle")
    editor.subtitle.setObjectName("contractSubtitle")
    column.addWidget(editor.subtitle)

    editor.staleBanner = Banner("staleBanner", "warning", _("Reload"), "reloadButton")
    editor.stateBanner = Banner("stateBanner", "info")
    editor.errorBanner = Banner("errorBanner", "error")
    for banner in (editor.staleBanner, editor.stateBanner, editor.errorBanner):
        column.addWidget(banner)

    editor.general = GeneralTab(fmt)
    editor.dates = KeyDatesTab(fmt)
    editor.cancellation = CancellationTab(fmt)
    editor.new_term = NewTermTab(fmt)
    editor.commitment = CommitmentTab(fmt)  # rule 25: the Terms tab
    editor.commitment.edited.connect(editor._edit)
    editor.commitment.localProblem.connect(editor._local_problem)
    editor.history = HistoryTab(fmt)
    editor.tabs = ScrolledTabs(objectName="contractTabs")
    editor.tabs.setIconSize(QSize(12, 12))
    # Narrow, the captions are shortened with "…" rather than scrolled out of sight behind two
    # faint arrows (History was, at scale 2 in German, and "Allgemein" read "llgemein").
    editor.tabs.setElideMode(Qt.TextElideMode.ElideRight)
    editor.tabs.setUsesScrollButtons(False)
    for tab, caption in ((editor.general, _("General")), (editor.dates, _("Key dates")),
                         (editor.cancellation, _("Cancellation")), (editor.commitment, _("Terms")),
                         (editor.new_term, _("New term")), (editor.history, _("History"))):
        index = editor.tabs.addTab(tab, caption)
        editor.tabs.setTabToolTip(index, caption.replace("&", ""))  # whole where it is elided
    editor.addons = AddonsBlock(editor._contracts, editor._catalog, fmt)
    editor.general.insert_above_notes(_("Add-ons"), editor.addons)
    editor.preview = InvoicePreview(fmt)
    splitter = QSplitter(Qt.Horizontal)
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(editor.tabs)
    splitter.addWidget(editor.preview)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setSizes([600, 360])
    column.addWidget(splitter, 1)

    footer = QHBoxLayout()
    editor.changePlanButton = QPushButton(icon("plans"), _("Change plan…"),
                                          objectName="changePlanButton")
    editor.createNewTermButton = QPushButton(icon("new"), _("Create new term…"),
                                             objectName="createNewTermButton")
    # Wraps rather than clips when a long language meets a narrow editor.
    editor.summary = styled_label(role="fieldMessage")
    editor.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    editor.summary.setObjectName("problemSummary")
    editor.revertButton = QPushButton(icon("restore"), _("Revert"), objectName="revertButton")
    editor.saveButton = QPushButton(_("Save"), objectName="saveButton")
    editor.saveButton.setProperty("primary", True)
    editor.saveButton.setDefault(True)
    for widget in (editor.changePlanButton, editor.createNewTermButton):
        footer.addWidget(widget)
    footer.addStretch(1)
    footer.addWidget(editor.summary)
    footer.addWidget(editor.revertButton)
    footer.addWidget(editor.saveButton)
    column.addLayout(footer)
