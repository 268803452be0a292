"""Reading a camt.053 bank statement (ISO 20022 BkToCstmrStmt, versions 001.02 and 001.08) into
the entries rule 30 matches.

The file is parsed with defusedxml: a document type declaration, an entity or an external
reference is refused before anything is read (a statement never holds one). Elements are found
by their local names, the same in both versions where the versions agree; where they differ
(a transaction's amount under `AmtDtls/TxAmt` in 001.02 and directly under `TxDtls` in 001.08, a
party's name under `Pty` in 001.08, the entry status as a code in 001.08) both places are read.
Only booked entries count. Each transaction of an entry (a batch booking holds several) is one
`Entry`, referenced by the bank's own reference for it (`AcctSvcrRef`), else the entry's with
its position, else the statement's id with both positions: the same statement read twice gives
the same references. A credit is money in; a debit counts only as a returned direct debit
(return information or the reversal indicator), with the bank's reason code and words.

Anything that is not such a statement, or is damaged, is `NotAStatement` with one sentence.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from desktop.domain.direct_debit.mandates import compact_iban
from desktop.domain.direct_debit.matching import Entry
from desktop.domain.limits import BadValue
from desktop.domain.money import parse_amount
from desktop.i18n import _

VERSIONS = ("02", "08")
_NAMESPACE = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)\}Document")
MAX_BYTES = 50 * 1024 * 1024  # far above a year of a desk's statements


class NotAStatement(Exception):
    """The file is not a camt.053 statement Frontdesk reads, or is damaged; one sentence."""


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if _local(child) == name]


def _find(element: Element | None, path: str) -> Element | None:
    for name in path.split("/"):
        found = _children(element, name)
        element = found[0] if found else None
        if element is None:
            return None
    return element


def _text(element: Element | None, path: str) -> str:
    found = _find(element, path)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_statement_file(path: Path) -> list[Entry]:
    """The entries of the statement in the file; NotAStatement (one sentence) otherwise."""
    name = Path(path).name
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise NotAStatement(_("{name} does not exist.").format(name=name)) from None
    except OSError as exc:
        raise NotAStatement(_("{name} cannot be read ({why}).").format(
            name=name, why=(exc.strerror or "").lower() or type(exc).__name__)) from None
    if len(data) > MAX_BYTES:
        raise NotAStatement(_("{name} is too large to be a bank statement; nothing was "
                              "imported.").format(name=name))
    return read_statement(data, name)


def read_statement(data: bytes, name: str = "The file") -> list[Entry]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise NotAStatement(_("{name} declares a document type or entities, which a bank "
                              "statement never does; nothing was imported.").format(
            name=name)) from None
    except (ParseError, ValueError):
        raise NotAStatement(_("{name} is not a camt.053 bank statement: it is not readable "
                              "XML (damaged or cut short); nothing was imported.").format(
            name=name)) from None
    found = _NAMESPACE.fullmatch(root.tag)
    if found is None or _find(root, "BkToCstmrStmt") is None:
        raise NotAStatement(_("{name} is not a camt.053 bank statement; nothing was "
                              "imported.").format(name=name))
    if found.group(1) not in VERSIONS:
        raise NotAStatement(_("{name} is a camt.053 statement of version 001.{version}; "
                              "Frontdesk reads versions 001.02 and 001.08. Nothing was "
                              "imported.").format(name=name, version=found.group(1)))
    entries = []
    for s, statement in enumerate(_children(_find(root, "BkToCstmrStmt"), "Stmt")):
        statement_id = _text(statement, "Id") or f"statement {s + 1}"
        for n, entry in enumerate(_children(statement, "Ntry")):
            try:
                entries += _entries(statement_id, n, entry)
            except (BadValue, ValueError):
                raise NotAStatement(_("{name} is damaged: entry {number} of statement {id} has "
                                      "no readable amount or booking date; nothing was "
                                      "imported.").format(name=name, number=n + 1,
                                                          id=statement_id)) from None
    return entries


def _amount(element: Element | None) -> int:
    if element is None:
        raise ValueError("no amount")
    amount = parse_amount(element.text or "", element.get("Ccy") or "EUR")
    if amount <= 0:
        raise ValueError("not positive")
    return amount


def _transaction_amount(entry: Element, tx: Element, count: int) -> Element | None:
    """A transaction's own amount (001.08 `Amt`, 001.02 `AmtDtls/TxAmt/Amt`), or the entry's
    when it is the entry's one transaction. (An Element without children is false: hence the
    explicit None tests.)"""
    if tx is entry:
        return _find(entry, "Amt")
    for path in ("Amt", "AmtDtls/TxAmt/Amt"):
        if (found := _find(tx, path)) is not None:
            return found
    return _find(entry, "Amt") if count == 1 else None


def _status(entry: Element) -> str:
    return _text(entry, "Sts/Cd") or _text(entry, "Sts")


def _party(tx: Element, role: str) -> tuple[str, str]:
    name = _text(tx, f"RltdPties/{role}/Pty/Nm") or _text(tx, f"RltdPties/{role}/Nm")
    return name, compact_iban(_text(tx, f"RltdPties/{role}Acct/Id/IBAN"))


def _entries(statement_id: str, position: int, entry: Element) -> list[Entry]:
    if _status(entry) not in ("BOOK", ""):
        return []  # pending or for information: not money yet
    booked = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10]
    day = date.fromisoformat(booked)
    credit = _text(entry, "CdtDbtInd") == "CRDT"
    reversal = _text(entry, "RvslInd").lower() == "true"
    reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    details = [tx for block in _children(entry, "NtryDtls") for tx in _children(block, "TxDtls")]
    if not details:
        details = [entry]
    read = []
    for index, tx in enumerate(details):
        amount = _amount(_transaction_amount(entry, tx, len(details)))
        tx_credit = (_text(tx, "CdtDbtInd") or ("CRDT" if credit else "DBIT")) == "CRDT"
        returned = not tx_credit and (reversal or _find(tx, "RtrInf") is not None)
        if not tx_credit and not returned:
            continue  # money out that is no returned direct debit: not the desk's to match
        own = _text(tx, "Refs/AcctSvcrRef") if tx is not entry else ""
        key = own or (f"{reference}/{index + 1}" if reference and len(details) > 1 else
                      reference) or f"{statement_id}/{position + 1}/{index + 1}"
        name, iban = _party(tx, "Dbtr")
        if not name and not iban:
            name, iban = _party(tx, "Cdtr")
        end_to_end = _text(tx, "Refs/EndToEndId")
        remittance = " ".join(filter(None, [
            *(" ".join((u.text or "").split()) for block in _children(tx, "RmtInf")
              for u in _children(block, "Ustrd")),
            _text(tx, "RmtInf/Strd/CdtrRefInf/Ref")]))
        code = _text(tx, "RtrInf/Rsn/Cd") or _text(tx, "RtrInf/Rsn/Prtry")
        reason = " ".join(filter(None, [code, _text(tx, "RtrInf/AddtlInf")]))
        read.append(Entry(key[:200], day, amount, tx_credit, returned, name[:140], iban[:34],
                          remittance[:500], "" if end_to_end == "NOTPROVIDED" else end_to_end,
                          reason[:200]))
    return read
