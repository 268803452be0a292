"""The log file: what went wrong, with its traceback, where a person can send it
(docs/design.md#screens).

One rotating file in the user's log directory (frontdesk.log, 1 MB, three old ones kept),
readable by its owner only. Set up by the composition roots; every module logs through the
standard `logging` module.

A fatal error (a fault in a C extension, an abort) ends the process before `logging` can say
anything: `faulthandler` writes the Python traceback of every thread into the same file, so that
what killed the window is on record next to what led up to it.
"""

from __future__ import annotations

import faulthandler
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

LOG_NAME = "frontdesk.log"
MAX_BYTES = 1_000_000
KEPT = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def default_log_path() -> Path:
    return Path(platformdirs.user_log_dir("Frontdesk", appauthor=False)) / LOG_NAME


class _LogAndFatalErrors(RotatingFileHandler):
    """The rotating file, with `faulthandler` writing into whichever file is current.

    faulthandler gets a descriptor of its own (a duplicate), opened on the new file before the
    old one is given up: at no moment does it hold a closed descriptor, which the system could
    hand to another file (a database) for a fatal error to write into."""

    _fatal_fd: int | None = None

    def _open(self):
        stream = super()._open()
        previous, self._fatal_fd = self._fatal_fd, os.dup(stream.fileno())
        faulthandler.enable(file=self._fatal_fd, all_threads=True)
        if previous is not None:
            os.close(previous)
        return stream

    def close(self) -> None:
        # Left enabled on our descriptor until the process ends: a crash while the window
        # closes down (after logging's own shutdown) is still written. Never closed under it.
        super().close()


def start_logging(path: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send the application's log to the rotating file; None when it cannot be written (the
    application then runs without one rather than not at all)."""
    path = path or default_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = _LogAndFatalErrors(path, maxBytes=MAX_BYTES, backupCount=KEPT,
                                     encoding="utf-8")
        os.chmod(path, 0o600)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path
