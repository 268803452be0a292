"""What mail did with a document, in the reader's words (rule 29): the invoice view's sending
history and the outbox view's cells."""

from __future__ import annotations

from typing import Any

from desktop.i18n import _


def message_text(level: int) -> str:
    if level == 0:
        return _("Document")
    return _("Reminder {level}").format(level=level)


def status_text(status: str) -> str:
    return {"waiting": _("Waiting"), "sending": _("Sending"), "sent": _("Sent"),
            "failed": _("Failed"), "cancelled": _("Withdrawn")}.get(status, status)


def history_line(entry: Any, formatter: Any) -> str:
    """One message of a document: what it is, to whom, and where it stands."""
    what, to = message_text(entry.level), entry.recipient
    if entry.status == "sent":
        return _("{what} sent to {address} on {moment}.").format(
            what=what, address=to, moment=formatter.datetime_short(entry.sent_at))
    if entry.status == "cancelled":
        return _("{what} withdrawn: the document was paid before it left.").format(what=what)
    if entry.status == "failed":
        return _("{what} not sent to {address}: {reason}").format(
            what=what, address=to, reason=entry.failure_sentence)
    waits = _("{what} waits to be sent to {address}.").format(what=what, address=to)
    return f"{waits} {entry.failure_sentence}" if entry.failure else waits


def sending_history(entries: list[Any], formatter: Any) -> str:
    """The invoice view's lines, oldest message first ("" when it was never for mail)."""
    return "\n".join(history_line(e, formatter)
                     for e in sorted(entries, key=lambda e: (e.level, e.id)))
