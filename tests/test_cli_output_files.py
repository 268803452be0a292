"""Files the command line writes (issue 19): `export`, `csv` and `invoices pdf` create their
files 0600, under a temporary name renamed when complete (a full disk or a file-size limit
leaves nothing truncated under the real name, exit 1 with a sentence), only at a new path or
over a regular file (a pipe, link or device is exit 2), and PDF names made from invoice numbers
never leave the chosen folder (desktop/storage/output_files.py)."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from cli_calls import copied, made_demo, one_sentence, run
from desktop import cli
from desktop.storage import output_files
from desktop.storage.output_files import safe_file_name

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return made_demo(tmp_path_factory, members=12)


@pytest.fixture
def desk(demo_file, tmp_path) -> str:
    """A copy of the demo database for one test."""
    return str(copied(demo_file, tmp_path))


def _env() -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(cli.ENVIRONMENT, None)
    return env


def _busy_day(database: str) -> tuple[str, list[str]]:
    """A day on which eight invoices were issued (moved there), and their numbers."""
    day = "2026-01-15"
    with closing(sqlite3.connect(database)) as conn, conn:
        numbers = [n for (n,) in conn.execute("SELECT number FROM invoices ORDER BY id LIMIT 8")]
        conn.executemany("UPDATE invoices SET issue_date = ? WHERE number = ?",
                         [(day, number) for number in numbers])
    return day, numbers


def _left_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# Private, complete files ----------------------------------------------------------------------

@pytest.mark.parametrize("command", [["export"], ["csv", "members"]])
def test_exports_and_spreadsheets_are_created_readable_by_their_owner_alone(command, desk,
                                                                             tmp_path, capsys):
    target = tmp_path / "out" / "people.txt"
    target.parent.mkdir()
    target.write_text("an older file, readable by all\n")
    target.chmod(0o644)
    code, _, err = run(command + [str(target), "--db", desk], capsys)
    assert (code, err) == (0, "")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "older" not in target.read_text(encoding="utf-8")
    assert _left_in(target.parent) == ["people.txt"]  # no temporary file left beside it


def test_a_new_export_is_0600_and_equals_the_one_on_standard_output(desk, tmp_path, capsys):
    target = tmp_path / "new.json"
    assert run(["export", str(target), "--db", desk], capsys)[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, out, _ = run(["export", "-", "--db", desk], capsys)
    assert code == 0 and json.loads(out) == json.loads(target.read_text(encoding="utf-8"))


# Only a new path or a regular file --------------------------------------------------------------

def _special(kind: str, tmp_path: Path) -> tuple[Path, Path | None]:
    """A path that is not a regular file, and the file a link points to."""
    if kind == "a named pipe":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        return path, None
    if kind == "a symbolic link":
        pointed = tmp_path / "precious.txt"
        pointed.write_text("keep me\n")
        path = tmp_path / "link.json"
        path.symlink_to(pointed)
        return path, pointed
    if kind == "a folder":
        path = tmp_path / "folder"
        path.mkdir()
        return path, None
    return Path(os.devnull), None  # a device


@pytest.mark.parametrize("kind", ["a named pipe", "a symbolic link", "a device", "a folder"])
@pytest.mark.parametrize("command", [["export"], ["csv", "payments"]])
def test_a_pipe_a_link_or_a_device_is_refused_and_kept(kind, command, desk, tmp_path, capsys):
    path, pointed = _special(kind, tmp_path)
    before = os.lstat(path)
    code, out, err = run(command + [str(path), "--db", desk], capsys)
    assert (code, out) == (2, "")
    assert one_sentence(err) == (f"{path} is {kind}, not a file; name a new file or a regular "
                                 "file to replace, nothing was written.")
    after = os.lstat(path)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if pointed is not None:
        assert pointed.read_text() == "keep me\n"
    assert not list(tmp_path.glob(".*.partial"))


def test_a_folder_that_does_not_exist_is_bad_input(desk, tmp_path, capsys):
    target = tmp_path / "missing" / "space.json"
    code, _, err = run(["export", str(target), "--db", desk], capsys)
    assert code == 2
    assert one_sentence(err).startswith(f"{target} cannot be written: no such file or directory")


# A write that fails -----------------------------------------------------------------------------

_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of a kill
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from desktop.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("command", [["export"], ["csv", "invoice-lines"]])
def test_a_file_size_limit_leaves_the_older_file_whole_and_exits_1(command, desk, tmp_path):
    target = tmp_path / "out" / "space.txt"
    target.parent.mkdir()
    target.write_text("the older export\n")
    done = subprocess.run([sys.executable, "-c", _LIMITED, "4096", *command, str(target),
                           "--db", desk], cwd=ROOT, env=_env(), capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stdout) == (1, "")
    assert one_sentence(done.stderr) == (
        f"{target} could not be written: the file would be larger than this system allows; "
        "nothing was written under that name.")
    assert target.read_text() == "the older export\n"
    assert _left_in(target.parent) == ["space.txt"]


def test_a_full_disk_while_writing_pdfs_is_exit_1_and_no_truncated_pdf(desk, tmp_path, capsys,
                                                                        monkeypatch):
    day, numbers = _busy_day(desk)
    assert len(numbers) >= 3
    real_fsync, calls = os.fsync, []

    def fsync_until_the_disk_fills(descriptor):
        if stat.S_ISREG(os.fstat(descriptor).st_mode):  # a PDF, not its folder
            calls.append(descriptor)
        if len(calls) == 3:  # the third PDF meets a full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(descriptor)

    monkeypatch.setattr(output_files.os, "fsync", fsync_until_the_disk_fills)
    folder = tmp_path / "pdfs"
    code, out, err = run(["invoices", "pdf", str(folder), "--issued", day, "--db", desk], capsys)
    assert code == 1
    assert one_sentence(err) == (
        f"{folder / (numbers[2] + '.pdf')} could not be written: the disk is full; nothing was "
        f"written under that name; 2 of {len(numbers)} invoice PDFs were written to {folder}.")
    assert "Wrote" not in out
    assert _left_in(folder) == sorted(f"{n}.pdf" for n in numbers[:2])
    for name in _left_in(folder):
        assert (folder / name).read_bytes().rstrip().endswith(b"%%EOF")  # complete PDFs
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


def test_a_pdf_refused_after_others_were_written_is_exit_1_not_2(desk, tmp_path, capsys):
    """Exit 2 says nothing was written (docs/exchange-format.md): once PDFs are there, a name
    refused further on (here a named pipe where the third PDF goes) is exit 1, naming them."""
    day, numbers = _busy_day(desk)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    os.mkfifo(folder / f"{numbers[2]}.pdf")
    code, out, err = run(["invoices", "pdf", str(folder), "--issued", day, "--db", desk], capsys)
    assert code == 1
    assert one_sentence(err).endswith(f"2 of {len(numbers)} invoice PDFs were written to "
                                      f"{folder}.")
    assert "Wrote" not in out


# PDF names from invoice numbers -------------------------------------------------------------

def test_pdf_names_never_leave_the_chosen_folder_and_qt_prints_nothing(desk, tmp_path):
    day, numbers = _busy_day(desk)
    evil = ["../../escaped", str(tmp_path / "absolute"), "sub/inner", "nul\x00byte",
            "..", "\u202eevil\u202c"][:len(numbers)]
    with closing(sqlite3.connect(desk)) as conn, conn:
        for old, new in zip(numbers, evil):
            conn.execute("UPDATE invoices SET number = ? WHERE number = ?", (new, old))
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    folder = work / "pdfs"
    done = subprocess.run([sys.executable, "-m", "desktop", "invoices", "pdf", str(folder),
                           "--issued", day, "--db", desk], cwd=work, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "")  # no QPainter warnings either
    expected = ["_.._escaped.pdf", "absolute.pdf", "sub_inner.pdf", "nul_byte.pdf", "document.pdf",
                "_evil_.pdf"][:len(evil)]
    expected[1] = safe_file_name(str(tmp_path / "absolute"), ".pdf", set())
    assert _left_in(folder) == sorted(expected + [f"{n}.pdf" for n in numbers[len(evil):]])
    assert _left_in(work) == ["pdfs"] and _left_in(work.parent) == ["b"]
    assert _left_in(tmp_path) == ["a", "desk.sqlite3"]
    assert f"Wrote {len(numbers)} invoice PDFs to {folder}." in done.stdout


def test_a_safe_file_name_keeps_a_plain_number_and_makes_anything_else_safe():
    taken: set[str] = set()
    assert safe_file_name("INV-000042", ".pdf", taken) == "INV-000042.pdf"
    assert safe_file_name("inv-000042", ".pdf", taken) == "inv-000042-2.pdf"  # case-blind disks
    assert safe_file_name("a/b", ".pdf", taken) == "a_b.pdf"
    assert safe_file_name("a\\b", ".pdf", taken) == "a_b-2.pdf"
    assert safe_file_name("...hidden", ".pdf", taken) == "hidden.pdf"
    assert safe_file_name("CON", ".pdf", taken) == "_CON.pdf"
    assert safe_file_name("", ".pdf", taken) == "document.pdf"
    long = safe_file_name("é" * 400, ".pdf", taken)
    assert len(long.encode("utf-8")) <= 255 and long.endswith(".pdf")
    for name in taken:
        assert "/" not in name and "\x00" not in name and not name.startswith(".")
