"""The subject and body of each message, per language (rule 29): the document's own message
(level 0) and the three reminder levels. The site may replace any of them in Preferences
(stored as JSON in the settings' `mail_texts`: {language: {key: {"subject", "body"}}}); what it
does not replace is the default below, translated into the document's language.

Placeholders, in braces: {number}, {amount} (the document's amount due), {outstanding} (what is
still open), {due_date}, {issue_date}, {period} (the billing period of its lines), {payment}
(the IBAN line), {name}, {site}, {fee} (a reminder's late fee, or nothing). An unknown name in
braces is left as typed, so a text an operator edits never stops a message."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from desktop.domain.model import M_
from desktop.i18n.translations import load

KEYS = ("document", "reminder1", "reminder2", "reminder3")
PLACEHOLDERS = ("number", "amount", "outstanding", "due_date", "issue_date", "period", "payment",
                "name", "site", "fee")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

_REMINDER_BODY = M_(
    "Hello {name},\n\n{number} of {issue_date} was due on {due_date} and {outstanding} of it "
    "is still open. If you have paid it meanwhile, please disregard this message.\n{payment}\n"
    "{fee}\n\nKind regards,\n{site}")
DEFAULTS: dict[str, tuple[str, str]] = {
    "document": (M_("{site}: {number}"), M_(
        "Hello {name},\n\nplease find {number} of {issue_date} for {period} attached: {amount}, "
        "due on {due_date}.\n{payment}\n\nKind regards,\n{site}")),
    "reminder1": (M_("Reminder: {number} is overdue"), _REMINDER_BODY),
    "reminder2": (M_("Second reminder: {number} is overdue"), _REMINDER_BODY),
    "reminder3": (M_("Final reminder: {number} is overdue"), _REMINDER_BODY),
}
PAYMENT_LINE = M_("Please transfer {amount} to IBAN {iban}, quoting {number}.")
FEE_LINE = M_("A late fee of {fee} will be charged on your next invoice.")


@dataclass(frozen=True)
class MailText:
    subject: str
    body: str


def key_of(level: int) -> str:
    return KEYS[level]


def default_text(key: str, language: str) -> MailText:
    """The built-in text in a language (English where the catalog lacks one)."""
    translate = load(language).gettext
    subject, body = DEFAULTS[key]
    return MailText(translate(subject), translate(body))


def stored_texts(raw: str | None) -> dict[str, dict[str, MailText]]:
    """The site's own texts from the settings column (unreadable JSON reads as none)."""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    texts: dict[str, dict[str, MailText]] = {}
    if not isinstance(data, dict):
        return texts
    for language, entries in data.items():
        if not isinstance(entries, dict):
            continue
        for key, entry in entries.items():
            if key in KEYS and isinstance(entry, dict):
                texts.setdefault(language, {})[key] = MailText(
                    str(entry.get("subject", "")), str(entry.get("body", "")))
    return texts


def texts_json(texts: Mapping[str, Mapping[str, MailText]]) -> str | None:
    data = {language: {key: {"subject": t.subject, "body": t.body} for key, t in entries.items()}
            for language, entries in texts.items() if entries}
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None


def text_for(texts: Mapping[str, Mapping[str, MailText]], key: str, language: str) -> MailText:
    """The site's text of this key in this language, else the default one."""
    own = texts.get(language, {}).get(key)
    return own if own is not None and (own.subject or own.body) else default_text(key, language)


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with every known placeholder replaced; the rest kept as typed."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), template)
