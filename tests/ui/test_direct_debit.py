"""Direct debit and bank statements in the real window (rule 30), driven by keys and clicks over
the real services on a SQLite file: the mandate on the member page (a bad one refused in the
dialog, nothing saved), Tools → Direct debit… previewing and saving the run, a statement
dropped on the window, and the entries waiting to be assigned to a member or dismissed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from desktop.app import create_main_window
from desktop.services.clock import FixedClock
from desktop.services.sample import demo
from desktop.services.settings import SettingsService
from desktop.storage.database import open_database
from modal_dialogs import modal

TODAY = date(2026, 11, 22)
CREDITOR = "DE98ZZZ09999999999"
ADA_IBAN = "NL91ABNA0417164300"


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "frontdesk.sqlite3"
    clock = FixedClock(TODAY)
    db = open_database(str(path), now=clock.now())
    demo.load_demo(db, TODAY, members=8, seed=5)
    settings = SettingsService(db, clock)
    settings.save(replace(settings.get(), site_name="Harbour Desk",
                          iban="DE89370400440532013000", currency="EUR"))
    db.dispose()
    qsettings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = create_main_window(str(path), TODAY, settings=qsettings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    yield window
    window.scheduler.stop()
    window.database.dispose()


def show_member(qtbot, window, email: str):
    panel = window.members_panel
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.search, email)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    rect = panel.table.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.member_page
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.email == email,
                    timeout=3000)
    return page


def owing_member(window):
    """A member with an open document (the demo's), by name."""
    for row in window.services.members.search():
        if window.services.payments.outstanding(row.id) > 0:
            return window.services.members.get(row.id)
    raise AssertionError("the sample has no member owing money")


def typed(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def give_mandate(qtbot, window, member, reference: str) -> None:
    page = show_member(qtbot, window, member.email)

    def fill(dialog):
        typed(qtbot, dialog.reference, reference)
        typed(qtbot, dialog.iban, ADA_IBAN)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    done = modal("mandateDialog", fill)
    qtbot.mouseClick(page.mandate_panel.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)


def test_the_mandate_is_kept_on_the_member_page_and_a_bad_one_refused(qtbot, window):
    member = owing_member(window)
    page = show_member(qtbot, window, member.email)
    panel = page.mandate_panel
    assert panel.text.text() == "No direct-debit mandate: this member pays by transfer."
    seen = []

    def refuse(dialog):
        typed(qtbot, dialog.reference, "M" * 36)
        typed(qtbot, dialog.iban, "DE89370400440532013001")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen.append((dialog.isVisible(), dialog.error.text()))

    done = modal("mandateDialog", refuse)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    visible, sentence = seen[0]
    assert visible and "at most 35 characters" in sentence and "not a valid IBAN" in sentence
    assert window.services.mandates.mandate(member.id) is None
    give_mandate(qtbot, window, member, "MNDT-WIN-1")
    view = window.services.mandates.mandate(member.id)
    assert (view.mandate.reference, view.mandate.iban) == ("MNDT-WIN-1", ADA_IBAN)
    assert "under mandate MNDT-WIN-1" in panel.text.text()


def test_tools_direct_debit_previews_the_run_and_saves_its_file(qtbot, window, tmp_path,
                                                                monkeypatch):
    window.services.mandates.save_creditor(CREDITOR, 0)
    member = owing_member(window)
    give_mandate(qtbot, window, member, "MNDT-WIN-1")
    owed = window.services.payments.outstanding(member.id)
    target = tmp_path / "run.xml"
    monkeypatch.setattr("desktop.ui.banking.direct_debit_dialog.QFileDialog.getSaveFileName",
                        lambda *args, **kw: (str(target), ""))
    seen = []

    def run(dialog):
        typed(qtbot, dialog.due_by, window.formatter.date(TODAY + timedelta(days=60)))
        qtbot.keyClick(dialog.due_by, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=3000)
        seen.append(([r.member for r in dialog.model.rows()], dialog.total.text()))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    done = modal("directDebitDialog", run)
    window.direct_debit_action.trigger()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    names, total = seen[0]
    assert set(names) == {member.name}
    assert window.formatter.money(owed) in total
    assert b"pain.008.001.08" in target.read_bytes()
    # Submitted, not paid; a second run finds nothing.
    assert window.services.payments.outstanding(member.id) == owed
    assert window.services.collection.preview(TODAY + timedelta(days=60)).items == ()


def drop(window, path) -> bool:
    """A file dragged onto the window and dropped: whether the window took the drag."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return enter.isAccepted()


def test_a_dropped_statement_is_imported_and_its_stranger_assigned(qtbot, window, tmp_path,
                                                                   monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
    from camt_builder import Ntry, Tx, statement

    member = owing_member(window)
    number = next(d.number for d in member.invoices if d.outstanding > 0)
    lacking = next(d.outstanding for d in member.invoices if d.number == number)
    file = tmp_path / "statement.xml"
    file.write_bytes(statement([
        Ntry([Tx(lacking, remittance=f"Invoice {number}")], reference="W1", booked="2026-11-20"),
        Ntry([Tx(1500, name="A Stranger")], reference="W2", booked="2026-11-20"),
        Ntry([Tx(700, name="Bank interest")], reference="W3", booked="2026-11-20")]))
    assert window.acceptDrops()
    assert drop(window, file)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    or any(w.objectName() == "statementReport" and w.isVisible()
                           for w in QApplication.topLevelWidgets()), timeout=3000)
    report = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "statementReport")
    assert report.text() == "1 entries matched and paid, 0 direct debits returned, 2 waiting " \
                            "to be assigned."
    report.close()
    assert window.services.payments.standing(number).outstanding == 0
    other = next(r for r in window.services.members.search() if r.id != member.id)
    monkeypatch.setattr("desktop.ui.banking.bank_entries.QInputDialog.getItem",
                        lambda *args, **kw: (f"{other.name} <{other.email}>", True))
    before = window.services.payments.outstanding(other.id)
    seen = []

    def answer(dialog):
        assert dialog.model.rowCount() == 2
        qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)  # the first: 15.00
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=3000)
        qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=3000)
        seen.append(dialog.table.empty_text())

    done = modal("bankEntriesDialog", answer)
    window.bank_entries_action.trigger()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert seen == ["No entry waits: every one is matched."]
    assert window.services.payments.outstanding(other.id) == max(before - 1500, 0)
    assert window.services.statements.waiting() == []
    assert QInputDialog is not None


def test_preferences_check_the_creditor_id_as_it_is_typed(qtbot, window):
    seen = []

    def fill(dialog):
        page = next(p for p in dialog.pages if p.objectName() == "directDebitPage")
        typed(qtbot, page.creditor_edit, "DE99ZZZ09999999999")
        seen.append((dialog.ok_button.isEnabled(), page.creditor_error.text()))
        typed(qtbot, page.creditor_edit, "de98 zzz 09999999999")
        typed(qtbot, page.fee_edit, "3.50")
        seen.append((dialog.ok_button.isEnabled(), page.creditor_error.text()))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    done = modal("preferencesDialog", fill)
    window.findChild(type(window.direct_debit_action), "preferencesAction").trigger()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    (refused, sentence), (accepted, quiet) = seen
    assert not refused and "not a valid SEPA creditor identifier" in sentence
    assert accepted and quiet == ""
    creditor = window.services.mandates.creditor()
    assert (creditor.creditor_id, creditor.return_fee) == (CREDITOR, 350)
