"""Bank statements (rule 30; `frontdesk bank import`): camt.053 001.02 and 001.08 built in code,
matched by document number and by IBAN and amount, partial and over-payments allocated by rule
21, a returned direct debit taking its payment back with the reason, an unknown payer waiting
for the operator, a statement imported twice changing nothing, a damaged file refused with one
sentence and nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from banking_world import ADA_IBAN, BOB_IBAN, banking_world, member_with_mandate
from camt_builder import Ntry, Tx, statement
from desktop.services.banking.camt import NotAStatement, read_statement
from desktop.services.banking.collection import CollectionService
from desktop.services.banking.mandates import MandateService
from desktop.services.banking.statements import StatementService
from desktop.services.errors import Refused
from desktop.services.payments import PaymentService
from desktop.storage import models as m


@pytest.fixture
def world():
    world = banking_world(date(2026, 3, 20))
    yield world
    world.db.dispose()


def imported(world, data: bytes):
    return StatementService(world.db, world.clock).import_entries(read_statement(data))


def lacking(world, member) -> list[int]:
    payments = PaymentService(world.db, world.clock)
    return [payments.standing(r.number).outstanding for r in world.invoices(member)]


def count(world, model) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def credit(world, member) -> int:
    with world.db.session() as session:
        return session.get(m.MemberRow, member).credit_balance


@pytest.mark.parametrize("version", ["02", "08"])
def test_a_credit_naming_a_document_number_pays_it(world, version):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    first, second = (r.number for r in world.invoices(ada))
    report = imported(world, statement([Ntry([Tx(20000, name="A. Lovelace",
                                                 iban="DE02120300000000202051",
                                                 remittance=f"Invoice {second}, thank you")],
                                             reference="E1")], version))
    assert (report.matched, report.returned, report.unmatched) == (1, 0, 0)
    assert lacking(world, ada) == [20000, 0]  # the one named, not the oldest
    payment, = world_payments(world)
    assert (payment.amount, payment.date, payment.reference) == (20000, date(2026, 3, 10), "E1")


def world_payments(world):
    with world.db.session() as session:
        return list(session.scalars(select(m.PaymentRow).order_by(m.PaymentRow.id)))


@pytest.mark.parametrize("version", ["02", "08"])
def test_without_a_number_the_amount_and_the_members_iban_match(world, version):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA", price=20000)
    bob = member_with_mandate(world, "Bob Byron", BOB_IBAN, "MNDT-BOB", price=15000)
    MandateService(world.db, world.clock).set_member_iban(bob, "DE02120300000000202051")
    report = imported(world, statement([
        Ntry([Tx(15000, iban="DE02 1203 0000 0000 2020 51", remittance="Desk rent")],
             reference="E1"),
        Ntry([Tx(20000, iban=ADA_IBAN, remittance="rent")], reference="E2"),  # the mandate's
        Ntry([Tx(12345, iban=ADA_IBAN, remittance="rent")], reference="E3"),  # no such amount
    ], version))
    assert [o.status for o in report.outcomes] == ["matched", "matched", "unmatched"]
    assert lacking(world, bob) == [0, 15000] and lacking(world, ada) == [0, 20000]


def test_a_partial_payment_and_an_overpayment_are_allocated_by_rule_21(world):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    first, second = (r.number for r in world.invoices(ada))
    imported(world, statement([Ntry([Tx(15000, remittance=first)], reference="E1")]))
    assert lacking(world, ada) == [5000, 20000] and credit(world, ada) == 0
    report = imported(world, statement([Ntry([Tx(30000, remittance=f"{first}")],
                                             reference="E2")]))
    # The named one's 50.00 first, then the oldest open one, then credit.
    assert lacking(world, ada) == [0, 0] and credit(world, ada) == 5000
    assert report.outcomes[0].detail.startswith(f"{first}, {second}")


def test_an_overpayment_of_the_only_open_document_becomes_credit(world):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA",
                              start=date(2026, 3, 1))
    number, = (r.number for r in world.invoices(ada))
    imported(world, statement([Ntry([Tx(25000, remittance=number)], reference="E1")]))
    assert lacking(world, ada) == [0] and credit(world, ada) == 5000


def test_a_returned_direct_debit_reverses_its_allocation_and_keeps_the_reason(world, tmp_path):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    first, second = (r.number for r in world.invoices(ada))
    CollectionService(world.db, world.clock).collect(tmp_path / "run.xml", date(2026, 3, 20),
                                                     date(2026, 3, 23))
    # The collection arrives as one batch booking, each transaction by its end-to-end id.
    imported(world, statement([Ntry([Tx(20000, end_to_end=first, reference="T1"),
                                     Tx(20000, end_to_end=second, reference="T2")],
                                    reference="BATCH-1")], statement_id="S1"))
    assert lacking(world, ada) == [0, 0] and len(world_payments(world)) == 2
    report = imported(world, statement([Ntry([Tx(20000, credit=False, end_to_end=second,
                                                 return_reason="AM04", iban=ADA_IBAN)],
                                             reference="R1")], statement_id="S2"))
    assert (report.returned, report.outcomes[0].detail) == (1, f"{second} AM04 Returned "
                                                                "direct debit")
    assert lacking(world, ada) == [0, 20000] and len(world_payments(world)) == 1
    with world.db.session() as session:
        entry = session.scalar(select(m.BankEntryRow).where(m.BankEntryRow.reference == "R1"))
        assert (entry.status, entry.reason) == ("returned", "AM04 Returned direct debit")
        assert session.scalar(select(m.BankEntryRow.payment_id)
                              .where(m.BankEntryRow.reference == "T2")) is None
    assert [h.field for h in world.history(entity="document")][-1] == "Direct debit returned"


def test_an_unknown_payer_waits_to_be_assigned_or_dismissed(world):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    report = imported(world, statement([
        Ntry([Tx(20000, name="Someone", iban="GB82WEST12345698765432",
                 remittance="for the desk")], reference="U1"),
        Ntry([Tx(999, name="Bank", remittance="interest")], reference="U2")]))
    assert report.unmatched == 2 and count(world, m.PaymentRow) == 0
    service = StatementService(world.db, world.clock)
    first, second = service.waiting()
    assert (first.name, first.iban, first.amount) == ("Someone", "GB82WEST12345698765432",
                                                      20000)
    changes = service.assign(first.id, ada)
    assert changes.touches_member(ada) and lacking(world, ada) == [0, 20000]
    service.dismiss(second.id)
    assert service.waiting() == []
    with pytest.raises(Refused, match="already dealt with"):
        service.assign(second.id, ada)


def test_the_same_statement_twice_changes_nothing(world):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    first, _second = (r.number for r in world.invoices(ada))
    data = statement([Ntry([Tx(20000, remittance=first)], reference="E1"),
                      Ntry([Tx(500, remittance="who?")]),  # no reference: its place
                      Ntry([Tx(100, remittance=first)], status="PDNG")])  # not booked
    report = imported(world, data)
    assert (report.matched, report.unmatched) == (1, 1)
    before = (count(world, m.PaymentRow), count(world, m.AllocationRow),
              count(world, m.BankEntryRow), count(world, m.HistoryRow))
    again = imported(world, data)
    assert again.outcomes == () and again.already == 2 and not again.changes
    assert before == (count(world, m.PaymentRow), count(world, m.AllocationRow),
                      count(world, m.BankEntryRow), count(world, m.HistoryRow))


@pytest.mark.parametrize("data, words", [
    (statement([Ntry([Tx(100)])])[:-40], "not readable XML"),
    (b"%PDF-1.7 not xml at all", "not readable XML"),
    (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08">'
     b"<CstmrDrctDbtInitn/></Document>", "not a camt.053 bank statement"),
    (statement([Ntry([Tx(100)])], version="04"), "version 001.04"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>',
     "declares a document type"),
    (statement([Ntry([Tx(100)], booked="2026-02-30")]), "entry 1 of statement"),
])
def test_a_damaged_file_or_not_camt_is_one_sentence(world, data, words):
    with pytest.raises(NotAStatement) as refused:
        read_statement(data, "march.xml")
    sentence = str(refused.value)
    assert words in sentence and sentence.startswith("march.xml") and sentence.endswith(".")
    assert "\n" not in sentence


@pytest.mark.parametrize("fee", [350, 0])
def test_a_return_adds_the_sites_return_fee_as_a_pending_charge(world, tmp_path, fee):
    """Rule 30 with rule 27: the fee waits as a charge for the member's next document; a site
    without one charges nothing."""
    from desktop.services.banking.mandates import MandateService
    from desktop.services.charges import ChargeService

    MandateService(world.db, world.clock).save_creditor("DE98ZZZ09999999999", fee)
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    first, _second = (r.number for r in world.invoices(ada))
    imported(world, statement([Ntry([Tx(20000, end_to_end=first)], reference="T1")]))
    report = imported(world, statement([Ntry([Tx(20000, credit=False, end_to_end=first,
                                                 return_reason="MD06")], reference="R1")],
                                       statement_id="S2"))
    charges = ChargeService(world.db, world.clock).of_member(ada)
    if fee:
        charge, = charges
        assert (charge.kind, charge.amount, charge.document, charge.tax_category) == (
            "return_fee", 350, None, "zero")
        assert charge.description == f"Returned direct debit {first}"
        assert report.changes.touches_transitions()
    else:
        assert charges == []
