"""The command line (docs/exchange-format.md): the window by default, and headless commands.

Exit status: 0 done, 2 bad input (nothing written), 1 anything else; errors are one sentence
on standard error, never a traceback. This is the composition root of the headless commands:
the only place here that reads the system clock, which it passes down.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from desktop import __version__
from desktop.cli_backups import sqlite_file
from desktop.cli_troubles import storage_trouble

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
_log = logging.getLogger(__name__)
ENVIRONMENT = "FRONTDESK_DATABASE_URL"


class BadInput(Exception):
    """Input the command cannot use; nothing was written (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one sentence on stderr and exit 2, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        sentence = message[:1].upper() + message[1:]
        sys.stderr.write(f"{sentence.rstrip('.')}; \"frontdesk --help\" lists the commands.\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _day(text: str) -> date:
    """Only YYYY-MM-DD, 2000-01-01 to 2100-12-31 (desktop/domain/limits.py)."""
    from desktop.domain.limits import parse_day

    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


def _whole(text: str, minimum: int, maximum: int) -> int:
    shown = text if len(text) <= 30 else text[:30] + "…"
    try:
        value = int(text) if len(text) <= 30 else None
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise argparse.ArgumentTypeError(
            f'"{shown}" is not a whole number from {minimum:,} to {maximum:,}')
    return value


def _count(text: str) -> int:
    from desktop.domain.limits import MAX_DEMO_MEMBERS

    return _whole(text, 1, MAX_DEMO_MEMBERS)


def _seed(text: str) -> int:
    return _whole(text, -(2**63), 2**63 - 1)


def _limit(text: str) -> int:
    return _whole(text, 1, 1_000_000)


def build_parser() -> argparse.ArgumentParser:
    database = _Parser(add_help=False)
    database.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                          help=f"database file or SQLAlchemy URL (default: ${ENVIRONMENT}, "
                               "else the file in your data directory)")
    parser = _Parser(prog="frontdesk", parents=[database],
                     description="Contracts and billing for a coworking space's front desk. "
                                 "Without a command, opens the window.")
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = commands.add_parser("demo", parents=[database],
                               help="fill an empty database with realistic sample data")
    demo.add_argument("--members", type=_count, default=120, metavar="N")
    demo.add_argument("--seed", type=_seed, default=1, metavar="S")
    sweep = commands.add_parser("sweep", parents=[database],
                                help="apply every transition due up to a day (default today)")
    sweep.add_argument("--today", type=_day, metavar="YYYY-MM-DD")
    sweep.add_argument("--json", action="store_true", help="print the report as JSON")
    sweep.add_argument("--catch-up-limit", type=_limit, metavar="N", dest="catch_up_limit",
                       help="allow up to N invoices per contract at once (default 24)")
    from desktop.cli_backups import add_backup_commands
    from desktop.cli_documents import add_commands
    from desktop.cli_mail import add_commands as add_mail_commands
    from desktop.cli_sepa import add_commands as add_sepa_commands

    add_commands(commands, database, _day)
    add_sepa_commands(commands, database, _day)
    from desktop.cli_charges import add_charge_commands

    add_charge_commands(commands, database, _day)
    add_backup_commands(commands, database)
    add_mail_commands(commands, database)
    return parser


def database_target(args: argparse.Namespace) -> str | None:
    """--db, else $FRONTDESK_DATABASE_URL, else None (the default file). An empty --db is
    refused: it would otherwise fall back to the live default database."""
    given = getattr(args, "db", None)
    if given is not None and not given.strip():
        raise BadInput('--db was given an empty name; name a database file or URL.')
    return given or os.environ.get(ENVIRONMENT) or None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        target = database_target(args)
    except BadInput as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    if args.command is None:
        return _window(target)
    if argv is None:  # the program itself, not a caller passing its own arguments
        _log_to_file()
    elif not logging.getLogger().hasHandlers():  # a caller's process: never onto stderr
        logging.getLogger().addHandler(logging.NullHandler())
    from desktop.services.clock import SystemClock
    from desktop.services.errors import ServiceError
    from desktop.storage.errors import DatabaseBusy, DatabaseRefused
    from desktop.storage.output_files import OutputFailed, OutputRefused

    clock = SystemClock(datetime.now)
    try:
        if args.command not in _creating():
            _require_database(target)
        status = _commands()[args.command](args, target, clock)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
        return status
    except (BadInput, DatabaseRefused, OutputRefused) as exc:
        # A database that could not be upgraded because its disk is full or read-only: that.
        if trouble := storage_trouble(exc.__cause__, sqlite_file(target), writing=False):
            _error(trouble)
            return EXIT_FAILED
        _error(str(exc))
        return EXIT_BAD_INPUT
    except (DatabaseBusy, ServiceError, OutputFailed) as exc:  # already one sentence
        _error(str(exc))
        return EXIT_BAD_INPUT if isinstance(exc, ServiceError) else EXIT_FAILED
    except KeyboardInterrupt:
        _error("Interrupted; what was not committed was rolled back.")
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader of the output stopped early (`frontdesk sweep | head`): the work is done
        # and committed, only the rest of the report went unread, so this is no failure.
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a sentence, never a traceback
        _log.exception("the %s command failed", args.command)
        if trouble := storage_trouble(exc, sqlite_file(target)):
            _error(trouble)
            return EXIT_FAILED
        _error(f"The {args.command} command failed: {_first_line(exc)}")
        return EXIT_FAILED


def _log_to_file() -> None:
    """What a command logs (a traceback behind a refusal, say) goes to the log file
    (docs/design.md#screens), never onto standard error, which holds the one sentence: without a
    handler Python's last resort would print the record and its traceback there."""
    from desktop.log_file import start_logging

    if start_logging(level=logging.WARNING) is None:  # no log file: then nowhere
        logging.getLogger().addHandler(logging.NullHandler())


def _window(target: str | None) -> int:
    try:
        app = importlib.import_module("desktop.app")
    except ImportError as exc:
        _error(_why_no_window(exc))
        return EXIT_FAILED
    result = app.run(target)
    return result if isinstance(result, int) else EXIT_OK


def _why_no_window(exc: ImportError) -> str:
    """One sentence on why Qt could not be loaded, naming a missing system library if any."""
    library = re.search(r"(lib[\w.+-]+\.so[\w.]*)", str(exc))
    if library:
        return (f"The window cannot open: the system library {library.group(1)} is missing "
                "(the README lists the packages Qt needs); the commands still work, see "
                '"frontdesk --help".')
    return ("The window cannot open: Qt (PySide6) is not installed with this copy of Frontdesk; "
            'the commands still work, see "frontdesk --help".')


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if line.endswith((".", "!", "?")) else line + "."


def _error(sentence: str) -> None:
    sys.stderr.write(sentence.rstrip().encode("utf-8", "backslashreplace").decode("utf-8") + "\n")


def _require_database(target: str | None) -> None:
    """Refuse a database file that does not exist: opening it would create an empty one.

    Only the commands that fill a new database (demo, import) and the window, which creates
    the default database on first run, may do that; a URL is left to its server or driver.
    """
    if target is not None and "://" in target:
        return
    from desktop.storage.database import default_path

    path = default_path() if target is None else Path(target).expanduser()
    if not path.exists():
        raise BadInput(f'There is no database at {path}; run "frontdesk demo" or '
                       f'"frontdesk import" to create one.')


def _open(target: str | None, clock, *, read_only: bool = False):
    from desktop.storage.database import open_database

    return open_database(target, now=clock.now(), read_only=read_only)


def _new_file(target: str | None) -> Path | None:
    """The database file a command would create (it does not exist yet), else None."""
    if target is not None and "://" in target:
        return None
    from desktop.storage.database import default_path

    path = default_path() if target is None else Path(target).expanduser()
    return None if path.exists() else path


def _remove_created(path: Path | None) -> None:
    """Take back a database file a refused command created: nothing is left on a refusal."""
    if path is None:
        return
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            companion.unlink(missing_ok=True)
        except OSError:
            pass


# Commands -------------------------------------------------------------------------------------

def _demo(args, target, clock) -> int:
    from desktop.cli_demo import run

    return run(args, target, clock, _open, BadInput)


def _sweep(args, target, clock) -> int:
    from desktop.domain.limits import CATCH_UP_LIMIT
    from desktop.services.sweep.service import SweepService

    as_of = args.today or clock.today()
    with _open(target, clock) as db:
        report = SweepService(db, clock).apply_due(
            as_of, catch_up_limit=args.catch_up_limit or CATCH_UP_LIMIT)
    if args.json:
        print(json.dumps({
            "as_of": report.as_of.isoformat(),
            "applied": [{"contract": t.contract, "kind": t.kind, "date": t.date.isoformat(),
                         "description": t.description} for t in report.applied],
            "invoices_issued": report.invoices_issued,
            "failed": [{"key": [k.isoformat() if isinstance(k, date) else k for k in f.key],
                        "message": f.message} for f in report.failed],
        }, indent=2))
    else:
        for t in report.applied:
            print(f"{t.date.isoformat()}  {t.kind:<12}  contract {t.contract}  {t.description}")
        print(f"Applied {len(report.applied)} transitions due up to {as_of.isoformat()}; "
              f"issued {report.invoices_issued} documents.")
    if report.failed:
        first = report.failed[0].message
        more = "" if len(report.failed) == 1 else f" ({len(report.failed) - 1} more failed too)"
        _error(f"{first.rstrip('.')}{more}.")
        return EXIT_FAILED
    return EXIT_OK


def _read_document(name: str):
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{name} does not exist.") from None
    except UnicodeDecodeError:
        raise BadInput(f"{name} cannot be read: it is not UTF-8 text.") from None
    except OSError as exc:
        raise BadInput(f"{name} cannot be read: {_first_line(exc)}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{name} is not JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}.") from None
    except RecursionError:
        raise BadInput(f"{name} is nested too deeply to be a frontdesk document.") from None
    except ValueError:  # a number of thousands of digits, which Python refuses to read
        raise BadInput(f"{name} holds a number too long to be read.") from None


MAX_PROBLEMS_SHOWN = 20


def _import(args, target, clock) -> int:
    """An import of the registry (desktop/formats/registry.py) into a new or empty database."""
    from desktop.formats import registry
    from desktop.services.exchange.document import read_document
    from desktop.services.exchange.values import ImportProblems

    work = registry.command(args.command, registry.IMPORT).formats[0].work

    document = _read_document(args.file)
    created = _new_file(target)
    try:
        read_document(document, clock.today())  # every problem, before any file is opened
        with _open(target, clock) as db:
            summary = work(db, document, clock.now())
    except ImportProblems as problems:
        _remove_created(created)
        count = len(problems.problems)
        if count == 1:
            _error(f"Nothing was imported: {problems.problems[0]}")
        else:
            _error(f"Nothing was imported; the document has {count} problems:")
            for problem in problems.problems[:MAX_PROBLEMS_SHOWN]:
                _error(f"  {problem}")
            if count > MAX_PROBLEMS_SHOWN:
                _error(f"  … and {count - MAX_PROBLEMS_SHOWN} more.")
        return EXIT_BAD_INPUT
    except BaseException:
        _remove_created(created)
        raise
    print(f"Imported {summary.plans} plans, {summary.members} members, {summary.contracts} "
          f"contracts and {summary.invoices} invoices.")
    return EXIT_OK


def _documents(args, target, clock) -> int:
    from desktop.cli_documents import run

    return run(args, target, clock, _open, BadInput)


def _mail(args, target, clock) -> int:
    from desktop.cli_mail import run

    return run(args, target, clock, _open, BadInput)


def _charges(args, target, clock) -> int:
    from desktop.cli_charges import run

    return run(args, target, clock, _open, BadInput)


def _sepa(args, target, clock) -> int:
    from desktop.cli_sepa import run

    return run(args, target, clock, _open, BadInput)


def _backups(args, target, clock) -> int:
    from desktop.cli_backups import run

    return run(args, target, clock, BadInput)


def _commands() -> dict:
    """Command -> what runs it; the exports and imports are the registry's
    (desktop/formats/registry.py)."""
    from desktop.cli_documents import command_names
    from desktop.formats import registry

    commands = {"demo": _demo, "sweep": _sweep, "backups": _backups, "restore": _backups,
                "mail": _mail, "charges": _charges}
    commands.update(dict.fromkeys(command_names(), _documents))
    commands.update(dict.fromkeys(("sepa", "bank"), _sepa))
    commands.update(dict.fromkeys((c.cli for c in registry.commands(registry.IMPORT)), _import))
    return commands


def _creating() -> tuple[str, ...]:
    """The commands that may run without the database file: demo and an import fill a new one,
    backups lists what is left of a lost one, restore brings one back."""
    from desktop.formats import registry

    return ("demo", *(c.cli for c in registry.commands(registry.IMPORT)), "backups", "restore")
