"""MemberService: search (text, status, sort, paging in SQL), detail page, create/update checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.domain.contracts import status as domain_status
from desktop.domain.model import ACTIVE, Contract, ContractAddon
from desktop.services.errors import NotFound, ValidationError
from desktop.storage import models as m
from service_builders import World

TODAY = date(2024, 4, 11)


# Create and update ---------------------------------------------------------------------------

def test_a_created_member_is_a_contact_with_its_details(world):
    member_id = world.members.create(" Ada Lovelace ", "ada@example.org", "Engines Ltd",
                                     "+353 1 234", "Prefers the quiet room").id
    got = world.members.get(member_id)
    assert (got.name, got.email, got.company, got.phone, got.notes) == (
        "Ada Lovelace", "ada@example.org", "Engines Ltd", "+353 1 234", "Prefers the quiet room")
    assert (got.status, got.credit_balance, got.deposit_held, got.archived) == (
        "contact", 0, 0, False)
    assert got.contracts == [] and got.invoices == [] and got.allowances == {}
    fields = {r.field for r in world.history(entity="member", member_id=member_id)}
    assert fields >= {"Name", "Email"}


@pytest.mark.parametrize("name, email, field, message", [
    ("", "ada@example.org", "name", "Enter the member's name."),
    ("Ada", "", "email", "Enter the member's email address."),
    ("Ada", "ada.example.org", "email",
     '"ada.example.org" is not an email address such as "ada@example.org".'),
    ("Ada", "ada@example", "email",
     '"ada@example" is not an email address such as "ada@example.org".'),
    ("Ada", "GRACE@example.org", "email", "Another member already uses GRACE@example.org."),
])
def test_bad_member_details_are_refused_and_nothing_is_written(world, name, email, field, message):
    world.members.create("Grace Hopper", "grace@example.org")
    before = world.dump()
    with pytest.raises(ValidationError) as caught:
        world.members.create(name, email)
    assert (caught.value.problems[0].field, str(caught.value)) == (field, message)
    assert world.dump() == before


@pytest.mark.parametrize("vat_id", ["XX12", "DE123456789", "FR 00 303265045", "IE63880"])
def test_an_invalid_vat_id_is_refused_on_create_and_update_and_nothing_is_written(world,
                                                                                  vat_id):
    """Rule 17: "XX12" was accepted. Country, format and check digits are checked
    (python-stdnum), said in one sentence on the field."""
    ada = world.members.create("Ada", "ada@example.org", vat_id="DE136695976").id
    before = world.dump()
    sentence = f"{vat_id} is not a valid VAT id: check its country letters and digits."
    with pytest.raises(ValidationError) as caught:
        world.members.create("Grace", "grace@example.org", vat_id=vat_id)
    assert [(p.field, str(p.message)) for p in caught.value.problems] == [("vat_id", sentence)]
    assert str(caught.value) == sentence
    with pytest.raises(ValidationError) as caught:
        world.members.update(ada, name="Ada", email="ada@example.org", company="", phone="",
                             notes="", vat_id=vat_id)
    assert [(p.field, str(p.message)) for p in caught.value.problems] == [("vat_id", sentence)]
    assert world.dump() == before


def test_a_valid_vat_id_is_kept_compacted_and_none_leaves_it_as_it_is(world):
    ada = world.members.create("Ada", "ada@example.org", vat_id=" de 136.695.976 ").id
    assert world.members.get(ada).vat_id == "DE136695976"
    world.members.update(ada, name="Ada", email="ada@example.org", company="", phone="",
                         notes="", vat_id="FR 40 303 265 045")
    assert world.members.get(ada).vat_id == "FR40303265045"
    rows = {(r.field, r.old_value, r.new_value)
            for r in world.history(entity="member", member_id=ada)}
    assert ("VAT id", "DE136695976", "FR40303265045") in rows
    world.members.update(ada, name="Ada King", email="ada@example.org", company="", phone="",
                         notes="")
    assert world.members.get(ada).vat_id == "FR40303265045"
    world.members.update(ada, name="Ada King", email="ada@example.org", company="", phone="",
                         notes="", vat_id="  ")
    assert world.members.get(ada).vat_id == ""
    grace = world.members.create("Grace", "grace@example.org", vat_id="CHE-116.281.710 MWST").id
    assert world.members.get(grace).vat_id == "CHE116281710MWST"


def test_an_invalid_vat_id_is_said_in_the_readers_language(world):
    from desktop.i18n import install

    install("de_DE")
    try:
        with pytest.raises(ValidationError) as caught:
            world.members.create("Grace", "grace@example.org", vat_id="XX12")
    finally:
        install("en_IE")
    assert str(caught.value) == (
        "XX12 ist keine gültige USt-IdNr.: prüfen Sie die Länderkennung und die Ziffern.")


def test_a_vat_id_with_a_control_character_is_said_once(world):
    with pytest.raises(ValidationError) as caught:
        world.members.create("Grace", "grace@example.org", vat_id="DE136695976\x00")
    assert [p.field for p in caught.value.problems] == ["vat_id"]
    assert "control character" in str(caught.value)


def test_update_checks_the_email_against_the_other_members_only(world):
    ada = world.members.create("Ada", "ada@example.org").id
    world.members.create("Grace", "grace@example.org")
    world.members.update(ada, name="Ada King", email="ADA@example.org", company="", phone="",
                         notes="")
    assert world.members.get(ada).email == "ADA@example.org"
    rows = world.history(entity="member", member_id=ada)
    assert ("Name", "Ada", "Ada King") in {(r.field, r.old_value, r.new_value) for r in rows}
    before = world.dump()
    with pytest.raises(ValidationError, match="Another member already uses grace@example.org."):
        world.members.update(ada, name="Ada", email="grace@example.org", company="", phone="",
                             notes="")
    assert world.dump() == before


def test_archiving_and_unknown_members(world):
    ada = world.member()
    world.members.set_archived(ada, True)
    assert world.members.get(ada).archived
    with pytest.raises(NotFound):
        world.members.get(9999)
    with pytest.raises(NotFound):
        world.members.set_archived(9999, True)


def test_archived_members_leave_every_list_but_archived_and_outstanding(world):
    hot = world.plan("Hot desk", 20000)
    ada = world.member("Ada Lovelace")
    grace = world.member("Grace Hopper")
    alan = world.member("Alan Turing")
    world.contract(ada, hot, TODAY)
    world.run_until(ada, TODAY)          # Ada now owes her first invoice
    world.members.set_archived(ada, True)
    world.members.set_archived(grace, True)

    def found(status, text=""):
        return [r.id for r in world.members.search(text, status=status)]

    assert found("all") == [alan] and found("members") == [] and found("contacts") == [alan]
    assert found("archived") == [ada, grace]
    assert found("archived", "grace") == [grace]
    assert world.members.count(status="archived") == 2
    # Someone who left but still owes stays in sight of whoever chases the money.
    assert found("outstanding") == [ada]
    assert [r.archived for r in world.members.search(status="archived")] == [True, True]
    world.members.set_archived(grace, False)
    assert found("all") == [alan, grace]
    changes = {(r.field, r.old_value, r.new_value)
               for r in world.history(entity="member", member_id=grace)}
    assert {("Archived", "no", "yes"), ("Archived", "yes", "no")} <= changes


# Search -------------------------------------------------------------------------------------

def test_search_matches_name_email_or_company_without_regard_to_case(world):
    ada = world.member("Ada Lovelace", "ada@engines.example", "Analytical Engines")
    grace = world.member("Grace Hopper", "grace@navy.example", "US Navy")
    alan = world.member("Alan Turing", "alan@bletchley.example", "Bletchley ENGINES")

    def found(text):
        return [r.id for r in world.members.search(text)]

    assert found("ENGINE") == [ada, alan]
    assert found("navy") == [grace]
    assert found("  hopper ") == [grace]
    assert found("") == [ada, alan, grace]
    assert world.members.count("engine") == 2 and world.members.count() == 3


def test_search_text_is_literal_not_a_pattern(world):
    percent = world.member("100% Coffee", "beans@example.org")
    world.member("Plain Coffee", "plain@example.org")
    under = world.member("A_B Studio", "ab@example.org")
    assert [r.id for r in world.members.search("100%")] == [percent]
    assert [r.id for r in world.members.search("%")] == [percent]
    assert [r.id for r in world.members.search("_")] == [under]


def test_members_and_contacts_follow_their_contracts_today(world):
    desk = world.plan("Hot desk", 20000)
    office = world.plan("Private office", 90000)
    active = world.member("Active")
    world.contract(active, desk, date(2024, 4, 1), next_invoice=date(2024, 5, 1))
    world.contract(active, office, date(2024, 3, 1), next_invoice=date(2024, 5, 1))
    future = world.member("Future")
    world.contract(future, desk, date(2024, 5, 1))
    cancelled = world.member("Cancelled")
    world.contract(cancelled, desk, date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                   cancellation=TODAY)
    ended = world.member("Ended by blank next plan")
    world.contract(ended, desk, date(2024, 1, 1), next_invoice=TODAY, next_plan=None)
    ending = world.member("Ending later")
    world.contract(ending, desk, date(2024, 1, 1), next_invoice=date(2024, 5, 1), next_plan=None)
    rows = {r.id: r for r in world.members.search()}
    assert {k: r.status for k, r in rows.items()} == {
        active: "member", future: "contact", cancelled: "contact", ended: "contact",
        ending: "member"}
    assert rows[active].plans == "Hot desk, Private office" and rows[future].plans == ""
    assert [r.id for r in world.members.search(status="members")] == [active, ending]
    assert world.members.count(status="contacts") == 3
    assert world.members.get(active).status == "member"
    assert world.members.get(future).status == "contact"


days = st.integers(-60, 60).map(lambda n: TODAY + timedelta(days=n))


@st.composite
def contracts(draw):
    start = draw(days)
    return dict(start=start, next_invoice=draw(st.one_of(st.none(), days)),
                cancellation=draw(st.one_of(st.none(), days)), blank_next=draw(st.booleans()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(contracts(), min_size=1, max_size=12))
def test_the_status_filter_agrees_with_the_billing_core(cases):
    """The SQL in MemberService says "member" exactly when the domain calls a contract active."""
    world = World(TODAY)
    desk = world.plan("Hot desk", 20000)
    expected = {}
    for case in cases:
        member = world.member()
        contract = Contract(member=member, plan=desk, start_date=case["start"],
                            billing_anchor=case["start"], next_invoice_date=case["next_invoice"],
                            next_plan=None if case["blank_next"] else desk,
                            cancellation_date=case["cancellation"])
        contract_id = world.contract(
            member, desk, case["start"], next_invoice=case["next_invoice"],
            next_plan=contract.next_plan, cancellation=case["cancellation"])
        if case["next_invoice"] is None:  # the builder treats None as "the start date"
            with world.db.write() as session:
                session.get(m.ContractRow, contract_id).next_invoice_date = None
        active = domain_status(contract, TODAY) == ACTIVE
        expected[member] = "member" if active else "contact"
    assert {r.id: r.status for r in world.members.search(limit=100)} == expected
    assert world.members.count(status="members") == list(expected.values()).count("member")


def _sorted_world(world):
    desk = world.plan("Hot desk", 20000)
    office = world.plan("Private office", 90000)
    ids = {}
    for name, company, plan, balance in [
            ("carol", "Zeta", office, 300), ("Alice", "beta", None, 0), ("bob", "Beta", desk, 300),
            ("Dave", "", desk, -50), ("alice", "Alpha", office, 0)]:
        ids[name] = world.member(name, company=company)
        if plan is not None:
            world.contract(ids[name], plan, date(2024, 4, 1), next_invoice=date(2024, 5, 1))
        with world.db.write() as session:
            session.get(m.MemberRow, ids[name]).credit_balance = balance
    return ids


@pytest.mark.parametrize("sort, expected", [
    ("name", ["Alice", "alice", "bob", "carol", "Dave"]),
    ("company", ["Dave", "alice", "Alice", "bob", "carol"]),
    ("plans", ["Alice", "bob", "Dave", "carol", "alice"]),
    ("status", ["Alice", "carol", "bob", "Dave", "alice"]),
    ("credit_balance", ["Dave", "Alice", "alice", "carol", "bob"]),
])
def test_sorting_is_case_insensitive_with_the_id_breaking_ties(world, sort, expected):
    ids = _sorted_world(world)
    names = {v: k for k, v in ids.items()}
    ascending = [names[r.id] for r in world.members.search(sort=sort)]
    assert ascending == expected
    # Descending reverses the whole order, ties included (id descending).
    descending = [names[r.id] for r in world.members.search(sort=sort, descending=True)]
    assert descending == list(reversed(expected))


def test_pages_put_together_give_the_whole_list(world):
    for n in range(23):
        world.member(f"Member {n:02d}")
    whole = world.members.search(sort="name", limit=1000)
    pages = [row for offset in range(0, 23, 5)
             for row in world.members.search(sort="name", offset=offset, limit=5)]
    assert pages == whole and len(whole) == 23
    assert [r.name for r in whole[:3]] == ["Member 00", "Member 01", "Member 02"]


def test_unknown_sort_or_status_is_a_sentence(world):
    with pytest.raises(ValueError, match="Unknown sort"):
        world.members.search(sort="email")
    with pytest.raises(ValueError, match="Unknown status filter"):
        world.members.count(status="vip")


# Detail -------------------------------------------------------------------------------------

def test_allowances_sum_active_contracts_and_their_add_ons(world):
    world.addon("Locker", 2000, allowances={"Lockers": 1})
    world.addon("Printing", 1000, allowances={"Print pages": 100})
    desk = world.plan("Hot desk", 20000, allowances={"Meeting room hours": 4, "Print pages": 50},
                      addons=("Locker", "Printing"))
    office = world.plan("Private office", 90000, allowances={"Meeting room hours": 10})
    locker, printing = (world.plan_by_id(p.id) for p in world.catalog.plans()
                        if p.name in ("Locker", "Printing"))
    member = world.member()
    world.contract(member, desk, date(2024, 4, 1), next_invoice=date(2024, 5, 1), quantity=2,
                   addons=(ContractAddon(locker, 1, date(2024, 4, 1)),
                           ContractAddon(printing, 3, date(2024, 4, 5))))
    world.contract(member, office, date(2024, 3, 1), next_invoice=date(2024, 5, 1))
    world.contract(member, office, date(2024, 5, 1))  # not started: does not count
    world.contract(member, office, date(2024, 1, 1), next_invoice=date(2024, 5, 1),
                   cancellation=date(2024, 4, 1))  # cancelled: does not count
    got = world.members.get(member)
    assert got.allowances == {"Lockers": 1, "Meeting room hours": 2 * 4 + 10,
                              "Print pages": 2 * 50 + 3 * 100}
    assert [(c.status, c.plan, c.price) for c in got.contracts] == [
        ("cancelled", "Private office", 90000), ("active", "Private office", 90000),
        ("active", "Hot desk", 40000), ("inactive", "Private office", 90000)]


def test_rule_27_a_packages_allowance_lasts_past_the_period_it_was_bought_in(world):
    """The walk's case: ten meeting hours bought as a package showed that day and "None" in
    the next period; they last until used or until the package expires (12 months)."""
    world.addon("10 meeting-room hours", 9000, None, allowances={"Meeting room hours": 10})
    desk = world.plan("Hot desk", 20000, allowances={"Meeting room hours": 4},
                      addons=("10 meeting-room hours",))
    package = next(world.plan_by_id(p.id) for p in world.catalog.plans()
                   if p.name == "10 meeting-room hours")
    member = world.member()
    world.contract(member, desk, date(2024, 3, 1), next_invoice=date(2024, 5, 1),
                   addons=(ContractAddon(package, 1, date(2024, 3, 20)),))
    world.clock.set(date(2024, 3, 31))
    assert world.members.get(member).allowances == {"Meeting room hours": 14}
    world.clock.set(TODAY)
    assert world.members.get(member).allowances == {"Meeting room hours": 14}
    world.clock.set(date(2025, 3, 20))  # twelve months after it was bought: expired
    assert world.members.get(member).allowances == {"Meeting room hours": 4}


def test_the_member_page_lists_invoices_newest_first(world):
    desk = world.plan("Hot desk", 20000)
    member = world.member()
    contract_id = world.contract(member, desk, date(2024, 2, 1))
    world.run_until(member, TODAY)
    got = world.members.get(member)
    # Rule 18: each document belongs to its billing date; made on a later day, it says so.
    assert [(i.billing_date, i.total, i.amount_due, i.type) for i in got.invoices] == [
        (date(2024, 4, 1), 20000, 20000, "invoice"), (date(2024, 3, 1), 20000, 20000, "invoice"),
        (date(2024, 2, 1), 20000, 20000, "invoice")]
    assert all(i.issue_date >= i.billing_date and i.outstanding == 20000
               for i in got.invoices)
    assert got.invoices[0].number.startswith("INV-")
    assert got.contracts[0].id == contract_id
    assert got.contracts[0].next_invoice_date == date(2024, 5, 1)



def test_recent_invoices_list_the_newest_first_with_the_member(db, clock):
    from desktop.services.invoices import InvoiceService
    from desktop.services.sample import demo

    demo.load_demo(db, clock.today(), members=12, seed=2)
    rows = InvoiceService(db, clock).recent(limit=5)
    assert len(rows) == 5
    assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)
    first = InvoiceService(db, clock).get(rows[0].id)
    assert (rows[0].number, rows[0].total, rows[0].amount_due) == (
        first.number, first.total, first.amount_due)
    assert rows[0].member_name
    assert InvoiceService(db, clock).recent(limit=2, offset=1)[0] == rows[1]
