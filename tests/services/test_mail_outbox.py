"""The outbox against a real SMTP server on 127.0.0.1 (rule 29, `frontdesk mail run` in
docs/exchange-format.md): queued with the document, sent once with the right attachment,
retried after temporary failures, failed for good on a refusal, bad settings said in one
sentence with nothing lost, claimed once by two processes, sent at most twice across crashes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import mail_server
import server_db
from desktop.services.mail import transport
from desktop.services.mail.failures import INTERRUPTED, failure_sentence
from desktop.services.mail.outbox import LEASE, OutboxService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2024, 1, 1)


@pytest.fixture
def inbox():
    return mail_server.Inbox()


@pytest.fixture
def certificate(tmp_path):
    return mail_server.self_signed(tmp_path)


@pytest.fixture
def smtp(inbox):
    """A plain server; its port."""
    controller = mail_server.start(inbox)
    yield controller.port
    controller.stop()


def set_smtp(db, port: int, security: str = "none", user: str = "", host: str = "127.0.0.1",
             sender: str = "desk@example.org") -> None:
    with db.write() as session:
        row = session.get(m.SettingsRow, 1)
        row.smtp_host, row.smtp_port, row.smtp_security = host, port, security
        row.smtp_user, row.smtp_sender, row.iban = user, sender, "DE89370400440532013000"
        row.site_name = "Hive"


def issue(db, clock, catalog, add_member, add_contract, *, send_as="pdf", mail_to=None,
          name="Ada Lovelace", email=None) -> int:
    member = add_member(name, email, send_as=send_as, mail_to=mail_to)
    add_contract(member, catalog["Hot desk"], start=DAY)
    SweepService(db, clock).apply_due(DAY)
    return member


def outbox_rows(db) -> list[m.OutboxRow]:
    with db.session() as session:
        return list(session.scalars(select(m.OutboxRow).order_by(m.OutboxRow.id)))


def numbers(db) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(m.InvoiceRow.number).order_by(m.InvoiceRow.id)))


def attachment_of(message):
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_content_type(), part.get_content()


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def outbox(db, clock, qapp):
    from desktop.documents.attachments import attachment

    def make(context=None) -> OutboxService:
        return OutboxService(db, clock, attachment, context=context, timeout=5)
    return make


# Queueing --------------------------------------------------------------------------------------

def test_issuing_to_a_member_who_receives_by_mail_queues_the_message_in_that_transaction(
        db, clock, catalog, add_member, add_contract):
    issue(db, clock, catalog, add_member, add_contract, mail_to="accounts@ada.example")
    issue(db, clock, catalog, add_member, add_contract, send_as="none", name="Bob Byte")
    (row,) = outbox_rows(db)
    with db.session() as session:
        document = session.get(m.InvoiceRow, row.document_id)
        member = session.get(m.MemberRow, document.member_id)
    assert member.name == "Ada Lovelace"
    assert (row.recipient, row.send_as, row.status, row.level) == (
        "accounts@ada.example", "pdf", "waiting", 0)
    assert row.queued_at == clock.now() and row.due_at == clock.now()


def test_a_document_is_never_issued_without_its_message(db, clock, catalog, add_member,
                                                        add_contract, monkeypatch):
    """Queued in the transaction that issues it: when queueing fails, the document is rolled
    back with it (and issued by a later sweep, message and all)."""
    from desktop.ledger import day_writes

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")
    member = add_member("Ada Lovelace", send_as="pdf")
    add_contract(member, catalog["Hot desk"], start=DAY)
    monkeypatch.setattr(day_writes, "queue_documents", broken)
    report = SweepService(db, clock).apply_due(DAY)
    assert report.failed and outbox_rows(db) == [] and numbers(db) == []
    monkeypatch.undo()
    SweepService(db, clock).apply_due(DAY)
    assert [r.document_id for r in outbox_rows(db)] != [] and len(numbers(db)) == 1


def test_the_address_to_send_to_defaults_to_the_members_email(db, clock, catalog, add_member,
                                                             add_contract):
    issue(db, clock, catalog, add_member, add_contract, email="ada@example.org")
    assert [r.recipient for r in outbox_rows(db)] == ["ada@example.org"]


# Sending ---------------------------------------------------------------------------------------

def test_a_plain_server_receives_the_message_once_with_the_invoice_as_pdf(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract, email="ada@example.org")
    set_smtp(db, smtp)
    report = outbox().send_due(None)
    assert (report.sent, report.failed, report.retrying, report.stopped) == (1, [], [], None)
    (number,) = numbers(db)
    (message,) = inbox.messages
    assert inbox.envelopes == [("desk@example.org", ["ada@example.org"])]
    assert number in message["Subject"] and "Hive" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "DE89370400440532013000" in body and "Ada Lovelace" in body
    name, kind, data = attachment_of(message)
    assert (name, kind) == (f"{number}.pdf", "application/pdf")
    assert number in pdf_text(data)
    (row,) = outbox_rows(db)
    assert (row.status, row.sent_at, row.attempts) == ("sent", clock.now(), 1)
    assert row.message_id == message["Message-ID"]
    assert outbox().send_due(None).sent == 0 and len(inbox.messages) == 1  # sent once


def test_starttls_with_a_self_signed_certificate_the_desk_trusts(
        db, clock, catalog, add_member, add_contract, inbox, certificate, outbox):
    controller = mail_server.start(inbox, security="starttls", cert=certificate)
    try:
        issue(db, clock, catalog, add_member, add_contract)
        set_smtp(db, controller.port, "starttls")
        assert outbox(mail_server.client_context(certificate[0])).send_due(None).sent == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_starttls_refuses_a_certificate_the_desk_does_not_trust_and_keeps_the_message(
        db, clock, catalog, add_member, add_contract, inbox, certificate, outbox):
    controller = mail_server.start(inbox, security="starttls", cert=certificate)
    try:
        issue(db, clock, catalog, add_member, add_contract)
        set_smtp(db, controller.port, "starttls")
        report = outbox().send_due(None)  # the system's CAs: the self-signed one is unknown
    finally:
        controller.stop()
    assert report.stopped.kind == transport.TLS_FAILED and inbox.messages == []
    assert [r.status for r in outbox_rows(db)] == ["waiting"]


def test_a_login_is_given_and_a_wrong_password_is_refused_in_one_sentence(
        db, clock, catalog, add_member, add_contract, inbox, certificate, outbox):
    controller = mail_server.start(inbox, security="starttls", cert=certificate,
                                   login=("desk", "s3cret"))
    context = mail_server.client_context(certificate[0])
    try:
        issue(db, clock, catalog, add_member, add_contract)
        set_smtp(db, controller.port, "starttls", user="desk")
        refused = outbox(context).send_due("wrong")
        (row,) = outbox_rows(db)
        assert refused.stopped.kind == transport.LOGIN_REFUSED
        assert (row.status, row.failure) == ("waiting", transport.LOGIN_REFUSED)
        assert failure_sentence(row.failure) == (
            "The SMTP server refused the user name or password.")
        clock.set(DAY, clock.now() + timedelta(seconds=60))
        assert outbox(context).send_due("s3cret").sent == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_implicit_tls(db, clock, catalog, add_member, add_contract, inbox, certificate, outbox):
    controller = mail_server.start(inbox, security="tls", cert=certificate)
    try:
        issue(db, clock, catalog, add_member, add_contract)
        set_smtp(db, controller.port, "tls")
        assert outbox(mail_server.client_context(certificate[0])).send_due(None).sent == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_a_451_is_tried_again_after_the_back_off_and_then_sent(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract)
    set_smtp(db, smtp)
    inbox.script = ["451 Try again later"]
    first = outbox().send_due(None)
    (row,) = outbox_rows(db)
    assert first.retrying == [(row.id, transport.BUSY)] and inbox.messages == []
    assert row.status == "waiting" and row.due_at == clock.now() + timedelta(seconds=60)
    assert "451" in row.detail
    assert outbox().send_due(None).sent == 0  # not due before its back-off
    clock.set(DAY, clock.now() + timedelta(seconds=60))
    assert outbox().send_due(None).sent == 1
    (row,) = outbox_rows(db)
    assert (row.status, row.attempts, len(inbox.messages)) == ("sent", 2, 1)


def test_a_connection_dropped_mid_message_is_tried_again_and_arrives_once(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract)
    set_smtp(db, smtp)
    inbox.script = ["drop"]
    first = outbox().send_due(None)
    assert first.stopped.kind == transport.DISCONNECTED and inbox.messages == []
    clock.set(DAY, clock.now() + timedelta(seconds=60))
    assert outbox().send_due(None).sent == 1
    assert len(inbox.messages) == 1


def test_a_refused_message_fails_for_good_and_the_others_still_leave(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract)
    issue(db, clock, catalog, add_member, add_contract, name="Bob Byte")
    set_smtp(db, smtp)
    inbox.script = ["554 Message refused"]
    report = outbox().send_due(None)
    assert (report.sent, [kind for _id, kind in report.failed]) == (1, [transport.REFUSED])
    assert sorted(r.status for r in outbox_rows(db)) == ["failed", "sent"]


@pytest.mark.parametrize("host, port, kind, sentence", [
    ("no-such-host.invalid", 25, transport.UNKNOWN_HOST,
     "The SMTP server's host name is unknown: check it in Preferences."),
    ("127.0.0.1", None, transport.UNREACHABLE,
     "The SMTP server cannot be reached: check its host and port in Preferences, or try "
     "again later."),
])
def test_bad_settings_say_one_sentence_and_lose_nothing(
        db, clock, catalog, add_member, add_contract, outbox, host, port, kind, sentence):
    issue(db, clock, catalog, add_member, add_contract)
    set_smtp(db, port or mail_server.free_port(), host=host)
    report = outbox().send_due(None)
    assert report.stopped.kind == kind and failure_sentence(kind) == sentence
    (row,) = outbox_rows(db)
    assert (row.status, row.failure, row.sent_at) == ("waiting", kind, None)


def test_nothing_is_tried_without_an_smtp_server(db, clock, catalog, add_member, add_contract,
                                                 outbox):
    issue(db, clock, catalog, add_member, add_contract)
    report = outbox().send_due(None)
    assert report.stopped.kind == transport.NOT_SET_UP
    assert [(r.status, r.attempts) for r in outbox_rows(db)] == [("waiting", 0)]


def test_a_crash_between_sending_and_recording_sends_at_most_twice(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract)
    set_smtp(db, smtp)
    service = outbox()
    # A desk claims the message and stops before recording (as after the server's 250).
    row_id, _token, first = service._claim("desk@example.org")
    assert outbox().send_due(None).sent == 0  # claimed: nobody else takes it meanwhile
    clock.set(DAY, clock.now() + LEASE)
    assert outbox().send_due(None).sent == 1  # taken over once, with the same Message-ID
    assert inbox.messages[0]["Message-ID"] == first["message_id"]
    # Taken over and interrupted again: never sent a third time, failed for the operator.
    service.send_again(row_id)
    service._claim("desk@example.org")
    with db.write() as session:
        session.get(m.OutboxRow, row_id).resumed = True
    clock.set(DAY, clock.now() + 2 * LEASE)
    assert outbox().send_due(None).sent == 0
    (row,) = outbox_rows(db)
    assert (row.status, row.failure) == ("failed", INTERRUPTED)
    assert len(inbox.messages) == 1


def test_send_again_makes_a_failed_message_due_now(db, clock, catalog, add_member, add_contract,
                                                   inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract)
    set_smtp(db, smtp)
    inbox.script = ["550 No such user"]
    outbox().send_due(None)
    (row,) = outbox_rows(db)
    assert row.status == "failed"
    changes = outbox().send_again(row.id)
    assert changes.invoices
    assert outbox().send_due(None).sent == 1


_SENDER = """
import sys
from datetime import datetime
from desktop.cli import main
sys.exit(main(["mail", "run", "--db", sys.argv[1]]))
"""


def test_two_processes_sending_at_once_send_each_message_once(
        db, clock, catalog, add_member, add_contract, inbox, smtp, tmp_path):
    for n in range(8):
        issue(db, clock, catalog, add_member, add_contract, name=f"Member {n}")
    set_smtp(db, smtp)
    target = db.url.render_as_string(hide_password=False) if server_db.ON_SERVER \
        else str(db.path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    processes = [subprocess.Popen([sys.executable, "-c", _SENDER, target], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    sent = sorted(int(out.split()[1]) for out, _err in results)
    assert sum(sent) == 8
    ids = [message["Message-ID"] for message in inbox.messages]
    assert len(ids) == 8 and len(set(ids)) == 8
    expected = set(numbers(db))
    assert {attachment_of(message)[0] for message in inbox.messages} == {
        f"{number}.pdf" for number in expected}
    for message in inbox.messages:
        name, _kind, data = attachment_of(message)
        assert name[:-4] in message["Subject"] and name[:-4] in pdf_text(data)


def test_mail_run_exit_codes(db, clock, catalog, add_member, add_contract, capsys, smtp, inbox):
    import cli_calls

    issue(db, clock, catalog, add_member, add_contract)
    target = db.url.render_as_string(hide_password=False) if server_db.ON_SERVER \
        else str(db.path)
    code, out, err = cli_calls.run(["mail", "run", "--db", target], capsys)
    assert code == 2 and cli_calls.one_sentence(err).startswith("No SMTP server is set up")
    assert [r.status for r in outbox_rows(db)] == ["waiting"]  # nothing tried, nothing lost
    set_smtp(db, smtp, user="desk")
    code, out, err = cli_calls.run(["mail", "run", "--db", target], capsys)
    assert code == 2 and "FRONTDESK_SMTP_PASSWORD" in cli_calls.one_sentence(err)
    set_smtp(db, mail_server.free_port())
    code, out, err = cli_calls.run(["mail", "run", "--db", target], capsys)
    assert code == 1 and cli_calls.one_sentence(err).startswith(
        "The SMTP server cannot be reached")
    assert out == "Sent 0 messages; 0 failed; 1 will be tried again.\n"
    clock_later = ["mail", "run", "--db", target]
    set_smtp(db, smtp)
    with db.write() as session:  # the back-off passed
        session.get(m.OutboxRow, outbox_rows(db)[0].id).due_at = datetime(2000, 1, 1)
    code, out, err = cli_calls.run(clock_later, capsys)
    assert (code, out, err) == (0, "Sent 1 message; 0 failed; 0 will be tried again.\n", "")
    assert len(inbox.messages) == 1


def test_the_text_follows_the_documents_language_and_the_sites_own_text(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    from desktop.services.mail.service import MailService
    from desktop.services.mail.texts import MailText

    with db.write() as session:
        session.get(m.SettingsRow, 1).locale = "de_DE"  # documents keep the locale of issue
    issue(db, clock, catalog, add_member, add_contract)
    with db.write() as session:
        session.get(m.SettingsRow, 1).locale = "fr_FR"  # later: changes nothing of the above
    set_smtp(db, smtp)
    assert outbox().send_due(None).sent == 1
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert body.startswith("Hallo Ada Lovelace,") and "Mit freundlichen Grüßen" in body
    assert "Bitte überweisen Sie" in body and "DE89370400440532013000" in body
    MailService(db, clock).save_texts(
        {"de": {"document": MailText("Ihre Rechnung {number} über {amount}", "Hallo")}})
    issue(db, clock, catalog, add_member, add_contract, name="Bob Byte")  # issued in French
    with db.write() as session:
        session.get(m.SettingsRow, 1).locale = "de_DE"
    issue(db, clock, catalog, add_member, add_contract, name="Cy Cole")
    assert outbox().send_due(None).sent == 2
    _first, bob, cy = numbers(db)
    subjects = {message["Subject"] for message in inbox.messages[1:]}
    assert f"Hive : {bob}" in subjects  # French: no text of the site's own in French
    assert any(s.startswith(f"Ihre Rechnung {cy} über ") for s in subjects)


def test_a_kind_without_its_maker_fails_and_says_so_never_a_pdf_in_its_place(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract)
    set_smtp(db, smtp)
    with db.write() as session:
        session.scalars(select(m.OutboxRow)).one().send_as = "ubl"  # no maker for it here
    report = outbox().send_due(None)
    assert [kind for _id, kind in report.failed] == ["attachment"] and inbox.messages == []
    assert failure_sentence("attachment") == "The attachment could not be made."


# E-invoices by mail (rules 28 and 29) ----------------------------------------------------------

def e_invoicing_site(db) -> None:
    with db.write() as session:
        row = session.get(m.SettingsRow, 1)
        row.address_street, row.address_postcode, row.address_city = "Kaiserstr. 1", "60311", \
            "Frankfurt"
        row.address_country, row.vat_id = "DE", "DE136695976"


def test_a_member_who_receives_factur_x_gets_the_pdf_with_its_xml_attached(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract, send_as="facturx",
          email="ada@example.org")
    with db.write() as session:
        member = session.scalars(select(m.MemberRow)).one()
        member.address_street, member.address_postcode = "Hauptstr. 5", "10115"
        member.address_city, member.address_country = "Berlin", "DE"
    set_smtp(db, smtp)
    e_invoicing_site(db)
    report = outbox().send_due(None)
    assert (report.sent, report.failed) == (1, [])
    (number,) = numbers(db)
    name, kind, data = attachment_of(inbox.messages[0])
    assert (name, kind) == (f"{number}.pdf", "application/pdf")
    attached = PdfReader(io.BytesIO(data)).attachments
    assert list(attached) == ["factur-x.xml"] and number.encode() in attached["factur-x.xml"][0]


def test_a_document_that_cannot_be_an_xrechnung_fails_naming_what_it_lacks_never_a_pdf(
        db, clock, catalog, add_member, add_contract, inbox, smtp, outbox):
    issue(db, clock, catalog, add_member, add_contract, send_as="xrechnung",
          email="ada@example.org")  # no address, no buyer reference
    set_smtp(db, smtp)
    e_invoicing_site(db)
    report = outbox().send_due(None)
    assert [kind for _id, kind in report.failed] == ["einvoice"] and inbox.messages == []
    (entry,) = outbox().entries()
    assert entry.status == "failed" and "buyer reference" in entry.failure_sentence
