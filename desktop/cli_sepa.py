"""SEPA direct debit and bank statements on the command line (rule 30;
docs/exchange-format.md): `sepa collect OUT-FILE --due-by D [--collect-on D]` writes a
pain.008.001.08 file and marks its documents submitted; `bank import STATEMENT` imports a
camt.053 statement. Registered by desktop/cli.py, which reads the clock and passes it.

Bad input (a site without a creditor id, a collection day not after today, a file that is not a
camt.053 statement) is one sentence, exit 2, nothing written.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0


def add_commands(commands, database, day) -> None:
    sepa = commands.add_parser("sepa", parents=[database], help="SEPA direct-debit collections")
    what = sepa.add_subparsers(dest="action", metavar="ACTION", required=True,
                               parser_class=sepa.__class__)
    collect = what.add_parser(
        "collect", parents=[database],
        help="write the pain.008.001.08 file of every open document due by a day of members "
             "with an active mandate, and mark those documents submitted")
    collect.add_argument("out_file", metavar="OUT-FILE")
    collect.add_argument("--due-by", type=day, required=True, metavar="YYYY-MM-DD",
                         dest="due_by", help="collect the documents due by this day")
    collect.add_argument("--collect-on", type=day, metavar="YYYY-MM-DD", dest="collect_on",
                         help="the day the debtors' accounts are debited (default: the due-by "
                              "day, at least two days from today)")
    bank = commands.add_parser("bank", parents=[database], help="bank statements")
    how = bank.add_subparsers(dest="action", metavar="ACTION", required=True,
                              parser_class=bank.__class__)
    statement = how.add_parser(
        "import", parents=[database],
        help="import a camt.053 statement: payments matched to documents, returned direct "
             "debits, and entries left for the operator")
    statement.add_argument("statement", metavar="STATEMENT")


def command_names() -> list[str]:
    return ["sepa", "bank"]


def run(args, target, clock, open_database, bad_input) -> int:
    if args.command == "sepa":
        return _collect(args, target, clock, open_database, bad_input)
    return _import(args, target, clock, open_database, bad_input)


def _money(db, clock):
    from desktop.i18n.formatting import Formatter
    from desktop.services.settings import SettingsService

    site = SettingsService(db, clock).get()
    return Formatter(site.locale, site.currency).money


def _collect(args, target, clock, open_database, bad_input) -> int:
    from desktop.services.banking.collection import CollectionService
    from desktop.services.errors import Refused

    path = Path(args.out_file)
    with open_database(target, clock) as db:
        try:
            run = CollectionService(db, clock).collect(path, args.due_by, args.collect_on)
        except Refused as exc:
            raise bad_input(f"{str(exc).rstrip('.')}; nothing was written.") from None
        money = _money(db, clock)
    if not run.items:
        print(f"Nothing to collect by {args.due_by.isoformat()}; no file was written.")
        return EXIT_OK
    for item in run.items:
        print(f"{item.number}  {item.sequence}  {money(item.amount):>12}  {item.mandate}  "
              f"{item.member}")
    print(f"Wrote {len(run.items)} direct debits of {money(run.total)} to be collected on "
          f"{run.collect_on.isoformat()} to {path}; their documents are marked submitted.")
    return EXIT_OK


def _import(args, target, clock, open_database, bad_input) -> int:
    from desktop.services.banking.camt import NotAStatement, read_statement_file
    from desktop.services.banking.statements import StatementService

    try:
        entries = read_statement_file(Path(args.statement))
    except NotAStatement as exc:
        raise bad_input(str(exc)) from None
    with open_database(target, clock) as db:
        report = StatementService(db, clock).import_entries(entries)
        money = _money(db, clock)
    for outcome in report.outcomes:
        print(f"{outcome.status:<9}  {money(outcome.amount):>12}  {outcome.reference}  "
              f"{outcome.detail}")
    print(f"Matched {report.matched}, returned {report.returned}, unmatched "
          f"{report.unmatched}; {report.already} were imported before.")
    return EXIT_OK
