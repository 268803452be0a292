"""Mandates, the member's IBAN and the creditor identifier through the service and the
frontdesk/2 document (rule 30; docs/exchange-format.md): saved, refused with one sentence and
nothing written, exported and imported back, refused on import with their place."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop.services.banking.mandates import MandateService
from desktop.services.errors import ValidationError
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.services.exchange.values import ImportProblems
from desktop.storage import models as m
from desktop.storage.database import open_database
from service_builders import World

TODAY = date(2026, 3, 1)
IBAN = "DE89370400440532013000"
CREDITOR = "DE98ZZZ09999999999"


@pytest.fixture
def world():
    world = World(TODAY)
    yield world
    world.db.dispose()


def rows(world, model) -> int:
    with world.db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_mandate_is_saved_audited_and_read_back_with_its_lapse(world):
    member = world.member("Ada Lovelace")
    service = MandateService(world.db, world.clock)
    changes = service.save(member, reference=" MNDT-1 ", signed=date(2026, 1, 15),
                           debtor="Ada  Lovelace", iban="de89 3704 0044 0532 0130 00")
    assert changes.touches_member(member)
    view = service.mandate(member)
    assert (view.mandate.reference, view.mandate.debtor, view.mandate.iban) == (
        "MNDT-1", "Ada Lovelace", IBAN)
    assert view.usable and view.lapses_on == date(2029, 1, 15)
    assert [h.field for h in world.history(entity="mandate")] == [
        "Mandate reference", "Mandate signed", "Mandate debtor", "Mandate IBAN",
        "Mandate status"]
    service.save(member, reference="MNDT-1", signed=date(2026, 1, 15), debtor="Ada Lovelace",
                 iban=IBAN, status="revoked")
    assert not service.mandate(member).usable and rows(world, m.MandateRow) == 1


@pytest.mark.parametrize("given, field, words", [
    (dict(reference="M" * 36), "reference", "at most 35 characters"),
    (dict(reference="TAKEN-1"), "reference", "already another member's"),
    (dict(iban="DE89370400440532013001"), "iban", "not a valid IBAN"),
    (dict(signed=date(2026, 3, 2)), "signed", "after today"),
    (dict(debtor=" "), "debtor", "debtor's name"),
])
def test_a_bad_mandate_is_refused_with_one_sentence_and_nothing_written(world, given, field,
                                                                        words):
    other, member = world.member("Other"), world.member("Ada")
    service = MandateService(world.db, world.clock)
    service.save(other, reference="TAKEN-1", signed=date(2026, 1, 1), debtor="Other", iban=IBAN)
    values = dict(reference="MNDT-2", signed=date(2026, 1, 15), debtor="Ada", iban=IBAN)
    with pytest.raises(ValidationError) as refused:
        service.save(member, **{**values, **given})
    assert [p.field for p in refused.value.problems] == [field]
    assert words in str(refused.value) and str(refused.value).count(".") >= 1
    assert service.mandate(member) is None and rows(world, m.MandateRow) == 1


def test_the_creditor_id_is_checked_and_kept_compact(world):
    service = MandateService(world.db, world.clock)
    with pytest.raises(ValidationError, match="not a valid SEPA creditor identifier"):
        service.save_creditor("DE99ZZZ09999999999", 0)
    assert service.creditor().creditor_id == ""
    service.save_creditor("de98 zzz 09999999999", 350)
    assert (service.creditor().creditor_id, service.creditor().return_fee) == (CREDITOR, 350)


def test_the_members_iban_is_checked(world):
    member = world.member("Ada")
    service = MandateService(world.db, world.clock)
    with pytest.raises(ValidationError, match="not a valid IBAN"):
        service.set_member_iban(member, "NL91ABNA0417164301")
    service.set_member_iban(member, "nl91 abna 0417 1643 00")
    assert service.member_iban(member) == "NL91ABNA0417164300"


def filled(world) -> dict:
    member = world.member("Ada Lovelace", "ada@example.org")
    world.member("Bob", "bob@example.org")
    service = MandateService(world.db, world.clock)
    service.save(member, reference="MNDT-1", signed=date(2026, 1, 15), debtor="Ada Lovelace",
                 iban=IBAN)
    service.set_member_iban(member, "NL91ABNA0417164300")
    service.save_creditor(CREDITOR, 350)
    with world.db.session() as session:
        return export_document(session)


def test_mandates_iban_and_creditor_id_go_through_the_document_and_back(world):
    document = filled(world)
    ada, bob = document["members"]
    assert ada["iban"] == "NL91ABNA0417164300" and bob == {**bob, "iban": "", "mandate": None}
    assert ada["mandate"] == {"reference": "MNDT-1", "signed": "2026-01-15",
                              "debtor": "Ada Lovelace", "iban": IBAN, "status": "active"}
    assert (document["settings"]["creditor_id"], document["settings"]["return_fee"]) == (
        CREDITOR, 350)
    other = open_database("sqlite://", now=datetime(2026, 3, 1))
    import_document(other, copy.deepcopy(document), datetime(2026, 3, 1, 9))
    with other.session() as session:
        assert export_document(session) == document
    other.dispose()


@pytest.mark.parametrize("change, place", [
    (lambda d: d["members"][0]["mandate"].update(reference="X" * 36),
     "members[0].mandate.reference"),
    (lambda d: d["members"][1].update(mandate=dict(d["members"][0]["mandate"])),
     "members[1].mandate.reference"),
    (lambda d: d["members"][0]["mandate"].update(iban="DE89370400440532013001"),
     "members[0].mandate.iban"),
    (lambda d: d["members"][0].update(iban="DE00"), "members[0].iban"),
    (lambda d: d["settings"].update(creditor_id="DE99ZZZ09999999999"), "settings.creditor_id"),
])
def test_a_bad_mandate_or_creditor_id_in_a_document_is_refused_with_its_place(world, change,
                                                                              place):
    document = filled(world)
    change(document)
    other = open_database("sqlite://", now=datetime(2026, 3, 1))
    with pytest.raises(ImportProblems) as refused:
        import_document(other, document, datetime(2026, 3, 1, 9))
    assert any(problem.startswith(place + ":") for problem in refused.value.problems)
    with other.session() as session:
        assert session.scalar(select(func.count()).select_from(m.MemberRow)) == 0
    other.dispose()
