"""The invoices issued on a day written into a folder, one file each in an invoice format of the
registry (desktop/formats/registry.py): the Invoices tab's "PDFs of a day…" and the File menu's
entry for each such command (E-invoices of a day… asks which syntax)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from desktop.formats.files import batch_of, refusals, write_invoices
from desktop.formats.registry import Command, Format
from desktop.i18n import N_, _
from desktop.ui.common.widgets import remember_folder, show_error, start_folder, user_message
from desktop.ui.invoices.periods import ask_day


def ask_format(parent: QWidget, command: Command, title: str) -> Format | None:
    """The command's one format, or the one the operator picks (an e-invoice's syntax)."""
    if len(command.formats) == 1:
        return command.formats[0]
    labels = [_(f.label) for f in command.formats]
    text, chosen = QInputDialog.getItem(parent, title, _("Format:"), labels, 0, False)
    return command.formats[labels.index(text)] if chosen else None


def write_day_files(parent: QWidget, command: Command, tools: Any, formatter: Any,
                    day: date | None = None, folder: str | None = None,
                    fmt: Format | None = None) -> list[Path]:
    """Ask for a day, a format when the command offers several, and a folder (unless given),
    then write that day's invoices there, each named by its number made safe, readable by its
    owner alone and never half written. A document the format cannot take (rule 28: an
    e-invoice without the member's address) stops it before any file, saying what is
    missing."""
    title = _(command.title)
    day = day or ask_day(parent, tools.clock.today(), formatter)
    if day is None:
        return []
    fmt = fmt or ask_format(parent, command, title)
    if fmt is None:
        return []
    if not folder:
        folder = QFileDialog.getExistingDirectory(
            parent, _("Folder for the e-invoices") if fmt.refusal is not None
            else _("Folder for the PDFs"), str(start_folder(parent)))
        if folder:
            remember_folder(parent, Path(folder))
    if not folder:
        return []
    written: list[Path] = []
    try:
        documents = batch_of(fmt, tools.documents.issued_on(day))
        if refused := refusals(fmt, documents, formatter):
            show_error(parent, title, _("{reason} Nothing was written.").format(
                reason=refused[0]))
            return written
        written.extend(write_invoices(fmt, documents, Path(folder), formatter))
    except Exception as exc:
        show_error(parent, title, user_message(exc))
        return written
    if written and fmt.refusal is not None:
        message = N_("{count} e-invoice issued on {date} was written to {folder}.",
                     "{count} e-invoices issued on {date} were written to {folder}.",
                     len(written))
    elif written:
        message = N_("{count} invoice PDF issued on {date} was written to {folder}.",
                     "{count} invoice PDFs issued on {date} were written to {folder}.",
                     len(written))
    else:
        message = _("No invoices were issued on {date}; nothing was written.")
    QMessageBox.information(parent, title, message.format(
        count=len(written), date=formatter.date(day), folder=folder))
    return written
