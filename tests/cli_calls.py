"""Calling the command line in the test's own process, and reading its one-sentence errors."""

from __future__ import annotations

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
