"""Mail in the window (rule 29), over the real services, a SQLite file and a real SMTP server on
127.0.0.1: Preferences → Mail typed with the keyboard and tried with *Send a test message*
(one sentence when the settings are bad), the member dialog's "Send documents", and the
window's worker sending what the sweep issued."""

from __future__ import annotations

from datetime import date, datetime

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

import mail_server
from desktop.app import build_services
from desktop.domain.model import Contract
from desktop.ledger.contracts import save_contract
from desktop.ledger.member_states import load_plans
from desktop.services.clock import FixedClock
from desktop.services.mail.service import MailService
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from desktop.storage.database import open_database
from desktop.ui.common.keyboard import prepare_for_keyboard
from desktop.ui.mail.passwords import SessionPassword
from desktop.ui.members.member_dialog import MemberDialog
from desktop.ui.window.main_window import MainWindow
from desktop.ui.window.preferences_dialog import PreferencesDialog

DAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def no_keyring():
    """This computer's keyring is not the test's: the session keeps the password."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def inbox():
    return mail_server.Inbox()


@pytest.fixture
def smtp(inbox):
    controller = mail_server.start(inbox)
    yield controller.port
    controller.stop()


@pytest.fixture
def database(tmp_path):
    clock = FixedClock(DAY, datetime(2026, 12, 7, 9, 0))
    db = open_database(str(tmp_path / "frontdesk.sqlite3"), now=clock.now())
    with db.write() as session:
        settings = session.get(m.SettingsRow, 1)
        settings.site_name, settings.iban = "Hive", "DE89370400440532013000"
        session.add(m.PlanRow(name="Hot desk", kind="plan", price=20000, frequency="1 month"))
        session.add(m.MemberRow(name="Ada Lovelace", email="ada@example.org"))
    yield db, clock
    db.dispose()


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    prepare_for_keyboard(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    return dialog


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def open_tab(qtbot, dialog, title: str) -> None:
    bar = dialog.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index


def set_port(qtbot, spin: QSpinBox, port: int) -> None:
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, str(port))


def choose(qtbot, combo: QComboBox, text: str) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no {text!r} in the list"


def test_preferences_mail_is_typed_tried_and_saved_with_the_password_kept_for_the_session(
        qtbot, database, inbox, smtp):
    db, clock = database
    mail = MailService(db, clock, timeout=5)
    passwords = SessionPassword(mail)
    dialog = shown(qtbot, PreferencesDialog(SettingsService(db, clock), mail=mail,
                                            passwords=passwords))
    open_tab(qtbot, dialog, "&Mail")
    tab = dialog.mail_tab
    assert dialog.tabs.currentWidget() is not None and tab.isVisible()
    retype(qtbot, dialog.findChild(QLineEdit, "smtpHostEdit"), "127.0.0.1")
    choose(qtbot, dialog.findChild(QComboBox, "smtpSecurityCombo"), "None (unencrypted)")
    closed = mail_server.free_port()
    set_port(qtbot, dialog.findChild(QSpinBox, "smtpPortSpin"), closed)
    retype(qtbot, dialog.findChild(QLineEdit, "smtpSenderEdit"), "Hive <desk@example.org>")
    retype(qtbot, dialog.findChild(QLineEdit, "testRecipientEdit"), "mia@example.org")
    result = dialog.findChild(QLabel, "testMailResult")
    button = dialog.findChild(QPushButton, "testMailButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=10000)
    assert result.text() == ("The SMTP server cannot be reached: check its host and port in "
                             "Preferences, or try again later.")
    set_port(qtbot, dialog.findChild(QSpinBox, "smtpPortSpin"), smtp)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.isEnabled(), timeout=10000)
    assert result.text() == "The test message was sent to mia@example.org."
    assert [e[1] for e in inbox.envelopes] == [["mia@example.org"]]
    retype(qtbot, dialog.findChild(QLineEdit, "smtpUserEdit"), "desk")
    retype(qtbot, dialog.findChild(QLineEdit, "smtpPasswordEdit"), "s3cret")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    saved = mail.smtp()
    assert (saved.host, saved.port, saved.security, saved.user, saved.sender) == (
        "127.0.0.1", smtp, "none", "desk", "Hive <desk@example.org>")
    assert passwords.get(saved) == "s3cret"  # no keyring here: kept for this session
    assert "s3cret" not in (db.path.read_bytes().decode("latin-1"))  # never in the database


def test_a_bad_sender_is_marked_on_its_field_and_nothing_is_saved(qtbot, database):
    db, clock = database
    mail = MailService(db, clock)
    dialog = shown(qtbot, PreferencesDialog(SettingsService(db, clock), mail=mail,
                                            passwords=SessionPassword(mail)))
    retype(qtbot, dialog.findChild(QLineEdit, "smtpSenderEdit"), "billing")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problems.message("smtp_sender") == (
        "Write the sender as an e-mail address, such as desk@example.org.")
    assert dialog.isVisible() and mail.smtp().sender == ""


def test_the_member_dialog_says_how_the_member_receives_documents(qtbot, database):
    db, clock = database
    services = build_services(db, clock)
    with db.session() as session:
        member = session.query(m.MemberRow).one().id
    dialog = shown(qtbot, MemberDialog(services.members, member, mail=services.mail))
    combo = dialog.findChild(QComboBox, "memberSendAsCombo")
    assert combo.currentText() == "Not by mail"
    choose(qtbot, combo, "PDF")
    retype(qtbot, dialog.findChild(QLineEdit, "memberMailToEdit"), "accounts@ada")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problems.message("mail_to") == (
        '"accounts@ada" is not an email address such as "ada@example.org".')
    retype(qtbot, dialog.findChild(QLineEdit, "memberMailToEdit"), "accounts@ada.example")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MemberDialog.DialogCode.Accepted
    delivery = services.mail.delivery(member)
    assert (delivery.send_as, delivery.mail_to) == ("pdf", "accounts@ada.example")


def test_the_windows_worker_sends_what_the_sweep_issued(qtbot, database, inbox, smtp, formatter,
                                                        qsettings):
    db, clock = database
    with db.write() as session:
        settings = session.get(m.SettingsRow, 1)
        settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp
        settings.smtp_security, settings.smtp_sender = "none", "desk@example.org"
        member = session.query(m.MemberRow).one()
        member.send_as = "pdf"
        plan = load_plans(session)[session.query(m.PlanRow).one().id]
        save_contract(session, Contract(member=member.id, plan=plan, next_plan=plan,
                                        start_date=DAY, billing_anchor=DAY,
                                        next_invoice_date=DAY))
    window = MainWindow(build_services(db, clock), formatter, clock, qsettings)
    qtbot.addWidget(window)
    try:
        window.start()
        qtbot.waitUntil(lambda: len(inbox.messages) == 1, timeout=20000)
    finally:
        window.scheduler.stop()
        window.mail_sender.stop()
    (message,) = inbox.messages
    (attachment,) = list(message.iter_attachments())
    with db.session() as session:
        number = session.query(m.InvoiceRow.number).scalar()
    assert attachment.get_filename() == f"{number}.pdf"
    assert [e.status for e in window.services.mail.entries()] == ["sent"]


def window_with_failed_message(qtbot, database, inbox, smtp, formatter, qsettings):
    """A window whose sweep issued one invoice the server refused (550 to its data)."""
    db, clock = database
    with db.write() as session:
        settings = session.get(m.SettingsRow, 1)
        settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp
        settings.smtp_security, settings.smtp_sender = "none", "desk@example.org"
        member = session.query(m.MemberRow).one()
        member.send_as = "pdf"
        plan = load_plans(session)[session.query(m.PlanRow).one().id]
        save_contract(session, Contract(member=member.id, plan=plan, next_plan=plan,
                                        start_date=DAY, billing_anchor=DAY,
                                        next_invoice_date=DAY))
    inbox.script = ["550 No such user"]
    window = MainWindow(build_services(db, clock), formatter, clock, qsettings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: [e.status for e in window.services.mail.entries()] == ["failed"],
                    timeout=20000)
    return window


def test_the_outbox_shows_what_failed_and_sends_it_again(qtbot, database, inbox, smtp,
                                                         formatter, qsettings):
    from PySide6.QtGui import QAction

    window = window_with_failed_message(qtbot, database, inbox, smtp, formatter, qsettings)
    try:
        window.findChild(QAction, "outboxAction").trigger()
        view = window.findChild(QWidget, "outboxView")
        qtbot.waitExposed(view)
        combo = view.findChild(QComboBox, "outboxFilter")
        choose(qtbot, combo, "Failed")
        table = view.table
        assert table.rowCount() == 1
        assert table.item(0, 6).text() == "The SMTP server refused the message."
        assert not view.again_button.isEnabled()  # nothing selected yet
        rect = table.visualItemRect(table.item(0, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert view.again_button.isEnabled()
        qtbot.mouseClick(view.again_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(inbox.messages) == 1, timeout=20000)
        choose(qtbot, combo, "Sent")
        qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=5000)
        assert table.item(0, 4).text() == "Sent"
    finally:
        window.scheduler.stop()
        window.mail_sender.stop()


def test_the_invoices_tab_filters_by_mail_and_the_view_shows_the_history(
        qtbot, database, inbox, smtp, formatter, qsettings):
    from desktop.ui.window.lazy_tabs import INVOICES_TAB

    window = window_with_failed_message(qtbot, database, inbox, smtp, formatter, qsettings)
    try:
        window.show_tab(INVOICES_TAB)
        page = window.invoices_page
        qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
        page.status_filter.setFocus()
        with qtbot.waitSignal(page.loaded, timeout=5000):
            qtbot.keyClick(page.status_filter, Qt.Key.Key_End)  # Sending failed
        assert page.status_filter.currentText() == "Sending failed"
        assert page.model.rowCount() == 1
        with qtbot.waitSignal(page.loaded, timeout=5000):
            qtbot.keyClick(page.status_filter, Qt.Key.Key_Up)  # Not sent yet
        assert page.model.rowCount() == 1
        page.table.setFocus()
        page.table.selectRow(0)
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
        view = window.findChild(QWidget, "invoiceView")
        qtbot.waitExposed(view)
        history = view.findChild(QLabel, "invoiceSending")
        assert history.text() == ("Document not sent to ada@example.org: The SMTP server "
                                  "refused the message.")
    finally:
        window.scheduler.stop()
        window.mail_sender.stop()


def test_reminders_and_texts_are_set_in_preferences(qtbot, database):
    from desktop.domain.reminders import ReminderLevel
    from desktop.services.mail.texts import MailText

    db, clock = database
    mail = MailService(db, clock)
    dialog = shown(qtbot, PreferencesDialog(SettingsService(db, clock), mail=mail,
                                            passwords=SessionPassword(mail)))
    open_tab(qtbot, dialog, "&Reminders")
    first = dialog.findChild(QCheckBox, "reminder1Check")
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert first.isChecked()
    days = dialog.findChild(QSpinBox, "reminder1Days")
    days.setFocus()
    qtbot.keyClick(days, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(days, "10")
    choose(qtbot, dialog.findChild(QComboBox, "reminder1FeeKind"), "Fixed fee")
    retype(qtbot, dialog.findChild(QLineEdit, "reminder1Fee"), "five")
    qtbot.mouseClick(dialog.findChild(QCheckBox, "reminder2Check"), Qt.MouseButton.LeftButton)
    choose(qtbot, dialog.findChild(QComboBox, "reminder2FeeKind"), "Percentage of what is open")
    retype(qtbot, dialog.findChild(QLineEdit, "reminder2Fee"), "2.5")
    choose(qtbot, dialog.findChild(QComboBox, "mailTextLanguage"), "Deutsch")
    subject = dialog.findChild(QLineEdit, "mailTextSubject")
    assert subject.text() == "{site}: {number}"  # the built-in text, until it is changed
    retype(qtbot, subject, "Ihre Rechnung {number}")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problems.message("reminder1") == (
        '"five" is not an amount; write it like "1234.56".')
    assert mail.reminders() == [] and dialog.isVisible()  # nothing saved
    retype(qtbot, dialog.findChild(QLineEdit, "reminder1Fee"), "5.00")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    assert mail.reminders() == [ReminderLevel(10, fee=500),
                                ReminderLevel(14, fee_percent="2.5")]
    body = mail.texts()["de"]["document"].body
    assert mail.texts() == {"de": {"document": MailText("Ihre Rechnung {number}", body)}}


def test_every_preferences_tab_title_shows_and_the_reminders_do_not_scroll_sideways(
        qtbot, database):
    """Seven tabs once outgrew the dialog (the last ones hid behind faint arrows), and the
    reminder rows, side by side, made their tab scroll sideways."""
    from desktop.ui.common.screens import ScrolledTabs

    db, clock = database
    mail = MailService(db, clock)
    dialog = shown(qtbot, PreferencesDialog(SettingsService(db, clock), mail=mail,
                                            passwords=SessionPassword(mail)))
    bar = dialog.tabs.tabBar()
    assert all(bar.rect().contains(bar.tabRect(i)) for i in range(bar.count()))
    open_tab(qtbot, dialog, "&Reminders")
    holder = super(ScrolledTabs, dialog.tabs).widget(dialog.tabs.currentIndex())
    qtbot.waitUntil(lambda: holder.viewport().width() > 0)
    assert not holder.horizontalScrollBar().isVisible()
    assert holder.widget().minimumSizeHint().width() <= holder.viewport().width()


def test_cancellations_on_a_period_boundary_is_a_site_setting_in_preferences(qtbot, database):
    """Rule 25: the site's "cancellations end on a period boundary" (default on) is ticked
    off by a click and saved."""
    db, clock = database
    settings = SettingsService(db, clock)
    assert settings.get().cancellations_on_boundary is True
    dialog = shown(qtbot, PreferencesDialog(settings))
    box = dialog.findChild(QCheckBox, "cancellationsOnBoundary")
    assert box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().bottomLeft() + QPoint(8, -8))
    assert not box.isChecked()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert settings.get().cancellations_on_boundary is False
