"""Text the services refuse (issue 19): control characters in any field (tabs and line breaks
only where a field has several lines), e-mail addresses equal once normalised, tax rates that
are not plain numbers, and the rules of desktop/domain/limits.py behind them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from desktop.domain.limits import email_key, number_problem, plain_rate, text_problem
from desktop.domain.model import Plan
from desktop.domain.periods import Frequency
from desktop.services.contracts.editing import ContractService
from desktop.services.errors import ValidationError
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from document_world import change_now_world

NUL = "\x00"


@pytest.mark.parametrize(("text", "multiline", "refused"), [
    ("Ada Lovelace", False, None), ("Ada\x00", False, "U+0000"), ("Ada\x1b[31m", False, "U+001B"),
    ("Ada\x7f", False, "U+007F"), ("Ada\x85", True, "U+0085"), ("Ada\x9f", True, "U+009F"),
    ("a\tb", False, "U+0009"), ("a\nb", False, "U+000A"), ("a\r\nb", False, "U+000D"),
    ("a\n\tb\r\n", True, None), ("Zoë 🙂 ‏", False, None),
])
def test_control_characters_are_refused_and_line_breaks_only_where_a_field_has_lines(
        text, multiline, refused):
    problem = text_problem(text, multiline=multiline)
    assert (None if problem is None else str(problem).split("(")[1][:6]) == refused


def test_e_mails_are_told_apart_after_normalisation_and_case_folding():
    assert email_key("ＡＤＡ@Example.org") == email_key("ada@example.org") == \
        email_key(" Ada@EXAMPLE.org ")
    assert email_key("straße@example.org") == email_key("STRASSE@example.org")
    assert email_key("ada@example.org") != email_key("ada2@example.org")


@pytest.mark.parametrize("text", ["1e2", "+20", "20.", ".5", "2_0", "٢٠", "20%", "1,5",
                                  "Infinity"])
def test_a_tax_rate_given_as_input_is_a_plain_decimal(text):
    with pytest.raises(ValueError, match="plain number"):
        plain_rate(text)
    assert plain_rate(" 8.5 ") == plain_rate("8.50")


@pytest.mark.parametrize("number", ["../x", "..", ".", "/etc/x", "a/b", "a\\b", "C:x", "x\x00",
                                    ".x", "x.", " x", "x ", "CON", "nul.txt", "x" * 65, "",
                                    "a<b", "a|b", "a\tb"])
def test_an_invoice_number_that_is_no_plain_file_name_is_refused(number):
    assert number_problem(number) is not None


@pytest.mark.parametrize("number", ["INV-000001", "2026-0001", "RE_2026.17", "x" * 64,
                                    "Rechnung-Ä1"])
def test_an_invoice_number_safe_as_a_file_name_is_accepted(number):
    assert number_problem(number) is None


# The services refuse them, nothing written ---------------------------------------------------

@pytest.mark.parametrize(("fields", "field"), [
    (dict(name="Ada" + NUL), "name"),
    (dict(email="ada" + NUL + "@example.org"), "email"),
    (dict(company="Engines\x1b"), "company"),
    (dict(phone="+353\t1"), "phone"),
    (dict(notes="quiet" + NUL), "notes"),
    (dict(billing_address="1 Row\x85"), "billing_address"),
    (dict(vat_id="IE1\n"), "vat_id"),
    (dict(email="ＧＲＡＣＥ@example.org"), "email"),
])
def test_a_member_with_a_control_character_or_a_taken_address_is_refused(world, fields, field):
    world.members.create("Grace Hopper", "grace@example.org")
    ada = world.member("Ada King", "ada.king@example.org")
    before = world.dump()
    details = dict(name="Ada", email="ada@example.org", company="", phone="", notes="",
                   billing_address="", vat_id="") | fields
    with pytest.raises(ValidationError) as refused:
        world.members.create(**details)
    assert [p.field for p in refused.value.problems] == [field]
    with pytest.raises(ValidationError) as refused:
        world.members.update(ada, **details)
    assert [p.field for p in refused.value.problems] == [field]
    assert world.dump() == before


def test_notes_and_an_address_keep_their_line_breaks_and_tabs(world):
    ada = world.members.create("Ada", "ada@example.org", notes="Key card 42\n\tquiet room",
                               billing_address="1 Engine Row\r\nLondon").id
    got = world.members.get(ada)
    assert (got.notes, got.billing_address) == ("Key card 42\n\tquiet room",
                                                "1 Engine Row\r\nLondon")


@pytest.mark.parametrize(("plan", "field"), [
    (Plan(name="Hot" + NUL, price=100, frequency=Frequency("month")), "name"),
    (Plan(name="Hot desk", price=100, frequency=Frequency("month"), group="Desks\n"), "group"),
    (Plan(name="Hot desk", price=100, frequency=Frequency("month"),
          allowances={"Pages\x07": 3}), "allowances"),
])
def test_a_plan_with_a_control_character_is_refused(world, plan, field):
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        world.catalog.save_plan(plan)
    assert field in [p.field for p in refused.value.problems]
    assert world.dump() == before


@pytest.mark.parametrize(("change", "field"), [
    (dict(operator="Ana" + NUL), "operator"), (dict(site_name="Harbour\tDesk"), "site_name"),
    (dict(address="1 Quay" + NUL), "address"), (dict(tax_rate="1e2"), "tax_rate"),
    (dict(vat_id="IE\x1b"), "vat_id"),
])
def test_settings_with_a_control_character_or_a_rate_no_person_writes_are_refused(
        world, change, field):
    settings = SettingsService(world.db, world.clock)
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        settings.save(replace(settings.get(), **change))
    assert [p.field for p in refused.value.problems] == [field]
    assert world.dump() == before
    settings.save(replace(settings.get(), address="1 Quay\nGalway"))
    saved = settings.get()
    assert saved.address == "1 Quay\nGalway"


def test_a_payment_or_refund_with_a_control_character_is_refused():
    world, member, number = change_now_world()
    payments = PaymentService(world.db, world.clock)
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        payments.record(number, 100, reference="R" + NUL)
    assert refused.value.problems[0].field == "reference"
    with world.db.write() as session:
        from desktop.storage import models as m

        session.get(m.MemberRow, member).credit_balance = 3000
    with pytest.raises(ValidationError) as refused:
        payments.refund(member, 100, method="cash\x1b")
    assert refused.value.problems[0].field == "method"
    assert world.dump()["payments"] == before["payments"]
    payments.record(number, 100, reference="R 1\t(bank)")  # a tab is only a space here
    assert payments.standing(number).payments[0].reference == "R 1 (bank)"


def test_contract_notes_with_a_control_character_are_refused():
    world, member, _number = change_now_world()
    contracts = ContractService(world.db, world.clock)
    with world.db.session() as session:
        from sqlalchemy import select

        from desktop.storage import models as m

        contract_id = session.scalar(select(m.ContractRow.id).where(
            m.ContractRow.member_id == member).limit(1))
    state = contracts.load(contract_id)
    assert [p.field for p in contracts.validate(replace(state.contract, notes="a" + NUL))] == [
        "notes"]
    assert contracts.validate(replace(state.contract, notes="a\n\tb")) == []


# An import refuses what the services refuse, and keeps what they keep ---------------------

def test_an_import_keeps_line_breaks_in_notes_and_a_refund_after_its_credit(db):
    doc = {"format": "frontdesk/1",
           "settings": {"currency": "EUR", "locale": "en_IE", "tax_rate": "0",
                        "address": "1 Quay\r\nGalway"},
           "plans": [{"name": "Hot desk", "price": 19500}],
           "members": [{"email": "ada@example.org", "name": "Ada",
                        "notes": "Key card 42\n\tquiet room"}],
           "contracts": [{"id": "1", "member": "ada@example.org", "plan": "Hot desk",
                          "start_date": "2024-07-01", "next_invoice_date": "2024-08-01"}],
           "invoices": [{"number": "INV-000002", "member": "ada@example.org",
                         "issue_date": "2024-07-10", "subtotal": -500, "tax": 0, "total": -500,
                         "amount_due": 0,
                         "lines": [{"kind": "unused", "amount": -500, "contract": "1"}]}],
           "payments": [{"member": "ada@example.org", "date": "2024-07-10", "amount": -300},
                        {"member": "ada@example.org", "date": "2024-07-12", "amount": -200}]}
    import_document(db, doc, datetime(2024, 7, 20, 9))
    with db.session() as session:
        document = export_document(session)
    assert document["members"][0]["notes"] == "Key card 42\n\tquiet room"
    assert document["settings"]["address"] == "1 Quay\r\nGalway"
    assert [p["amount"] for p in document["payments"]] == [-300, -200]
