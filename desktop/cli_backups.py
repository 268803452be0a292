"""Backups on the command line (docs/storage.md): `frontdesk backups` lists them, `frontdesk
restore BACKUP` puts one in place of the database. Registered by desktop/cli.py, which reads the
clock and passes it.

Restore first keeps a copy of the database as it is (a backup like any other, whose rotation
never removes the backup being restored), then copies the backup over the database file. Errors
are one sentence; a backup that is not one of this database's is refused, nothing written.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

EXIT_OK = 0


def add_backup_commands(commands, database: argparse.ArgumentParser) -> None:
    commands.add_parser("backups", parents=[database],
                        help="list the database's backups, newest first")
    restore = commands.add_parser("restore", parents=[database],
                                  help="replace the database with a backup (a copy of the "
                                       "database is kept first)")
    restore.add_argument("backup", metavar="BACKUP",
                         help="a backup file, or its name as \"frontdesk backups\" lists it")


def sqlite_file(target: str | None) -> Path | None:
    """The SQLite file a target names: --db PATH, a sqlite:/// URL (also SQLite's file: form
    with its options), or the default file; None for a server or an in-memory database."""
    if target is not None and "://" in target:
        if not target.startswith("sqlite:///") or target.startswith("sqlite:///:memory:"):
            return None
        target = target[len("sqlite:///"):].split("?", 1)[0].removeprefix("file:")
    from desktop.storage.database import default_path

    return default_path() if target is None else Path(target).expanduser()


def _database_file(target: str | None, bad_input) -> Path:
    path = sqlite_file(target)
    if path is None:
        raise bad_input("Only a database file has backups; this database is a URL.")
    return path.absolute()


def describe(backup: Path) -> str:
    """"2026-12-06 10:30:00   184 KB   frontdesk.backup-20261206-103000.sqlite3"."""
    stamp = backup.name.rsplit(".backup-", 1)[1][:15]
    taken = datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    size = backup.stat().st_size
    shown = f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"
    return f"{taken:%Y-%m-%d %H:%M:%S}  {shown:>9}  {backup.name}"


def _chosen(database: Path, name: str, bad_input) -> Path:
    from desktop.storage.backups import list_backups

    given = Path(name).expanduser()
    if given.is_file():
        return given.absolute()
    beside = database.parent / name
    if beside in list_backups(database):
        return beside
    raise bad_input(f'There is no backup {name}; "frontdesk backups" lists them.')


def run(args, target: str | None, clock, bad_input) -> int:
    from desktop.storage.backups import list_backups, remove_leftovers

    database = _database_file(target, bad_input)
    remove_leftovers(database, clock.now())  # what a killed restore left beside it
    if args.command == "backups":
        found = list_backups(database)
        if not found:
            print(f"There are no backups of {database}.")
        for backup in found:
            print(describe(backup))
        return EXIT_OK
    from desktop.storage.database import restore

    backup = _chosen(database, args.backup, bad_input)
    safety = restore(database, backup, safety_at=clock.now())
    kept = f"; the database as it was is kept in {safety.name}" if safety else ""
    print(f"Restored {database} from {backup.name}{kept}.")
    return EXIT_OK
