"""Files a person asks for: exports, spreadsheets, invoice PDFs (docs/exchange-format.md,
docs/storage.md).

They hold every member's name, address and e-mail, so each is created readable by its owner
alone (0600). A file is written under a temporary name in its own folder, flushed to the disk
(fsync) and only then renamed to the name asked for: a full disk, a file-size limit or a kill
leaves the earlier file (or none) under that name, never a truncated one.

Only a new path or an existing regular file is written. A named pipe, a device node or a socket
would be replaced by a regular file (or, written in place, would block or write to the device);
a symbolic link would be replaced by a file instead of writing where it points. They are refused
with one sentence (`OutputRefused`), like a folder that does not exist or cannot be written.
A write that starts and then fails is `OutputFailed`. Each carries a `wording`, the sentence the
window translates (desktop.i18n.messages.refusal); str() is the English sentence for the
command line.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

# What a file name may not hold, and the names Windows keeps for devices: the very rules the
# import applies to invoice numbers.
from desktop.domain.limits import DEVICE_NAMES, FILE_UNSAFE
from desktop.domain.model import M_, Message

MAX_NAME_BYTES = 200  # of the stem: under the usual 255-byte limit, room for "-2" and ".pdf"


NOT_A_FILE = M_("{path} is a folder, a link or a device, not a file; choose another name. "
                "Nothing was written.")
CANNOT_WRITE = M_("{path} cannot be written there: the folder is missing, full or closed to "
                  "you. Nothing was written.")
DISK_FULL = M_("{path} could not be written: the disk is full. Nothing was written under that "
               "name.")
WRITE_FAILED = M_("{path} could not be written. Nothing was written under that name.")


class OutputRefused(Exception):
    """The path cannot take a new file (a pipe, link, device, folder, missing folder); nothing
    was written. str() is one sentence for the operator, `wording` the same for the window."""

    def __init__(self, sentence: str, wording: Message | None = None) -> None:
        super().__init__(sentence)
        self.wording = wording


class OutputFailed(Exception):
    """Writing started and failed (a full disk, a file-size limit); nothing is left under the
    name asked for. str() is one sentence for the operator, `wording` the same for the window."""

    def __init__(self, sentence: str, wording: Message | None = None) -> None:
        super().__init__(sentence)
        self.wording = wording


def _why(error: OSError) -> str:
    if error.errno == errno.ENOSPC or error.errno == errno.EDQUOT:
        return "the disk is full"
    if error.errno == errno.EFBIG:
        return "the file would be larger than this system allows"
    return (error.strerror or str(error)).rstrip(".").lower()


def check_target(path: Path) -> None:
    """Refuse anything but a new path or an existing regular file (the link itself is looked
    at, never what it points to)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputRefused(f"{path} cannot be written: {_why(error)}; nothing was written.",
                            Message.of(CANNOT_WRITE, path=str(path))) from None
    if stat.S_ISREG(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else
            "a symbolic link" if stat.S_ISLNK(mode) else
            "a named pipe" if stat.S_ISFIFO(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise OutputRefused(f"{path} is {kind}, not a file; name a new file or a regular file to "
                        "replace, nothing was written.", Message.of(NOT_A_FILE, path=str(path)))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a file system that cannot sync a folder is left be."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextmanager
def replacing(path: Path, *, text: bool = False, newline: str | None = None) -> Iterator[IO]:
    """A file to write `path` through: its content takes the name when the block ends without
    an error, and is removed otherwise (OutputRefused before anything is written, OutputFailed
    when writing fails). With text, a UTF-8 text file."""
    path = Path(path)
    check_target(path)
    folder = path.parent
    try:
        # mkstemp: a new name (O_EXCL, never an existing file or link), mode 0600.
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name[:100]}.",
                                                 suffix=".partial", dir=folder)
    except OSError as error:
        raise OutputRefused(f"{path} cannot be written: {_why(error)} ({folder}); nothing was "
                            "written.", Message.of(CANNOT_WRITE, path=str(path))) from None
    try:
        out: IO = (os.fdopen(descriptor, "w", encoding="utf-8", newline=newline) if text
                   else os.fdopen(descriptor, "wb"))
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        check_target(path)  # again: something other than a file may have appeared meanwhile
        os.replace(temporary, path)
    except OSError as error:
        _discard(temporary)
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        raise OutputFailed(f"{path} could not be written: {_why(error)}; nothing was written "
                           "under that name.", Message.of(DISK_FULL if full else WRITE_FAILED,
                                                          path=str(path))) from None
    except BaseException:
        _discard(temporary)
        raise
    _sync_folder(folder)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a whole file as `replacing` does."""
    with replacing(path) as out:
        out.write(data)


def _discard(temporary: str) -> None:
    try:
        os.unlink(temporary)
    except OSError:
        pass


def safe_file_name(number: str, suffix: str, taken: set[str]) -> str:
    """A file name made from a document number that stays in its folder on any file system:
    separators, control and format characters (NUL, bidi overrides) and characters Windows
    refuses become "_", leading dots and spaces go (no hidden file, no ".."), the length is
    bounded, a Windows device name is prefixed, and a name already in `taken` (compared without
    case, as macOS and Windows do) gets "-2", "-3", …. The chosen name is added to `taken`."""
    text = unicodedata.normalize("NFC", number or "")
    stem = "".join("_" if ch in FILE_UNSAFE or unicodedata.category(ch) in ("Cc", "Cf", "Cs",
                                                                          "Zl", "Zp")
                   else ch for ch in text)
    stem = stem.lstrip(". ").rstrip(". ")
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    if not stem:
        stem = "document"
    if stem.split(".")[0].upper() in DEVICE_NAMES:
        stem = "_" + stem
    name, count = f"{stem}{suffix}", 1
    while name.casefold() in taken:
        count += 1
        name = f"{stem}-{count}{suffix}"
    taken.add(name.casefold())
    return name
