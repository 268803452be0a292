"""One registry of exports and imports (desktop/formats/registry.py) read by the command line and
the window's File menu alike, and one writer behind both (desktop/formats/files.py through
desktop/storage/output_files.py: 0600, a temporary name renamed when complete, invoice numbers
made safe as file names)."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

from cli_calls import one_sentence, run
from desktop.app import create_main_window
from desktop.cli import build_parser
from desktop.formats import registry
from desktop.formats.files import invoice_file_name
from desktop.formats.registry import DATABASE, EXPORT, IMPORT, INVOICES, Command, Format, command
from desktop.i18n import install
from desktop.services.clock import FixedClock
from desktop.services.sample import demo
from desktop.services.spreadsheets import KINDS
from desktop.storage.database import open_database
from desktop.ui.invoices.day_files import write_day_files
from desktop.ui.invoices.invoice_view import InvoiceView
from desktop.ui.window import actions

TODAY = date(2026, 6, 15)


def _write_fake(db, out, today) -> int:
    out.write(f"fake export of {today.isoformat()}\n")
    return 1


FAKE = Command("fake", "fake-export", EXPORT, DATABASE, "write the fake test format (- = stdout)",
               (Format("fake", "Fake", ".txt", "Text files (*.txt)", _write_fake),),
               menu_text="&Fake…", title="Export fake")


@pytest.fixture
def desk(tmp_path) -> str:
    path = tmp_path / "frontdesk.sqlite3"
    db = open_database(str(path), now=FixedClock(TODAY).now())
    demo.load_demo(db, TODAY, members=12, seed=5)
    db.dispose()
    return str(path)


def _window(qtbot, desk, tmp_path):
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = create_main_window(desk, TODAY, settings=settings)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def window(qtbot, desk, tmp_path):
    window = _window(qtbot, desk, tmp_path)
    yield window
    window.scheduler.stop()
    window.database.dispose()


def _subcommands(parser) -> dict:
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def _export_entries(window) -> list[tuple[str, str]]:
    menu = window.menuBar().findChild(QMenu, "exportMenu")
    return [(a.objectName(), a.text()) for a in menu.actions()]


# The command line's commands and choices are the registry's ------------------------------------

def test_the_command_line_offers_each_command_of_the_registry_with_its_help():
    parser = build_parser()
    top = _subcommands(parser)
    helps = {a.dest: a.help for a in next(a for a in parser._actions
                                          if a.__class__.__name__ == "_SubParsersAction"
                                          )._choices_actions}
    for entry in registry.commands(EXPORT, DATABASE) + registry.commands(IMPORT):
        assert helps[entry.cli] == entry.help_text()
    assert helps["csv"] == ("write members, contracts, documents, document lines, payments or "
                            "allocations as CSV (- = stdout)")
    csv_kind = next(a for a in top["csv"]._actions if a.dest == "kind")
    assert command("csv").choices() == KINDS
    # The kinds' older names are still taken (issue 21), never offered.
    assert tuple(csv_kind.choices) == command("csv").accepted() == (
        "members", "contracts", "documents", "invoices", "document-lines", "invoice-lines",
        "payments", "allocations")
    assert csv_kind.help == ", ".join(KINDS)
    invoices = _subcommands(top["invoices"])
    assert set(invoices) == {c.cli for c in registry.commands(EXPORT, INVOICES)} == {
        "pdf", "einvoice"}


def test_the_file_menu_offers_each_export_of_the_registry(window):
    assert _export_entries(window) == [(c.action_name, c.menu_text)
                                       for c in registry.commands(EXPORT)]
    assert [name for name, _text in _export_entries(window)] == [
        "exportDocumentAction", "exportCsvAction", "exportPdfAction", "exportEinvoiceAction"]
    assert all(a.isEnabled() for a in window.export_actions.values())


def test_a_format_added_to_the_registry_shows_in_the_command_line_and_the_file_menu(
        qtbot, desk, tmp_path, capsys, monkeypatch):
    csv = command("csv")
    fake_table = Format("fake-table", "Fake table", ".csv", "CSV files (*.csv)", _write_fake,
                        rows=True)
    monkeypatch.setattr(registry, "COMMANDS", (
        *(replace(c, formats=(*c.formats, fake_table)) if c is csv else c
          for c in registry.COMMANDS), FAKE))

    top = _subcommands(build_parser())
    assert "fake-export" in top
    assert "fake-table" in next(a for a in top["csv"]._actions if a.dest == "kind").choices
    out = tmp_path / "fake.txt"
    code, _out, err = run(["fake-export", str(out), "--db", desk], capsys)
    assert (code, err) == (0, "")
    assert out.read_text(encoding="utf-8").startswith("fake export of ")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    code, printed, err = run(["csv", "fake-table", str(tmp_path / "t.csv"), "--db", desk], capsys)
    assert (code, err) == (0, "") and "Wrote 1 fake-table rows" in printed

    window = _window(qtbot, desk, tmp_path)
    try:
        assert ("exportFakeAction", "&Fake…") in _export_entries(window)
        target = tmp_path / "from-window.txt"
        assert window.export(FAKE, path=str(target)) == target
        assert target.read_text(encoding="utf-8") == f"fake export of {TODAY.isoformat()}\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        offered = []
        monkeypatch.setattr(actions.QInputDialog, "getItem",
                            lambda *args: (offered.extend(args[3]), (args[3][-1], True))[1])
        table = tmp_path / "table.csv"
        window.export(command("csv"), path=str(table))
        assert offered[-1] == "Fake table" and table.is_file()
    finally:
        window.scheduler.stop()
        window.database.dispose()


# The window writes as the command line does -----------------------------------------------------

def test_the_windows_exports_are_private_and_leave_no_partial_file(window, tmp_path):
    target = tmp_path / "members.csv"
    assert window.export(command("csv"), "members", str(target)) == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    document = tmp_path / "everything.json"
    assert window.export(command("export"), path=str(document)) == document
    assert stat.S_IMODE(document.stat().st_mode) == 0o600
    assert document.read_text(encoding="utf-8").startswith('{\n  "format": "frontdesk/2"')
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_a_refused_export_file_is_said_in_the_users_language(window, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(actions, "show_error", lambda parent, title, text: said.append(
        (title, text)))
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    install("de")
    try:
        assert window.export(command("csv"), "members", str(folder)) is None
    finally:
        install("en_IE")
    assert said == [("Als CSV exportieren",
                     f"{folder} ist ein Ordner, eine Verknüpfung oder ein Gerät, keine Datei; "
                     "wählen Sie einen anderen Namen. Es wurde nichts geschrieben.")]


def test_save_as_pdf_names_the_file_safely_and_writes_it_privately(
        qtbot, desk, tmp_path, monkeypatch):
    with closing(sqlite3.connect(desk)) as conn, conn:
        number = conn.execute("SELECT number FROM invoices ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE invoices SET number = '../../escaped' WHERE number = ?", (number,))
    window = _window(qtbot, desk, tmp_path)
    try:
        document = window.services.documents.numbered("../../escaped")
        view = InvoiceView(document, window.formatter)
        qtbot.addWidget(view)
        suggested = []
        target = tmp_path / "saved.pdf"
        monkeypatch.setattr("desktop.ui.invoices.invoice_view.QFileDialog.getSaveFileName",
                            lambda parent, title, start, filters: (suggested.append(
                                (start, filters)), (str(target), filters))[1])
        assert view.save_pdf() == target
        (start, filters), = suggested
        assert start.endswith("/_.._escaped.pdf") and filters == "PDF files (*.pdf)"
        assert invoice_file_name(command("pdf").formats[0], document) == "_.._escaped.pdf"
        assert target.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

        folder = tmp_path / "day"
        folder.mkdir()
        monkeypatch.setattr("desktop.ui.invoices.day_files.QMessageBox.information",
                            lambda *args: None)
        written = write_day_files(window, command("pdf"), actions.invoice_tools(
            window.services, window.clock), window.formatter, document.invoice.issue_date,
            str(folder))
        assert folder / "_.._escaped.pdf" in written
        assert sorted(p.parent for p in written) == [folder] * len(written)
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)
        assert not (tmp_path / "escaped.pdf").exists()
    finally:
        window.scheduler.stop()
        window.database.dispose()


def test_one_sentence_when_the_command_line_export_target_is_a_folder(desk, tmp_path, capsys):
    code, _out, err = run(["export", str(tmp_path), "--db", desk], capsys)
    assert code == 2 and "is a folder, not a file" in one_sentence(err)


def test_every_declared_format_has_its_file_and_its_work():
    for entry in registry.COMMANDS:
        assert entry.formats, entry
        for fmt in entry.formats:
            assert callable(fmt.work) and fmt.suffix.startswith(".")
            assert f"*{fmt.suffix}" in fmt.file_filter
        if entry.direction == EXPORT:
            assert entry.menu_text and entry.title
