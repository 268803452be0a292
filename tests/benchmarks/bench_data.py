"""Benchmark data written straight to the tables: setting it up is not what is measured."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select

from desktop.storage import models as m


def seed_monthly_contracts(db, members: int, start: date, next_invoice: date, *,
                           price: int = 20000, tax_rate: str = "20") -> None:
    """Members with one active monthly Hot desk contract each, due on next_invoice."""
    with db.write() as session:
        session.get(m.SettingsRow, 1).tax_rate = tax_rate
        connection = session.connection()
        connection.execute(insert(m.PlanRow.__table__), [
            dict(id=1, name="Hot desk", kind="plan", price=price, frequency="1 month",
                 deposit=0, group_name="Desks", archived=False)])
        connection.execute(insert(m.MemberRow.__table__), [
            dict(id=i, email=f"member{i}@example.org", name=f"Member {i:05d}", company="",
                 phone="", notes="", credit_balance=0, deposit_held=0, archived=False)
            for i in range(1, members + 1)])
        connection.execute(insert(m.ContractRow.__table__), [
            dict(id=i, member_id=i, plan_id=1, next_plan_id=1, quantity=1, start_date=start,
                 billing_anchor=start, next_invoice_date=next_invoice, prorate_last_invoice=True,
                 prorate_first_invoice=True, notes="", next_event_date=next_invoice, version=1)
            for i in range(1, members + 1)])


def busiest_active_contract(db, today: date) -> int:
    """An active contract of the member holding the most contracts."""
    with db.session() as session:
        member = session.execute(
            select(m.ContractRow.member_id).group_by(m.ContractRow.member_id)
            .order_by(func.count().desc()).limit(1)).scalar_one()
        return session.execute(
            select(m.ContractRow.id).where(m.ContractRow.member_id == member,
                                           m.ContractRow.start_date <= today,
                                           m.ContractRow.next_invoice_date > today,
                                           m.ContractRow.cancellation_date.is_(None))
            .limit(1)).scalar_one()


def editor_on_busiest_contract(db, today: date, contracts):
    """The contract editor, shown and checked once, on the busiest member's active contract:
    what the preview and Save benchmarks measure from."""
    from desktop.i18n.formatting import Formatter
    from desktop.services.catalog import CatalogService
    from desktop.services.clock import FixedClock
    from desktop.ui.contract_editor.editor import ContractEditor

    editor = ContractEditor(contracts, CatalogService(db, FixedClock(today)),
                            Formatter("en_IE", "EUR"), busiest_active_contract(db, today))
    editor.show()
    editor.refresh_now()
    return editor
