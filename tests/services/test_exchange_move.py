"""A move that keeps everything (issue 19, docs/exchange-format.md frontdesk/2): a desk's SQLite
file, with a demo's history, a sweep, archived members and plans, an operator's edits, payments, a
refund, a deleted plan and a deleted contract, exported and imported into an empty database (a
server in the PostgreSQL pass), exports the same document byte for byte, and nothing the
database held is lost on the way (the trial saw 962 audit rows and 759 applied transitions
become none)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop.domain.model import Plan
from desktop.domain.periods import Frequency
from desktop.ledger.audit import contract_history
from desktop.services.catalog import CatalogService
from desktop.services.charges import ChargeService
from desktop.services.clock import FixedClock
from desktop.services.contracts.editing import ContractService
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.exchange.values import ImportProblems
from desktop.services.members import MemberService
from desktop.services.payments import PaymentService
from desktop.services.sample.demo import load_demo
from desktop.services.settings import SettingsService
from desktop.services.sweep.service import SweepService
from desktop.storage import models as m
from desktop.storage.database import open_database

TODAY = date(2025, 3, 12)
NOW = datetime(2025, 3, 12, 9, 30, 15, 250000)  # a time with microseconds, as a clock gives
KEPT = (m.HistoryRow, m.AppliedTransitionRow, m.PlanChangeRow, m.SweepRunRow, m.PaymentRow,
        m.MemberRow, m.PlanRow, m.ContractRow, m.InvoiceRow, m.InvoiceLineRow, m.ChargeRow)


def as_written(document: dict) -> str:
    """The document as `frontdesk export` writes it (desktop/cli.py)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export(db) -> dict:
    with db.session() as session:
        return export_document(session)


def counts(db) -> dict[str, int]:
    with db.session() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in KEPT}


def lived_in(db) -> None:
    """What a desk does after `frontdesk demo`, through the services: an operator named, the
    sweep run on, members and a plan archived, notes edited, payments, a refund, a plan and a
    contract made and deleted."""
    clock = FixedClock(TODAY, NOW)
    settings = SettingsService(db, clock)
    settings.save(replace(settings.get(), operator="Ana Ní Bhriain"))
    members, catalog = MemberService(db, clock), CatalogService(db, clock)
    first, second = (row.id for row in members.search(limit=2))
    ada = members.get(first)
    members.update(first, name=ada.name, email=ada.email, company=ada.company,
                   phone=ada.phone, notes="Prefers the quiet room.\n\tKey card 42.")
    members.set_archived(second, True)
    desk = next(plan for plan in catalog.plans() if plan.name == "Hot desk")
    catalog.set_archived(desk.id, True)
    gone_plan = catalog.save_plan(Plan(name="Day pass (trial)", price=1500,
                                       frequency=Frequency("month"))).id
    catalog.delete_plan(gone_plan)
    contracts = ContractService(db, clock)
    office = next(plan for plan in catalog.plans() if plan.kind == "plan" and not plan.archived)
    draft = replace(contracts.new_draft(first, office.id), start_date=TODAY + timedelta(days=20),
                    billing_anchor=TODAY + timedelta(days=20),
                    next_invoice_date=TODAY + timedelta(days=20))
    gone_contract = contracts.save(draft, None).id
    with db.write() as session:  # cancelled before it started: a contract that may be deleted
        row = session.get(m.ContractRow, gone_contract)
        row.next_invoice_date, row.cancellation_date = None, TODAY + timedelta(days=21)
    contracts.delete(gone_contract)
    # Rule 27: a charge the sweep bills, and one still pending after it.
    charges = ChargeService(db, clock)
    charges.add(first, amount=1234, description="Printing", tax_category="reduced")
    charges.add(first, amount=900, description="Late key", day=TODAY + timedelta(days=300))
    later = TODAY + timedelta(days=45)
    clock.set(later)
    SweepService(db, clock).apply_due(later)
    payments = PaymentService(db, clock)
    with db.session() as session:
        unpaid = session.execute(select(m.InvoiceRow.number, m.InvoiceRow.amount_due)
                                 .where(m.InvoiceRow.amount_due > 1)
                                 .order_by(m.InvoiceRow.id).limit(2)).all()
        credited = session.scalar(select(m.MemberRow.id).where(m.MemberRow.credit_balance > 1)
                                  .order_by(m.MemberRow.id).limit(1))
    for number, due in unpaid:
        payments.record(number, due // 2, method="transfer", reference=f"Ref {number}")
    if credited is not None:
        payments.refund(credited, 1, method="cash")


@pytest.fixture
def desk(tmp_path):
    """The desk's own SQLite file, lived in."""
    database = open_database(str(tmp_path / "desk.sqlite3"), now=NOW)
    load_demo(database, TODAY, members=60, seed=3)
    lived_in(database)
    yield database
    database.dispose()


def test_a_move_exports_the_same_document_byte_for_byte_and_keeps_every_row(desk, db):
    first = export(desk)
    import_document(db, json.loads(as_written(first)), NOW)
    assert as_written(export(db)) == as_written(first)
    before, after = counts(desk), counts(db)
    assert after == before
    assert before["history"] > 300 and before["applied_transitions"] > 100
    assert before["plan_changes"] > 0 and before["sweep_runs"] > 0 and before["payments"] > 0
    assert [c["document"] is None for c in first["charges"]] == [False, True]


def test_what_the_trial_lost_arrives(desk, db):
    """Archived flags, the operator, the audit's operator names and the contract history the
    editor shows come through the move."""
    first = export(desk)
    import_document(db, first, NOW)
    document = export(db)
    assert document["settings"]["operator"] == "Ana Ní Bhriain"
    assert any(member["archived"] for member in document["members"])
    assert next(p for p in document["plans"] if p["name"] == "Hot desk")["archived"]
    assert {"Ana Ní Bhriain", "system", "Front desk"} <= {h["who"] for h in document["history"]}
    assert any(h["entity"] == "plan" and isinstance(h["entity_id"], int)
               for h in document["history"])  # the deleted plan, by the number it had
    assert any(isinstance(h["contract"], int) for h in document["history"])  # deleted contract
    with desk.session() as session:
        contract = session.scalar(select(m.HistoryRow.contract_id)
                                  .where(m.HistoryRow.field == "Next invoice date")
                                  .order_by(m.HistoryRow.id.desc()).limit(1))
        reference = session.get(m.ContractRow, contract).reference or str(contract)
        shown = contract_history(session, contract)
    with db.session() as session:
        moved = session.scalar(select(m.ContractRow.id).where(m.ContractRow.reference
                                                              == reference))
        assert contract_history(session, moved) == shown


def test_a_second_move_adds_nothing(desk, db, tmp_path):
    """The import of a frontdesk/2 document records no row of its own: the history it carries
    is the database's, and a second move gives the same document again."""
    first = export(desk)
    import_document(db, first, NOW)
    third = open_database(str(tmp_path / "third.sqlite3"), now=NOW)
    try:
        import_document(third, export(db), NOW + timedelta(days=1))
        assert as_written(export(third)) == as_written(first)
    finally:
        third.dispose()


def test_a_contract_id_beyond_a_server_integer_is_kept_as_its_reference(db):
    """A numeric id a server's integer column cannot hold becomes the reference of a contract
    numbered after the others (once "integer out of range" on PostgreSQL)."""
    doc = {"format": "frontdesk/2", "settings": {"tax_rate": "0"},
           "plans": [{"name": "Hot desk", "price": 19500}],
           "members": [{"email": "ada@example.org", "name": "Ada"}],
           "contracts": [{"id": id_, "member": "ada@example.org", "plan": "Hot desk",
                          "start_date": "2024-07-01", "next_invoice_date": "2024-08-01"}
                         for id_ in ("3000000000", "7")]}
    import_document(db, doc, NOW)
    with db.session() as session:
        rows = session.execute(select(m.ContractRow.id, m.ContractRow.reference)
                               .order_by(m.ContractRow.id)).all()
    assert [tuple(row) for row in rows] == [(7, "7"), (8, "3000000000")]
    assert [c["id"] for c in export(db)["contracts"]] == ["7", "3000000000"]


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> dict:
    """The export of a lived-in desk (built once for the module)."""
    database = open_database(str(tmp_path_factory.mktemp("desk") / "desk.sqlite3"), now=NOW)
    load_demo(database, TODAY, members=20, seed=4)
    lived_in(database)
    document = export(database)
    database.dispose()
    return document


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["history"][0].update(at="2025-02-30T09:00:00"),
     'history[0].at: "2025-02-30T09:00:00" is not a time written YYYY-MM-DDTHH:MM:SS.'),
    (lambda d: d["history"][0].update(at="2025-03-01T09:00:00+01:00"),
     'history[0].at: "2025-03-01T09:00:00+01:00" is not a time written YYYY-MM-DDTHH:MM:SS.'),
    (lambda d: d["history"][0].update(at="1999-12-31T23:59:59"),
     "history[0].at: 1999-12-31 is outside the dates Frontdesk accepts"),
    (lambda d: d["history"][0].update(member="nobody@example.org"),
     'history[0].member: "nobody@example.org" is not the e-mail of a member.'),
    (lambda d: d["history"][0].update(who="Ana\u0000"),
     "history[0].who: The text holds a control character (U+0000); remove it."),
    (lambda d: d["history"][0].update(contract=0),
     "history[0].contract: 0 is below 1."),
    (lambda d: d["history"].append(dict(d["history"][0], contract=int(d["contracts"][0]["id"]))),
     "is the number of a contract of the document; name it"),
    (lambda d: d["history"].append(dict(d["history"][0], entity="payment", entity_id=99)),
     "entity_id: 99 is above"),
    (lambda d: d["applied_transitions"].append(dict(d["applied_transitions"][0])),
     "repeats applied_transitions[0]: the same transition of the same contract on the same "
     "date."),
    (lambda d: d["applied_transitions"][0].update(contract=7777),
     "applied_transitions[0].contract: 7777 is not the id of a contract."),
    (lambda d: d["applied_transitions"][0].update(kind="resurrection"),
     'applied_transitions[0].kind: "resurrection" is not one of activation, renewal, '
     "cancellation."),
    (lambda d: d["applied_transitions"][0].update(params={"plan": ["Hot desk"]}),
     'applied_transitions[0].params.plan: ["Hot desk"] is not text or a whole number.'),
    (lambda d: d["plan_changes"][0].update(upgrade="yes"),
     'plan_changes[0].upgrade: "yes" is not true or false.'),
    (lambda d: d["sweep_runs"][0].update(applied=-1), "sweep_runs[0].applied: -1 is below 0."),
    (lambda d: d["members"][0].update(archived="no"),
     'members[0].archived: "no" is not true or false.'),
    (lambda d: d["documents"][0].update(language="xx_QQ"),
     'documents[0].language: "xx_QQ" is not a known locale'),
    (lambda d: d["documents"][0]["lines"][0].update(days=-3),
     "documents[0].lines[0].days: -3 is below 0."),
    (lambda d: d["payments"][0].update(recorded_at="yesterday"),
     'payments[0].recorded_at: "yesterday" is not a time written YYYY-MM-DDTHH:MM:SS.'),
])
def test_what_happened_is_checked_with_its_place_and_nothing_is_written(moved, db, change,
                                                                       problem):
    document = json.loads(as_written(moved))
    change(document)
    before = counts(db)
    with pytest.raises(ImportProblems) as refused:
        import_document(db, document, NOW)
    assert any(problem in told for told in refused.value.problems), refused.value.problems
    assert counts(db) == before


def test_an_audit_value_written_before_control_characters_were_refused_still_moves(desk, db):
    """Issue 19 review: the audit keeps what was; a bell in an old value (typed before text was
    checked) made such a site's export refuse to import. Only a NUL, which no server stores, is
    still refused."""
    with desk.write() as session:
        row = session.scalars(select(m.HistoryRow).where(m.HistoryRow.old_value.is_not(None))
                              .limit(1)).one()
        row.old_value = "Bell\x07 and tab\t kept"
    first = export(desk)
    import_document(db, json.loads(as_written(first)), NOW)
    assert as_written(export(db)) == as_written(first)
    assert any(h["old"] == "Bell\x07 and tab\t kept" for h in export(db)["history"])
