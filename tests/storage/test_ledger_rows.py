"""Rows <-> domain values through the ledger's real paths: what is written reads back equal,
invoiced spans, no N+1 (docs/storage.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop.domain.model import (
    Account,
    Contract,
    ContractAddon,
    Invoice,
    InvoicedSpan,
    Line,
    PlanChange,
    Transition,
)
from desktop.domain.periods import Frequency
from desktop.ledger.contracts import save_contract
from desktop.ledger.mapping import (
    invoice_to_domain,
    params_json,
    stored_transition_wording,
)
from desktop.ledger.member_states import (
    billing_settings,
    load_contract,
    load_contracts,
    load_member_state,
    load_plans,
)
from desktop.storage.database import open_database
from desktop.storage.models import (
    AppliedTransitionRow,
    ContractRow,
    HistoryRow,
    InvoiceRow,
    PlanChangeRow,
    SettingsRow,
    SweepRunRow,
)
from storage_helpers import (
    APR1,
    FEB1,
    JAN1,
    MAR1,
    NOW,
    StatementCounter,
    add_catalog,
    add_invoice,
    add_member,
)


def _contract(member: int, plans, **changes) -> Contract:
    base = Contract(
        member=member, plan=plans["Hot desk"], start_date=JAN1, billing_anchor=JAN1,
        next_invoice_date=FEB1, next_plan=plans["Dedicated desk"],
        cancellation_date=date(2024, 6, 1), custom_price=18000, quantity=2,
        prorate_last_invoice=False, prorate_first_invoice=True,
        addons=(ContractAddon(plans["Locker"], 2, JAN1),
                ContractAddon(plans["Mail handling"], 1, date(2024, 1, 15))),
        notes="Window seat, please.",
    )
    return base.with_changes(**changes)


def test_settings_row_exists_after_migration_and_maps_to_billing_settings(db):
    with db.write() as session:
        row = session.get(SettingsRow, 1)
        assert (row.currency, row.tax_rate, row.billing_day) == ("EUR", "0", None)
        row.tax_rate, row.billing_day, row.currency = "8.5", 15, "CHF"
    with db.session() as session:
        settings = billing_settings(session)
    assert settings.tax_rate == Fraction(85, 1000)
    assert (settings.currency, settings.billing_day) == ("CHF", 15)


def test_plans_round_trip_with_allowances_addons_and_one_off_frequency(db):
    with db.write() as session:
        plans = add_catalog(session)
    with db.session() as session:
        loaded = {plan.name: plan for plan in load_plans(session).values()}
    for name, plan in plans.items():
        assert loaded[name] == plan
        assert dict(loaded[name].allowances) == dict(plan.allowances)  # not in Plan equality
        assert loaded[name].id == plan.id
    assert loaded["Mail handling"].frequency is None
    assert loaded["Dedicated desk"].frequency == Frequency("month", 3)


def test_account_round_trip(db):
    with db.write() as session:
        member = add_member(session)
        member.credit_balance, member.deposit_held = 1234, 50000
        member_id = member.id
    with db.session() as session:
        assert load_member_state(session, member_id).account == \
            Account(member_id, credit_balance=1234, deposit_held=50000)


def test_contract_round_trip_keeps_every_field(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        first = save_contract(session, _contract(member.id, plans, cancellation_date=None))
        contract = _contract(member.id, plans, predecessor=first.id)
        contract_id = save_contract(session, contract).id
        _issue(session, member.id, "INV-000001", JAN1,
               [Line("plan", "Hot desk", 36000, contract_id, JAN1, FEB1)])
    spans = (InvoicedSpan("plan", "Hot desk", JAN1, FEB1, 36000),)
    with db.session() as session:
        loaded = load_contract(session, contract_id)
        version = session.get(ContractRow, contract_id).version
    assert loaded == contract.with_changes(id=contract_id, invoiced=spans)
    assert version == 1


def test_contract_update_reads_back_and_bumps_version(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        contract_id = save_contract(session, _contract(member.id, plans)).id
    with db.session() as session:
        contract = load_contract(session, contract_id)
    edited = contract.with_changes(
        addons=(ContractAddon(plans["Locker"], 3, JAN1),), next_plan=None, custom_price=None,
        quantity=1, next_invoice_date=None, notes="")
    with db.write() as session:
        save_contract(session, edited)
    with db.session() as session:
        assert load_contract(session, contract_id) == edited
        assert session.get(ContractRow, contract_id).version == 2


def test_contract_for_an_unsaved_plan_is_refused(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
    draft = _contract(member.id, plans, plan=replace(plans["Hot desk"], id=None))
    with pytest.raises(IntegrityError), db.write() as session:
        save_contract(session, draft)


def test_invoice_round_trip_keeps_line_order_and_number(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        contract = save_contract(session, _contract(member.id, plans))
        invoice = Invoice(
            member=member.id, issue_date=FEB1, subtotal=38000, tax=7600, total=55600,
            credit_applied=600, amount_due=55000,
            lines=(Line("plan", "Hot desk, Feb", 36000, contract.id, FEB1, MAR1),
                   Line("unused", "Unused Jan", -3000, contract.id, date(2024, 1, 20), FEB1,
                        12, 31),
                   Line("deposit", "Deposit", 10000, contract.id),
                   Line("addon", "Locker", 5000, None, FEB1, MAR1)),
        )
        add_invoice(session, invoice, "INV-000007")
    with db.session() as session:
        loaded = invoice_to_domain(session.scalars(select(InvoiceRow)).one())
    assert loaded == replace(invoice, number="INV-000007", billing_date=FEB1, due_date=FEB1)


def test_transition_plan_change_history_and_sweep_run_round_trip(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        contract = save_contract(session, _contract(member.id, plans))
        transition = Transition(contract.id, "renewal", FEB1, "Renewed on Dedicated desk")
        change = PlanChange(contract.id, FEB1, "Hot desk", "Dedicated desk", 20000, 35000, 2, True)
        session.add(AppliedTransitionRow(
            contract_id=contract.id, kind=transition.kind, date=transition.date, applied_at=NOW,
            description=transition.description, params=params_json(transition.wording)))
        session.add(PlanChangeRow(
            contract_id=change.contract, date=change.date, old_plan=change.old_plan,
            new_plan=change.new_plan, old_price=change.old_price, new_price=change.new_price,
            quantity=change.quantity, upgrade=change.upgrade, at=NOW))
        session.add(HistoryRow(at=NOW, who="system", entity="contract", entity_id=contract.id,
                               member_id=member.id, contract_id=contract.id, field="plan",
                               old_value="Hot desk", new_value="Dedicated desk"))
        session.add(SweepRunRow(ran_at=NOW, as_of=NOW.date(), applied=3, invoices_issued=2,
                                failed=1))
    with db.session() as session:
        applied = session.scalars(select(AppliedTransitionRow)).one()
        assert Transition(applied.contract_id, applied.kind, applied.date, applied.description,
                          stored_transition_wording(applied.kind, applied.params)) == transition
        assert applied.applied_at == NOW
        stored = session.scalars(select(PlanChangeRow)).one()
        assert PlanChange(stored.contract_id, stored.date, stored.old_plan, stored.new_plan,
                          stored.old_price, stored.new_price, stored.quantity,
                          stored.upgrade) == change
        history = session.scalars(select(HistoryRow)).one()
        assert (history.at, history.who, history.field, history.old_value, history.new_value) \
            == (NOW, "system", "plan", "Hot desk", "Dedicated desk")
        run = session.scalars(select(SweepRunRow)).one()
        assert (run.ran_at, run.as_of, run.applied, run.invoices_issued, run.failed) == \
            (NOW, NOW.date(), 3, 2, 1)


def _issue(session, member_id, number, issue_date, lines) -> None:
    total = sum(line.amount for line in lines)
    add_invoice(session, Invoice(member_id, issue_date, tuple(lines), total, 0, total, 0,
                                 max(total, 0)), number)


def test_invoiced_spans_are_the_current_periods_lines_read_in_one_query(db):
    with db.write() as session:
        plans = add_catalog(session)
        member = add_member(session)
        rows = [save_contract(session, _contract(member.id, plans, next_invoice_date=day))
                for day in (MAR1, FEB1, MAR1)]
        first, second, never = (row.id for row in rows)
        _issue(session, member.id, "INV-000001", JAN1, [
            Line("plan", "Hot desk, Jan", 36000, first, JAN1, FEB1),
            Line("addon", "Locker, Jan", 5000, first, JAN1, FEB1),
            Line("plan", "Other, Jan", 20000, second, JAN1, FEB1)])
        _issue(session, member.id, "INV-000002", FEB1, [
            Line("deposit", "Deposit", 10000, first),
            Line("plan", "Hot desk, Feb", 36000, first, FEB1, MAR1),
            Line("unused", "Credit", -1000, first, date(2024, 2, 20), MAR1)])
        # An add-on added mid-period is invoiced at once for the rest of the same period.
        _issue(session, member.id, "INV-000003", date(2024, 2, 10), [
            Line("addon", "Locker from Feb 10", 3100, first, date(2024, 2, 10), MAR1)])
    with db.session() as session:
        catalog = load_plans(session)
    with db.session() as session, StatementCounter(db.engine) as counter:
        contracts = load_contracts(session, [first, second, never], catalog)
    assert counter.count == 3  # the contracts, their add-ons, the invoiced spans of them all
    assert {cid: contract.invoiced for cid, contract in contracts.items()} == {
        first: (InvoicedSpan("plan", "Hot desk, Feb", FEB1, MAR1, 36000),
                InvoicedSpan("addon", "Locker from Feb 10", date(2024, 2, 10), MAR1, 3100)),
        second: (InvoicedSpan("plan", "Other, Jan", JAN1, FEB1, 20000),),
        never: (),
    }


def test_loading_contracts_takes_the_same_number_of_queries_for_5_or_40(db):
    with db.write() as session:
        plans = add_catalog(session)
        members = [add_member(session, f"m{i}@example.org", f"Member {i}") for i in range(40)]
        for member in members:
            save_contract(session, _contract(member.id, plans))

    def statements(limit: int) -> int:
        with db.session() as session, StatementCounter(db.engine) as counter:
            ids = session.scalars(select(ContractRow.id).order_by(ContractRow.id).limit(limit))
            contracts = list(load_contracts(session, ids).values())
        assert len(contracts) == limit
        assert all(len(contract.addons) == 2 for contract in contracts)
        return counter.count

    assert statements(5) == statements(40)


def test_reading_a_contracts_member_without_asking_raises_instead_of_loading(db):
    from sqlalchemy.exc import InvalidRequestError

    with db.write() as session:
        plans = add_catalog(session)
        save_contract(session, _contract(add_member(session).id, plans))
    with db.session() as session:
        row = session.scalars(select(ContractRow)).one()
        with pytest.raises(InvalidRequestError):
            row.member  # noqa: B018 - the access itself is what is tested


# Property: any contract the domain can express comes back equal (hypothesis) -----------------

money = st.integers(min_value=-(2 ** 62), max_value=2 ** 62)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    database = open_database(str(tmp_path_factory.mktemp("prop") / "p.sqlite3"), now=NOW)
    with database.write() as session:
        plans = add_catalog(session)
        member_id = add_member(session).id
    yield database, plans, member_id
    database.dispose()


@settings(max_examples=40, deadline=None)
@given(
    start=days, anchor=days, next_invoice=st.none() | days, cancel=st.none() | days,
    custom=st.none() | money, quantity=st.integers(1, 10_000), prorate=st.tuples(
        st.booleans(), st.booleans()), notes=st.text(max_size=40),
    next_plan=st.sampled_from([None, "Hot desk", "Dedicated desk"]),
    addons=st.lists(st.tuples(st.sampled_from(["Locker", "Mail handling"]),
                              st.integers(1, 9), days), max_size=3),
    lines=st.lists(st.tuples(st.sampled_from(["plan", "unused", "addon", "deposit"]), money,
                             st.none() | days, st.integers(0, 400)), max_size=4),
)
def test_any_contract_and_invoice_round_trip(shared, start, anchor, next_invoice, cancel, custom,
                                             quantity, prorate, notes, next_plan, addons, lines):
    database, plans, member_id = shared
    contract = Contract(
        member=member_id, plan=plans["Hot desk"], start_date=start, billing_anchor=anchor,
        next_invoice_date=next_invoice, cancellation_date=cancel, custom_price=custom,
        quantity=quantity, prorate_last_invoice=prorate[0], prorate_first_invoice=prorate[1],
        notes=notes, next_plan=None if next_plan is None else plans[next_plan],
        # Held add-ons are read in the order they start (then as written).
        addons=tuple(ContractAddon(plans[name], qty, since)
                     for name, qty, since in sorted(addons, key=lambda addon: addon[2])))
    with database.write() as session:
        contract_id = save_contract(session, contract).id
    with database.session() as session:
        assert load_contract(session, contract_id) == contract.with_changes(id=contract_id)
    with database.write() as session:
        invoice = Invoice(member_id, start, tuple(
            Line(kind, f"line {i}", amount, contract_id, since,
                 None if since is None else since + timedelta(days=length), length or None, 30)
            for i, (kind, amount, since, length) in enumerate(lines)), 1, 2, 3, 4, 5)
        number = f"T-{contract_id}"
        add_invoice(session, invoice, number)
    with database.session() as session:
        stored = session.scalars(select(InvoiceRow).where(InvoiceRow.number == number)).one()
        assert invoice_to_domain(stored) == replace(invoice, number=number, billing_date=start,
                                                     due_date=start)


def test_datetimes_are_stored_to_the_microsecond(db):
    at = datetime(2024, 12, 31, 23, 59, 59, 999999)
    with db.write() as session:
        session.add(SweepRunRow(ran_at=at, as_of=APR1))
    with db.session() as session:
        assert session.scalars(select(SweepRunRow.ran_at)).one() == at
