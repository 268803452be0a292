"""The application as `frontdesk` opens it: create_main_window on a real database file.

These follow the newcomer's path of issue 4: sample data, find a member, edit a contract and see
its preview, save, and let the timer issue the invoice the preview showed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QTableView

from desktop.app import create_main_window
from desktop.domain.contracts import status
from desktop.services.clock import FixedClock
from desktop.services.sample import demo
from desktop.storage.database import open_database
from desktop.ui.common.date_field import DateField

TODAY = date(2026, 11, 22)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "frontdesk.sqlite3"
    db = open_database(str(path), now=FixedClock(TODAY).now())
    demo.load_demo(db, TODAY, members=25, seed=5)
    db.dispose()
    return str(path)


@pytest.fixture
def open_window(qtbot, settings):
    windows = []

    def make(path, today=TODAY):
        window = create_main_window(path, today, settings=settings)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.scheduler.stop()
        window.database.dispose()


def test_an_empty_database_opens_on_the_welcome_page_and_loads_sample_data(
        qtbot, open_window, tmp_path):
    window = open_window(str(tmp_path / "new.sqlite3"))
    assert window.stack.currentWidget() is window.welcome
    load = next(b for b in window.welcome.findChildren(QPushButton) if "sample" in b.text().lower())
    load.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=20000)
    qtbot.waitUntil(lambda: window.findChild(QTableView, "memberTable").model().rowCount() > 0,
                    timeout=5000)


def test_search_while_typing_filters_the_member_table(qtbot, open_window, demo_file):
    window = open_window(demo_file)
    table = window.findChild(QTableView, "memberTable")
    everyone = table.model().rowCount()
    person = window.services.members.search(limit=1)[0]
    qtbot.keyClicks(window.findChild(QLineEdit, "memberSearch"), person.email)
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=3000)
    assert everyone > 1
    assert table.model().index(0, 0).data() == person.name


def _active_monthly_contract(window):
    contracts = window.services.contracts
    for row in window.services.members.search(status="members", limit=200):
        for item in window.services.members.get(row.id).contracts:
            state = contracts.load(item.id)
            c = state.contract
            if (status(c, TODAY) == "active" and c.cancellation_date is None
                    and c.plan.frequency is not None and c.plan.frequency.unit == "month"
                    and c.next_plan is not None and c.custom_price is None):
                return row.id, c
    raise AssertionError("the demo has no plain active monthly contract")


def test_cancel_with_prorated_last_invoice_preview_equals_the_invoice_the_timer_issues(
        qtbot, open_window, demo_file):
    window = open_window(demo_file)
    member_id, contract = _active_monthly_contract(window)
    editor = window.open_contract(contract.id)
    assert editor.objectName() == "contractEditor"
    n = contract.next_invoice_date
    cancel_on = n + timedelta(days=10)
    with qtbot.waitSignal(editor.previewRefreshed, timeout=3000):
        editor.findChild(QCheckBox, "cancelContractCheck").setChecked(True)
        editor.findChild(DateField, "cancellationDateEdit").setDate(
            QDate(cancel_on.year, cancel_on.month, cancel_on.day))
        editor.findChild(QCheckBox, "prorateLastInvoiceCheck").setChecked(True)
    preview = editor.preview.invoices()[0]
    assert preview.issue_date == n
    plan_line = next(line for line in preview.lines if line.kind == "plan")
    assert (plan_line.period_end, plan_line.days) == (cancel_on, 10)
    last_day = editor.findChild(QLabel, "lastDayOfAccessLabel").text()
    assert window.formatter.date_long(cancel_on - timedelta(days=1)) in last_day

    save = editor.findChild(QPushButton, "saveButton")
    assert save.isEnabled()
    # A save runs the due transitions at once (nothing of this contract is due yet).
    with qtbot.waitSignals([editor.saved, window.scheduler.finished], timeout=10000):
        save.click()

    window.clock.set(n)
    with qtbot.waitSignal(window.scheduler.finished, timeout=10000) as done:
        window.scheduler.run_now()
    assert any(t.contract == contract.id for t in done.args[0].applied)
    issued_row = next(i for i in window.services.members.get(member_id).invoices
                      if i.issue_date == n)
    issued = window.services.invoices.get(issued_row.id)
    def billed(invoice):
        return [(line.kind, line.amount, line.period_start, line.period_end)
                for line in invoice.lines]

    assert billed(issued) == billed(preview)
    assert (issued.total, issued.amount_due) == (preview.total, preview.amount_due)
    status_text = window.findChild(QLabel, "transitionStatus").text()
    assert status_text.startswith("Checked")


def test_a_database_from_a_newer_version_is_refused_with_a_sentence(tmp_path, settings):
    import sqlite3

    from desktop.storage.errors import DatabaseRefused

    path = tmp_path / "newer.sqlite3"
    open_database(str(path), now=FixedClock(TODAY).now()).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="newer version of Frontdesk"):
        create_main_window(str(path), TODAY, settings=settings)
    assert path.read_bytes() == before


def test_the_first_open_of_a_day_keeps_a_backup_taken_off_the_gui_thread(
        qtbot, open_window, demo_file):
    from desktop.app import take_daily_backup

    window = open_window(demo_file)
    assert window.database.list_backups() == [] or all(
        TODAY.strftime("%Y%m%d") not in p.name for p in window.database.list_backups())
    take_daily_backup(window)
    qtbot.waitUntil(lambda: any(TODAY.strftime("%Y%m%d") in p.name
                                for p in window.database.list_backups()), timeout=5000)


def test_an_empty_database_is_not_backed_up(qtbot, open_window, tmp_path):
    from PySide6.QtCore import QThreadPool

    from desktop.app import take_daily_backup

    window = open_window(str(tmp_path / "empty.sqlite3"))
    take_daily_backup(window)
    assert QThreadPool.globalInstance().waitForDone(5000)  # the backup job has run
    assert window.database.list_backups() == []


def test_a_window_on_an_imported_file_indexes_its_members_for_search_off_the_gui_thread(
        qtbot, open_window, demo_file, tmp_path):
    from desktop.app import index_members_for_search
    from desktop.services.exchange.export import export_document
    from desktop.services.exchange.importer import import_document
    from desktop.storage import member_search

    source = open_database(demo_file, now=FixedClock(TODAY).now())
    with source.session() as session:
        document = export_document(session)
    source.dispose()
    imported = tmp_path / "imported.sqlite3"
    db = open_database(str(imported), now=FixedClock(TODAY).now())
    import_document(db, document, FixedClock(TODAY).now())  # leaves the index out
    db.dispose()

    window = open_window(str(imported))

    def indexed() -> bool:
        with window.database.session() as session:
            return member_search.has_index(session)

    assert not indexed()
    index_members_for_search(window)
    qtbot.waitUntil(indexed, timeout=10000)
    name = next(m["name"] for m in document["members"] if m["name"].isascii())
    search = window.findChild(QLineEdit, "memberSearch")
    qtbot.keyClicks(search, name[:6])
    table = window.findChild(QTableView, "memberTable")
    qtbot.waitUntil(lambda: name in {table.model().index(row, 0).data()
                                     for row in range(table.model().rowCount())}, timeout=5000)


def test_the_first_screen_paints_before_what_it_does_not_show_is_imported(tmp_path, demo_file):
    """Start-up (docs/design.md#targets): until the member list has painted its first rows, no
    invoice view, document, PDF or QR code, export or import, sample data, Plans tab or
    preferences is imported; the member page comes right after."""
    code = (
        "import os, sys\n"
        "from datetime import date\n"
        "from PySide6.QtCore import QEvent, QObject, QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from desktop.app import create_main_window\n"
        f"window = create_main_window({demo_file!r}, date.fromisoformat({str(TODAY)!r}),\n"
        f"    settings=QSettings({str(tmp_path / 'w.ini')!r}, QSettings.Format.IniFormat))\n"
        "table = window.members_panel.table\n"
        "LATER = ('desktop.ui.invoices', 'desktop.ui.members.member_page', 'desktop.documents',\n"
        "         'segno', 'desktop.formats.files', 'desktop.services.exchange',\n"
        "         'desktop.services.sample.demo', 'desktop.ui.catalog',\n"
        "         'desktop.ui.window.preferences',\n"
        "         'desktop.ui.contract_editor', 'alembic')\n"
        "class Painted(QObject):\n"
        "    def eventFilter(self, obj, event):\n"
        "        if event.type() == QEvent.Type.Paint and table.model().rowCount() > 0:\n"
        "            print(sorted(m for m in sys.modules if m.startswith(LATER)))\n"
        "            table.viewport().removeEventFilter(self)\n"
        "        return False\n"
        "watch = Painted()\n"
        "table.viewport().installEventFilter(watch)\n"
        "window.show()\n"
        "while window.built_member_page() is None:\n"
        "    app.processEvents()\n"
        "print(window.member_page.objectName())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "memberPage"], result.stdout


def test_start_up_loads_no_icon_font_library(tmp_path):
    """The icons are the project's own SVG files: opening the window imports no icon font."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from desktop.app import create_main_window\n"
        f"window = create_main_window({str(tmp_path / 'start.sqlite3')!r})\n"
        "window.show(); app.processEvents()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'qtawesome', 'qtpy'}))\n"
        "print(window.windowIcon().isNull())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False"]
