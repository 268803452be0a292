"""Fatal errors reach the log file (issue 19): the window that vanished after six minutes left
nothing in frontdesk.log. `faulthandler` now writes the traceback of every thread there."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent("""
    import ctypes, logging, sys
    from pathlib import Path
    from desktop import log_file

    log_file.MAX_BYTES = int(sys.argv[2])
    log_file.start_logging(Path(sys.argv[1]))
    for n in range(int(sys.argv[3])):
        logging.getLogger("desk").info("typed a member's name, line %d", n)

    def crash_while_typing():
        ctypes.string_at(0)   # a fault in C, as the Qt binding's was

    crash_while_typing()
""")


def _crash(tmp_path: Path, max_bytes: int, lines: int) -> Path:
    path = tmp_path / "logs" / "frontdesk.log"
    result = subprocess.run([sys.executable, "-c", CHILD, str(path), str(max_bytes), str(lines)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONFAULTHANDLER": ""})
    assert result.returncode != 0, "the child was meant to die"
    return path


def test_a_fatal_error_is_written_into_the_log_with_its_traceback(tmp_path):
    path = _crash(tmp_path, 1_000_000, 3)
    text = path.read_text(encoding="utf-8")
    assert "typed a member's name, line 2" in text
    assert "Fatal Python error: Segmentation fault" in text
    assert "crash_while_typing" in text
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_after_the_log_rotated_the_fatal_error_goes_to_the_current_file(tmp_path):
    path = _crash(tmp_path, 300, 40)
    assert (path.parent / "frontdesk.log.1").exists(), "the log did not rotate"
    text = path.read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in text
    assert "crash_while_typing" in text
