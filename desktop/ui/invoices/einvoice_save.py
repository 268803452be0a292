"""*Save as e-invoice…* of the invoice view (rule 28): the document on screen as Factur-X,
XRechnung or UBL 2.1 (the registry's e-invoice formats), or one sentence saying what it lacks;
the File menu's *E-invoices of a day…* writes a day's batch (day_files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.formats.files import invoice_file_name, refusals, save_invoice
from desktop.formats.registry import Format, command
from desktop.i18n import _
from desktop.ui.common.widgets import remember_folder, show_error, start_folder, user_message
from desktop.ui.invoices.day_files import ask_format

EINVOICE = "einvoice"


def einvoice_wanted(document: Any) -> bool:
    """Invoices and credit notes are e-invoices; deposit documents never are (rule 15)."""
    return command(EINVOICE).formats[0].takes(document)


def save_einvoice(parent: QWidget, document: Any, formatter: Any, fmt: Format | None = None,
                  path: str | None = None) -> Path | None:
    """Ask the format (unless given), say what the document lacks for it if anything, else
    ask where and write it as every export is written (0600, never half a file)."""
    title = _("Save as e-invoice")
    fmt = fmt or ask_format(parent, command(EINVOICE), title)
    if fmt is None:
        return None
    if refused := refusals(fmt, [document], formatter):
        show_error(parent, title, refused[0])
        return None
    if not path:
        path, _filter = QFileDialog.getSaveFileName(
            parent, title, str(start_folder(parent) / invoice_file_name(fmt, document)),
            _(fmt.file_filter))
        if path:
            remember_folder(parent, Path(path).parent)
    if not path:
        return None
    try:
        return save_invoice(fmt, document, Path(path), formatter)
    except Exception as exc:
        show_error(parent, title, user_message(exc))
        return None
