"""`frontdesk invoices einvoice OUT-DIR [--issued D] [--number N] [--format …]`
(docs/exchange-format.md, rule 28): a day's invoices and credit notes as EN 16931 e-invoices
named by number, deposit documents left out; a document that cannot be one stops the command
with one sentence naming what is missing, exit 2, nothing written."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf

from cli_calls import copied, made_demo, one_sentence, run
from desktop import cli
from einvoice_checks import failed_assertions, schema_errors


@pytest.fixture(autouse=True)
def no_database_in_the_environment(monkeypatch):
    monkeypatch.delenv(cli.ENVIRONMENT, raising=False)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return made_demo(tmp_path_factory, members=12)


@pytest.fixture
def desk(demo_file, tmp_path) -> str:
    return str(copied(demo_file, tmp_path))


def _busiest_day(database: str) -> tuple[str, list[str], list[str]]:
    """The day most documents were issued on: its invoices and credit notes, and its
    deposit documents."""
    with closing(sqlite3.connect(database)) as conn:
        (day,) = conn.execute("SELECT issue_date FROM invoices GROUP BY issue_date "
                              "ORDER BY count(*) DESC LIMIT 1").fetchone()
        rows = conn.execute("SELECT number, type FROM invoices WHERE issue_date = ?",
                            (day,)).fetchall()
    return (day, [n for n, t in rows if t in ("invoice", "credit_note")],
            [n for n, t in rows if t not in ("invoice", "credit_note")])


def _complete(database: str) -> None:
    """What the operator fills in: the site's parts, VAT id, contact, exemption reason; every
    member's address parts and buyer reference."""
    with closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("UPDATE settings SET site_name = 'Harbour Desk', vat_id = 'IE6388047V', "
                     "address_street = '12 Quay Street', address_postcode = 'H91 X2Y3', "
                     "address_city = 'Galway', address_country = 'IE', "
                     "contact_name = 'Desk', contact_phone = '+353 91 1', "
                     "contact_email = 'desk@example.ie', iban = 'IE29AIBK93115212345678', "
                     "exemption_reason = 'Letting of property, exempt'")
        conn.execute("UPDATE members SET address_street = 'Shop Street 1', "
                     "address_postcode = 'H91 A1B2', address_city = 'Galway', "
                     "address_country = 'IE', buyer_reference = 'PO-1'")


def test_a_document_without_what_an_e_invoice_needs_is_exit_2_and_nothing_written(
        desk, tmp_path, capsys):
    day, numbers, _deposits = _busiest_day(desk)
    folder = tmp_path / "out"
    code, out, err = run(["invoices", "einvoice", str(folder), "--issued", day, "--db", desk],
                         capsys)
    assert code == 2 and out == ""
    sentence = one_sentence(err)
    assert sentence.startswith(f"{numbers[0]} cannot be an e-invoice: the site has no name "
                               "(Preferences); the site's address has no street, postcode, "
                               "city, country (Preferences)")
    assert f"({len(numbers) - 1} more documents cannot either); nothing was written." in sentence
    assert not folder.exists()


@pytest.mark.parametrize("kind", ["facturx", "ubl", "xrechnung"])
def test_a_days_e_invoices_are_written_named_by_number_without_deposits(
        desk, tmp_path, capsys, kind):
    _complete(desk)
    day, numbers, deposits = _busiest_day(desk)
    assert deposits  # the day has some, and they are left out
    folder = tmp_path / "out"
    argv = ["invoices", "einvoice", str(folder), "--issued", day, "--db", desk]
    code, out, err = run(argv + ([] if kind == "facturx" else ["--format", kind]), capsys)
    assert (code, err) == (0, "")
    suffix = ".pdf" if kind == "facturx" else ".xml"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}{suffix}" for n in numbers)
    assert out.splitlines()[-1] == f"Wrote {len(numbers)} {kind} e-invoices to {folder}."
    for path in sorted(folder.iterdir())[:4]:
        xml = path.read_bytes()
        if kind == "facturx":
            name, xml = get_xml_from_pdf(xml, check_xsd=False)
            assert name == "factur-x.xml"
        assert schema_errors(xml) == [] and failed_assertions(xml) == []


def test_a_deposit_document_by_number_is_refused(desk, tmp_path, capsys):
    _complete(desk)
    _day, _numbers, deposits = _busiest_day(desk)
    folder = tmp_path / "out"
    code, _out, err = run(["invoices", "einvoice", str(folder), "--number", deposits[0],
                           "--db", desk], capsys)
    assert code == 2
    assert one_sentence(err) == (f"{deposits[0]} is a deposit document: deposits are not "
                                 "supplies and are never e-invoices; nothing was written.")
    assert not folder.exists()


def test_an_unknown_format_is_refused_by_the_parser(desk, tmp_path, capsys):
    code, _out, err = run(["invoices", "einvoice", str(tmp_path), "--format", "pdf",
                           "--db", desk], capsys)
    assert code == 2 and "invalid choice: 'pdf'" in err
