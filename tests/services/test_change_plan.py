"""The change plan assistant through ContractService (rules 7, 9, 12, 13, 14, 15, 20).

The two "change now" rows of the worked examples in docs/billing-rules.md#worked-examples are
replayed end to end: the quote's pay now is the amount due of the invoice the change issues.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.services.contracts.editing import ContractService
from desktop.services.errors import Refused, ValidationError
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from service_builders import World

APRIL_11 = date(2024, 4, 11)


@pytest.fixture
def world():
    return World(APRIL_11)


@pytest.fixture
def service(world):
    return ContractService(world.db, world.clock)


def _paid_april(world, plan, **extra):
    """A member whose contract on `plan` was invoiced on 1 April for [1 Apr, 1 May) and who
    paid what was issued (the worked examples' "paid 200.00 for April")."""
    from desktop.services.payments import PaymentService

    member = world.member()
    contract_id = world.contract(member, plan, date(2024, 4, 1), **extra)
    world.run_until(member, APRIL_11)
    payments = PaymentService(world.db, world.clock)
    owed = payments.outstanding(member)
    if owed:
        payments.record_for_member(member, owed)
    return member, contract_id


def _lines(invoice_row):
    return [(line.kind, line.amount) for line in invoice_row.lines]


def test_change_now_upgrade_matches_the_worked_example(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    member, contract_id = _paid_april(world, standard)
    quote = service.quote_change(contract_id, premium.id, "now")
    assert (quote.label, quote.when, quote.on, quote.no_change) == (
        "upgrade", "now", APRIL_11, False)
    assert quote.pay_now == 20000
    assert (quote.next_billing_date, quote.next_billing_amount) == (date(2024, 5, 1), 50000)

    new_id = service.change_plan(contract_id, premium.id, "now").id

    issued = world.invoices(member)[-1]
    assert issued.issue_date == APRIL_11
    assert _lines(issued) == [("unused", -13333), ("plan", 33333)]
    assert issued.amount_due == quote.pay_now == 20000
    old, new = service.load(contract_id), service.load(new_id)
    assert (old.status, old.contract.cancellation_date, old.contract.next_invoice_date) == (
        "cancelled", APRIL_11, None)
    assert (new.status, new.contract.plan.name, new.contract.predecessor) == (
        "active", "Premium", contract_id)
    assert new.contract.next_invoice_date == date(2024, 5, 1)
    (change,) = world.plan_changes()
    assert (change.contract_id, change.old_plan, change.new_plan, change.upgrade) == (
        new_id, "Standard", "Premium", True)
    assert (change.old_price, change.new_price, change.date) == (20000, 50000, APRIL_11)


def test_change_now_downgrade_matches_the_worked_example(service, world):
    premium, basic = world.plan("Premium", 50000), world.plan("Basic", 5000)
    member, contract_id = _paid_april(world, premium)
    quote = service.quote_change(contract_id, basic.id, "now")
    assert (quote.label, quote.pay_now) == ("downgrade", 0)
    service.change_plan(contract_id, basic.id, "now")
    issued = world.invoices(member)[-1]
    assert _lines(issued) == [("unused", -33333), ("plan", 3333)]
    # A negative total is a credit note in its own series (rule 17).
    assert (issued.type, issued.number) == ("credit_note", "CN-000001")
    assert issued.total == -30000 and issued.amount_due == quote.pay_now == 0
    assert world.member_balance(member) == 30000
    assert world.plan_changes()[0].upgrade is False
    # The credit pays the next invoices first (rule 17).
    assert quote.next_billing_amount == 0


def test_change_now_with_tax_and_a_deposit_shortfall_still_matches_its_quote(service, world):
    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), tax_rate="20"))
    desk = world.plan("Hot desk", 20000, deposit=10000)
    office = world.plan("Private office", 90000, deposit=50000)
    member, contract_id = _paid_april(world, desk)
    quote = service.quote_change(contract_id, office.id, "now", quantity=2)
    service.change_plan(contract_id, office.id, "now", quantity=2)
    issued, request = world.invoices(member)[-2:]
    assert issued.amount_due + request.amount_due == quote.pay_now
    # Deposit shortfall: two offices need 100000, 10000 already held (rule 15), on a deposit
    # request of its own, outside the invoice's VAT.
    assert (request.type, _lines(request), request.tax) == (
        "deposit_request", [("deposit", 90000)], 0)
    # 20 of 30 days: charge 120000, credit -13333 (of 20000 paid); tax 20% of 106667 = 21333.
    assert _lines(issued) == [("unused", -13333), ("plan", 120000)]
    assert issued.tax == 21333 and issued.amount_due == 106667 + 21333
    assert quote.pay_now == 106667 + 21333 + 90000


def test_change_on_the_next_invoice_date_sets_the_next_plan(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    member, contract_id = _paid_april(world, standard)
    quote = service.quote_change(contract_id, premium.id, "next_invoice")
    assert (quote.on, quote.pay_now) == (date(2024, 5, 1), 0)
    assert (quote.next_billing_date, quote.next_billing_amount) == (date(2024, 5, 1), 50000)
    before = len(world.invoices(member))
    assert service.change_plan(contract_id, premium.id, "next_invoice").id == contract_id
    state = service.load(contract_id)
    assert state.contract.plan.name == "Standard" and state.contract.next_plan.name == "Premium"
    assert len(world.invoices(member)) == before  # nothing invoiced now
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert may.amount_due == quote.next_billing_amount
    assert [p.new_plan for p in world.plan_changes()] == ["Premium"]


def test_change_on_the_next_invoice_date_with_another_quantity_is_a_new_term_then(service, world):
    standard = world.plan("Standard", 20000)
    member, contract_id = _paid_april(world, standard)
    quote = service.quote_change(contract_id, standard.id, "next_invoice", quantity=3)
    assert not quote.no_change and quote.next_billing_amount == 60000
    new_id = service.change_plan(contract_id, standard.id, "next_invoice", quantity=3).id
    new = service.load(new_id)
    assert (new.status, new.contract.start_date, new.contract.quantity) == (
        "inactive", date(2024, 5, 1), 3)
    invoices = world.run_until(member, date(2024, 5, 1))
    assert [i.amount_due for i in invoices] == [60000]


def test_change_on_a_chosen_date_cancels_then_and_starts_a_term_then(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    member, contract_id = _paid_april(world, standard)
    on = date(2024, 4, 21)
    quote = service.quote_change(contract_id, premium.id, "date", on=on)
    assert (quote.on, quote.pay_now, quote.next_billing_date) == (on, 0, on)
    new_id = service.change_plan(contract_id, premium.id, "date", on=on).id
    assert service.load(new_id).status == "inactive"
    assert service.load(contract_id).contract.cancellation_date == on
    (issued,) = world.run_until(member, on)
    # 10 unused days of April credited, 10 days of Premium charged.
    assert _lines(issued) == [("unused", -6667), ("plan", 16667)]
    assert issued.amount_due == quote.next_billing_amount


def test_a_chosen_date_must_be_given_and_not_past(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    _member, contract_id = _paid_april(world, standard)
    with pytest.raises(ValidationError, match="Choose the date of the change."):
        service.quote_change(contract_id, premium.id, "date")
    before = world.dump()
    with pytest.raises(ValidationError, match="cannot be in the past"):
        service.change_plan(contract_id, premium.id, "date", on=date(2024, 4, 1))
    assert world.dump() == before


def test_a_selection_that_changes_nothing_says_so_and_cannot_be_applied(service, world):
    """Rule 14."""
    locker = world.addon("Locker", 2000)
    standard = world.plan("Standard", 20000, addons=("Locker",))
    _member, contract_id = _paid_april(world, standard, addons=(locker,))
    quote = service.quote_change(contract_id, standard.id, "now", quantity=1,
                                 addon_ids=(locker.id,))
    assert quote.no_change
    before = world.dump()
    with pytest.raises(Refused, match="This selection would not change the membership."):
        service.change_plan(contract_id, standard.id, "now", addon_ids=(locker.id,))
    assert world.dump() == before


def test_a_custom_price_blocks_a_switch_on_the_next_invoice_date(service, world):
    """Rule 9: the option is quoted, applying it is refused; change now (the manual way) works."""
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    member, contract_id = _paid_april(world, standard, custom_price=15000)
    quote = service.quote_change(contract_id, premium.id, "next_invoice")
    assert quote.next_billing_amount == 50000
    before = world.dump()
    with pytest.raises(Refused, match="has a custom price, so it cannot switch plans automat"):
        service.change_plan(contract_id, premium.id, "next_invoice")
    assert world.dump() == before
    new_id = service.change_plan(contract_id, premium.id, "now").id
    assert service.load(new_id).contract.custom_price is None
    # Credit on what was actually paid (15000), charge at the plan's price.
    assert _lines(world.invoices(member)[-1]) == [("unused", -10000), ("plan", 33333)]


def test_rule_16_add_ons_alone_are_bought_on_the_contract_which_goes_on(service, world):
    """The audit's case: current plan + Locker + Now + Apply kept the contract running since
    April and invoices the Locker for the rest of April, 3000 × 20/30 = 2000; no unused-time
    or plan lines, no new term, and the plan can still be changed today."""
    locker = world.addon("Locker", 3000)
    standard = world.plan("Standard", 20000, addons=("Locker",))
    premium = world.plan("Premium", 50000, addons=("Locker",))
    member, contract_id = _paid_april(world, standard)
    quote = service.quote_change(contract_id, standard.id, "now", addon_ids=(locker.id,))
    assert (quote.no_change, quote.pay_now) == (False, 2000)
    assert (quote.next_billing_date, quote.next_billing_amount) == (date(2024, 5, 1), 23000)
    in_force = service.change_plan(contract_id, standard.id, "now", addon_ids=(locker.id,)).id
    assert in_force == contract_id
    state = service.load(contract_id)
    assert (state.status, state.contract.start_date, state.contract.cancellation_date) == (
        "active", date(2024, 4, 1), None)
    assert [(a.addon.name, a.start_date) for a in state.contract.addons] == [
        ("Locker", APRIL_11)]
    assert len(world.dump()["contracts"]) == 1
    issued = world.invoices(member)[-1]
    assert (_lines(issued), issued.amount_due) == ([("addon", 2000)], quote.pay_now)
    assert world.plan_changes() == []
    assert service.quote_change(contract_id, premium.id, "now").pay_now > 0  # still changeable
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert (_lines(may), may.amount_due) == ([("plan", 20000), ("addon", 3000)], 23000)


@pytest.mark.parametrize("when,on,start,pay_now,may", [
    ("next_invoice", None, date(2024, 5, 1), 0, [("plan", 20000), ("addon", 3000)]),
    ("date", date(2024, 4, 21), date(2024, 4, 21), 1000, [("plan", 20000), ("addon", 3000)]),
    ("date", date(2024, 5, 16), date(2024, 5, 16), 0, [("plan", 20000), ("addon", 1548)]),
])
def test_rule_16_add_ons_alone_on_a_later_day_are_held_from_that_day(
        service, world, when, on, start, pay_now, may):
    """Held from the day chosen: invoiced at once for the rest of the period already invoiced
    (10 of 30 April days: 1000), else from that day with the invoice that covers it (16 of 31
    May days: 1548)."""
    locker = world.addon("Locker", 3000)
    standard = world.plan("Standard", 20000, addons=("Locker",))
    member, contract_id = _paid_april(world, standard)
    quote = service.quote_change(contract_id, standard.id, when, on, addon_ids=(locker.id,))
    before = len(world.invoices(member))
    assert service.change_plan(contract_id, standard.id, when, on,
                               addon_ids=(locker.id,)).id == contract_id
    held = service.load(contract_id).contract.addons
    assert [(a.addon.name, a.start_date) for a in held] == [("Locker", start)]
    issued = world.invoices(member)[before:]
    assert sum(i.amount_due for i in issued) == quote.pay_now == pay_now
    (may_invoice,) = world.run_until(member, date(2024, 5, 1))
    assert _lines(may_invoice) == may
    assert may_invoice.amount_due == quote.next_billing_amount


@pytest.mark.parametrize("when", ["now", "next_invoice", "date"])
def test_rule_16_a_package_is_offered_and_bought_at_once_whatever_the_change(service, world, when):
    """A one-off package chosen in the assistant is invoiced once, today, in full, on the
    contract in force today; the plan change goes on as chosen."""
    hours = world.addon("10 meeting-room hours", 9000, None)
    standard = world.plan("Standard", 20000, addons=("10 meeting-room hours",))
    premium = world.plan("Premium", 50000, addons=("10 meeting-room hours",))
    member, contract_id = _paid_april(world, standard)
    on = date(2024, 4, 21) if when == "date" else None
    for target in (standard, premium):
        assert target.id in {o.plan.id for o in service.change_options(contract_id)}
    quote = service.quote_change(contract_id, premium.id, when, on, addon_ids=(hours.id,))
    without = service.quote_change(contract_id, premium.id, when, on)
    assert quote.pay_now == without.pay_now + 9000
    before = len(world.invoices(member))
    in_force = service.change_plan(contract_id, premium.id, when, on, addon_ids=(hours.id,)).id
    issued = world.invoices(member)[before:]
    assert [line for i in issued for line in _lines(i) if line[0] == "addon"] == [("addon", 9000)]
    assert sum(i.amount_due for i in issued) == quote.pay_now
    holder = in_force if when == "now" else contract_id
    assert [(a.addon.name, a.start_date) for a in service.load(holder).contract.addons] == [
        ("10 meeting-room hours", APRIL_11)]


def test_rule_16_a_package_alone_can_be_bought_again(service, world):
    hours = world.addon("10 meeting-room hours", 9000, None)
    standard = world.plan("Standard", 20000, addons=("10 meeting-room hours",))
    member, contract_id = _paid_april(world, standard)
    for _ in range(2):
        quote = service.quote_change(contract_id, standard.id, "now", addon_ids=(hours.id,))
        assert (quote.no_change, quote.pay_now) == (False, 9000)
        assert service.change_plan(contract_id, standard.id, "now",
                                   addon_ids=(hours.id,)).id == contract_id
    assert [_lines(i) for i in world.invoices(member)[-2:]] == [[("addon", 9000)]] * 2


def test_the_options_cover_every_eligible_plan_and_way(service, world):
    standard = world.plan("Standard", 20000, group="Desks")
    premium = world.plan("Premium", 50000, group="Desks")
    world.plan("Office", 90000, group="Offices")
    _member, contract_id = _paid_april(world, standard)
    options = service.change_options(contract_id)
    assert [(o.plan.name, o.when) for o in options] == [
        (p, w) for p in ("Standard", "Premium") for w in ("now", "next_invoice", "date")]
    same = [o for o in options if o.plan.id == standard.id]
    assert all(o.no_change and o.label == "same level" for o in same)
    now = next(o for o in options if o.plan.id == premium.id and o.when == "now")
    assert now == service.quote_change(contract_id, premium.id, "now")


def test_a_change_after_the_contract_ends_is_not_offered(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    _member, contract_id = _paid_april(world, standard, cancellation=date(2024, 4, 20))
    whens = {o.when for o in service.change_options(contract_id) if o.plan.id == premium.id}
    assert whens == {"now", "date"}
    with pytest.raises(Refused, match="ends on 20 Apr 2024, so it cannot change plans on 1 May"):
        service.change_plan(contract_id, premium.id, "next_invoice")


@pytest.mark.parametrize("when, on", [("now", None), ("next_invoice", None),
                                      ("date", date(2024, 4, 21))])
def test_a_contract_with_a_next_term_is_not_changed_here(service, world, when, on):
    """Rule 10: a change starts a new term, which would run alongside the next term already
    there (both invoiced for the same days); the next term is the one to change."""
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    _member, contract_id = _paid_april(world, standard)
    next_term = service.create_new_term(contract_id, date(2024, 6, 1)).id
    message = "This contract already has a next term; change that term instead."
    with pytest.raises(Refused) as caught:
        service.change_options(contract_id)
    assert str(caught.value) == message
    with pytest.raises(Refused) as caught:
        service.quote_change(contract_id, premium.id, when, on)
    assert str(caught.value) == message
    before = world.dump()
    with pytest.raises(Refused) as caught:
        service.change_plan(contract_id, premium.id, when, on)
    assert str(caught.value) == message
    assert world.dump() == before
    with pytest.raises(Refused, match="has not started yet; choose its plan in the editor"):
        service.change_plan(next_term, premium.id, when, on)


STARTED_TODAY = ('This contract started today, so it cannot be changed now; change it from '
                 'tomorrow with "On a chosen date".')


@pytest.mark.parametrize("invoiced", [False, True], ids=["before its first invoice", "after"])
def test_a_contract_that_started_today_changes_from_tomorrow(service, world, invoiced):
    """Rules 5 and 12: changing now would cancel it on its start date; the quote refuses the same
    way, so no figure is offered that cannot be applied."""
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    member = world.member()
    contract_id = world.contract(member, standard, APRIL_11)
    if invoiced:
        world.run_until(member, APRIL_11)
    for when, on in (("now", None), ("date", APRIL_11)):
        with pytest.raises(Refused) as caught:
            service.quote_change(contract_id, premium.id, when, on)
        assert str(caught.value) == STARTED_TODAY
    if not invoiced:  # its next invoice date is today: a new term from it would start today
        with pytest.raises(Refused) as caught:
            service.quote_change(contract_id, standard.id, "next_invoice", quantity=2)
        assert str(caught.value) == STARTED_TODAY
    before = world.dump()
    with pytest.raises(Refused) as caught:
        service.change_plan(contract_id, premium.id, "now")
    assert str(caught.value) == STARTED_TODAY
    assert world.dump() == before
    offered = {o.when for o in service.change_options(contract_id) if o.plan.id == premium.id}
    assert offered == {"next_invoice", "date"}
    tomorrow = date(2024, 4, 12)
    new_id = service.change_plan(contract_id, premium.id, "date", on=tomorrow).id
    assert service.load(new_id).contract.start_date == tomorrow


def test_a_second_change_the_same_day_is_refused(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    office = world.plan("Office", 90000)
    _member, contract_id = _paid_april(world, standard)
    new_id = service.change_plan(contract_id, premium.id, "now").id
    before = world.dump()
    with pytest.raises(Refused) as caught:
        service.change_plan(new_id, office.id, "now")
    assert str(caught.value) == STARTED_TODAY
    assert world.dump() == before


def test_only_an_active_contract_changes_plan(service, world):
    standard, premium = world.plan("Standard", 20000), world.plan("Premium", 50000)
    member = world.member()
    future = world.contract(member, standard, date(2024, 5, 1))
    with pytest.raises(Refused, match="has not started yet"):
        service.change_options(future)
    with pytest.raises(Refused, match="has not started yet"):
        service.change_plan(future, premium.id, "now")


def test_a_plan_outside_the_group_is_refused(service, world):
    standard = world.plan("Standard", 20000, group="Desks")
    office = world.plan("Office", 90000, group="Offices")
    _member, contract_id = _paid_april(world, standard)
    before = world.dump()
    with pytest.raises(ValidationError,
                       match="Office is not one of the plans this contract can change to."):
        service.change_plan(contract_id, office.id, "now")
    assert world.dump() == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({
    "price": st.integers(0, 90000), "target_price": st.integers(0, 90000),
    "day": st.integers(2, 30), "quantity": st.integers(1, 3),
    "tax_rate": st.sampled_from(["0", "20"]),
    "credit": st.integers(0, 40000), "deposit": st.sampled_from([0, 5000]),
    "target_deposit": st.sampled_from([0, 5000, 20000]), "prorate_first": st.booleans(),
    "same_plan": st.booleans(), "locker": st.booleans(), "package": st.booleans(),
}))
def test_pay_now_is_always_the_amount_due_of_the_invoice_the_change_issues(case):
    """Rules 12, 15, 16: the quote and the applied change run the same code, add-ons bought
    (alone or with the change) and deposits included."""
    day = date(2024, 4, case["day"])
    world = World(day)
    service = ContractService(world.db, world.clock)
    settings_service = SettingsService(world.db, world.clock)
    settings_service.save(replace(settings_service.get(), tax_rate=case["tax_rate"]))
    locker = world.addon("Locker", 3000)
    hours = world.addon("10 meeting-room hours", 9000, None)
    offered = ("Locker", "10 meeting-room hours")
    current = world.plan("Current", case["price"], deposit=case["deposit"], addons=offered)
    target = world.plan("Target", case["target_price"], deposit=case["target_deposit"],
                        addons=offered)
    if case["same_plan"]:
        target = current
    member = world.member()
    contract_id = world.contract(member, current, date(2024, 4, 1),
                                 prorate_first=case["prorate_first"])
    world.run_until(member, day)
    with world.db.write() as session:
        session.get(m.MemberRow, member).credit_balance = case["credit"]
    addon_ids = tuple(a.id for a, chosen in ((locker, case["locker"]), (hours, case["package"]))
                      if chosen)
    quote = service.quote_change(contract_id, target.id, "now", quantity=case["quantity"],
                                 addon_ids=addon_ids)
    assert quote.no_change == (case["same_plan"] and case["quantity"] == 1 and not addon_ids)
    if quote.no_change:  # rule 14: nothing to apply
        with pytest.raises(Refused):
            service.change_plan(contract_id, target.id, "now", quantity=case["quantity"])
        return
    before = len(world.invoices(member))
    new_id = service.change_plan(contract_id, target.id, "now", quantity=case["quantity"],
                                 addon_ids=addon_ids).id
    issued = world.invoices(member)[before:]
    assert {i.issue_date for i in issued} == {day}
    assert sum(i.amount_due for i in issued) == quote.pay_now
    (may,) = world.run_until(member, date(2024, 5, 1))
    assert (quote.next_billing_date, quote.next_billing_amount) == (
        date(2024, 5, 1), may.amount_due)
    assert service.load(new_id).contract.quantity == case["quantity"]


def test_more_of_the_same_plan_is_labelled_an_upgrade(service, world):
    standard = world.plan("Standard", 20000)
    _member, contract_id = _paid_april(world, standard)
    quote = service.quote_change(contract_id, standard.id, "now", quantity=2)
    # Credit -13333 (20 of 30 days of one desk), charge 26667 (of two), each rounded once.
    assert (quote.label, quote.no_change, quote.pay_now) == ("upgrade", False, 13334)


def test_an_add_on_the_new_plan_does_not_offer_is_refused(service, world):
    locker = world.addon("Locker", 3000)
    standard = world.plan("Standard", 20000, addons=("Locker",))
    premium = world.plan("Premium", 50000)
    _member, contract_id = _paid_april(world, standard)
    assert not service.quote_change(contract_id, standard.id, "now",
                                    addon_ids=(locker.id,)).no_change
    before = world.dump()
    with pytest.raises(ValidationError, match="Premium does not offer Locker."):
        service.change_plan(contract_id, premium.id, "now", addon_ids=(locker.id,))
    assert world.dump() == before


def test_rule_15_both_ways_of_an_upgrade_collect_the_deposit(service, world):
    """The audit's case: Hot desk → Dedicated desk (deposit 350.00). Now charges it today; the
    next plan charges it on the switch, 1 May; neither refunds it later."""
    hot = world.plan("Hot desk", 20000, group="Desks")
    dedicated = world.plan("Dedicated desk", 35000, group="Desks", deposit=35000)
    member, contract_id = _paid_april(world, hot)
    now = service.quote_change(contract_id, dedicated.id, "now")
    later = service.quote_change(contract_id, dedicated.id, "next_invoice")
    assert now.pay_now == -13333 + 23333 + 35000 and now.next_billing_amount == 35000
    assert later.pay_now == 0 and later.next_billing_amount == 35000 + 35000
    # The assistant says it apart, so the two columns' difference is explained.
    assert (now.deposit, now.deposit_date) == (35000, APRIL_11)
    assert (later.deposit, later.deposit_date) == (35000, date(2024, 5, 1))
    service.change_plan(contract_id, dedicated.id, "next_invoice")
    may, request = world.run_until(member, date(2024, 5, 1))
    assert (_lines(may), may.amount_due) == ([("plan", 35000)], 35000)
    assert (request.type, _lines(request), request.amount_due) == (
        "deposit_request", [("deposit", 35000)], 35000)
    (june,) = world.run_until(member, date(2024, 6, 1))
    assert _lines(june) == [("plan", 35000)]
