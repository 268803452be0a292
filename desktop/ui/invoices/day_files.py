"""The invoices issued on a day written into a folder, one file each in an invoice format of the
registry (desktop/formats/registry.py): the Invoices tab's "PDFs of a day…" and the File menu's
entry for each such format."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.formats.files import write_invoices
from desktop.formats.registry import Command
from desktop.i18n import N_, _
from desktop.ui.common.widgets import remember_folder, show_error, start_folder, user_message
from desktop.ui.invoices.periods import ask_day


def write_day_files(parent: QWidget, command: Command, tools: Any, formatter: Any,
                    day: date | None = None, folder: str | None = None) -> list[Path]:
    """Ask for a day and a folder (unless given), then write that day's invoices there, each
    named by its number made safe, readable by its owner alone and never half written."""
    title = _(command.title)
    day = day or ask_day(parent, tools.clock.today(), formatter)
    if day is None:
        return []
    if not folder:
        folder = QFileDialog.getExistingDirectory(parent, _("Folder for the PDFs"),
                                                  str(start_folder(parent)))
        if folder:
            remember_folder(parent, Path(folder))
    if not folder:
        return []
    written: list[Path] = []
    try:
        documents = tools.documents.issued_on(day)
        written.extend(write_invoices(command.formats[0], documents, Path(folder), formatter))
    except Exception as exc:
        show_error(parent, title, user_message(exc))
        return written
    if written:
        message = N_("{count} invoice PDF issued on {date} was written to {folder}.",
                     "{count} invoice PDFs issued on {date} were written to {folder}.",
                     len(written))
    else:
        message = _("No invoices were issued on {date}; nothing was written.")
    QMessageBox.information(parent, title, message.format(
        count=len(written), date=formatter.date(day), folder=folder))
    return written
