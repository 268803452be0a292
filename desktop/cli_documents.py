"""Documents and accounting on the command line (DESIGN.md §4): `invoices pdf`, `payments add`,
`payments refund` and `csv`. Registered by desktop/cli.py, which reads the clock and passes it.

Errors are one sentence: bad input (an unknown invoice, a bad amount, more than is outstanding)
is exit 2 with nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK = 0


def _minor_units(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" is not a whole number of minor units (cents): write 12550 for 125.50'
        ) from None


def add_commands(commands, database: argparse.ArgumentParser, day) -> None:
    """Add the document commands to the parser's subcommands; `day` reads YYYY-MM-DD."""
    from desktop.services.spreadsheets import KINDS

    invoices = commands.add_parser("invoices", parents=[database],
                                   help="invoice documents (invoices pdf OUT-DIR)")
    what = invoices.add_subparsers(dest="action", metavar="ACTION", required=True,
                                   parser_class=invoices.__class__)
    pdf = what.add_parser("pdf", parents=[database],
                          help="write invoices as PDFs named by number (default: issued today)")
    pdf.add_argument("out_dir", metavar="OUT-DIR")
    pdf.add_argument("--issued", type=day, metavar="YYYY-MM-DD",
                     help="the invoices issued on this day")
    pdf.add_argument("--number", metavar="N", help="only the invoice with this number")

    payments = commands.add_parser("payments", parents=[database],
                                   help="record a payment or a refund of credit")
    how = payments.add_subparsers(dest="action", metavar="ACTION", required=True,
                                  parser_class=payments.__class__)
    for name, target, helptext in (
            ("add", "invoice", "record a payment against an invoice (amount in minor units)"),
            ("refund", "member", "pay out a member's credit balance (amount in minor units)")):
        sub = how.add_parser(name, parents=[database], help=helptext)
        sub.add_argument(target, metavar="INVOICE-NUMBER" if target == "invoice" else "EMAIL")
        sub.add_argument("amount", type=_minor_units, metavar="AMOUNT")
        sub.add_argument("--date", type=day, metavar="YYYY-MM-DD", help="default: today")
        sub.add_argument("--method", default="", metavar="M", help="transfer, card, cash, …")
        sub.add_argument("--reference", default="", metavar="R")

    spreadsheet = commands.add_parser("csv", parents=[database],
                                      help="write members, contracts, invoices, invoice lines or "
                                           "payments as CSV (- = stdout)")
    spreadsheet.add_argument("kind", choices=KINDS, metavar="KIND",
                             help=", ".join(KINDS))
    spreadsheet.add_argument("file", metavar="OUT-FILE")


def run(args, target, clock, open_database, bad_input) -> int:
    """Run a document command; `open_database(target, clock)` and `bad_input(sentence)` come
    from the command line's root."""
    return {"invoices": _invoices, "payments": _payments, "csv": _csv}[args.command](
        args, target, clock, open_database, bad_input)


def _invoices(args, target, clock, open_database, bad_input) -> int:
    from desktop.services.documents import DocumentService
    from desktop.services.errors import NotFound

    with open_database(target, clock) as db:
        service = DocumentService(db, clock)
        if args.number:
            try:
                documents = [service.numbered(args.number)]
            except NotFound as exc:
                raise bad_input(str(exc)) from None
        else:
            documents = service.issued_on(args.issued or clock.today())
        site = db_settings(db, clock)
    day = (args.issued or clock.today()).isoformat()
    if not documents:
        print(f"No invoices were issued on {day}; nothing was written.")
        return EXIT_OK
    folder = Path(args.out_dir)
    if folder.exists() and not folder.is_dir():
        raise bad_input(f"{folder} is not a folder for the PDFs; nothing was written.")
    from desktop.storage.files import make_private_folder
    from desktop.storage.output_files import (
        OutputFailed,
        OutputRefused,
        safe_file_name,
        write_bytes,
    )

    try:
        make_private_folder(folder)
    except OSError as exc:
        raise bad_input(f"The folder {folder} cannot be made ({exc.strerror}); nothing was "
                        "written.") from None
    render = _pdf_renderer(site)
    taken: set[str] = set()
    written = 0
    for doc in documents:
        # The number may come from an imported document: never a path, whatever it holds.
        path = folder / safe_file_name(doc.invoice.number, ".pdf", taken)
        try:
            write_bytes(path, render(doc))
        except (OutputFailed, OutputRefused) as exc:  # say what is there: the PDFs before it
            done = f"{written} of {len(documents)} invoice PDFs were written to {folder}"
            raise type(exc)(f"{str(exc).rstrip('.')}; {done}.") from None
        print(path)
        written += 1
    print(f"Wrote {written} invoice PDF{'s' if written != 1 else ''} to {folder}.")
    return EXIT_OK


def _pdf_renderer(site):
    """A function giving an invoice's PDF as bytes. Painted into memory, not onto the file, so
    that a file that cannot be written is an error here (QPdfWriter says nothing when its file
    fails) and only a complete PDF reaches the disk (desktop/storage/output_files.py)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # PDFs need no screen
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QGuiApplication, QPdfWriter

    from desktop.documents.invoice_layout import invoice_document
    from desktop.documents.paper import PDF_DPI, page_layout, paint
    from desktop.i18n.formatting import Formatter

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    formatter = Formatter(site.locale, site.currency)

    def render(doc) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)  # the settings of desktop.documents.paper.write_pdf
        writer.setResolution(PDF_DPI)
        writer.setPageLayout(page_layout(formatter))
        writer.setCreator("Frontdesk")
        writer.setTitle(doc.invoice.number or "")
        paint([invoice_document(doc, formatter)], writer)
        del writer
        return bytes(buffer.data())

    render.app = app  # the application lives as long as the renderer
    return render


def db_settings(db, clock):
    from desktop.services.settings import SettingsService

    return SettingsService(db, clock).get()


def _payments(args, target, clock, open_database, bad_input) -> int:
    from sqlalchemy import select

    from desktop.i18n.formatting import Formatter
    from desktop.services.errors import NotFound, ValidationError
    from desktop.services.payments import PaymentService
    from desktop.storage import models as m

    with open_database(target, clock) as db:
        service = PaymentService(db, clock)
        site = db_settings(db, clock)
        money = Formatter(site.locale, site.currency).money
        options = dict(day=args.date, method=args.method, reference=args.reference)
        try:
            if args.action == "add":
                payment = service.record(args.invoice, args.amount, **options).payment
                left = service.standing(args.invoice).outstanding
                print(f"Recorded {money(payment.amount)} on {payment.invoice}; "
                      f"{money(left)} left to pay.")
            else:
                with db.session() as session:
                    member_id = session.scalar(select(m.MemberRow.id).where(
                        m.MemberRow.email == args.member))
                if member_id is None:
                    raise bad_input(f"There is no member with the email {args.member}.")
                payment = service.refund(member_id, args.amount, **options).payment
                print(f"Refunded {money(-payment.amount)} to {args.member}.")
        except (ValidationError, NotFound) as exc:
            raise bad_input(f"{str(exc).rstrip('.')}; nothing was written.") from None
    return EXIT_OK


def _csv(args, target, clock, open_database, bad_input) -> int:
    from desktop.services.spreadsheets import write_csv
    from desktop.storage.output_files import check_target, replacing

    path = Path(args.file)
    if args.file != "-":
        check_target(path)  # a pipe, link or device is refused before the database is opened
    with open_database(target, clock, read_only=True) as db:  # never migrated nor backed up
        if args.file == "-":
            try:
                write_csv(db, args.kind, sys.stdout, clock.today())
                sys.stdout.flush()
            except BrokenPipeError:
                # The reader stopped early (| head): not a failure; keep Python from
                # complaining about the closed pipe at exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        with replacing(path, text=True, newline="") as out:  # 0600, never half a file
            count = write_csv(db, args.kind, out, clock.today())
    print(f"Wrote {count} {args.kind} rows to {path}.")
    return EXIT_OK
