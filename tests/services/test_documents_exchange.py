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
from document_world import SITE, change_now_world, last_of_type
from service_builders import World

NOW = datetime(2024, 4, 12, 9)


def export(db) -> dict:
    with db.session() as session:
        return export_document(session)


@pytest.fixture
def paid_world():
    world, member, _deposit = change_now_world()
    number = last_of_type(world, member)
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
    assert document["payments"] == [{"member": "ada@example.org", "date": "2024-04-11",
                                     "amount": 10000, "method": "card", "reference": "R-1",
                                     "allocations": [{"document": number, "amount": 10000}],
                                     "recorded_at": "2024-04-11T09:30:00"}]
    # Rule 22: the credit held when the plan changed paid the oldest open document.
    assert document["credit_allocations"] == [{"document": "INV-000001", "date": "2024-04-11",
                                               "amount": 5000}]
    other = open_database("sqlite://", now=NOW)
    import_document(other, copy.deepcopy(document), NOW)
    assert export(other) == document
    other.dispose()


def test_a_refund_round_trips_without_an_invoice():
    world, member, _number = change_now_world()
    with world.db.write() as session:
        from desktop.storage import models as m

        session.get(m.MemberRow, member).credit_balance = 3000
    payments = PaymentService(world.db, world.clock)
    payments.record_for_member(member, payments.outstanding(member))  # nothing left to offset
    payments.refund(member, 2500)
    document = export(world.db)
    assert document["payments"][-1] | {"date": None, "recorded_at": None} == {
        "member": "ada@example.org", "date": None, "amount": -2500, "method": "",
        "reference": "", "allocations": [], "recorded_at": None}
    other = open_database("sqlite://", now=NOW)
    import_document(other, copy.deepcopy(document), NOW)
    assert export(other) == document
    other.dispose()


def as_frontdesk_1(document: dict) -> dict:
    """The document as frontdesk/1 wrote it: invoices of one date and one rate, payments naming
    their invoice, without anything else frontdesk/2 added."""
    for section in ("history", "applied_transitions", "plan_changes", "sweep_runs",
                    "credit_allocations", "charges"):
        document.pop(section, None)
    for key in ("operator", "reduced_tax_rate", "exemption_reason", "credit_note_prefix",
                "deposit_prefix", "creditor_id", "return_fee", "smtp", "reminders", "mail_texts",
                "contact", "tax_number", "cancellations_on_boundary"):
        del document["settings"][key]
    for plan in document["plans"]:
        for key in ("tax_category", "allowance_unit", "expires_months", "prices",
                    "early_termination_fee"):
            del plan[key]
    for key, fields in (("members", ("archived", "iban", "mandate", "send_as", "mail_to",
                                     "address", "buyer_reference")),
                        ("contracts", ("notes", "commitment_end", "notice", "notice_waived",
                                       "ends_at_commitment_end"))):
        for item in document[key]:
            for field in fields:
                del item[field]
    document["invoices"] = [
        {"number": d["number"], "member": d["member"], "issue_date": d["issue_date"],
         "subtotal": d["subtotal"], "tax": sum(group["tax"] for group in d["tax"]),
         "total": d["total"], "credit_applied": d["credit_applied"],
         "amount_due": d["amount_due"],
         "lines": [{key: line[key] for key in ("kind", "description", "contract",
                                               "period_start", "period_end", "amount")}
                   for line in d["lines"]]}
        for d in document.pop("documents")]
    document["payments"] = [
        {"invoice": p["allocations"][0]["document"] if p["allocations"] else None,
         **{key: p[key] for key in ("member", "date", "amount", "method", "reference")}}
        for p in document["payments"]]
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
    (lambda d: (d["payments"][0].update(amount=30000),
                d["payments"][0]["allocations"][0].update(amount=30000)),
     "payments[0].allocations[0].amount: brings what is allocated to INV-000002 to 30000, more "
     "than its total (24000)."),
    (lambda d: d["payments"][0]["allocations"][0].update(document="INV-404"),
     'payments[0].allocations[0].document: "INV-404" is not the number of a document.'),
    (lambda d: d["payments"][0].update(member="nobody@example.org"),
     'payments[0].member: "nobody@example.org" is not the email of a member.'),
    (lambda d: d["payments"][0].update(amount=-5),
     "payments[0].allocations: is not empty: a refund (an amount below 0) pays no document."),
    (lambda d: d["payments"][0].update(amount=5000),
     "payments[0].allocations: add up to more than the 5000 received."),
    (lambda d: d["payments"][0].update(date="2024-04-10"),
     "payments[0].allocations[0].document: INV-000002 was issued on 2024-04-11, after "
     "2024-04-10."),
    (lambda d: d["credit_allocations"][0].update(amount=24001),
     "credit_allocations[0].amount: brings what is allocated to INV-000001 to 24001, more than "
     "its total (24000)."),
    (lambda d: d["documents"][0].update(type="bill"),
     'documents[0].type: "bill" is not one of invoice, credit_note, deposit_request, '
     'deposit_return.'),
    (lambda d: d["documents"][0]["tax"][0].update(net=1),
     "documents[0].tax: is not the groups of its lines (standard 20 % of 20000)."),
    (lambda d: d["documents"][0]["tax"][0].update(tax=4001),
     "documents[0].total: 24000 is not the subtotal plus the tax of its groups (24001)."),
    (lambda d: d["documents"][1]["lines"][0].update(tax_category="standard", rate="20"),
     "documents[1].lines[0].tax_category: is not null: a deposit is outside VAT (rule 15)."),
    (lambda d: d["documents"][1]["lines"][0].update(kind="plan"),
     "documents[1].lines: holds a line that is not a deposit: a deposit_request holds deposits "
     "alone (rule 15)."),
    (lambda d: d["documents"][0]["lines"][0].update(rate=None),
     "documents[0].lines[0].rate: goes with a tax category: both are given, or both are null "
     "(outside VAT)."),
    (lambda d: d["documents"][2].update(credits=["INV-000001"]),
     "documents[2].credits: names credited invoices, which only a credit note does."),
    (lambda d: d["plans"][0].update(tax_category="reverse_charge"),
     'plans[0].tax_category: "reverse_charge" is not one of standard, reduced, zero, exempt.'),
    (lambda d: d["settings"].update(reduced_tax_rate="lots"),
     'settings.reduced_tax_rate: "lots" is not a tax rate written as a plain number such as 20 '
     'or 8.5.'),
    (lambda d: d["settings"].update(deposit_prefix="D /"),
     "settings.deposit_prefix: The invoice number prefix is 1 to 12 letters, digits, dots, "
     "dashes or underscores, such as INV- or 2026-."),
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


def test_a_frontdesk_1_document_arrives_as_migration_0008_converts_a_database(paid_world):
    """docs/exchange-format.md: deposit-only invoices become deposit requests, the one date is
    the billing and the issue date, due = issue + terms, lines are standard at the site's rate,
    a payment of an invoice is allocated to it, the credit applied is an allocation of
    credit."""
    world, _member, number = paid_world
    document = export(world.db)
    other = open_database("sqlite://", now=NOW)
    import_document(other, as_frontdesk_1(copy.deepcopy(document)), NOW)
    again = export(other)
    # What frontdesk/1 could not say: a billing date older than the issue date, the language,
    # how a line was prorated.
    expected = [dict(d, billing_date=d["issue_date"], language=None,
                     lines=[dict(line, days=None, period_days=None) for line in d["lines"]])
                for d in document["documents"]]
    assert again["documents"] == expected
    assert [d["type"] for d in again["documents"]] == [
        "invoice", "deposit_request", "invoice", "deposit_request"]
    assert again["payments"] == [dict(p, recorded_at=NOW.isoformat(timespec="seconds"))
                                 for p in document["payments"]]
    assert again["payments"][0]["allocations"] == [{"document": number, "amount": 10000}]
    assert again["credit_allocations"] == []  # INV-000001 took no credit when it was issued
    other.dispose()


def test_credit_applied_at_issue_in_a_frontdesk_1_document_is_an_allocation_of_credit(
        paid_world):
    world, _member, _number = paid_world
    old = as_frontdesk_1(export(world.db))
    first = old["invoices"][0]
    first.update(credit_applied=5000, amount_due=first["total"] - 5000)
    other = open_database("sqlite://", now=NOW)
    import_document(other, old, NOW)
    assert export(other)["credit_allocations"] == [
        {"document": "INV-000001", "date": "2024-04-11", "amount": 5000}]
    other.dispose()


def test_a_frontdesk_1_document_of_a_negative_invoice_has_a_credit_note_and_a_deposit_return():
    from test_exchange import small_document

    old = small_document()
    old["invoices"] += [
        {"number": "INV-000002", "member": "ada@example.org", "issue_date": "2024-06-20",
         "subtotal": -5000, "tax": -1000, "total": -6000, "amount_due": 0,
         "lines": [{"kind": "unused", "description": "Unused time on Hot desk",
                    "contract": "c-ada", "amount": -5000}]},
        {"number": "INV-000003", "member": "ada@example.org", "issue_date": "2024-06-20",
         "subtotal": -20000, "tax": 0, "total": -20000, "amount_due": 0,
         "lines": [{"kind": "deposit_refund", "description": "Deposit refund (Dedicated desk)",
                    "contract": "c-ada-2", "amount": -20000}]}]
    other = open_database("sqlite://", now=NOW)
    import_document(other, old, NOW)
    documents = export(other)["documents"]
    assert [(d["type"], d["due_date"], [g["category"] for g in d["tax"]],
             [(ln["tax_category"], ln["rate"]) for ln in d["lines"]]) for d in documents] == [
        ("invoice", "2024-06-15", ["standard"], [("standard", "20"), ("standard", "20")]),
        ("credit_note", "2024-07-04", ["standard"], [("standard", "20")]),
        ("deposit_return", "2024-07-04", [], [(None, None)])]
    other.dispose()


def test_a_credit_note_with_groups_of_several_rates_round_trips(paid_world):
    """Rule 17: every document type, its tax groups (each rounded once) and what it credits
    come back as exported."""
    world, _member, _number = paid_world
    document = export(world.db)
    document["settings"].update(reduced_tax_rate="7", exemption_reason="Exempt letting",
                                credit_note_prefix="GS-", deposit_prefix="K-")
    document["plans"][0]["tax_category"] = "reduced"
    line = {"description": "Unused time", "contract": None, "period_start": None,
            "period_end": None, "days": None, "period_days": None, "params": None}
    document["documents"].append({
        "type": "credit_note", "number": "GS-000001", "member": "ada@example.org",
        "billing_date": "2024-04-11", "issue_date": "2024-04-12", "due_date": "2024-04-26",
        "subtotal": -15005, "tax": [
            {"category": "standard", "rate": "20", "net": -10000, "tax": -2000},
            {"category": "reduced", "rate": "7", "net": -5005, "tax": -350},
            {"category": "exempt", "rate": "0", "net": 0, "tax": 0}],
        "total": -17355, "credit_applied": 0, "amount_due": 0, "credits": ["INV-000002"],
        "lines": [dict(line, kind="unused", amount=-10000, tax_category="standard", rate="20"),
                  dict(line, kind="unused", amount=-5005, tax_category="reduced", rate="7"),
                  dict(line, kind="plan", amount=0, tax_category="exempt", rate="0")],
        "language": "de_DE", "collection": None, "sent": []})
    other = open_database("sqlite://", now=NOW)
    import_document(other, copy.deepcopy(document), NOW)
    assert export(other) == document
    other.dispose()
    # Each group is rounded once: 7 % of -5005 is -350 (-350.35), never -351.
    document["documents"][-1]["tax"][1]["tax"] = -351
    document["documents"][-1]["total"] = -17356
    fresh = open_database("sqlite://", now=NOW)
    with pytest.raises(ImportProblems) as refused:
        import_document(fresh, document, NOW)
    assert refused.value.problems == ["documents[4].tax[1].tax: -351 is not 7 % of -5005 (-350)."]
    fresh.dispose()


def test_a_frontdesk_1_document_cannot_name_documents():
    with pytest.raises(ImportProblems) as refused:
        import_document(open_database("sqlite://", now=NOW),
                        {"format": "frontdesk/1", "documents": []}, NOW)
    assert refused.value.problems == ["documents: is not a section of this format."]
