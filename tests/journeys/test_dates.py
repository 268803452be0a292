"""Dates typed in the site's locale or picked from a readable calendar (docs/design.md#screens)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QCalendarWidget, QCheckBox, QPushButton, QTableView

from desktop.ui.common.date_field import DateField
from person import click, click_tab, press, replace_text
from test_keyboard import plain_active_contract


def cancellation_field(qtbot, window):
    """The editor of a plain contract on its Cancellation tab, with Cancel ticked by mouse."""
    _name, contract = plain_active_contract(window)
    editor = window.open_contract(contract.id)
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    click_tab(editor.tabs, editor.cancellation)
    click(editor.findChild(QCheckBox, "cancelContractCheck"))
    field = editor.findChild(DateField, "cancellationDateEdit")
    assert field.isEnabled()
    return editor, contract, field


def test_a_whole_date_typed_over_the_old_one_is_taken(qtbot, desk):
    editor, contract, field = cancellation_field(qtbot, desk)
    with qtbot.waitSignal(editor.previewRefreshed, timeout=3000):
        replace_text(field, "1 Dec 2026")
    assert editor.draft().cancellation_date == date(2026, 12, 1)
    assert "30 November 2026" in editor.cancellation.last_day.text()
    press(Qt.Key.Key_Tab)
    assert field.text() == "1 Dec 2026"


def test_the_next_invoice_date_typed_over_keeps_what_was_typed(qtbot, desk):
    """Every keystroke refreshes the Key dates tab; the half-typed "1 Jan 20" must not be
    rewritten as "1 Jan 2020" under the cursor (it became "1 Jan 202027")."""
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    click_tab(editor.tabs, editor.dates)
    field = editor.findChild(DateField, "nextInvoiceDateEdit")
    later = contract.next_invoice_date.replace(year=contract.next_invoice_date.year + 1)
    typed = f"{later.day} {later.strftime('%b')} {later.year}"
    replace_text(field, typed)
    assert field.text() == typed
    assert editor.draft().next_invoice_date == later
    replace_text(field, later.isoformat())
    assert field.text() == later.isoformat()
    assert editor.draft().next_invoice_date == later


def test_an_unreadable_date_takes_the_old_invoice_out_of_the_preview(qtbot, desk):
    """The field was marked, but the preview went on showing the invoice of the old date."""
    editor, _contract, field = cancellation_field(qtbot, desk)
    with qtbot.waitSignal(editor.previewRefreshed, timeout=3000):
        replace_text(field, "1 Jun 2027")
    assert editor.preview.invoices()
    with qtbot.waitSignal(editor.previewRefreshed, timeout=3000):
        replace_text(field, "31 Feb 2027")
    assert field.property("invalid") is True
    assert editor.preview.invoices() == ()


def test_the_locale_short_format_and_iso_are_read_too(qtbot, desk):
    editor, _contract, field = cancellation_field(qtbot, desk)
    replace_text(field, "15/01/2027")
    assert editor.draft().cancellation_date == date(2027, 1, 15)
    replace_text(field, "2027-02-03")
    assert editor.draft().cancellation_date == date(2027, 2, 3)


def test_a_date_that_cannot_be_read_is_marked_and_kept_and_save_stays_off(qtbot, desk):
    editor, contract, field = cancellation_field(qtbot, desk)
    before = editor.draft().cancellation_date
    replace_text(field, "31 Smarch 2026")
    press(Qt.Key.Key_Tab)
    assert field.text() == "31 Smarch 2026"  # never silently replaced
    assert field.property("invalid") is True
    message = editor.cancellation.date_message
    assert message.isVisible() and "not a date" in message.text()
    assert not editor.findChild(QPushButton, "saveButton").isEnabled()
    assert editor.draft().cancellation_date == before
    assert desk.services.contracts.load(contract.id).contract.cancellation_date is None


def test_up_on_the_month_steps_the_month(qtbot, desk):
    editor, _contract, field = cancellation_field(qtbot, desk)
    replace_text(field, "1 Dec 2026")
    field.setFocus()
    press(Qt.Key.Key_Home)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Right)  # inside "Dec"
    press(Qt.Key.Key_Up)
    assert field.text() == "1 Jan 2027"
    assert editor.draft().cancellation_date == date(2027, 1, 1)
    press(Qt.Key.Key_End)  # the year
    press(Qt.Key.Key_Down)
    assert editor.draft().cancellation_date == date(2026, 1, 1)


def test_the_calendar_opens_by_keyboard_reads_in_full_and_picks_by_mouse(qtbot, desk):
    editor, _contract, field = cancellation_field(qtbot, desk)
    replace_text(field, "1 Dec 2026")
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.popup.findChild(QCalendarWidget)
    qtbot.waitExposed(calendar)
    view = calendar.findChild(QTableView)
    model, metrics = view.model(), QFontMetrics(view.font())
    clipped = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            text = str(index.data() or "")
            rect = view.visualRect(index)
            if text and metrics.horizontalAdvance(text) > rect.width() - 2:
                clipped.append(text)
    assert clipped == [], "calendar cells too narrow for their text"
    # Weekday names, week numbers and days are all there.
    texts = {str(model.index(r, c).data()) for r in range(model.rowCount())
             for c in range(model.columnCount())}
    assert {"Mon", "49", "15"} <= texts
    target = next(model.index(r, c) for r in range(1, model.rowCount())
                  for c in range(1, model.columnCount()) if model.index(r, c).data() == 15)
    from PySide6.QtTest import QTest

    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(target).center())
    qtbot.waitUntil(lambda: not field.popup.isVisible(), timeout=2000)
    assert editor.draft().cancellation_date == date(2026, 12, 15)


@pytest.fixture
def german_desk(open_desk, database, today):
    """The same sample on a site whose locale is German (site settings, set before opening)."""
    from dataclasses import replace

    from desktop.services.clock import FixedClock
    from desktop.services.settings import SettingsService
    from desktop.storage.database import open_database

    db = open_database(database, now=FixedClock(today).now())
    service = SettingsService(db, FixedClock(today))
    service.save(replace(service.get(), locale="de_DE"))
    db.dispose()
    return open_desk(database)


def test_a_german_site_reads_german_dates(qtbot, german_desk):
    editor, _contract, field = cancellation_field(qtbot, german_desk)
    replace_text(field, "1.12.26")
    assert editor.draft().cancellation_date == date(2026, 12, 1)
    replace_text(field, "3. Feb. 2027")
    assert editor.draft().cancellation_date == date(2027, 2, 3)
    press(Qt.Key.Key_Tab)
    assert field.date() == QDate(2027, 2, 3)
