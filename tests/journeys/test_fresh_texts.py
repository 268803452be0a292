"""Texts that say what is on screen now, not what was (issue 26): the start as edited, no last
day of access under a date that is refused, no word of the scheduled transitions after the
person's own save."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from desktop.ui.common.date_field import DateField
from person import click, click_tab, press, replace_text, when_modal
from test_dates import cancellation_field
from test_keyboard import find_by_keyboard


def new_contract_editor(qtbot, desk):
    """A contact, New contract…, the first plan offered: the editor on a draft starting today."""
    name = next(p.name for p in desk.services.members.search(status="contacts", limit=50))
    find_by_keyboard(qtbot, desk, name)
    seen = when_modal(lambda dialog: press(Qt.Key.Key_Return, widget=dialog))
    click(desk.findChild(QPushButton, "newContractButton"))
    qtbot.waitUntil(lambda: bool(seen) and bool(desk.live_editors()), timeout=5000)
    editor = desk.live_editors()[-1]
    qtbot.waitExposed(editor)
    return editor


def test_the_banner_of_a_contract_not_started_follows_the_start_as_edited(qtbot, desk):
    editor = new_contract_editor(qtbot, desk)
    banner = editor.findChild(QLabel, "stateBannerText")
    today = desk.clock.today()
    assert desk.formatter.date_long(today) in banner.text()
    click_tab(editor.tabs, editor.dates)
    later = today + timedelta(days=9)
    replace_text(editor.findChild(DateField, "startDateEdit"),
                 f"{later.day} {later.strftime('%b')} {later.year}")
    qtbot.waitUntil(lambda: editor.draft().start_date == later, timeout=3000)
    assert desk.formatter.date_long(later) in banner.text()
    assert desk.formatter.date_long(today) not in banner.text()


def test_no_last_day_of_access_under_a_cancellation_date_that_cannot_be_read(qtbot, desk):
    editor, _contract, field = cancellation_field(qtbot, desk)
    last_day = editor.cancellation.last_day
    replace_text(field, "1 Mar 2027")
    qtbot.waitUntil(lambda: "28 February 2027" in last_day.text(), timeout=3000)
    assert last_day.isVisible()
    replace_text(field, "31 Feb 2027")
    message = editor.findChild(QLabel, "cancellationDateMessage")
    qtbot.waitUntil(message.isVisible, timeout=3000)
    assert not last_day.isVisible()
    replace_text(field, "1 Mar 2027")
    qtbot.waitUntil(last_day.isVisible, timeout=3000)


def test_the_new_term_dialog_says_no_last_day_under_a_refused_date(qtbot, desk):
    from test_keyboard import plain_active_contract

    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    seen: dict = {}

    def type_dates(dialog):
        field = dialog.findChild(DateField, "newTermCancellationDateEdit")
        replace_text(field, "31 Feb 2027")
        seen["refused"] = (dialog.last_day.isVisible(), dialog.create_button.isEnabled())
        replace_text(field, "1 Mar 2027")
        seen["read"] = (dialog.last_day.isVisible(), dialog.last_day.text())
        dialog.reject()

    when_modal(type_dates, name="newTermDialog")
    click(editor.findChild(QPushButton, "createNewTermButton"))
    qtbot.waitUntil(lambda: "read" in seen, timeout=5000)
    assert seen == {"refused": (False, False),
                    "read": (True, "Last day of access: 28 February 2027.")}


def test_after_saving_a_new_contract_its_first_invoice_is_no_news_from_the_timer(qtbot, desk):
    """The save made the first invoice due at once; the editor said "This contract was changed
    by the scheduled transitions", as if someone else had done it."""
    editor = new_contract_editor(qtbot, desk)
    save = editor.findChild(QPushButton, "saveButton")
    qtbot.waitUntil(lambda: save.isEnabled(), timeout=3000)
    with qtbot.waitSignal(desk.scheduler.finished, timeout=10000):
        click(save)
    qtbot.waitUntil(lambda: "issued" in desk.statusBar().currentMessage()
                    and "document" in desk.statusBar().currentMessage(), timeout=3000)
    banner = editor.findChild(QLabel, "staleBannerText")
    assert not (banner.isVisible() and "scheduled transitions" in banner.text()), banner.text()
    assert editor.contract_id is not None and not editor.is_dirty()
