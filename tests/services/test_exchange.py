"""The frontdesk/1 document (docs/exchange-format.md): round trips, and import problems with their
places."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest

from desktop.services.catalog import CatalogService
from desktop.services.clock import FixedClock
from desktop.services.contracts.editing import ContractService
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.exchange.values import ImportProblems
from desktop.services.sample.demo import load_demo
from desktop.storage.database import open_database

NOW = datetime(2024, 6, 10, 9)


def export(db) -> dict:
    with db.session() as session:
        return export_document(session)


@pytest.fixture
def other_db(tmp_path):
    database = open_database(str(tmp_path / "other.sqlite3"), now=NOW)
    yield database
    database.dispose()


def small_document() -> dict:
    """A hand-written document using the defaults the format allows."""
    return {
        "format": "frontdesk/1",
        "settings": {"currency": "EUR", "locale": "en_IE", "tax_rate": "20", "billing_day": None},
        "plans": [
            {"name": "Hot desk", "price": 20000, "frequency": "1 month", "group": "Desks",
             "allowances": {"Printing pages": 100}, "addons": ["Locker"]},
            {"name": "Dedicated desk", "price": 35000, "frequency": "1 month", "deposit": 20000,
             "group": "Desks", "addons": ["Locker"]},
            {"name": "Locker", "kind": "addon", "price": 2500, "frequency": "1 month"},
        ],
        "members": [
            {"email": "ada@example.org", "name": "Ada Lovelace", "company": "Engines Ltd"},
            {"email": "grace@example.org", "name": "Grace Hopper", "credit_balance": 1500},
        ],
        "contracts": [
            {"id": "c-ada", "member": "ada@example.org", "plan": "Hot desk",
             "start_date": "2024-01-01", "next_invoice_date": "2024-07-01",
             "cancellation_date": "2024-06-20",
             "addons": [{"name": "Locker", "start_date": "2024-01-01"}]},
            {"id": "c-ada-2", "member": "ada@example.org", "plan": "Dedicated desk",
             "start_date": "2024-06-20", "billing_anchor": "2024-01-01", "predecessor": "c-ada"},
            {"id": "grace-1", "member": "grace@example.org", "plan": "Hot desk",
             "next_plan": None, "start_date": "2024-02-10", "next_invoice_date": "2024-07-10"},
        ],
        "invoices": [
            {"number": "INV-000001", "member": "ada@example.org", "issue_date": "2024-06-01",
             "subtotal": 22500, "tax": 4500, "total": 27000, "amount_due": 27000,
             "lines": [{"kind": "plan", "description": "Hot desk", "contract": "c-ada",
                        "period_start": "2024-06-01", "period_end": "2024-07-01",
                        "amount": 20000},
                       {"kind": "addon", "description": "Locker", "contract": "c-ada",
                        "period_start": "2024-06-01", "period_end": "2024-07-01",
                        "amount": 2500}]},
        ],
    }


def test_export_import_export_gives_back_the_same_document(db, other_db):
    load_demo(db, date(2024, 6, 10), members=80, seed=5)
    first = export(db)
    summary = import_document(other_db, copy.deepcopy(first), NOW)
    assert (summary.members, summary.contracts, summary.invoices) == (
        len(first["members"]), len(first["contracts"]), len(first["documents"]))
    assert export(other_db) == first
    statuses = {c["status"] for c in first["contracts"]}
    assert statuses == {"inactive", "active", "cancelled"}


def test_a_hand_written_document_keeps_its_contract_ids_and_links(db, tmp_path):
    """docs/exchange-format.md: a document's contract ids are kept as references and exported
    back."""
    import_document(db, small_document(), NOW)
    document = export(db)
    assert [c["id"] for c in document["contracts"]] == ["c-ada", "c-ada-2", "grace-1"]
    ada, successor, grace = document["contracts"]
    assert successor["predecessor"] == "c-ada"
    assert (ada["next_plan"], grace["next_plan"]) == ("Hot desk", None)  # left out = renews
    assert successor["billing_anchor"] == "2024-01-01"
    assert successor["next_invoice_date"] == "2024-06-20"  # left out = inactive until the start
    assert ada["addons"] == [{"name": "Locker", "quantity": 1, "start_date": "2024-01-01"}]
    assert [line["contract"] for line in document["documents"][0]["lines"]] == ["c-ada", "c-ada"]
    assert document["members"][1]["credit_balance"] == 1500
    assert document["plans"][0]["allowances"] == {"Printing pages": 100}
    # and the result is stable: its export imports to the same export
    again = open_database(str(tmp_path / "again.sqlite3"), now=NOW)
    try:
        import_document(again, document, NOW)
        assert export(again) == document
    finally:
        again.dispose()


def test_a_contract_made_after_an_import_exports_its_database_id_beside_the_references(db):
    """docs/exchange-format.md: imported ids come back as given; a contract made here exports its
    database id, which no reference takes (a numeric reference keeps its number as database id)."""
    document = small_document()
    document["contracts"][2]["id"] = "7"
    import_document(db, document, NOW)
    clock = FixedClock(date(2024, 6, 10))
    contracts = ContractService(db, clock)
    desk = next(p for p in CatalogService(db, clock).plans() if p.name == "Hot desk")
    made = contracts.save(contracts.new_draft(2, desk.id), None).id
    ids = [c["id"] for c in export(db)["contracts"]]
    assert ids == ["7", "c-ada", "c-ada-2", "10"] and made == 10


def test_status_is_written_by_export_and_ignored_on_import(db):
    document = small_document()
    document["contracts"][0]["status"] = "inactive"  # wrong, and ignored
    import_document(db, document, NOW)
    assert [c["status"] for c in export(db)["contracts"]] == ["active", "inactive", "active"]


def test_every_problem_is_reported_with_its_place_and_nothing_is_written(db, counts):
    document = small_document()
    document["plans"][1]["frequency"] = "monthly"
    document["plans"].append({"name": "Day pass", "price": 12.5, "frequency": None,
                              "kind": "addon"})
    document["members"].append({"email": "ADA@example.org", "name": "Ada Again"})
    ada, successor, grace = document["contracts"]
    ada["cancellation_date"] = "2024-02-30"
    successor["member"] = "nobody@example.org"
    successor["predecessor"] = "c-missing"
    grace["start_date"] = "2024-08-01"  # after its cancellation... and its next invoice date
    grace["cancellation_date"] = "2024-07-01"
    grace["colour"] = "blue"
    document["contracts"].append({"id": "c-ada", "member": "ada@example.org",
                                  "plan": "Locker", "start_date": "2024-01-01"})
    document["invoices"][0]["lines"][0]["contract"] = "c-nope"
    document["invoices"][0]["subtotal"] = 1
    before = counts()

    with pytest.raises(ImportProblems) as raised:
        import_document(db, document, NOW)

    assert raised.value.problems == [
        'plans[1].frequency: "monthly" is not a billing frequency such as "1 month" or "2 weeks".',
        "plans[3].price: 12.5 is not a whole number of minor units.",
        'members[2].email: "ADA@example.org" is used by another member, as "ada@example.org".',
        "contracts[0].cancellation_date: \"2024-02-30\" is not a date.",
        'contracts[1].member: "nobody@example.org" is not the email of a member.',
        "contracts[2].colour: is not a field of this format.",
        "contracts[2].cancellation_date: The cancellation date must be after the start date.",
        "contracts[2].next_invoice_date: The next invoice date cannot be before the start date.",
        "contracts[2].next_plan: A contract that has not started renews on its own plan; its "
        "next plan cannot be blank.",
        'contracts[3].id: "c-ada" is used by another contract.',
        "contracts[3].plan: Locker is an add-on, not a plan.",
        'invoices[0].lines[0].contract: "c-nope" is not the id of a contract.',
        "invoices[0].subtotal: 1 is not the sum of its lines (22500).",
        "invoices[0].total: 27000 is not the subtotal plus tax (4501).",
    ]
    assert counts() == before


def test_problems_in_references_to_broken_records_are_not_repeated(db):
    document = small_document()
    document["plans"][0]["price"] = -5
    with pytest.raises(ImportProblems) as raised:
        import_document(db, document, NOW)
    # The contracts on Hot desk are not reported again: the plan's own problem is enough.
    assert raised.value.problems == ["plans[0].price: -5 is below 0."]


@pytest.mark.parametrize("document, problem", [
    ([], "The document is [], not a frontdesk/2 object."),
    ({"format": "frontdesk/3"},
     'format: "frontdesk/3" is not "frontdesk/2" (or the older "frontdesk/1").'),
    ({"format": "frontdesk/1", "history": []}, "history: is not a section of this format."),
    ({"format": "frontdesk/1", "members": [{"email": "a@b.org", "name": "A", "archived": True}]},
     "members[0].archived: is not a field of this format."),
    ({"format": "frontdesk/1", "people": []}, "people: is not a section of this format."),
    ({"format": "frontdesk/1", "plans": {}}, "plans: {} is not a list."),
    ({"format": "frontdesk/1", "settings": {"tax_rate": "lots"}},
     'settings.tax_rate: "lots" is not a tax rate written as a plain number such as 20 or 8.5.'),
    ({"format": "frontdesk/1", "settings": {"billing_day": 40}},
     "settings.billing_day: 40 is not a day of the month (1 to 31)."),
    ({"format": "frontdesk/1", "members": [{"email": "x"}]}, "members[0].name: is missing."),
    ({"format": "frontdesk/1", "members": [{"email": "x", "name": "X"}]},
     'members[0].email: "x" is not an email address.'),
])
def test_document_level_problems(db, document, problem):
    with pytest.raises(ImportProblems) as raised:
        import_document(db, document, NOW)
    assert raised.value.problems == [problem]


def test_import_refuses_a_database_that_is_not_empty(db, counts):
    import_document(db, small_document(), NOW)
    before = counts()
    with pytest.raises(ImportProblems, match="not empty"):
        import_document(db, small_document(), NOW)
    assert counts() == before


def test_contract_rules_are_checked_with_the_import_day(db):
    """validate_contract with today = the import's day: an inactive contract cannot end blank."""
    document = small_document()
    document["contracts"][1]["next_plan"] = None
    with pytest.raises(ImportProblems) as raised:
        import_document(db, document, datetime(2024, 6, 1, 9))
    assert raised.value.problems == [
        "contracts[1].next_plan: A contract that has not started renews on its own plan; its "
        "next plan cannot be blank."]
    import_document(db, document, datetime(2024, 6, 25, 9))  # started by then: allowed


@pytest.mark.parametrize("key, value", [("currency", "XXQ"), ("locale", "zz_QQ")])
def test_an_unknown_currency_or_locale_is_reported_at_its_place(db, counts, key, value):
    document = small_document()
    document["settings"][key] = value
    before = counts()
    with pytest.raises(ImportProblems) as raised:
        import_document(db, document, NOW)
    (problem,) = raised.value.problems
    assert problem.startswith(f"settings.{key}: ") and value in problem
    assert counts() == before
