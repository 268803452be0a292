"""The log file: what went wrong, with its traceback, where a person can send it (DESIGN.md §6).

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
    """The rotating file, with `faulthandler` pointed at whichever file is current."""

    def _open(self):
        stream = super()._open()
        faulthandler.enable(file=stream, all_threads=True)
        return stream

    def close(self) -> None:
        if self.stream is not None and faulthandler.is_enabled():
            faulthandler.disable()  # never left writing to a closed file descriptor
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
