"""Reminders (rule 29): up to three levels after the due date, each queued by the sweep once,
never for a paid document; the reminder's text names what is open and its late fee."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

import mail_server
from desktop.domain.reminders import ReminderLevel, due_levels
from desktop.services.errors import ValidationError
from desktop.services.mail.service import MailService
from desktop.services.payments import PaymentService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m

DAY = date(2024, 1, 1)
DUE = DAY + timedelta(days=14)  # the default payment terms
LEVELS = [ReminderLevel(7), ReminderLevel(14, fee=500), ReminderLevel(30, fee_percent="2")]


@pytest.fixture
def mail(db, clock):
    service = MailService(db, clock)
    service.save_reminders(LEVELS)
    return service


def issued(db, clock, catalog, add_member, add_contract, send_as="pdf") -> int:
    member = add_member("Ada Lovelace", send_as=send_as)
    add_contract(member, catalog["Hot desk"], start=DAY)
    SweepService(db, clock).apply_due(DAY)
    with db.session() as session:
        return session.scalar(select(m.InvoiceRow.id))


def levels(db) -> list[tuple[int, str]]:
    """The messages of the first document (later months issue their own)."""
    with db.session() as session:
        first = session.scalar(select(m.InvoiceRow.id).order_by(m.InvoiceRow.id).limit(1))
        return [(r.level, r.status) for r in session.scalars(
            select(m.OutboxRow).where(m.OutboxRow.document_id == first)
            .order_by(m.OutboxRow.level))]


def sweep_on(db, clock, day: date) -> None:
    clock.set(day)
    SweepService(db, clock).apply_due(day)


def test_each_level_is_queued_once_when_due(db, clock, catalog, add_member, add_contract, mail):
    issued(db, clock, catalog, add_member, add_contract)
    sweep_on(db, clock, DUE + timedelta(days=6))
    assert levels(db) == [(0, "waiting")]
    sweep_on(db, clock, DUE + timedelta(days=7))
    sweep_on(db, clock, DUE + timedelta(days=8))  # again: still one first reminder
    assert levels(db) == [(0, "waiting"), (1, "waiting")]
    sweep_on(db, clock, DUE + timedelta(days=14))
    sweep_on(db, clock, DUE + timedelta(days=30))
    sweep_on(db, clock, DUE + timedelta(days=90))
    assert levels(db) == [(0, "waiting"), (1, "waiting"), (2, "waiting"), (3, "waiting")]


def test_a_document_found_late_gets_the_highest_level_due_alone():
    assert due_levels(LEVELS, DUE, DUE + timedelta(days=40), 100, set()) == [3]
    assert due_levels(LEVELS, DUE, DUE + timedelta(days=40), 100, {3}) == []
    assert due_levels(LEVELS, DUE, DUE + timedelta(days=20), 100, {1}) == [2]
    assert due_levels(LEVELS, DUE, DUE + timedelta(days=20), 0, set()) == []  # paid


def test_a_paid_document_is_never_reminded(db, clock, catalog, add_member, add_contract, mail):
    document = issued(db, clock, catalog, add_member, add_contract)
    with db.session() as session:
        row = session.get(m.InvoiceRow, document)
        number, total = row.number, row.total
    PaymentService(db, clock).record(number, total)
    sweep_on(db, clock, DUE + timedelta(days=60))
    assert levels(db) == [(0, "waiting")]


def test_a_member_who_receives_nothing_by_mail_gets_no_reminder(db, clock, catalog, add_member,
                                                                add_contract, mail):
    issued(db, clock, catalog, add_member, add_contract, send_as="none")
    sweep_on(db, clock, DUE + timedelta(days=60))
    assert levels(db) == []


def test_the_reminder_names_what_is_open_and_its_fee_and_is_withdrawn_once_paid(
        db, clock, catalog, add_member, add_contract, mail, qapp):
    from desktop.documents.attachments import attachment
    from desktop.services.mail.outbox import OutboxService

    inbox = mail_server.Inbox()
    controller = mail_server.start(inbox)
    try:
        document = issued(db, clock, catalog, add_member, add_contract)
        with db.write() as session:
            row = session.get(m.SettingsRow, 1)
            row.smtp_host, row.smtp_port, row.smtp_security = "127.0.0.1", controller.port, "none"
            row.smtp_sender, row.iban = "desk@example.org", "DE89370400440532013000"
        sweep_on(db, clock, DUE + timedelta(days=14))
        outbox = OutboxService(db, clock, attachment, timeout=5)
        assert outbox.send_due(None).sent == 2  # the invoice and its second reminder
        reminder = inbox.messages[1]
        with db.session() as session:
            doc = session.get(m.InvoiceRow, document)
            number, total = doc.number, doc.total
        assert reminder["Subject"] == f"Second reminder: {number} is overdue"
        body = reminder.get_body(("plain",)).get_content()
        assert "A late fee of €5.00 will be charged on your next invoice." in body
        assert "DE89370400440532013000" in body
        PaymentService(db, clock).record(number, total)
        with db.write() as session:  # queued before the payment arrived
            session.add(m.OutboxRow(document_id=document, level=3, recipient="a@example.org",
                                    send_as="pdf", status="waiting", queued_at=clock.now(),
                                    due_at=clock.now(), attempts=0, resumed=False))
        assert outbox.send_due(None).sent == 0
        assert levels(db)[-1] == (3, "cancelled") and len(inbox.messages) == 2
    finally:
        controller.stop()


@pytest.mark.parametrize("given, field, sentence", [
    ([ReminderLevel(0)], "reminder1", "A reminder comes 1 to 365 days after the due date."),
    ([ReminderLevel(14), ReminderLevel(7)], "reminder2",
     "Each reminder comes later than the one before."),
    ([ReminderLevel(7, fee_percent="2,5")], "reminder1",
     '"2,5" is not a tax rate written as a plain number such as 20 or 8.5.'),
])
def test_reminder_levels_are_checked(db, clock, given, field, sentence):
    mail = MailService(db, clock)
    with pytest.raises(ValidationError) as refused:
        mail.save_reminders(given)
    assert [(p.field, p.message) for p in refused.value.problems] == [(field, sentence)]
    assert mail.reminders() == []


def test_a_fee_is_fixed_or_a_share_of_what_is_open():
    assert ReminderLevel(7, fee=500).late_fee(12345) == 500
    assert ReminderLevel(7, fee_percent="2.5").late_fee(12345) == 309  # 308.625, rounded
    assert ReminderLevel(7).late_fee(12345) == 0


def test_the_late_fee_is_a_charge_on_the_next_invoice_never_a_change_to_the_overdue_one(
        db, clock, catalog, add_member, add_contract, mail):
    document = issued(db, clock, catalog, add_member, add_contract)
    with db.session() as session:
        before = session.get(m.InvoiceRow, document)
        total, lines = before.total, len(before.lines)
    sweep_on(db, clock, DUE + timedelta(days=7))  # the first reminder: no fee
    with db.session() as session:
        assert session.scalars(select(m.ChargeRow)).all() == []
    sweep_on(db, clock, DUE + timedelta(days=14))  # the second: a fixed fee of 5.00
    sweep_on(db, clock, DUE + timedelta(days=15))  # again: still one fee
    with db.session() as session:
        (charge,) = session.scalars(select(m.ChargeRow)).all()
        assert (charge.kind, charge.unit_amount, charge.document_id) == ("late_fee", 500, None)
        overdue = session.get(m.InvoiceRow, document)
        assert (overdue.total, len(overdue.lines)) == (total, lines)
    sweep_on(db, clock, date(2024, 2, 1))  # the member's next invoice carries it
    with db.session() as session:
        charge = session.scalars(select(m.ChargeRow)).one()
        billed = session.get(m.InvoiceRow, charge.document_id)
        assert billed.id != document and billed.issue_date == date(2024, 2, 1)
        assert [(line.kind, line.amount) for line in billed.lines
                if line.kind == "late_fee"] == [("late_fee", 500)]


def test_a_percentage_fee_is_a_share_of_what_is_still_open(db, clock, catalog, add_member,
                                                           add_contract, mail):
    document = issued(db, clock, catalog, add_member, add_contract)
    with db.session() as session:
        open_amount = session.get(m.InvoiceRow, document).total
    sweep_on(db, clock, DUE + timedelta(days=30))  # found late: the third reminder alone
    with db.session() as session:
        (charge,) = session.scalars(select(m.ChargeRow)).all()
    assert charge.unit_amount == round(open_amount * 2 / 100)
