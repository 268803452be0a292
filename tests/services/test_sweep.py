"""The sweep through the database: catch-up (rule 18), money (rules 15, 17), preview == invoice.

Exactly-once behaviour (rule 19: twice, two processes, failures, crashes) is in
test_sweep_safety.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from desktop.domain.model import Invoice, evolve
from desktop.domain.transitions import simulate
from desktop.ledger.contracts import save_contract
from desktop.ledger.mapping import invoice_to_domain
from desktop.ledger.member_states import load_contract, load_member_state
from desktop.services.clock import FixedClock
from desktop.services.sample.demo import load_demo
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m


def invoices_of(db, member_id: int, *types: str) -> list[Invoice]:
    """The member's documents (of the types given, else every type) as domain values without
    their numbers, in billing-date order."""
    with db.session() as session:
        query = select(m.InvoiceRow).where(m.InvoiceRow.member_id == member_id)
        if types:
            query = query.where(m.InvoiceRow.type.in_(types))
        rows = session.scalars(query.order_by(m.InvoiceRow.billing_date, m.InvoiceRow.id)).all()
        return [evolve(invoice_to_domain(r), number=None) for r in rows]


def outstanding_of(db, member_id: int) -> int:
    from desktop.services.payments import member_outstanding
    with db.session() as session:
        return member_outstanding(session, [member_id]).get(member_id, 0)


def account_of(db, member_id: int) -> tuple[int, int]:
    with db.session() as session:
        row = session.get(m.MemberRow, member_id)
        return row.credit_balance, row.deposit_held


def test_catch_up_issues_each_month_on_its_own_date_and_switches_on_the_right_one(
        db, clock, catalog, add_member, add_contract):
    """Rule 18: a machine off for eleven months issues the eleven invoices, and the plan switch
    (rule 7) happens on the first invoice date after it was scheduled."""
    ada = add_member("Ada Lovelace")
    contract_id = add_contract(ada, catalog["Hot desk"], start=date(2023, 1, 1))
    sweep = SweepService(db, clock)
    first = sweep.apply_due(date(2023, 1, 15))
    assert [t.kind for t in first.applied] == ["activation"]
    with db.write() as session:  # the desk schedules a switch in January
        contract = load_contract(session, contract_id)
        save_contract(session, contract.with_changes(next_plan=catalog["Dedicated desk"]))

    report = sweep.apply_due(date(2023, 12, 31))

    # Eleven invoices and the deposit request of the switch (rule 15), every one made on the
    # day the machine came back (rule 18), each belonging to its own billing date.
    assert report.invoices_issued == 12 and not report.failed
    invoices = invoices_of(db, ada, "invoice")
    assert [i.billing_date for i in invoices] == [date(2023, month, 1) for month in range(1, 13)]
    assert [i.issue_date for i in invoices] == [date(2023, 1, 15)] + [date(2023, 12, 31)] * 11
    assert [i.due_date for i in invoices] == [date(2023, 1, 29)] + [date(2024, 1, 14)] * 11
    assert [i.lines[0].description for i in invoices] == ["Hot desk"] + ["Dedicated desk"] * 11
    assert [i.lines[0].amount for i in invoices] == [20000] + [35000] * 11
    assert all(i.lines[0].period_start == i.billing_date for i in invoices)
    assert all(len(i.lines) == 1 for i in invoices)
    # Rule 15: the switch raises the need, so its billing date charges the shortfall on a
    # deposit request of its own; later renewals charge nothing more.
    requests = invoices_of(db, ada, "deposit_request")
    assert [(r.billing_date, [(ln.kind, ln.amount) for ln in r.lines]) for r in requests] == [
        (date(2023, 2, 1), [("deposit", 20000)])]
    with db.session() as session:
        changes = session.scalars(select(m.PlanChangeRow)).all()
        assert [(c.date, c.old_plan, c.new_plan, c.upgrade) for c in changes] == [
            (date(2023, 2, 1), "Hot desk", "Dedicated desk", True)]
        row = session.get(m.ContractRow, contract_id)
        assert (row.next_invoice_date, row.next_event_date) == (date(2024, 1, 1), date(2024, 1, 1))
        applied = session.scalars(select(m.AppliedTransitionRow.date)
                                  .order_by(m.AppliedTransitionRow.date)).all()
        assert applied == [date(2023, month, 1) for month in range(1, 13)]


def test_catch_up_over_quarters_and_a_cancellation(db, clock, catalog, add_member, add_contract):
    member = add_member("Grace Hopper")
    add_contract(member, catalog["Team office"], start=date(2023, 1, 31),
                 cancellation_date=date(2023, 10, 15), prorate_last_invoice=True)
    report = SweepService(db, clock).apply_due(date(2023, 12, 31))
    invoices = invoices_of(db, member, "invoice", "deposit_return")
    # Rule 2: boundaries counted from the anchor (Jan 31 -> Apr 30 -> Jul 31 -> Oct 31).
    assert [i.billing_date for i in invoices] == [date(2023, 1, 31), date(2023, 4, 30),
                                                  date(2023, 7, 31), date(2023, 10, 15)]
    assert {i.issue_date for i in invoices} == {date(2023, 12, 31)}
    assert [t.kind for t in report.applied] == ["activation", "renewal", "renewal", "cancellation"]
    # Rule 6 (C > N, toggle on): the last invoice covers [Jul 31, Oct 15) of the 92-day quarter.
    last = invoices[2].lines[0]
    assert (last.period_start, last.period_end, last.days, last.period_days, last.amount) == (
        date(2023, 7, 31), date(2023, 10, 15), 76, 92, 148696)  # 180000 x 76 / 92 = 148695.65
    assert [(ln.kind, ln.amount) for ln in invoices[3].lines] == [("deposit_refund", -100000)]


def test_deposit_refund_tax_and_credit_balance(db, clock, catalog, add_member, add_contract,
                                               set_tax_rate):
    """Rules 15 and 17 through the sweep, with the amounts worked out by hand."""
    set_tax_rate("20")
    member = add_member("Emmy Noether")
    add_contract(member, catalog["Dedicated desk"], start=date(2024, 1, 1),
                 cancellation_date=date(2024, 3, 1))
    sweep = SweepService(db, clock)
    sweep.apply_due(date(2024, 3, 5))
    first, request, second, last = invoices_of(db, member)
    # Rule 15: the deposit is not a supply: its own request, outside the invoice's VAT.
    assert [(ln.kind, ln.amount) for ln in first.lines] == [("plan", 35000)]
    assert (first.subtotal, first.tax, first.total, first.amount_due) == (35000, 7000, 42000, 42000)
    assert (request.type, request.total, request.tax, request.amount_due) == (
        "deposit_request", 20000, 0, 20000)
    assert (second.total, second.amount_due) == (42000, 42000)
    assert [(ln.kind, ln.amount) for ln in last.lines] == [("deposit_refund", -20000)]
    assert (last.type, last.tax, last.total, last.amount_due) == ("deposit_return", 0, -20000, 0)
    # Rule 22: nothing was paid, so the returned deposit pays the oldest open documents at
    # once: the first invoice in part; no credit is left beside what is overdue.
    assert account_of(db, member) == (0, 0)
    assert outstanding_of(db, member) == 42000 + 20000 + 42000 - 20000

    add_contract(member, catalog["Hot desk"], start=date(2024, 3, 15))
    sweep.apply_due(date(2024, 3, 20))
    after = invoices_of(db, member)[-1]
    assert (after.subtotal, after.tax, after.total) == (20000, 4000, 24000)
    assert (after.credit_applied, after.amount_due) == (0, 24000)
    assert after.billing_date == date(2024, 3, 15) and after.issue_date == date(2024, 3, 20)
    assert after.due_date == date(2024, 4, 3)


def test_deposit_stays_held_while_another_contract_is_open(db, clock, catalog, add_member,
                                                           add_contract):
    member = add_member("Mary Somerville")
    add_contract(member, catalog["Private office"], start=date(2024, 1, 1),
                 cancellation_date=date(2024, 2, 1))
    add_contract(member, catalog["Dedicated desk"], start=date(2024, 2, 1))
    SweepService(db, clock).apply_due(date(2024, 2, 1))
    invoices = invoices_of(db, member, "invoice", "deposit_request")
    assert [(ln.kind, ln.amount) for ln in invoices[0].lines] == [("plan", 60000)]
    assert [(ln.kind, ln.amount) for ln in invoices[1].lines] == [("deposit", 50000)]
    invoices = invoices[1:]
    # The desk needs 20000, 50000 is held: no shortfall, no refund (rule 15).
    assert [(ln.kind, ln.amount) for ln in invoices[1].lines] == [("plan", 35000)]
    assert account_of(db, member) == (0, 50000)


def test_preview_equals_the_invoices_the_sweep_issues(db):
    """docs/design.md#users / rule 18: simulate() from load_member_state before sweeping == what the
    sweep wrote."""
    today = date(2024, 6, 10)
    load_demo(db, today, members=60, seed=7)
    until = today + timedelta(days=120)
    with db.session() as session:
        members = session.scalars(select(m.MemberRow.id)).all()
        previews = {}
        for member in members:
            state = load_member_state(session, member)
            results = simulate(state.account, state.contracts, state.settings, until,
                               today=until)
            previews[member] = ([d for r in results for d in r.documents],
                                results[-1].account if results else state.account)
        before = {member: len(invoices_of(db, member)) for member in members}
    SweepService(db, FixedClock(until, datetime(2024, 10, 8, 9))).apply_due(until)
    kinds = set()
    for member in members:
        issued = invoices_of(db, member)[before[member]:]
        expected, account = previews[member]
        assert issued == expected, f"member {member}"
        assert account_of(db, member) == (account.credit_balance, account.deposit_held)
        kinds |= {line.kind for invoice in issued for line in invoice.lines}
    assert {"plan", "addon", "unused", "deposit_refund"} <= kinds  # the scenarios were varied


def test_forecast_lists_what_falls_due_with_its_invoice_amount(db, clock, catalog, add_member,
                                                               add_contract, set_tax_rate):
    set_tax_rate("20")
    ada = add_member("Ada Lovelace")
    add_contract(ada, catalog["Hot desk"], start=date(2024, 1, 1))
    grace = add_member("Grace Hopper")
    add_contract(grace, catalog["Virtual office"], start=date(2024, 1, 20),
                 cancellation_date=date(2024, 2, 20))
    sweep = SweepService(db, clock)
    sweep.apply_due(date(2024, 1, 1))

    items = sweep.forecast(date(2024, 1, 10), days=30)

    assert [(i.date, i.member_name, i.kind, i.amount) for i in items] == [
        (date(2024, 1, 20), "Grace Hopper", "activation", 10800),
        (date(2024, 2, 1), "Ada Lovelace", "renewal", 24000)]
    assert len(invoices_of(db, grace)) == 0  # nothing written


def test_forecast_gives_a_days_invoice_once_when_a_term_ends_and_the_next_begins(
        db, clock, catalog, add_member, add_contract):
    """The Transitions tab showed one invoice's total against the cancellation and again
    against the new term starting that day."""
    ada = add_member("Ada Lovelace")
    old = add_contract(ada, catalog["Hot desk"], start=date(2024, 1, 1),
                       cancellation_date=date(2024, 1, 20))
    add_contract(ada, catalog["Virtual office"], start=date(2024, 1, 20),
                 billing_anchor=date(2024, 1, 1), predecessor=old)
    sweep = SweepService(db, clock)
    sweep.apply_due(date(2024, 1, 1))

    day = [i for i in sweep.forecast(date(2024, 1, 10), days=30) if i.date == date(2024, 1, 20)]

    assert sorted(i.kind for i in day) == ["activation", "cancellation"]
    amounts = {i.kind: i.amount for i in day}
    assert amounts["cancellation"] is None and amounts["activation"] > 0


def test_last_run_and_applied_since(db, catalog, add_member, add_contract):
    clock = FixedClock(date(2024, 2, 1), datetime(2024, 2, 1, 9, 30))
    sweep = SweepService(db, clock)
    assert sweep.last_run() is None
    member = add_member("Ada Lovelace")
    contract = add_contract(member, catalog["Hot desk"], start=date(2024, 1, 1))
    sweep.apply_due(date(2024, 2, 1))
    run = sweep.last_run()
    assert (run.ran_at, run.as_of, run.applied, run.invoices_issued, run.failed) == (
        datetime(2024, 2, 1, 9, 30), date(2024, 2, 1), 2, 2, 0)
    rows = sweep.applied_since(datetime(2024, 2, 1))
    assert [(r.date, r.kind, r.contract_id, r.member_name) for r in rows] == [
        (date(2024, 1, 1), "activation", contract, "Ada Lovelace"),
        (date(2024, 2, 1), "renewal", contract, "Ada Lovelace")]
    assert sweep.applied_since(datetime(2024, 2, 2)) == []
    clock.set(date(2024, 2, 2), datetime(2024, 2, 2, 8))
    sweep.apply_due(date(2024, 2, 2))
    sweep.apply_due(date(2024, 2, 2))
    with db.session() as session:  # idle runs after an idle run update one row
        assert len(session.scalars(select(m.SweepRunRow)).all()) == 2
    assert sweep.last_run().as_of == date(2024, 2, 2)


def test_the_sweep_writes_an_audit_row_per_change(db, clock, catalog, add_member, add_contract):
    """Rule 20: who = system, what changed, old and new values."""
    member = add_member("Ada Lovelace")
    contract = add_contract(member, catalog["Hot desk"], start=date(2024, 1, 1))
    SweepService(db, clock).apply_due(date(2024, 1, 1))
    with db.session() as session:
        rows = session.scalars(select(m.HistoryRow).where(m.HistoryRow.contract_id == contract)
                               .where(m.HistoryRow.who == "system")).all()
        assert [(r.field, r.old_value, r.new_value) for r in rows] == [
            ("Next invoice date", "2024-01-01", "2024-02-01")]
        assert session.get(m.ContractRow, contract).version == 2  # editors see the change


def test_changed_columns_are_those_whose_contract_columns_differ():
    """The writes compare a renewed contract field by field; whatever changes, that is the
    same as comparing both states' contracts-table columns (a column added to
    contract_columns must be compared too)."""
    import itertools
    from dataclasses import replace

    from desktop.domain.model import Contract, Plan
    from desktop.domain.periods import parse_frequency
    from desktop.ledger.contract_columns import contract_columns
    from desktop.ledger.day_writes import _changed_values

    monthly = parse_frequency("1 month")
    desk, office = Plan("Desk", 100, monthly, id=1), Plan("Office", 200, monthly, id=2)
    base = Contract(member=1, plan=desk, start_date=date(2024, 1, 1),
                    billing_anchor=date(2024, 1, 1), next_invoice_date=date(2024, 2, 1), id=5)
    edits = dict(plan=office, next_plan=office, custom_price=5, quantity=2, notes="x",
                 start_date=date(2024, 1, 2), billing_anchor=date(2024, 1, 9),
                 next_invoice_date=date(2024, 3, 1), cancellation_date=date(2024, 2, 10),
                 prorate_last_invoice=not base.prorate_last_invoice,
                 prorate_first_invoice=not base.prorate_first_invoice, predecessor=3,
                 commitment_end=date(2024, 7, 1), notice=monthly, notice_waived=True,
                 ends_at_commitment_end=True)
    assert set(contract_columns(base)) == {
        "plan_id", "next_plan_id", "predecessor_id", "next_event_date", "custom_price",
        "quantity", "start_date", "billing_anchor", "next_invoice_date", "cancellation_date",
        "prorate_last_invoice", "prorate_first_invoice", "notes", "commitment_end", "notice",
        "notice_waived", "ends_at_commitment_end"}
    for one, two in itertools.combinations([None, *edits], 2):
        after = replace(base, **{name: edits[name] for name in (one, two) if name})
        old, new = contract_columns(base), contract_columns(after)
        assert _changed_values(base, after) == {k: v for k, v in new.items() if old[k] != v}
