"""A whole database built beside its final name and put in place only when complete.

The sample data (`frontdesk demo`) is written in many transactions, two sweeps among them; a
kill, Ctrl+C or a full disk half-way used to leave half a sample in the database, which then
counted as not empty and refused the demo ever after. Built in a folder of its own beside the
target (same file system), the database takes the target's name at the end: a new file by a
hard link (atomic, and never over a file that appeared meanwhile), an existing empty database
by SQLite's backup API (one transaction of the target, so a kill leaves it empty). Whatever was
not finished is removed, then or — after a kill — by the next build once it is stale.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from desktop.storage.backups import STALE_AFTER, restore_file
from desktop.storage.errors import DatabaseRefused
from desktop.storage.files import make_private_folder


def _prefix(target: Path) -> str:
    return f".{target.name}.building-"


def remove_stale_builds(target: Path, now: datetime) -> None:
    """Remove the build folders of killed builds of this target, once untouched for a while
    (a fresh one may be another process's build under way)."""
    folder = target.parent
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if not path.name.startswith(_prefix(target)) or not path.is_dir():
            continue
        try:
            touched = max([path.stat().st_mtime] + [p.stat().st_mtime for p in path.iterdir()])
        except OSError:
            continue
        if now - datetime.fromtimestamp(touched) >= STALE_AFTER:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def built_aside(target: Path, now: datetime) -> Iterator[Path]:
    """The path of a new database file to build; when the block ends without an error it takes
    `target`'s place (which must not exist or be an empty database checked by the caller);
    otherwise, and in any case afterwards, the build is removed."""
    remove_stale_builds(target, now)
    make_private_folder(target.parent)
    workshop = Path(tempfile.mkdtemp(prefix=_prefix(target), dir=target.parent))  # 0700
    try:
        built = workshop / target.name
        yield built
        with closing(sqlite3.connect(built)) as conn:  # everything in the file, no log beside
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _put_in_place(built, target)
    finally:
        shutil.rmtree(workshop, ignore_errors=True)


def _put_in_place(built: Path, target: Path) -> None:
    if target.exists():
        restore_file(target, built)  # one transaction of the target's
        return
    try:
        os.link(built, target)
    except FileExistsError:
        raise DatabaseRefused(f"{target} was created by another program meanwhile; the sample "
                              "data was not put into it.") from None
    except OSError:  # a file system without hard links
        os.replace(built, target)
