"""Calling the command line in the test's own process, and reading its one-sentence errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from desktop import cli


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """main() in this process; SystemExit (argparse) counts as its exit status."""
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> str:
    """The single line of an error (docs/exchange-format.md), never a traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].endswith("."), err
    return lines[0]


def made_demo(tmp_path_factory, members: int) -> Path:
    """A demo database made once by `frontdesk demo`, for a module's tests to copy."""
    path = tmp_path_factory.mktemp("demo") / "desk.sqlite3"
    assert cli.main(["demo", "--members", str(members), "--db", str(path)]) == 0
    return path


def copied(database: Path, tmp_path: Path) -> Path:
    """A test's own copy of a database, so no test sees another's writes."""
    copy = tmp_path / "desk.sqlite3"
    shutil.copyfile(database, copy)
    return copy
