"""Collection runs (rule 30; `frontdesk sepa collect`): one pain.008.001.08 file valid against
the schema sepaxml bundles, FRST then RCUR, the document number as end-to-end id and remittance
text, documents marked submitted (not paid) and never collected twice; refusals write
nothing."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from sqlalchemy import select

from banking_world import ADA_IBAN, BOB_IBAN, CREDITOR, banking_world, member_with_mandate
from desktop.services.banking.collection import CollectionService
from desktop.services.banking.mandates import MandateService
from desktop.services.errors import Refused
from desktop.services.payments import PaymentService
from desktop.storage import models as m
from desktop.storage.output_files import OutputRefused

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.008.001.08.xsd"


@pytest.fixture
def world():
    world = banking_world()
    yield world
    world.db.dispose()


def transactions(path: Path) -> list[tuple[str, str, str, str, str]]:
    """Each transaction: (sequence, end-to-end id, remittance, amount, mandate)."""
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(path))
    root = ET.parse(path).getroot()
    found = []
    for info in root.iterfind(".//p:PmtInf", NS):
        sequence = info.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS)
        assert info.findtext("p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == CREDITOR
        for tx in info.iterfind("p:DrctDbtTxInf", NS):
            found.append((sequence, tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
                          tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
                          tx.findtext("p:InstdAmt", namespaces=NS),
                          tx.findtext("p:DrctDbtTx/p:MndtRltdInf/p:MndtId", namespaces=NS)))
    return sorted(found)


def marks(world, member):
    return [(r.number, r.collection_submitted, r.collection_date, r.collection_mandate)
            for r in world.invoices(member)]


def test_a_run_collects_every_open_document_due_once_frst_then_rcur(world, tmp_path):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    bob = member_with_mandate(world, "Bob Byron", BOB_IBAN, "MNDT-BOB", price=15000)
    PaymentService(world.db, world.clock).record_for_member(bob, 5000)  # partly paid
    numbers = {m_: [r.number for r in world.invoices(m_)] for m_ in (ada, bob)}
    assert [len(n) for n in numbers.values()] == [2, 2]  # February and March
    service = CollectionService(world.db, world.clock)
    # Due by 5 March: February's invoices (due 11 February), not March's (due 11 March).
    preview = service.preview(date(2026, 3, 5), date(2026, 3, 9))
    run = service.collect(tmp_path / "run.xml", date(2026, 3, 5), date(2026, 3, 9))
    assert run.items == preview.items and run.total == 20000 + 10000
    assert transactions(tmp_path / "run.xml") == [
        ("FRST", numbers[ada][0], numbers[ada][0], "200.00", "MNDT-ADA"),
        ("FRST", numbers[bob][0], numbers[bob][0], "100.00", "MNDT-BOB")]
    assert marks(world, ada) == [(numbers[ada][0], date(2026, 3, 5), date(2026, 3, 9),
                                  "MNDT-ADA"), (numbers[ada][1], None, None, None)]
    # Submitted, not paid.
    assert PaymentService(world.db, world.clock).standing(numbers[ada][0]).outstanding == 20000
    # A second run by the same day collects nothing again and writes no file.
    again = service.collect(tmp_path / "again.xml", date(2026, 3, 5), date(2026, 3, 9))
    assert again.items == () and not (tmp_path / "again.xml").exists()
    # March's invoices later: RCUR on mandates that collected before.
    run = service.collect(tmp_path / "march.xml", date(2026, 3, 11), date(2026, 3, 12))
    assert [(t[0], t[1]) for t in transactions(tmp_path / "march.xml")] == [
        ("RCUR", numbers[ada][1]), ("RCUR", numbers[bob][1])]


def test_revoked_lapsed_and_mandateless_members_are_not_collected(world, tmp_path):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    bob = member_with_mandate(world, "Bob Byron", BOB_IBAN, "MNDT-BOB",
                              signed=date(2023, 3, 5))  # unused 36 months on 5 March 2026
    cy = world.member("Cy")
    world.contract(cy, world.plan("Cy's desk", 9000), date(2026, 2, 1))
    world.run_until(cy, world.clock.today())
    MandateService(world.db, world.clock).save(ada, reference="MNDT-ADA",
                                               signed=date(2026, 1, 20), debtor="Ada",
                                               iban=ADA_IBAN, status="revoked")
    run = CollectionService(world.db, world.clock).preview(date(2026, 3, 31), date(2026, 4, 1))
    assert run.items == ()
    assert not MandateService(world.db, world.clock).mandate(bob).usable


@pytest.mark.parametrize("undo, words", [
    (lambda w: MandateService(w.db, w.clock).save_creditor("", 0), "creditor identifier"),
    (lambda w: _site(w, iban=""), "name and IBAN"),
    (lambda w: _site(w, currency="GBP"), "euros"),
])
def test_a_site_that_cannot_collect_is_refused_with_nothing_written(world, tmp_path, undo,
                                                                    words):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    undo(world)
    with pytest.raises(Refused, match=words):
        CollectionService(world.db, world.clock).collect(tmp_path / "run.xml",
                                                         date(2026, 3, 5), date(2026, 3, 9))
    assert os.listdir(tmp_path) == [] and all(r[1] is None for r in marks(world, ada))


def test_a_collection_day_not_after_today_is_refused(world, tmp_path):
    member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    with pytest.raises(Refused, match="after today"):
        CollectionService(world.db, world.clock).collect(tmp_path / "run.xml",
                                                         date(2026, 3, 5), date(2026, 3, 5))
    assert os.listdir(tmp_path) == []


def test_a_file_that_cannot_be_written_leaves_no_mark(world, tmp_path):
    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    with pytest.raises(OutputRefused):
        CollectionService(world.db, world.clock).collect(tmp_path / "missing" / "run.xml",
                                                         date(2026, 3, 5), date(2026, 3, 9))
    assert all(r[1] is None for r in marks(world, ada))


def _site(world, **changes):
    from dataclasses import replace

    from desktop.services.settings import SettingsService

    settings = SettingsService(world.db, world.clock)
    settings.save(replace(settings.get(), **changes))


def test_the_collection_mark_goes_through_the_document_and_back(world, tmp_path):
    import copy
    from datetime import datetime

    from desktop.services.exchange.export import export_document
    from desktop.services.exchange.importer import import_document
    from desktop.storage.database import open_database

    member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    CollectionService(world.db, world.clock).collect(tmp_path / "run.xml", date(2026, 3, 5),
                                                     date(2026, 3, 9))
    with world.db.session() as session:
        document = export_document(session)
    assert document["documents"][0]["collection"] == {
        "submitted": "2026-03-05", "on": "2026-03-09", "mandate": "MNDT-ADA"}
    other = open_database("sqlite://", now=datetime(2026, 3, 5))
    import_document(other, copy.deepcopy(document), datetime(2026, 3, 5, 9))
    with other.session() as session:
        assert export_document(session) == document
        assert session.scalar(select(m.InvoiceRow.collection_mandate)
                              .where(m.InvoiceRow.collection_mandate.is_not(None))) == "MNDT-ADA"
    other.dispose()


def test_the_document_carries_the_pre_notification(world, tmp_path, qapp):
    """Rule 30: amount, day, mandate reference and creditor id on the document, before the run
    (the due date) and after it (the collection day); no transfer request, no payment code."""
    from desktop.documents.invoice_layout import epc_payload_wanted, invoice_document
    from desktop.i18n.formatting import Formatter
    from desktop.services.documents import DocumentService

    ada = member_with_mandate(world, "Ada Lovelace", ADA_IBAN, "MNDT-ADA")
    first, second = (r.number for r in world.invoices(ada))
    CollectionService(world.db, world.clock).collect(tmp_path / "run.xml", date(2026, 3, 5),
                                                     date(2026, 3, 9))
    documents = DocumentService(world.db, world.clock)
    fmt = Formatter("en_IE", "EUR")
    for number, day in ((first, "9 Mar 2026"), (second, "11 Mar 2026")):
        doc = documents.invoice(number)
        text = invoice_document(doc, fmt).toPlainText()
        assert (f"We will collect €200.00 by SEPA direct debit on {day} from IBAN {ADA_IBAN}, "
                f"mandate MNDT-ADA, creditor identifier {CREDITOR}.") in " ".join(text.split())
        assert "Please transfer" not in text and not epc_payload_wanted(doc)
    PaymentService(world.db, world.clock).record(first, 20000)
    assert documents.invoice(first).direct_debit is None  # paid: nothing left to collect
