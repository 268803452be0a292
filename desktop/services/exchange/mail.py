"""What `frontdesk/2` carries of mail (rule 29, docs/exchange-format.md): the site's SMTP server
(`settings.smtp`: host, port, security, user, sender — never a password), its reminder levels
(`settings.reminders`: `[{"days", "fee", "fee_percent"}]`) and its own mail texts
(`settings.mail_texts`: {language: {key: {"subject", "body"}}}), each member's `send_as` and
`mail_to`, and what was sent of each document (`documents[].sent`: `[{"at", "to", "as"}]`, the
document's message first, then its reminders). Messages still waiting or failed are not carried:
the desk that imports sends nothing of another desk's past."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.reminders import ReminderLevel, level_problem, levels_json, levels_of
from desktop.services.exchange.history import moment, read_moment
from desktop.services.exchange.values import BAD, Reader, shown
from desktop.services.mail.texts import KEYS
from desktop.services.mail.transport import SECURITY
from desktop.storage import models as m

SEND_AS = ("pdf", "facturx", "xrechnung", "none")
# Added to frontdesk/2's records, with the default an older document gets.
SETTINGS_ADDED: dict[str, object] = {"smtp": None, "reminders": [], "mail_texts": {}}
MEMBER_ADDED = {"send_as": "none", "mail_to": ""}
DOCUMENT_ADDED: dict[str, object] = {"sent": []}


def export_settings(row: m.SettingsRow | None) -> dict:
    smtp = None
    if row is not None and (row.smtp_host or row.smtp_sender):
        smtp = {"host": row.smtp_host or "", "port": row.smtp_port,
                "security": row.smtp_security or "starttls", "user": row.smtp_user or "",
                "sender": row.smtp_sender or ""}
    levels = levels_of(row.reminders if row is not None else None)
    texts = {}
    if row is not None and row.mail_texts:
        try:
            texts = json.loads(row.mail_texts)
        except ValueError:
            texts = {}
    return {"smtp": smtp,
            "reminders": [{"days": x.days, "fee": x.fee, "fee_percent": x.fee_percent}
                          for x in levels],
            "mail_texts": texts}


def read_settings(reader: Reader, rec: dict) -> dict:
    """The settings columns of what frontdesk/2 carries of mail (BAD where refused)."""
    values: dict = {}
    smtp = rec["smtp"]
    if smtp is not None:
        got = reader.record(smtp, "settings.smtp", ("host", "sender"),
                            {"port": None, "security": "starttls", "user": ""})
        if got is None:
            return {"smtp_host": BAD}
        security = got["security"]
        if security not in SECURITY:
            security = reader.problem("settings.smtp.security",
                                      f"{shown(security)} is not one of {', '.join(SECURITY)}.")
        values = {"smtp_host": reader.text(got["host"], "settings.smtp.host") or None,
                  "smtp_port": reader.integer(got["port"], "settings.smtp.port", minimum=1,
                                              maximum=65535, nullable=True),
                  "smtp_security": security,
                  "smtp_user": reader.text(got["user"], "settings.smtp.user") or None,
                  "smtp_sender": reader.text(got["sender"], "settings.smtp.sender") or None}
    levels = []
    for i, item in enumerate(reader.items(rec["reminders"], "settings.reminders")):
        place = f"settings.reminders[{i}]"
        got = reader.record(item, place, ("days",), {"fee": 0, "fee_percent": None})
        if got is None:
            continue
        days = reader.integer(got["days"], f"{place}.days", minimum=1, maximum=365)
        fee = reader.money(got["fee"], f"{place}.fee", minimum=0)
        percent = reader.text(got["fee_percent"], f"{place}.fee_percent", nullable=True)
        if BAD not in (days, fee, percent):
            levels.append(ReminderLevel(days, fee, percent or None))
    try:
        problem = level_problem(levels)
    except ValueError as exc:
        problem = str(exc)
    values["reminders"] = reader.problem("settings.reminders", problem) if problem \
        else levels_json(levels)
    values["mail_texts"] = _texts(reader, rec["mail_texts"])
    return values


def _texts(reader: Reader, value) -> object:
    if not isinstance(value, dict):
        return reader.problem("settings.mail_texts", f"{shown(value)} is not an object.")
    for language, entries in value.items():
        place = f"settings.mail_texts.{language}"
        if not isinstance(entries, dict):
            return reader.problem(place, f"{shown(entries)} is not an object.")
        for key, entry in entries.items():
            if key not in KEYS:
                return reader.problem(f"{place}.{key}", "is not a field of this format.")
            got = reader.record(entry, f"{place}.{key}", ("subject", "body"), {})
            if got is None or BAD in (reader.text(got["subject"], f"{place}.{key}.subject"),
                                      reader.text(got["body"], f"{place}.{key}.body",
                                                  multiline=True)):
                return BAD
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def read_member(reader: Reader, rec: dict, place: str) -> dict:
    send_as = rec["send_as"]
    if send_as not in SEND_AS:
        send_as = reader.problem(f"{place}.send_as",
                                 f"{shown(send_as)} is not one of {', '.join(SEND_AS)}.")
    mail_to = reader.text(rec["mail_to"], f"{place}.mail_to")
    return {"send_as": send_as, "mail_to": mail_to or None if mail_to is not BAD else BAD}


def export_sent(session: Session) -> dict[int, list[dict]]:
    """Each document's messages sent, its own first, then its reminders."""
    sent: dict[int, list[dict]] = {}
    for row in session.execute(select(m.OutboxRow.__table__)
                               .where(m.OutboxRow.status == "sent")
                               .order_by(m.OutboxRow.document_id, m.OutboxRow.level)):
        sent.setdefault(row.document_id, []).append(
            {"at": moment(row.sent_at), "to": row.recipient, "as": row.send_as})
    return sent


def read_sent(reader: Reader, value, place: str) -> object:
    """The messages a document had sent, as outbox values (level by position), or BAD."""
    items = reader.items(value, f"{place}.sent")
    if len(items) > 4:
        return reader.problem(f"{place}.sent", "holds more than a message and three reminders.")
    sent = []
    for level, item in enumerate(items):
        where = f"{place}.sent[{level}]"
        got = reader.record(item, where, ("at", "to", "as"), {})
        if got is None:
            return BAD
        at = read_moment(reader, got["at"], f"{where}.at")
        to = reader.text(got["to"], f"{where}.to", required=True)
        kind = got["as"]
        if kind not in SEND_AS[:3]:
            kind = reader.problem(f"{where}.as", f"{shown(kind)} is not one of "
                                                 f"{', '.join(SEND_AS[:3])}.")
        if BAD in (at, to, kind):
            return BAD
        sent.append(dict(level=level, recipient=to, send_as=kind, status="sent", queued_at=at,
                         due_at=at, attempts=1, resumed=False, sent_at=at))
    return sent
