"""Backups of a SQLite database file (docs/storage.md): named by time, rotating, restorable.

A backup sits next to its database as ``<stem>.backup-<YYYYmmdd-HHMMSS>.sqlite3`` and is taken
with SQLite's online backup API, so it is consistent even while the application writes. Backups
are created readable by their owner alone (0600), like the database. Rotation never removes the
backup that is about to be restored (`keep_also`), and a new backup never takes the name of an
existing one.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from desktop.storage.files import create_private

BACKUPS_KEPT = 5
_STAMP = "%Y%m%d-%H%M%S"
_SUFFIX = re.compile(r"\.backup-(\d{8}-\d{6})\.sqlite3$")


def backup_path(database: Path, now: datetime) -> Path:
    """Where a backup of the database taken at `now` goes."""
    return database.with_name(f"{database.stem}.backup-{now.strftime(_STAMP)}.sqlite3")


def _stamp(database: Path, candidate: Path) -> str | None:
    """The time stamp of a backup of this database, or None if the file is not one."""
    name = candidate.name
    prefix = f"{database.stem}.backup-"
    if not name.startswith(prefix):
        return None
    match = _SUFFIX.search(name)
    # The stem itself may contain ".backup-": the stamp must follow the prefix directly.
    if not match or match.start() != len(database.stem):
        return None
    return match.group(1)


def taken_at(backup: Path) -> datetime | None:
    """When a backup was taken, read from its name; None for a file not named as a backup."""
    match = _SUFFIX.search(backup.name)
    return None if match is None else datetime.strptime(match.group(1), _STAMP)


def list_backups(database: Path) -> list[Path]:
    """The backups of a database file, newest first."""
    folder = database.parent
    if not folder.is_dir():
        return []
    found = [(stamp, path) for path in folder.iterdir()
             if (stamp := _stamp(database, path)) is not None and path.is_file()]
    return [path for _, path in sorted(found, reverse=True)]


def connect_readonly(path: Path, timeout: float = 30) -> sqlite3.Connection:
    """A read-only connection that leaves no -wal/-shm files behind a closed database.

    A database with a write-ahead log in use is opened normally read-only (its log must be
    read); a cleanly closed one is opened as immutable, so SQLite creates no side files.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=timeout)


def _copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the online backup API."""
    create_private(target)  # 0600 before SQLite writes a byte into it
    with closing(connect_readonly(source)) as src, \
            closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)


def _remove(path: Path) -> None:
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        companion.unlink(missing_ok=True)


def _free_name(database: Path, now: datetime) -> Path:
    """The backup name for `now`, or the next second's when a backup already has that name."""
    target = backup_path(database, now)
    while target.exists():
        now += timedelta(seconds=1)
        target = backup_path(database, now)
    return target


def backup_file(database: Path, now: datetime, keep: int = BACKUPS_KEPT,
                keep_also: tuple[Path, ...] = ()) -> Path:
    """Take a backup of the database now and keep only the newest `keep` backups.

    The files in `keep_also` (the backup being restored) are never rotated away.
    """
    target = _free_name(database, now)
    # Written under a temporary name and renamed, so a backup file is never half written.
    partial = target.with_name(target.name + ".partial")
    _remove(partial)
    _copy(database, partial)
    # A backup is one self-contained file: no write-ahead log beside it.
    with closing(sqlite3.connect(partial)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    os.replace(partial, target)
    spared = {path.resolve() for path in keep_also}
    for old in list_backups(database)[keep:]:
        if old.resolve() not in spared:
            _remove(old)
    return target


# A temporary backup file untouched this long belongs to a copy that was killed; one being
# written now is touched all the time (a copy writes page after page, then renames).
STALE_AFTER = timedelta(minutes=5)
_COMPANIONS = ("", "-journal", "-wal", "-shm")


def remove_leftovers(database: Path, now: datetime) -> list[Path]:
    """Remove what a killed backup or restore left beside the database: the backup's temporary
    ``….sqlite3.partial`` and its journal. Never the database's own journal: SQLite rolls a
    half-done restore back from it at the next open. Returns what was removed."""
    folder = database.parent
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.iterdir():
        name = path.name
        base = next((name[:-len(end)] for end in _COMPANIONS[1:] if name.endswith(end)), name)
        if not base.endswith(".partial") or _stamp(database, Path(base[:-len(".partial")])) \
                is None:
            continue
        try:
            touched = datetime.fromtimestamp(path.lstat().st_mtime)
            if now - touched >= STALE_AFTER and path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:  # gone meanwhile, or not ours to remove: left as it is
            pass
    return removed


def backup_daily(database: Path, now: datetime, keep: int = BACKUPS_KEPT) -> Path | None:
    """Take a backup unless one was already taken on now's calendar day."""
    today = now.strftime(_STAMP)[:8]
    # list_backups lists only files that are backups, so each has a stamp.
    if any((_stamp(database, path) or "").startswith(today) for path in list_backups(database)):
        return None
    return backup_file(database, now, keep)


def restore_file(database: Path, backup: Path) -> None:
    """Copy a backup over a database file that no connection has open."""
    _copy(backup, database)
