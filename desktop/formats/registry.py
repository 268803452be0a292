"""Every file Frontdesk writes or reads for a person, declared once: the command line builds its
commands, choices and help from `COMMANDS`, and the window's File → Export menu its entries.

A `Command` is how a family of formats is reached: one command on the command line and one
entry in the File menu. Its `Format`s are the choices it offers (the CSV tables) or its one
format. What a format's `work` takes depends on the command's subject:

- `DATABASE` export: `work(db, out, today) -> count`, writing the whole file to `out` (a text
  file opened with newline="" when `text`, else a binary one); the command line writes it to a
  file or to standard output, the window to the file chosen, both through
  desktop/storage/output_files.py (0600, a temporary name renamed when complete).
- `INVOICES` export: `work(document, formatter) -> bytes`, one invoice document as one file;
  `frontdesk invoices <name>` writes the invoices of a day or one by number into a folder, the
  window the invoices of a day (File menu) or the invoice on screen, named by
  `safe_file_name` (desktop/formats/files.py).
- `DATABASE` import: `work(db, document, now) -> summary`, into an empty database (the command
  line's `import`; the window does not import).

Adding an export is one declaration: a `Format` in an existing command (a further CSV table:
its `name` becomes a choice of `frontdesk csv` and of the window's CSV dialog), or a new
`Command` with its format in `COMMANDS` (an XRechnung e-invoice would be an `INVOICES` command:
`frontdesk invoices xrechnung OUT-DIR` and a File menu entry follow from it; a SEPA direct-debit
file a `DATABASE` one). Only formats that exist are declared here. Labels, menu texts and dialog
titles are marked with `M_` and translated where they are shown; `help` is English, like the
rest of `frontdesk --help`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from desktop.domain.model import M_

EXPORT, IMPORT = "export", "import"
# What a command works on: the whole database (one file), or invoice documents (one file each).
DATABASE, INVOICES = "database", "invoices"


@dataclass(frozen=True)
class Command:
    """How a family of formats is reached: a command line command and a File menu entry.

    Every format of a command goes the command's direction: an entry's direction is its
    command's."""

    key: str          # names the window's action: export<Key>Action
    cli: str          # the command (an INVOICES command is an action of `frontdesk invoices`)
    direction: str    # EXPORT or IMPORT
    subject: str      # DATABASE or INVOICES
    help: str         # the command line's help; "{choices}" is replaced by the choices
    formats: tuple[Format, ...]
    menu_text: str = ""  # M_: the File menu's entry, with its accelerator (an export's)
    title: str = ""      # M_: the window's dialogs for it (an export's)

    @property
    def action_name(self) -> str:
        return f"{self.direction}{self.key.title().replace('-', '')}Action"

    def choices(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.formats)

    def accepted(self) -> tuple[str, ...]:
        """What the command line takes: the choices and the older names they answer to."""
        return tuple(name for f in self.formats for name in (f.name, *f.aliases))

    def format_named(self, name: str) -> Format:
        """The format of a choice or of an older name of it."""
        return next(f for f in self.formats if name == f.name or name in f.aliases)

    def help_text(self) -> str:
        labels = [f.label.lower() for f in self.formats]
        listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
        return self.help.replace("{choices}", listed)


@dataclass(frozen=True)
class Format:
    """One format: what the window calls it, its file and the service function doing it."""

    name: str           # the command line's name for it (a choice of its command)
    label: str          # M_: what the window calls it
    suffix: str         # of the file: ".csv"
    file_filter: str    # M_: the file dialog's filter
    work: Callable[..., Any]  # the service function; what it takes: see the module's text
    text: bool = True   # a UTF-8 text file written as is (newline=""), else bytes
    rows: bool = False  # `work` counts the rows of a table (said so when written)
    aliases: tuple[str, ...] = ()  # older names the command line still takes for it
    # An INVOICES format that takes some documents only (rule 28: e-invoices are invoices and
    # credit notes): the document types it writes, and `refusal(document, formatter) -> str`,
    # the sentence saying why one cannot be written ("" when it can), asked before any file.
    types: tuple[str, ...] | None = None
    refusal: Callable[[Any, Any], str] | None = None

    def takes(self, document: Any) -> bool:
        """Whether a day's batch in this format holds the document (its type is written)."""
        return self.types is None or document.invoice.type in self.types


# The work of each format: the service functions, with what their command passes. --------------

def _write_document(db: Any, out: IO[str], today: date) -> int:
    """The whole database as a frontdesk/2 document (desktop/services/exchange/export.py)."""
    from desktop.services.exchange.export import export_document

    with db.session() as session:
        document = export_document(session)
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 1


def _csv_table(kind: str) -> Callable[[Any, IO[str], date], int]:
    """One table as CSV (desktop/services/spreadsheets.py)."""
    def write(db: Any, out: IO[str], today: date) -> int:
        from desktop.services.spreadsheets import write_csv

        return write_csv(db, kind, out, today)
    return write


def _invoice_pdf(document: Any, formatter: Any) -> bytes:
    """An invoice document as PDF (desktop/documents/paper.py). Qt is loaded only here, so the
    other commands run without it."""
    from desktop.documents.paper import pdf_bytes

    return pdf_bytes(document, formatter)


def _einvoice(kind: str) -> Callable[[Any, Any], bytes]:
    """An invoice or credit note as an EN 16931 e-invoice (desktop/documents/einvoice)."""
    def work(document: Any, formatter: Any) -> bytes:
        from desktop.documents.einvoice import einvoice_bytes

        return einvoice_bytes(document, formatter, kind)
    return work


def _einvoice_refusal(kind: str) -> Callable[[Any, Any], str]:
    def refusal(document: Any, formatter: Any) -> str:
        from desktop.documents.einvoice import einvoice_problem

        return einvoice_problem(document, formatter, kind)
    return refusal


def _einvoice_format(kind: str, label: str, suffix: str, file_filter: str) -> Format:
    return Format(kind, label, suffix, file_filter, _einvoice(kind), text=False,
                  types=("invoice", "credit_note"), refusal=_einvoice_refusal(kind))


def _import_document(db: Any, document: dict, now: Any) -> Any:
    """A frontdesk/2 (or /1) document into an empty database (services/exchange/importer.py)."""
    from desktop.services.exchange.importer import import_document

    return import_document(db, document, now)


# The registry. -------------------------------------------------------------------------------

_DOCUMENT_LABEL = M_("Frontdesk document (frontdesk/2)")
_DOCUMENT_FILTER = M_("Frontdesk documents (*.json)")
_CSV_FILTER = M_("CSV files (*.csv)")

COMMANDS: tuple[Command, ...] = (
    Command("document", "export", EXPORT, DATABASE,
            "write the database as a frontdesk/2 document (- = stdout)",
            (Format("frontdesk", _DOCUMENT_LABEL, ".json", _DOCUMENT_FILTER, _write_document),),
            menu_text=M_("Frontdesk &document…"), title=M_("Export as a Frontdesk document")),
    # Documents of every type and their lines (rules 15, 17), payments and the allocations
    # that pay documents (rules 21, 22); `invoices` and `invoice-lines` are their older names.
    Command("csv", "csv", EXPORT, DATABASE, "write {choices} as CSV (- = stdout)", tuple(
        Format(kind, label, ".csv", _CSV_FILTER, _csv_table(kind), rows=True, aliases=aliases)
        for kind, label, aliases in (
            ("members", M_("Members"), ()), ("contracts", M_("Contracts"), ()),
            ("documents", M_("Documents"), ("invoices",)),
            ("document-lines", M_("Document lines"), ("invoice-lines",)),
            ("payments", M_("Payments"), ()), ("allocations", M_("Allocations"), ()))),
        menu_text=M_("&CSV…"), title=M_("Export as CSV")),
    Command("pdf", "pdf", EXPORT, INVOICES,
            "write invoices as PDFs named by number (default: issued today)",
            (Format("pdf", M_("Invoice PDF"), ".pdf", M_("PDF files (*.pdf)"), _invoice_pdf,
                    text=False),),
            menu_text=M_("Invoice &PDFs of a day…"), title=M_("PDFs of a day")),
    # Rule 28: every invoice and credit note as an EN 16931 e-invoice; Factur-X first, the
    # default of `frontdesk invoices einvoice`.
    Command("einvoice", "einvoice", EXPORT, INVOICES,
            "write invoices and credit notes as EN 16931 e-invoices named by number (default: "
            "issued today): {choices}",
            (_einvoice_format("facturx", M_("Factur-X / ZUGFeRD (PDF)"), ".pdf",
                              M_("PDF files (*.pdf)")),
             _einvoice_format("xrechnung", M_("XRechnung (XML)"), ".xml",
                              M_("XML files (*.xml)")),
             _einvoice_format("ubl", M_("UBL 2.1 for Peppol (XML)"), ".xml",
                              M_("XML files (*.xml)"))),
            menu_text=M_("&E-invoices of a day…"), title=M_("E-invoices of a day")),
    Command("document", "import", IMPORT, DATABASE,
            "load a frontdesk/2 (or /1) document into an empty database",
            (Format("frontdesk", _DOCUMENT_LABEL, ".json", _DOCUMENT_FILTER,
                    _import_document),)),
)


def commands(direction: str, subject: str | None = None) -> list[Command]:
    """The commands of one direction (and subject), in the registry's order. Read when asked,
    so that what is declared (or added in a test) is what both the command line and the
    window offer."""
    return [c for c in COMMANDS if c.direction == direction and subject in (None, c.subject)]


def command(cli: str, direction: str = EXPORT) -> Command:
    """The command the command line calls `cli`."""
    return next(c for c in commands(direction) if c.cli == cli)
