"""What issue 11 adds to frontdesk/1 and to the site settings: the site's identity, members'
billing details and payments survive export and import; older documents still import; bad
values are refused with their place; the invoice prefix numbers new invoices."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime

import pytest

from desktop.services.errors import ValidationError
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.exchange.values import ImportProblems
from desktop.services.payments import PaymentService
from desktop.services.settings import SettingsService
from desktop.storage.database import open_database
from document_world import SITE, change_now_world
from service_builders import World

NOW = datetime(2024, 4, 12, 9)


def export(db) -> dict:
    with db.session() as session:
        return export_document(session)


@pytest.fixture
def paid_world():
    world, member, number = change_now_world()
    payments = PaymentService(world.db, world.clock)
    payments.record(number, 10000, method="card", reference="R-1")
    payments.refund(member, 1000, method="transfer") if world.member_balance(member) else None
    return world, member, number


def test_identity_billing_details_and_payments_round_trip(paid_world):
    world, _member, number = paid_world
    document = export(world.db)
    assert document["settings"] | {} == document["settings"]
    assert {k: document["settings"][k] for k in ("site_name", "vat_id", "iban", "invoice_prefix",
                                                 "payment_terms")} == {
        "site_name": "Harbour Desk Coworking", "vat_id": "IE1234567T", "iban": SITE.iban,
        "invoice_prefix": "INV-", "payment_terms": 14}
    (ada,) = document["members"]
    assert (ada["billing_address"], ada["vat_id"]) == ("1 Engine Row\nLondon EC1", "GB123456789")
    assert document["payments"] == [{"invoice": number, "member": "ada@example.org",
                                     "date": "2024-04-11", "amount": 10000, "method": "card",
                                     "reference": "R-1", "recorded_at": "2024-04-11T09:30:00"}]
    other = open_database("sqlite://", now=NOW)
    import_document(other, copy.deepcopy(document), NOW)
    assert export(other) == document
    other.dispose()


def test_a_refund_round_trips_without_an_invoice():
    world, member, _number = change_now_world()
    with world.db.write() as session:
        from desktop.storage import models as m

        session.get(m.MemberRow, member).credit_balance = 3000
    PaymentService(world.db, world.clock).refund(member, 2500)
    document = export(world.db)
    assert document["payments"][-1] | {"date": None, "recorded_at": None} == {
        "invoice": None, "member": "ada@example.org", "date": None, "amount": -2500,
        "method": "", "reference": "", "recorded_at": None}
    other = open_database("sqlite://", now=NOW)
    import_document(other, copy.deepcopy(document), NOW)
    assert export(other) == document
    other.dispose()


def as_frontdesk_1(document: dict) -> dict:
    """The document as frontdesk/1 wrote it: without what frontdesk/2 added."""
    for section in ("history", "applied_transitions", "plan_changes", "sweep_runs"):
        del document[section]
    del document["settings"]["operator"]
    for key, fields in (("members", ("archived",)), ("contracts", ("notes",)),
                        ("invoices", ("language",)), ("payments", ("recorded_at",))):
        for item in document[key]:
            for field in fields:
                del item[field]
    for invoice in document["invoices"]:
        for line in invoice["lines"]:
            del line["days"], line["period_days"], line["params"]
    return dict(document, format="frontdesk/1")


def test_an_older_document_imports_with_empty_values(paid_world):
    world, _member, _number = paid_world
    document = as_frontdesk_1(export(world.db))
    for key in ("site_name", "address", "vat_id", "iban", "invoice_prefix", "payment_terms"):
        del document["settings"][key]
    for member in document["members"]:
        del member["billing_address"], member["vat_id"]
    del document["payments"]
    other = open_database("sqlite://", now=NOW)
    import_document(other, document, NOW)
    again = export(other)
    assert again["settings"]["site_name"] == "" and again["settings"]["payment_terms"] == 14
    assert again["members"][0]["vat_id"] == "" and again["payments"] == []
    other.dispose()


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["settings"].update(iban="DE89 3704 0044 0532 0130 01"),
     'settings.iban: "DE89 3704 0044 0532 0130 01" is not a valid IBAN; check the country code '
     'and the digits.'),
    (lambda d: d["settings"].update(invoice_prefix="INV /"),
     "settings.invoice_prefix: The invoice number prefix is 1 to 12 letters, digits, dots, "
     "dashes or underscores, such as INV- or 2026-."),
    # A prefix the settings took before (issue 19 review): its numbers would not import again.
    (lambda d: d["settings"].update(invoice_prefix=".INV-"),
     "settings.invoice_prefix: The invoice number prefix starts every invoice's file name: it "
     "cannot start with a dot or be a device name such as CON or LPT1."),
    (lambda d: d["settings"].update(invoice_prefix="CON."),
     "settings.invoice_prefix: The invoice number prefix starts every invoice's file name: it "
     "cannot start with a dot or be a device name such as CON or LPT1."),
    (lambda d: d["settings"].update(payment_terms=-1), "settings.payment_terms: -1 is below 0."),
    (lambda d: d["payments"][0].update(amount=40000),
     "payments[0].amount: brings the payments of INV-000002 to 40000, more than its amount due "
     "(39000)."),
    (lambda d: d["payments"][0].update(invoice="INV-404"),
     'payments[0].invoice: "INV-404" is not the number of an invoice.'),
    (lambda d: d["payments"][0].update(invoice=None, member="nobody@example.org", amount=-5),
     'payments[0].member: "nobody@example.org" is not the email of a member (a refund names '
     'its member).'),
    (lambda d: d["payments"][0].update(invoice=None),
     "payments[0].amount: 10000 is not below 0: a payment without an invoice is a refund."),
])
def test_bad_new_values_are_refused_with_their_place_and_nothing_is_written(paid_world, change,
                                                                           problem):
    world, _member, _number = paid_world
    document = export(world.db)
    change(document)
    other = open_database("sqlite://", now=NOW)
    with pytest.raises(ImportProblems) as refused:
        import_document(other, document, NOW)
    assert refused.value.problems == [problem]
    assert export(other)["members"] == []
    other.dispose()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("iban", "GB00 NOPE", '"GB00 NOPE" is not a valid IBAN; check the country code and the '
                          'digits.'),
    ("invoice_prefix", "A B", "The invoice number prefix is 1 to 12 letters, digits, dots, "
                              "dashes or underscores, such as INV- or 2026-."),
    ("payment_terms", 400, "The payment terms are a number of days from 0 to 365."),
])
def test_bad_identity_settings_are_refused_and_nothing_is_written(field, value, message):
    world = World()
    settings = SettingsService(world.db, world.clock)
    before = world.dump()
    with pytest.raises(ValidationError) as refused:
        settings.save(replace(settings.get(), **{field: value}))
    assert [(p.field, p.message) for p in refused.value.problems] == [(field, message)]
    assert world.dump() == before


def test_the_iban_is_kept_in_groups_of_four_and_the_prefix_numbers_new_invoices():
    world = World(date(2024, 4, 1))
    settings = SettingsService(world.db, world.clock)
    assert settings.save(replace(settings.get(), iban="de89370400440532013000",
                                 invoice_prefix="2024-")).touches_settings()
    saved = settings.get()
    assert saved.iban == "DE89 3704 0044 0532 0130 00"
    member = world.member()
    world.contract(member, world.plan("Desk", 10000), date(2024, 4, 1))
    world.run_until(member, date(2024, 5, 1))
    assert [i.number for i in world.invoices(member)] == ["2024-000001", "2024-000002"]
    audit = {h.field: h.new_value for h in world.history(entity="settings")}
    assert audit["IBAN"] == "DE89 3704 0044 0532 0130 00"
    assert audit["Invoice number prefix"] == "2024-"


def test_the_logo_travels_as_base64_png_and_a_broken_one_is_refused():
    import base64

    logo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    world, _member, _number = change_now_world(replace(SITE, logo=logo))
    document = export(world.db)
    assert document["settings"]["logo"] == base64.b64encode(logo).decode()
    other = open_database("sqlite://", now=NOW)
    import_document(other, copy.deepcopy(document), NOW)
    assert export(other) == document
    assert SettingsService(other, world.clock).get().logo == logo
    other.dispose()
    for broken in ("not base64!", base64.b64encode(b"GIF89a....").decode()):
        document["settings"]["logo"] = broken
        fresh = open_database("sqlite://", now=NOW)
        with pytest.raises(ImportProblems) as refused:
            import_document(fresh, copy.deepcopy(document), NOW)
        assert refused.value.problems == [
            "settings.logo: is not a PNG picture written in base64."]
        fresh.dispose()
