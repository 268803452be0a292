"""What frontdesk/2 carries of mail (rule 29, docs/exchange-format.md): settings.smtp (never a
password), settings.reminders, settings.mail_texts, members' send_as and mail_to, documents'
sent; a move keeps them, and a bad value is refused with its place."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop.domain.reminders import ReminderLevel
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.exchange.values import ImportProblems
from desktop.services.mail.service import Delivery, MailService
from desktop.services.mail.texts import MailText
from desktop.services.mail.transport import SmtpSettings
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

DAY = date(2024, 1, 1)
NOW = datetime(2024, 1, 2, 9)


def export(db) -> dict:
    with db.session() as session:
        return json.loads(json.dumps(export_document(session)))


@pytest.fixture
def mailed(db, clock, catalog, add_member, add_contract):
    mail = MailService(db, clock)
    mail.save_smtp(SmtpSettings("smtp.example.org", 587, "starttls", "desk", "desk@example.org"))
    mail.save_reminders([ReminderLevel(7), ReminderLevel(14, fee=500),
                         ReminderLevel(30, fee_percent="2.5")])
    mail.save_texts({"de": {"document": MailText("Rechnung {number}", "Hallo {name}")}})
    member = add_member("Ada Lovelace")
    mail.save_delivery(member, Delivery("pdf", "accounts@ada.example"))
    add_contract(member, catalog["Hot desk"], start=DAY)
    SweepService(db, clock).apply_due(DAY)
    with db.write() as session:
        row = session.scalars(select(m.OutboxRow)).one()
        row.status, row.sent_at, row.attempts = "sent", datetime(2024, 1, 1, 9, 0, 5), 1
    return db


def test_a_move_keeps_what_mail_holds(mailed):
    document = export(mailed)
    assert document["settings"]["smtp"] == {"host": "smtp.example.org", "port": 587,
                                            "security": "starttls", "user": "desk",
                                            "sender": "desk@example.org"}
    assert document["settings"]["reminders"] == [
        {"days": 7, "fee": 0, "fee_percent": None}, {"days": 14, "fee": 500, "fee_percent": None},
        {"days": 30, "fee": 0, "fee_percent": "2.5"}]
    assert document["settings"]["mail_texts"] == {
        "de": {"document": {"subject": "Rechnung {number}", "body": "Hallo {name}"}}}
    (member,) = document["members"]
    assert (member["send_as"], member["mail_to"]) == ("pdf", "accounts@ada.example")
    (invoice,) = document["documents"]
    assert invoice["sent"] == [{"at": "2024-01-01T09:00:05", "to": "accounts@ada.example",
                                "as": "pdf"}]
    assert "password" not in json.dumps(document)
    other = open_database("sqlite://", now=NOW)
    try:
        import_document(other, copy.deepcopy(document), NOW)
        assert export(other) == document
        with other.session() as session:  # history only: nothing waits to be sent again
            assert [r.status for r in session.scalars(select(m.OutboxRow))] == ["sent"]
    finally:
        other.dispose()


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["members"][0].update(send_as="fax"),
     'members[0].send_as: "fax" is not one of pdf, facturx, xrechnung, none.'),
    (lambda d: d["settings"]["smtp"].update(security="ssl"),
     'settings.smtp.security: "ssl" is not one of starttls, tls, none.'),
    (lambda d: d["settings"]["smtp"].update(password="s3cret"),
     "settings.smtp.password: is not a field of this format."),
    (lambda d: d["settings"]["reminders"].reverse(),
     "settings.reminders: Each reminder level comes later than the one before."),
    (lambda d: d["documents"][0]["sent"][0].update(**{"as": "fax"}),
     'documents[0].sent[0].as: "fax" is not one of pdf, facturx, xrechnung.'),
])
def test_a_bad_mail_value_is_refused_with_its_place(mailed, change, problem):
    document = export(mailed)
    change(document)
    other = open_database("sqlite://", now=NOW)
    try:
        with pytest.raises(ImportProblems) as refused:
            import_document(other, document, NOW)
        assert refused.value.problems == [problem]
    finally:
        other.dispose()
