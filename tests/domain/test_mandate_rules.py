"""SEPA mandates and the creditor identifier (rule 30 in docs/billing-rules.md): the
reference's length and characters, signature, debtor, IBAN check digits, the 36-month lapse and
FRST/RCUR."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.direct_debit import mandates as rules
from desktop.domain.direct_debit.mandates import Mandate

TODAY = date(2026, 3, 1)
GOOD = Mandate("MNDT-2026-0001", date(2026, 1, 15), "Ada Lovelace", "DE89370400440532013000")


def fields(mandate: Mandate, **kw) -> list[str]:
    return [p.field for p in rules.mandate_problems(mandate, TODAY, **kw)]


def test_a_good_mandate_has_no_problem():
    assert fields(GOOD) == []


@pytest.mark.parametrize("reference", ["", "X" * 36, "MNDT_1", "MNDT//1", "/MNDT", "MNDT/",
                                       "MÄNDAT"])
def test_a_reference_outside_35_sepa_characters_is_refused(reference):
    assert fields(Mandate(reference, GOOD.signed, GOOD.debtor, GOOD.iban)) == ["reference"]


def test_a_reference_of_35_sepa_characters_is_kept():
    assert fields(Mandate("A1/-?:().,'+ " + "Z" * 22, GOOD.signed, GOOD.debtor,
                          GOOD.iban)) == []


def test_a_reference_taken_is_refused_with_its_name():
    problem, = rules.mandate_problems(GOOD, TODAY, taken=True)
    assert problem.field == "reference" and "MNDT-2026-0001" in str(problem.message)


def test_iban_check_digits_signature_debtor_and_status_are_checked():
    bad = Mandate("M1", date(2026, 3, 2), "", "DE89370400440532013001", "paused")
    assert fields(bad) == ["signed", "debtor", "iban", "status"]
    assert "DE89370400440532013001" in str(rules.mandate_problems(bad, TODAY)[2].message)


def test_a_mandate_lapses_36_months_after_its_last_collection_or_signature():
    assert rules.lapses_on(GOOD) == date(2029, 1, 15)
    used = Mandate(**{**GOOD.__dict__, "last_collected": date(2027, 2, 28)})
    assert rules.lapses_on(used) == date(2030, 2, 28)
    assert rules.usable(GOOD, date(2029, 1, 14)) and not rules.usable(GOOD, date(2029, 1, 15))
    revoked = Mandate(**{**GOOD.__dict__, "status": rules.REVOKED})
    assert not rules.usable(revoked, TODAY)


def test_the_first_collection_is_frst_and_every_later_one_rcur():
    assert rules.sequence(GOOD) == "FRST"
    assert rules.sequence(Mandate(**{**GOOD.__dict__, "last_collected": TODAY})) == "RCUR"


def test_the_creditor_identifier_is_checked_with_its_iso_7064_digits():
    assert rules.creditor_id_problem("DE98ZZZ09999999999") is None
    assert rules.creditor_id_problem("de98 zzz 0999 9999 999") is None
    assert rules.creditor_id_problem("") is None
    assert "DE99ZZZ09999999999" in str(rules.creditor_id_problem("DE99ZZZ09999999999"))
