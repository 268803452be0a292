"""Every public worked example of docs/billing-rules.md#worked-examples, as a frontdesk/1 document:
import, sweep, export."""

from __future__ import annotations

from datetime import date, datetime

from desktop.services.clock import FixedClock
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.sweep.service import SweepService

MEMBER = "ada@example.org"


def document(plans: list[dict], contracts: list[dict], invoices: list[dict] = (),
             credit_balance: int = 0) -> dict:
    return {"format": "frontdesk/1",
            "settings": {"currency": "EUR", "locale": "en_IE", "tax_rate": "0",
                         "billing_day": None},
            "plans": plans,
            "members": [{"email": MEMBER, "name": "Ada Lovelace",
                         "credit_balance": credit_balance}],
            "contracts": [{"member": MEMBER, **c} for c in contracts],
            "invoices": list(invoices)}


def plan(name: str, price: int, frequency: str = "1 month") -> dict:
    return {"name": name, "price": price, "frequency": frequency}


def swept(db, doc: dict, as_of: date) -> dict:
    """Import into the empty database, sweep up to as_of, export."""
    import_document(db, doc, datetime(2024, 1, 1, 9))
    SweepService(db, FixedClock(as_of)).apply_due(as_of)
    with db.session() as session:
        return export_document(session)


def lines(exported: dict) -> list[tuple]:
    return [(i["billing_date"], line["kind"], line["period_start"], line["period_end"],
             line["amount"]) for i in exported["documents"] for line in i["lines"]]


def test_monthly_anchor_on_the_31st(db):
    """Boundaries 01-31, 02-29, 03-31, 04-30, 05-31."""
    doc = document([plan("Desk", 10000)],
                   [{"id": "a", "plan": "Desk", "start_date": "2024-01-31"}])
    exported = swept(db, doc, date(2024, 5, 31))
    assert [i["billing_date"] for i in exported["documents"]] == [
        "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    assert [(s, e) for _, _, s, e, _ in lines(exported)][:4] == [
        ("2024-01-31", "2024-02-29"), ("2024-02-29", "2024-03-31"),
        ("2024-03-31", "2024-04-30"), ("2024-04-30", "2024-05-31")]
    assert exported["contracts"][0]["next_invoice_date"] == "2024-06-30"


def test_every_three_months_from_the_30th_of_november(db):
    """2025-02-28, 2025-05-30, 2025-08-30."""
    doc = document([plan("Office", 90000, "3 months")],
                   [{"id": "a", "plan": "Office", "start_date": "2024-11-30"}])
    exported = swept(db, doc, date(2025, 8, 30))
    assert [i["billing_date"] for i in exported["documents"]] == [
        "2024-11-30", "2025-02-28", "2025-05-30", "2025-08-30"]


def test_prorated_last_invoice_of_a_month(db):
    """30000/month, period [2024-03-15, 04-15), cancel 03-25, prorate last: 9677."""
    doc = document([plan("Desk", 30000)],
                   [{"id": "a", "plan": "Desk", "start_date": "2024-03-15",
                     "cancellation_date": "2024-03-25", "prorate_last_invoice": True}])
    exported = swept(db, doc, date(2024, 4, 30))
    assert lines(exported) == [("2024-03-15", "plan", "2024-03-15", "2024-03-25", 9677)]
    assert exported["contracts"][0]["status"] == "cancelled"


def test_new_term_with_a_prorated_first_invoice(db):
    """New term 2024-03-20, anchor day 1, 31000/month, prorate first: 12000, then 31000 on 04-01."""
    doc = document([plan("Old desk", 20000), plan("Office", 31000)], [
        {"id": "old", "plan": "Old desk", "start_date": "2024-01-01",
         "next_invoice_date": None, "cancellation_date": "2024-03-20"},
        {"id": "new", "plan": "Office", "start_date": "2024-03-20",
         "billing_anchor": "2024-01-01", "prorate_first_invoice": True, "predecessor": "old"}])
    exported = swept(db, doc, date(2024, 4, 1))
    assert lines(exported) == [("2024-03-20", "plan", "2024-03-20", "2024-04-01", 12000),
                               ("2024-04-01", "plan", "2024-04-01", "2024-05-01", 31000)]
    assert exported["contracts"][1]["predecessor"] == "old"  # docs/exchange-format.md: ids survive


def _change_now(old_price: int, new_price: int) -> dict:
    """Paid old_price for April; on 04-11: cancel with prorated last, new term from 04-11."""
    doc = document(
        [plan("Before", old_price), plan("After", new_price)],
        [{"id": "a", "plan": "Before", "start_date": "2024-03-01",
          "next_invoice_date": "2024-05-01", "cancellation_date": "2024-04-11",
          "prorate_last_invoice": True},
         {"id": "b", "plan": "After", "start_date": "2024-04-11", "billing_anchor": "2024-03-01",
          "prorate_first_invoice": True, "predecessor": "a"}],
        [{"number": "INV-000001", "member": MEMBER, "issue_date": "2024-04-01",
          "subtotal": old_price, "tax": 0, "total": old_price, "amount_due": old_price,
          "lines": [{"kind": "plan", "description": "Before", "contract": "a",
                     "period_start": "2024-04-01", "period_end": "2024-05-01",
                     "amount": old_price}]}])
    # Paid: an unpaid April would take the credit of a cheaper plan at once (rule 22).
    doc["payments"] = [{"invoice": "INV-000001", "date": "2024-04-01", "amount": old_price}]
    return doc


def test_change_now_to_a_dearer_plan(db):
    """Paid 20000 for April, change now on 04-11 to 50000: -13333, charge 33333, pay 20000."""
    exported = swept(db, _change_now(20000, 50000), date(2024, 4, 11))
    invoice = exported["documents"][-1]
    assert [(ln["kind"], ln["amount"]) for ln in invoice["lines"]] == [("unused", -13333),
                                                                    ("plan", 33333)]
    assert (invoice["number"], invoice["amount_due"]) == ("INV-000002", 20000)
    assert exported["members"][0]["credit_balance"] == 0


def test_change_now_to_a_cheaper_plan(db):
    """Paid 50000 for April, change now on 04-11 to 5000: -33333, charge 3333, credit 30000."""
    exported = swept(db, _change_now(50000, 5000), date(2024, 4, 11))
    invoice = exported["documents"][-1]
    assert [(ln["kind"], ln["amount"]) for ln in invoice["lines"]] == [("unused", -33333),
                                                                    ("plan", 3333)]
    assert (invoice["total"], invoice["amount_due"]) == (-30000, 0)
    assert exported["members"][0]["credit_balance"] == 30000


def test_weekly_plan_with_a_prorated_last_week(db):
    """Weekly 7000, week [2024-06-03, 06-10), cancel 06-06, prorate last: 3000."""
    doc = document([plan("Week desk", 7000, "1 week")],
                   [{"id": "a", "plan": "Week desk", "start_date": "2024-06-03",
                     "cancellation_date": "2024-06-06"}])
    exported = swept(db, doc, date(2024, 6, 30))
    assert lines(exported) == [("2024-06-03", "plan", "2024-06-03", "2024-06-06", 3000)]


def test_yearly_plan_with_a_prorated_last_invoice(db):
    """Yearly 365000, [2024-03-01, 2025-03-01), cancel 2024-09-01, prorate last: 184000."""
    doc = document([plan("Yearly desk", 365000, "1 year")],
                   [{"id": "a", "plan": "Yearly desk", "start_date": "2024-03-01",
                     "cancellation_date": "2024-09-01"}])
    exported = swept(db, doc, date(2025, 3, 1))
    assert lines(exported) == [("2024-03-01", "plan", "2024-03-01", "2024-09-01", 184000)]


def _with_locker(start: str) -> dict:
    return document([plan("Desk", 30000), {**plan("Locker", 2500), "kind": "addon"}],
                    [{"id": "c1", "plan": "Desk", "start_date": "2025-01-01",
                      "addons": [{"name": "Locker", "start_date": start}]}])


def test_rule_16_an_imported_addon_is_not_billed_before_its_start_date(db):
    """Locker from 2025-03-10, invoiced monthly from 2025-01-01: nothing in January or February;
    March bills [03-10, 04-01), 2500 × 22/31 = 1774."""
    exported = swept(db, _with_locker("2025-03-10"), date(2025, 4, 1))
    assert [entry for entry in lines(exported) if entry[1] == "addon"] == [
        ("2025-03-01", "addon", "2025-03-10", "2025-04-01", 1774),
        ("2025-04-01", "addon", "2025-04-01", "2025-05-01", 2500)]


def test_rule_16_an_imported_addon_starting_mid_period_is_prorated_from_its_start(db):
    """Locker from 2025-01-15: 2500 × 17/31 = 1371 for [01-15, 02-01), not the whole month."""
    exported = swept(db, _with_locker("2025-01-15"), date(2025, 1, 31))
    assert lines(exported) == [("2025-01-01", "plan", "2025-01-01", "2025-02-01", 30000),
                               ("2025-01-01", "addon", "2025-01-15", "2025-02-01", 1371)]


def test_contract_ids_of_the_document_survive_import_sweep_export(db):
    """docs/exchange-format.md: "c1" stays "c1", in the contract, its lines and the term that
    follows it."""
    doc = _with_locker("2025-01-01")
    doc["contracts"][0]["cancellation_date"] = "2025-02-01"
    doc["contracts"].append({"member": MEMBER, "id": "c2", "plan": "Desk",
                             "start_date": "2025-02-01", "predecessor": "c1"})
    exported = swept(db, doc, date(2025, 2, 1))
    assert [(c["id"], c["predecessor"]) for c in exported["contracts"]] == [
        ("c1", None), ("c2", "c1")]
    assert {line["contract"] for i in exported["documents"] for line in i["lines"]} == {"c1", "c2"}


def test_rule_11_a_missing_anchor_follows_the_site_billing_day_and_the_predecessor(db):
    """Billing day 1: a contract from 2025-01-15 is anchored on 01-01 (first invoice 17/31 of
    31000 = 17000); its new term from 2025-03-10 keeps that anchor (22/31 = 22000)."""
    doc = document([plan("Desk", 31000)], [
        {"id": "a", "plan": "Desk", "start_date": "2025-01-15", "billing_anchor": None,
         "cancellation_date": "2025-03-10"},
        {"id": "b", "plan": "Desk", "start_date": "2025-03-10", "predecessor": "a"}])
    doc["settings"]["billing_day"] = 1
    exported = swept(db, doc, date(2025, 4, 1))
    assert [c["billing_anchor"] for c in exported["contracts"]] == ["2025-01-01", "2025-01-01"]
    assert lines(exported) == [
        ("2025-01-15", "plan", "2025-01-15", "2025-02-01", 17000),
        ("2025-02-01", "plan", "2025-02-01", "2025-03-01", 31000),
        ("2025-03-01", "plan", "2025-03-01", "2025-03-10", 9000),
        ("2025-03-10", "plan", "2025-03-10", "2025-04-01", 22000),
        ("2025-04-01", "plan", "2025-04-01", "2025-05-01", 31000)]


def test_rule_15_an_upgrade_by_next_plan_collects_the_deposit_on_the_switch(db):
    """Hot desk (no deposit) → Dedicated desk (deposit 35000) as next plan on 2025-02-01."""
    doc = document([plan("Hot desk", 20000), {**plan("Dedicated desk", 35000), "deposit": 35000}],
                   [{"id": "a", "plan": "Hot desk", "next_plan": "Dedicated desk",
                     "start_date": "2025-01-01", "next_invoice_date": "2025-02-01"}])
    exported = swept(db, doc, date(2025, 3, 1))
    assert [(day, kind, amount) for day, kind, _, _, amount in lines(exported)] == [
        ("2025-02-01", "plan", 35000), ("2025-02-01", "deposit", 35000),
        ("2025-03-01", "plan", 35000)]
    assert exported["members"][0]["deposit_held"] == 35000
