"""Documents on the command line (docs/exchange-format.md): the exports of the registry
(desktop/formats/registry.py: `export`, `csv`, `invoices pdf`, and whatever is declared there
next; its imports are run by desktop/cli.py) and `payments add`, `payments refund`.
Registered by desktop/cli.py, which reads the clock and passes it.

Errors are one sentence: bad input (an unknown invoice, a bad amount, more than is outstanding,
a file that cannot be written) is exit 2 with nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop.formats import registry

EXIT_OK = 0


def _minor_units(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" is not a whole number of minor units (cents): write 12550 for 125.50'
        ) from None


def add_commands(commands, database: argparse.ArgumentParser, day) -> None:
    """Add the registry's commands and the payment commands to the parser's subcommands; `day`
    reads YYYY-MM-DD."""
    for command in registry.commands(registry.EXPORT, registry.DATABASE):
        sub = commands.add_parser(command.cli, parents=[database], help=command.help_text())
        if len(command.formats) > 1:
            sub.add_argument("kind", choices=command.accepted(), metavar="KIND",
                             help=", ".join(command.choices()))
        sub.add_argument("file", metavar="OUT-FILE" if len(command.formats) > 1 else "FILE")
    for command in registry.commands(registry.IMPORT):
        sub = commands.add_parser(command.cli, parents=[database], help=command.help_text())
        sub.add_argument("file", metavar="FILE")
    invoices = commands.add_parser("invoices", parents=[database], help="invoice documents (" + (
        ", ".join(f"invoices {c.cli} OUT-DIR"
                  for c in registry.commands(registry.EXPORT, registry.INVOICES))) + ")")
    what = invoices.add_subparsers(dest="action", metavar="ACTION", required=True,
                                   parser_class=invoices.__class__)
    for command in registry.commands(registry.EXPORT, registry.INVOICES):
        sub = what.add_parser(command.cli, parents=[database], help=command.help_text())
        sub.add_argument("out_dir", metavar="OUT-DIR")
        sub.add_argument("--issued", type=day, metavar="YYYY-MM-DD",
                         help="the invoices issued on this day")
        sub.add_argument("--number", metavar="N", help="only the invoice with this number")
        if len(command.formats) > 1:
            sub.add_argument("--format", choices=command.accepted(),
                             default=command.formats[0].name,
                             help=f"default: {command.formats[0].name}")

    payments = commands.add_parser("payments", parents=[database],
                                   help="record a payment or a refund of credit")
    how = payments.add_subparsers(dest="action", metavar="ACTION", required=True,
                                  parser_class=payments.__class__)
    add = how.add_parser(
        "add", parents=[database],
        help="record a payment (amount in minor units): against a document, "
             "INVOICE-NUMBER AMOUNT, or from a member, --member EMAIL AMOUNT; it is allocated "
             "to the oldest open documents and what is left becomes credit")
    add.add_argument("invoice", metavar="INVOICE-NUMBER", nargs="?")
    add.add_argument("amount", metavar="AMOUNT", nargs="?")
    add.add_argument("--member", metavar="EMAIL", help="the member who paid")
    refund = how.add_parser("refund", parents=[database],
                            help="pay out a member's credit balance (amount in minor units)")
    refund.add_argument("member", metavar="EMAIL")
    refund.add_argument("amount", type=_minor_units, metavar="AMOUNT")
    for sub in (add, refund):
        sub.add_argument("--date", type=day, metavar="YYYY-MM-DD", help="default: today")
        sub.add_argument("--method", default="", metavar="M", help="transfer, card, cash, …")
        sub.add_argument("--reference", default="", metavar="R")


def command_names() -> list[str]:
    """The commands `run` runs (the registry's imports are run by desktop/cli.py, which may
    create the database they fill)."""
    return [*(c.cli for c in registry.commands(registry.EXPORT, registry.DATABASE)),
            "invoices", "payments"]


def run(args, target, clock, open_database, bad_input) -> int:
    """Run a document command; `open_database(target, clock)` and `bad_input(sentence)` come
    from the command line's root."""
    if args.command == "invoices":
        return _invoices(args, target, clock, open_database, bad_input)
    if args.command == "payments":
        return _payments(args, target, clock, open_database, bad_input)
    return _export(args, target, clock, open_database, bad_input)


def _invoices(args, target, clock, open_database, bad_input) -> int:
    from desktop.formats.files import batch_of, refusals, write_invoices
    from desktop.services.documents import DocumentService
    from desktop.services.errors import NotFound

    command = registry.command(args.action)
    fmt = command.format_named(getattr(args, "format", None) or command.formats[0].name)
    with open_database(target, clock) as db:
        service = DocumentService(db, clock)
        if args.number:
            try:
                documents = [service.numbered(args.number)]
            except NotFound as exc:
                raise bad_input(str(exc)) from None
        else:
            documents = batch_of(fmt, service.issued_on(args.issued or clock.today()))
        site = db_settings(db, clock)
    day = (args.issued or clock.today()).isoformat()
    if not documents:
        print(f"No invoices were issued on {day}; nothing was written.")
        return EXIT_OK
    # Rule 28: a document that cannot be this format stops the batch before any file.
    if refused := refusals(fmt, documents, _document_formatter(site)):
        more = (f" ({len(refused) - 1} more document{'s' if len(refused) > 2 else ''} cannot "
                "either)" if len(refused) > 1 else "")
        raise bad_input(f"{refused[0].rstrip('.')}{more}; nothing was written.")
    folder = Path(args.out_dir)
    if folder.exists() and not folder.is_dir():
        raise bad_input(f"{folder} is not a folder for the {fmt.suffix[1:].upper()}s; nothing "
                        "was written.")
    from desktop.storage.files import make_private_folder
    from desktop.storage.output_files import OutputFailed, OutputRefused

    try:
        make_private_folder(folder)
    except OSError as exc:
        raise bad_input(f"The folder {folder} cannot be made ({exc.strerror}); nothing was "
                        "written.") from None
    formatter = _document_formatter(site)
    kind = (f"invoice {fmt.suffix[1:].upper()}" if fmt.refusal is None
            else f"{fmt.name} e-invoice")
    written = 0
    try:
        for path in write_invoices(fmt, documents, folder, formatter):
            print(path)
            written += 1
    except (OutputFailed, OutputRefused) as exc:  # say what is there: the files before it
        done = f"{written} of {len(documents)} {kind}s were written to {folder}"
        # Exit 2 promises nothing was written: once a file is there, a refusal is exit 1.
        failure = OutputFailed if written else type(exc)
        raise failure(f"{str(exc).rstrip('.')}; {done}.") from None
    print(f"Wrote {written} {kind}{'s' if written != 1 else ''} to {folder}.")
    return EXIT_OK


def _document_formatter(site):
    """The site's formatter, with the Qt application invoice documents are laid out in (they
    need no screen)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from desktop.i18n.formatting import Formatter

    global _APPLICATION
    _APPLICATION = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    return Formatter(site.locale, site.currency)


_APPLICATION = None  # lives as long as the command


def db_settings(db, clock):
    from desktop.services.settings import SettingsService

    return SettingsService(db, clock).get()


def _payments(args, target, clock, open_database, bad_input) -> int:
    from desktop.i18n.formatting import Formatter
    from desktop.services.errors import NotFound, ValidationError
    from desktop.services.payments import PaymentService

    with open_database(target, clock) as db:
        service = PaymentService(db, clock)
        site = db_settings(db, clock)
        money = Formatter(site.locale, site.currency).money
        options = dict(day=args.date, method=args.method, reference=args.reference)
        try:
            if args.action == "add":
                recorded = _record(args, service, db, bad_input, options)
                payment = recorded.payment
                placed = ", ".join(f"{a.number} {money(a.amount)}"
                                   for a in recorded.allocations)
                said = f"Recorded {money(payment.amount)}"
                said += f": {placed}" if placed else ""
                if recorded.to_credit:
                    said += f"; {money(recorded.to_credit)} to the credit balance"
                print(said + ".")
            else:
                member_id = _member_id(db, args.member, bad_input)
                payment = service.refund(member_id, args.amount, **options).payment
                print(f"Refunded {money(-payment.amount)} to {args.member}.")
        except (ValidationError, NotFound) as exc:
            raise bad_input(f"{str(exc).rstrip('.')}; nothing was written.") from None
    return EXIT_OK


def _member_id(db, email: str, bad_input) -> int:
    from sqlalchemy import select

    from desktop.storage import models as m

    with db.session() as session:
        member_id = session.scalar(select(m.MemberRow.id).where(m.MemberRow.email == email))
    if member_id is None:
        raise bad_input(f"There is no member with the email {email}.")
    return member_id


def _record(args, service, db, bad_input, options):
    """`payments add`: against a document (INVOICE-NUMBER AMOUNT) or from a member (--member
    EMAIL AMOUNT); rule 21 allocates it either way."""
    def minor_units(text: str) -> int:
        try:
            return _minor_units(text)
        except argparse.ArgumentTypeError as exc:
            raise bad_input(f"{exc}.") from None

    if args.member is not None:
        if args.amount is not None or args.invoice is None:
            raise bad_input("With --member, give only the amount: "
                            "payments add --member EMAIL AMOUNT.")
        amount = minor_units(args.invoice)
        return service.record_for_member(_member_id(db, args.member, bad_input), amount,
                                         **options)
    if args.invoice is None or args.amount is None:
        raise bad_input("Give a document number and an amount, or --member EMAIL and an "
                        "amount.")
    return service.record(args.invoice, minor_units(args.amount), **options)


def _export(args, target, clock, open_database, bad_input) -> int:
    """A whole-database export of the registry, to a file or (-) to standard output."""
    from desktop.formats.files import export_file
    from desktop.storage.output_files import check_target

    command = registry.command(args.command)
    fmt = command.formats[0] if len(command.formats) == 1 else command.format_named(args.kind)
    path = Path(args.file)
    if args.file != "-":
        check_target(path)  # a pipe, link or device is refused before the database is opened
    # Read-only: never migrated, never backed up (an older file is read through a copy).
    with open_database(target, clock, read_only=True) as db:
        if args.file == "-":
            out = sys.stdout if fmt.text else sys.stdout.buffer
            try:
                fmt.work(db, out, clock.today())
                out.flush()
            except BrokenPipeError:
                # The reader stopped early (| head): not a failure; keep Python from
                # complaining about the closed pipe at exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        count = export_file(fmt, db, path, clock.today())  # 0600, never half a file
    if fmt.rows:
        print(f"Wrote {count} {fmt.name} rows to {path}.")
    return EXIT_OK
