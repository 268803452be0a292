"""The member's account in the billing core: documents, tax per group, credit offset and
allocations (rules 15, 17, 18, 21, 22, 23 in docs/billing-rules.md)."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.accounts import (
    allocate,
    deposit_document,
    issue,
    issue_day,
    less_allocated,
    settle,
    vat_document,
)
from desktop.domain.model import (
    CREDIT_NOTE,
    DEPOSIT_REQUEST,
    DEPOSIT_RETURN,
    EXEMPT,
    INVOICE,
    REDUCED,
    REVERSE_CHARGE,
    Account,
    BillingSettings,
    Line,
    OpenDocument,
    evolve,
)
from desktop.domain.periods import Frequency
from desktop.domain.transitions import simulate
from domain_builders import contract, plan

DAY = date(2026, 12, 1)
SITE = BillingSettings(tax_rate=Fraction(19, 100), reduced_rate=Fraction(7, 100))


def test_rule_17_tax_is_computed_per_category_and_rate_and_rounded_once_per_group():
    lines = [Line("plan", "Desk", 10001), Line("addon", "Locker", 10001),
             Line("addon", "Coffee", 333, tax_category=REDUCED),
             Line("addon", "Office", 50000, tax_category=EXEMPT)]
    doc = vat_document(1, DAY, lines, SITE)
    groups = {(g.category, g.rate): (g.net, g.tax) for g in doc.tax_groups}
    # 20002 × 19 % = 3800.38 → 3800, once for the group.
    assert groups == {("standard", Fraction(19, 100)): (20002, 3800),
                      ("reduced", Fraction(7, 100)): (333, 23),
                      ("exempt", Fraction(0)): (50000, 0)}
    assert doc.tax == 3823 and doc.total == doc.subtotal + doc.tax == 70335 + 3823
    assert [line.rate for line in doc.lines] == [Fraction(19, 100)] * 2 + [
        Fraction(7, 100), Fraction(0)]


def test_rule_17_one_rounding_per_group_not_per_line():
    # Three lines of 3 cents at 19 %: 0.57 each would round to 1 + 1 + 1 = 3; the group rounds
    # 1.71 once, to 2.
    doc = vat_document(1, DAY, [Line("plan", n, 3) for n in "ABC"], SITE)
    assert doc.tax == 2 and len(doc.tax_groups) == 1


def test_rule_17_a_negative_total_is_a_credit_note_naming_what_it_credits():
    doc = vat_document(1, DAY, [Line("unused", "Unused", -12000, credits="INV-000007")], SITE)
    assert doc.type == CREDIT_NOTE and doc.total == -14280 and doc.amount_due == 0
    assert doc.credits == ("INV-000007",)


def test_rule_17_reverse_charge_taxes_nothing_and_keeps_exempt_lines_exempt():
    doc = vat_document(1, DAY, [Line("plan", "Desk", 10000),
                                Line("addon", "Office", 500, tax_category=EXEMPT)],
                       SITE, reverse_charge=True)
    assert [line.tax_category for line in doc.lines] == [REVERSE_CHARGE, EXEMPT]
    assert doc.tax == 0 and doc.total == 10500


def test_rule_15_deposits_are_their_own_documents_outside_vat():
    request = deposit_document(1, DAY, [Line("deposit", "Deposit", 90000)], SITE)
    back = deposit_document(1, DAY, [Line("deposit_refund", "Deposit refund", -90000)], SITE)
    assert (request.type, request.tax, request.total, request.tax_groups) == (
        DEPOSIT_REQUEST, 0, 90000, ())
    assert back.type == DEPOSIT_RETURN and back.amount_due == 0
    assert all(line.tax_category is None and line.rate is None for line in request.lines)


def test_rule_18_issue_date_is_the_day_it_is_made_and_due_date_follows_it():
    made = vat_document(1, DAY, [Line("plan", "Desk", 100)], SITE, today=date(2026, 12, 7))
    assert (made.billing_date, made.issue_date, made.due_date) == (
        DAY, date(2026, 12, 7), date(2026, 12, 21))
    # A preview of a future billing date is made on that date.
    assert issue_day(date(2027, 1, 1), DAY) == date(2027, 1, 1)


def test_rule_22_credit_pays_the_oldest_open_documents_first_then_the_new_one():
    account = Account(1, credit_balance=0, open=(OpenDocument(10, 3000), OpenDocument(11, 5000)))
    credit = vat_document(1, DAY, [Line("unused", "Unused", -10000)], BillingSettings())
    made = issue(account, [credit])
    assert [(a.document, a.amount) for a in made.allocations] == [(10, 3000), (11, 5000)]
    assert made.account.credit_balance == 2000 and made.account.open == ()


def test_rule_22_a_new_invoice_takes_the_credit_balance_as_credit_applied():
    account = Account(1, credit_balance=4000)
    made = issue(account, [vat_document(1, DAY, [Line("plan", "Desk", 10000)], BillingSettings())])
    invoice = made.documents[0]
    assert (invoice.credit_applied, invoice.amount_due) == (4000, 6000)
    assert made.account.credit_balance == 0
    assert made.account.open == (OpenDocument(invoice.key, 6000),)


def test_rule_21_allocation_oldest_first_and_the_rest_left_over():
    docs = (OpenDocument(1, 100), OpenDocument(2, 250))
    allocations, left = allocate(300, docs, "payment")
    assert [(a.document, a.amount) for a in allocations] == [(1, 100), (2, 200)] and left == 0
    assert allocate(500, docs)[1] == 150


# Property tests: random sequences of documents, payments and refunds on one account -------

documents = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), st.integers(1, 10**6)),
        st.tuples(st.just("credit"), st.integers(1, 10**6)),
        st.tuples(st.just("deposit"), st.integers(1, 10**6)),
        st.tuples(st.just("return"), st.integers(1, 10**6)),
        st.tuples(st.just("pay"), st.integers(1, 10**6)),
        st.tuples(st.just("refund"), st.integers(1, 10**6)),
    ), max_size=25)


@given(documents, st.integers(0, 25))
def test_rules_21_to_23_the_account_always_reconciles(steps, rate):
    settings = BillingSettings(tax_rate=Fraction(rate, 100))
    account = Account(1)
    totals = {"invoiced": 0, "credited": 0, "received": 0, "refunded": 0}
    allocated: dict = {}
    held = 0
    for n, (kind, amount) in enumerate(steps):
        day = date(2026, 1, 1)
        if kind in ("invoice", "credit"):
            sign = 1 if kind == "invoice" else -1
            doc = vat_document(1, day, [Line("plan", f"L{n}", sign * amount)], settings)
        elif kind == "deposit":
            doc = deposit_document(1, day, [Line("deposit", "D", amount)], settings)
        elif kind == "return":
            if account.deposit_held <= 0:
                continue
            back = min(amount, account.deposit_held)
            doc = deposit_document(1, day, [Line("deposit_refund", "R", -back)], settings)
        elif kind == "pay":
            allocations, left = allocate(amount, account.open, "payment")
            for a in allocations:
                allocated[a.document] = allocated.get(a.document, 0) + a.amount
            account = evolve(account, open=less_allocated(account.open, allocations),
                             credit_balance=account.credit_balance + left)
            totals["received"] += amount
            account, _offset = settle(account)
            continue
        else:  # refund what is left of the credit balance, at most `amount`
            paid_out = min(amount, account.credit_balance)
            if paid_out <= 0:
                continue
            account = evolve(account, credit_balance=account.credit_balance - paid_out)
            totals["refunded"] += paid_out
            continue
        # One document per billing date (rule 17): each step is its own day, so its key
        # ("<billing date>:<type>") is unique on the account, as in a run of the sweep.
        doc = evolve(doc, billing_date=date(2026, 1, 1) + timedelta(days=n))
        made = issue(account, [doc])
        account = made.account
        if doc.total >= 0:
            totals["invoiced"] += doc.total
        else:
            totals["credited"] += -doc.total
        if doc.type in (DEPOSIT_REQUEST, DEPOSIT_RETURN):
            held += doc.total
        # Rule 22: never credit and open documents together.
        assert account.credit_balance <= 0 or not account.open
        assert all(d.amount_due >= 0 for d in made.documents)
    outstanding = sum(d.outstanding for d in account.open)
    assert totals["invoiced"] - totals["credited"] == (
        totals["received"] - totals["refunded"] - account.credit_balance + outstanding)
    assert account.credit_balance >= 0
    assert account.deposit_held == held
    assert not (account.credit_balance > 0 and outstanding > 0)
    assert INVOICE  # the document types are the model's


# Rule 18: one sweep over a catch-up equals sweeps day by day in every amount ----------------

catch_ups = st.tuples(
    st.integers(1000, 90000),            # price
    st.integers(0, 50000),               # deposit
    st.sampled_from([1, 3, 12]),         # months per period
    st.integers(0, 400),                 # days the machine was off
    st.one_of(st.none(), st.integers(10, 300)),  # cancellation after the start
    st.integers(0, 25),                  # tax rate
    st.integers(0, 30000),               # credit held
)


@given(catch_ups)
def test_rule_18_one_sweep_equals_day_by_day_sweeps_in_every_amount(case):
    price, deposit, months, off, cancel_in, rate, credit = case
    start = date(2024, 1, 15)
    desk = plan("Desk", price, frequency=Frequency("month", months), deposit=deposit)
    c = contract(desk, start=start, cancellation_date=None if cancel_in is None
                 else start + timedelta(days=cancel_in))
    settings = BillingSettings(tax_rate=Fraction(rate, 100))
    until = start + timedelta(days=off)
    at_once = simulate(Account(1, credit_balance=credit), [c], settings, until, today=until)
    stepwise = []
    account, contracts = Account(1, credit_balance=credit), (c,)
    day = start
    while day <= until:  # the machine left on: each day's sweep makes that day's documents
        for result in simulate(account, contracts, settings, day, today=day):
            stepwise.append(result)
            account, contracts = result.account, result.contracts
        day += timedelta(days=1)

    def amounts(results):
        return [(r.day, [(d.type, d.billed_on, d.subtotal, d.tax, d.total, d.credit_applied,
                          d.amount_due, [(ln.kind, ln.amount) for ln in d.lines])
                         for d in r.documents]) for r in results]

    assert amounts(at_once) == amounts(stepwise)
    assert all(d.issue_date == until for r in at_once for d in r.documents)
    assert all(d.issue_date == r.day for r in stepwise for d in r.documents)
