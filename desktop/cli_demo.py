"""`frontdesk demo` (docs/exchange-format.md): sample data in an empty database, all or nothing.

Registered by desktop/cli.py, which reads the clock and passes it. Into a database file the
sample is built beside it and put in place when complete (desktop/storage/staging.py), so a
demo killed, interrupted or stopped by a full disk leaves the database as it was (missing or
empty) and can simply run again. On a server the sample is written in the server's own
transactions.
"""

from __future__ import annotations

EXIT_OK = 0


def run(args, target: str | None, clock, open_database, bad_input) -> int:
    from desktop.cli_backups import sqlite_file
    from desktop.services.sample.demo import is_empty, load_demo
    from desktop.storage.staging import built_aside

    path = sqlite_file(target)
    if path is None or path.exists():
        with open_database(target, clock) as db:
            if not is_empty(db):
                raise bad_input("The database is not empty; the sample data goes into a new "
                                "database (use --db NEW-FILE).")
            if path is None:
                summary = load_demo(db, clock.today(), members=args.members, seed=args.seed)
    if path is not None:
        with built_aside(path, clock.now()) as building, \
                open_database(str(building), clock) as db:
            summary = load_demo(db, clock.today(), members=args.members, seed=args.seed)
    print(f"Loaded {summary.members} members, {summary.contracts} contracts and "
          f"{summary.invoices} invoices.")
    return EXIT_OK
