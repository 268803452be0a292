"""Which member and documents a bank statement's entry pays (rule 30).

A credit entry names the documents it pays by their numbers in its remittance text (a
collection's end-to-end id is the document number too); failing that, an entry from an
account that is one member's IBAN pays the open document of theirs whose outstanding amount it
equals. Anything else waits for the operator. A returned direct debit (a debit entry with return
information, or a reversal) names the document whose collection came back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# What may separate a document number from the words around it in a remittance text; a
# number itself is letters, digits, dots, dashes and underscores (limits.number_problem).
_TOKEN = re.compile(r"[A-Za-z0-9._\-/]+")


@dataclass(frozen=True)
class Entry:
    """One transaction of a statement, as read: `amount` > 0 in minor units; `credit` money in,
    `returned` a direct debit that came back (with the bank's `reason`)."""

    reference: str
    booked: date
    amount: int
    credit: bool
    returned: bool = False
    name: str = ""
    iban: str = ""
    remittance: str = ""
    end_to_end: str = ""
    reason: str = ""


@dataclass(frozen=True)
class OpenDocument:
    id: int
    number: str
    member: int
    outstanding: int


@dataclass(frozen=True)
class Match:
    """The member an entry pays and the documents it names, in the order named."""

    member: int
    documents: tuple[int, ...] = ()


def candidate_numbers(entry: Entry) -> list[str]:
    """Every word of the entry's end-to-end id and remittance text that could be a document
    number, in order, once each (trailing dots and dashes of a sentence left off)."""
    words = []
    for text in (entry.end_to_end, entry.remittance):
        for word in _TOKEN.findall(text or ""):
            word = word.strip(".-/")
            if word and word not in words:
                words.append(word)
    return words


def match_credit(entry: Entry, numbered: Mapping[str, tuple[int, int]],
                 members_by_iban: Mapping[str, Sequence[int]],
                 open_documents: Mapping[int, Sequence[OpenDocument]]) -> Match | None:
    """The member and documents a credit entry pays, or None when it waits for the operator.

    `numbered`: document number -> (document id, member) for the numbers the entry names (any
    document, open or paid: a second payment of a paid one still belongs to its member);
    `members_by_iban`: compact IBAN -> members paying from it; `open_documents`: member ->
    their open documents, oldest first."""
    named = [numbered[word] for word in candidate_numbers(entry) if word in numbered]
    if named:
        member = named[0][1]
        return Match(member, tuple(dict.fromkeys(doc for doc, owner in named if owner == member)))
    members = members_by_iban.get(entry.iban, ())
    for member in members:
        for doc in open_documents.get(member, ()):
            if doc.outstanding == entry.amount:
                return Match(member, (doc.id,))
    return None


def chosen_allocations(amount: int, documents: Sequence[int],
                       outstanding: Mapping[int, int]) -> list[tuple[int, int]]:
    """Rule 21 for a matched entry: the named documents first, each up to what it lacks, in
    the order named; what is left is the payment service's to place (oldest first, then
    credit)."""
    chosen, left = [], amount
    for doc in documents:
        share = min(left, outstanding.get(doc, 0))
        if share > 0:
            chosen.append((doc, share))
            left -= share
    return chosen


def returned_document(entry: Entry, numbered: Mapping[str, tuple[int, int]]) -> int | None:
    """The document whose direct debit an entry returns: the first number it names."""
    for word in candidate_numbers(entry):
        if word in numbered:
            return numbered[word][0]
    return None
