"""The database file on disk: created private, and recognised again before each write.

Files Frontdesk creates (the database, its write-ahead log and shared memory, backups) are
readable by their owner alone (0600), in a folder Frontdesk creates as 0700: they hold names,
e-mail addresses, phone numbers and notes. SQLite gives the -wal and -shm files the database
file's own permissions, so creating the database file 0600 covers them.

`FileIdentity` remembers which file was opened (device and inode). A file deleted or replaced
while the window is open would otherwise keep "saving" into the unlinked file, or SQLite would
create a new empty one; `FileIdentity.check` looks at the path alone (os.stat, never a
connection), so any thread may call it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from desktop.storage.errors import DatabaseRefused


def make_private_folder(folder: Path) -> None:
    """Create the folder (and missing parents) readable by its owner alone, if it is missing."""
    if folder.is_dir():
        return
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, 0o700)


def create_private(path: Path) -> None:
    """Create an empty file readable and writable by its owner alone, unless it exists."""
    make_private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


class DatabaseGone(DatabaseRefused):
    """The database file was deleted, moved or replaced while it was open; nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(gone_sentence(path))
        self.path = path


def gone_sentence(path: Path) -> str:
    return (f"The database file {path} was deleted, moved or replaced while Frontdesk had it "
            "open; nothing more is saved. Close Frontdesk and open the database again (or "
            "restore a backup).")


@dataclass
class FileIdentity:
    """The (device, inode) of the database file as it was opened."""

    path: Path
    device: int
    inode: int
    lost: bool = False

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        status = os.stat(path)
        return cls(path, status.st_dev, status.st_ino)

    def check(self) -> None:
        """Raise DatabaseGone when the path no longer names the file that was opened."""
        if not self.lost:
            try:
                status = os.stat(self.path)
                self.lost = (status.st_dev, status.st_ino) != (self.device, self.inode)
            except OSError:
                self.lost = True
        if self.lost:  # once lost, always lost: a file put back later is not this one
            raise DatabaseGone(self.path)
