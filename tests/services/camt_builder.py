"""camt.053 statements built in code from the schema's structure (ISO 20022 BkToCstmrStmt,
001.02 and 001.08), for the statement tests: a group header, one statement for the desk's
account, and entries with their transaction details, written where each version puts them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SITE_IBAN = "DE89370400440532013000"


@dataclass
class Tx:
    """One transaction: amount in minor units, money in (credit) or out."""

    amount: int
    credit: bool = True
    name: str = ""
    iban: str = ""
    remittance: str = ""
    end_to_end: str = ""
    reference: str = ""
    return_reason: str = ""  # a return code such as AM04: a returned direct debit


@dataclass
class Ntry:
    txs: list[Tx]
    booked: str = "2026-03-10"
    reference: str = ""
    reversal: bool = False
    status: str = "BOOK"
    extra: dict = field(default_factory=dict)


def _sub(parent: ET.Element, path: str, text: str | None = None, **attrs) -> ET.Element:
    element = parent
    for name in path.split("/"):
        element = ET.SubElement(element, name)
    if text is not None:
        element.text = text
    for key, value in attrs.items():
        element.set(key, value)
    return element


def _money(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


def statement(entries: list[Ntry], version: str = "08", statement_id: str = "STMT-2026-03-10"
              ) -> bytes:
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    document = ET.Element("Document", xmlns=namespace)
    root = _sub(document, "BkToCstmrStmt")
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", "MSG-" + statement_id)
    _sub(header, "CreDtTm", "2026-03-10T18:00:00")
    stmt = _sub(root, "Stmt")
    _sub(stmt, "Id", statement_id)
    _sub(stmt, "CreDtTm", "2026-03-10T18:00:00")
    _sub(stmt, "Acct/Id/IBAN", SITE_IBAN)
    for entry in entries:
        total = sum(tx.amount if tx.credit else -tx.amount for tx in entry.txs)
        ntry = _sub(stmt, "Ntry")
        if entry.reference:
            _sub(ntry, "NtryRef", entry.reference)
        _sub(ntry, "Amt", _money(abs(total)), Ccy="EUR")
        _sub(ntry, "CdtDbtInd", "CRDT" if total >= 0 else "DBIT")
        if entry.reversal:
            _sub(ntry, "RvslInd", "true")
        if version == "02":
            _sub(ntry, "Sts", entry.status)
        else:
            _sub(ntry, "Sts/Cd", entry.status)
        _sub(ntry, "BookgDt/Dt", entry.booked)
        _sub(ntry, "ValDt/Dt", entry.booked)
        if entry.reference:
            _sub(ntry, "AcctSvcrRef", entry.reference)
        _sub(ntry, "BkTxCd/Domn/Cd", "PMNT")
        details = _sub(ntry, "NtryDtls")
        for tx in entry.txs:
            _transaction(details, tx, version, len(entry.txs) > 1)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(document, "utf-8")


def _transaction(details: ET.Element, tx: Tx, version: str, batch: bool) -> None:
    element = _sub(details, "TxDtls")
    refs = _sub(element, "Refs")
    if tx.reference:
        _sub(refs, "AcctSvcrRef", tx.reference)
    _sub(refs, "EndToEndId", tx.end_to_end or "NOTPROVIDED")
    if version == "02":
        if batch:
            _sub(element, "AmtDtls/TxAmt/Amt", _money(tx.amount), Ccy="EUR")
    else:
        _sub(element, "Amt", _money(tx.amount), Ccy="EUR")
        _sub(element, "CdtDbtInd", "CRDT" if tx.credit else "DBIT")
    parties = _sub(element, "RltdPties")
    # The payer is the debtor of a credit; a returned direct debit names the same debtor.
    if tx.name:
        _sub(parties, "Dbtr/Pty/Nm" if version == "08" else "Dbtr/Nm", tx.name)
    if tx.iban:
        _sub(parties, "DbtrAcct/Id/IBAN", tx.iban)
    if tx.remittance:
        _sub(element, "RmtInf/Ustrd", tx.remittance)
    if tx.return_reason:
        info = _sub(element, "RtrInf")
        _sub(info, "Rsn/Cd", tx.return_reason)
        _sub(info, "AddtlInf", "Returned direct debit")
