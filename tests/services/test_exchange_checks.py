"""Import checks beyond the values' types (docs/billing-rules.md, docs/exchange-format.md): ranges,
chains of terms, names, invoice totals (rule 17) and ended contracts. Each problem is told with its
place; nothing is written."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from desktop.domain.limits import MAX_AMOUNT, MAX_QUANTITY
from desktop.services.exchange.importer import import_document
from desktop.services.exchange.values import ImportProblems

NOW = datetime(2024, 6, 10, 9)
HUGE = 10**20  # beyond what the database's 64-bit integers hold

BASE = {
    "format": "frontdesk/1",
    "settings": {"currency": "EUR", "locale": "en_IE", "tax_rate": "20", "billing_day": None},
    "plans": [{"name": "Desk", "price": 20000, "frequency": "1 month"},
              {"name": "Locker", "kind": "addon", "price": 2500, "frequency": "1 month"}],
    "members": [{"email": "ada@example.org", "name": "Ada Lovelace"},
                {"email": "grace@example.org", "name": "Grace Hopper"}],
    "contracts": [
        {"id": "1", "member": "ada@example.org", "plan": "Desk", "start_date": "2024-04-01",
         "next_invoice_date": "2024-07-01", "cancellation_date": "2024-06-20",
         "addons": [{"name": "Locker", "start_date": "2024-04-01"}]},
        {"id": "2", "member": "ada@example.org", "plan": "Desk", "start_date": "2024-06-20",
         "billing_anchor": "2024-04-01", "predecessor": "1"},
        {"id": "3", "member": "grace@example.org", "plan": "Desk", "start_date": "2024-05-10",
         "next_invoice_date": "2024-06-10"},
    ],
    "invoices": [
        {"number": "INV-000001", "member": "grace@example.org", "issue_date": "2024-05-10",
         "subtotal": 20000, "tax": 4000, "total": 24000, "credit_applied": 1000,
         "amount_due": 23000,
         "lines": [{"kind": "plan", "description": "Desk", "contract": "3",
                    "period_start": "2024-05-10", "period_end": "2024-06-10", "amount": 20000}]},
    ],
}


def problems_of(db, counts, change) -> list[str]:
    """The problems of BASE changed by `change`, checking that nothing was written."""
    document = copy.deepcopy(BASE)
    change(document)
    before = counts()
    with pytest.raises(ImportProblems) as raised:
        import_document(db, document, NOW)
    assert counts() == before
    return raised.value.problems


def test_the_base_document_imports(db):
    summary = import_document(db, copy.deepcopy(BASE), NOW)
    assert (summary.contracts, summary.invoices) == (3, 1)


def _set(section: str, index: int, **values):
    return lambda document: document[section][index].update(values)


def _set_line(**values):
    return lambda document: document["invoices"][0]["lines"][0].update(values)


def _set_addon(**values):
    return lambda document: document["contracts"][0]["addons"][0].update(values)


@pytest.mark.parametrize("change, problem", [
    (_set("plans", 0, price=HUGE),
     f"plans[0].price: {HUGE} is above {MAX_AMOUNT}, the largest accepted."),
    (_set("plans", 0, price=MAX_AMOUNT + 1),
     f"plans[0].price: {MAX_AMOUNT + 1} is above {MAX_AMOUNT}, the largest accepted."),
    (_set("plans", 1, deposit=HUGE),
     f"plans[1].deposit: {HUGE} is above {MAX_AMOUNT}, the largest accepted."),
    (_set("plans", 0, allowances={"Printing pages": HUGE}),
     f"plans[0].allowances.Printing pages: {HUGE} is above {MAX_AMOUNT}, the largest accepted."),
    (_set("members", 0, credit_balance=-HUGE),
     f"members[0].credit_balance: {-HUGE} is below {-MAX_AMOUNT}."),
    (_set("members", 1, deposit_held=HUGE),
     f"members[1].deposit_held: {HUGE} is above {MAX_AMOUNT}, the largest accepted."),
    (_set("contracts", 2, quantity=HUGE),
     f"contracts[2].quantity: {HUGE} is above {MAX_QUANTITY}, the largest accepted."),
    (_set("contracts", 2, quantity=MAX_QUANTITY + 1),
     f"contracts[2].quantity: {MAX_QUANTITY + 1} is above {MAX_QUANTITY}, the largest accepted."),
    (_set("contracts", 2, custom_price=HUGE),
     f"contracts[2].custom_price: {HUGE} is above {MAX_AMOUNT}, the largest accepted."),
    (_set_addon(quantity=MAX_QUANTITY + 1),
     f"contracts[0].addons[0].quantity: {MAX_QUANTITY + 1} is above {MAX_QUANTITY}, the largest "
     "accepted."),
    (_set_line(amount=-HUGE), f"invoices[0].lines[0].amount: {-HUGE} is below {-MAX_AMOUNT}."),
])
def test_numbers_out_of_range_are_problems_with_their_place(db, counts, change, problem):
    assert problem in problems_of(db, counts, change)


def test_the_largest_amounts_and_quantities_are_accepted(db):
    document = copy.deepcopy(BASE)
    document["plans"][0]["price"] = MAX_AMOUNT
    document["members"][0]["credit_balance"] = -MAX_AMOUNT
    document["contracts"][2]["quantity"] = MAX_QUANTITY
    assert import_document(db, document, NOW).contracts == 3


def test_a_frequency_over_ten_years_says_why(db, counts):
    assert problems_of(db, counts, _set("plans", 0, frequency="11 years")) == [
        'plans[0].frequency: "11 years" cannot be used: a billing frequency can be at most ten '
        "years."]


def test_a_chain_of_terms_that_loops_is_a_problem_told_once(db, counts):
    def loop(document):
        document["contracts"][0]["predecessor"] = "2"  # 1 follows 2, which follows 1
    assert problems_of(db, counts, loop) == [
        'contracts[0].predecessor: "2" makes the chain of terms a loop: "1" follows "2", which '
        'follows "1".']


def test_a_longer_loop_is_told_at_its_first_contract_in_the_document(db, counts):
    def loop(document):
        third = dict(copy.deepcopy(document["contracts"][1]), id="4", predecessor="2",
                     start_date="2024-07-20")
        document["contracts"].append(third)
        document["contracts"][0]["predecessor"] = "4"  # 1 <- 4 <- 2 <- 1
    assert problems_of(db, counts, loop) == [
        'contracts[0].predecessor: "4" makes the chain of terms a loop: "1" follows "4", which '
        'follows "2", which follows "1".']


def test_a_predecessor_of_another_member_is_a_problem(db, counts):
    assert problems_of(db, counts, _set("contracts", 2, predecessor="1")) == [
        'contracts[2].predecessor: "1" is a contract of another member.']


def test_plan_names_differing_only_in_capitals_are_a_problem(db, counts):
    def twin(document):
        document["plans"].append({"name": "DESK", "price": 100})
    assert problems_of(db, counts, twin) == [
        'plans[2].name: "DESK" is the name of another plan, "Desk", in other capitals.']


@pytest.mark.parametrize("change, problem", [
    (_set("invoices", 0, amount_due=999999),
     "invoices[0].amount_due: 999999 is not the total less the credit applied (23000)."),
    (_set("invoices", 0, credit_applied=30000, amount_due=0),
     "invoices[0].credit_applied: 30000 is not between 0 and the total (24000)."),
    (_set("invoices", 0, credit_applied=-1, amount_due=24001),
     "invoices[0].credit_applied: -1 is not between 0 and the total (24000)."),
    (_set("invoices", 0, subtotal=20001, total=24001, amount_due=23001),
     "invoices[0].subtotal: 20001 is not the sum of its lines (20000)."),
    (_set("invoices", 0, total=24001, amount_due=23001),
     "invoices[0].total: 24001 is not the subtotal plus tax (24000)."),
])
def test_invoice_totals_that_do_not_add_up_are_problems(db, counts, change, problem):
    assert problems_of(db, counts, change) == [problem]


def test_an_invoice_with_nothing_to_pay_has_nothing_due(db, counts):
    def credit_note(document):
        invoice = document["invoices"][0]
        invoice.update(subtotal=-20000, tax=-4000, total=-24000, credit_applied=0, amount_due=5)
        invoice["lines"][0].update(kind="unused", amount=-20000)
    assert problems_of(db, counts, credit_note) == [
        "invoices[0].amount_due: 5 is not 0: a total of -24000 leaves nothing due."]


def test_an_ended_contract_needs_its_cancellation_date(db, counts):
    def ended(document):
        document["contracts"][2].update(next_invoice_date=None, cancellation_date=None)
    assert problems_of(db, counts, ended) == [
        "contracts[2].cancellation_date: An ended contract (no next invoice date) needs the "
        "cancellation date it ended on."]


def test_a_contract_not_started_keeps_its_anchor_on_or_before_its_start(db, counts):
    assert problems_of(db, counts, _set("contracts", 1, billing_anchor="2024-06-21")) == [
        "contracts[1].billing_anchor: The billing anchor cannot be after the start date."]


def test_rule_9_a_custom_price_with_another_next_plan_is_refused_at_its_place(db, counts):
    """The audit's case: the editor could never save it, and the sweep would drop the price."""
    def custom(document):
        document["plans"].append({"name": "Office", "price": 60000, "frequency": "1 month"})
        document["contracts"][2].update(custom_price=15000, next_plan="Office")
    assert problems_of(db, counts, custom) == [
        "contracts[2].next_plan: A contract with a custom price cannot switch plans on its own; "
        "cancel it and create a new term on the other plan."]


def test_a_next_plan_archived_or_regrouped_after_it_was_scheduled_is_imported(db):
    document = copy.deepcopy(BASE)
    document["plans"][0]["group"] = "Desks"
    document["plans"].append({"name": "Old office", "price": 60000, "frequency": "1 month",
                              "group": "Offices", "archived": True})
    document["contracts"][2]["next_plan"] = "Old office"
    assert import_document(db, document, NOW).contracts == 3
