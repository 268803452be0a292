"""The billing core's sentences in the reader's language (issue 10).

The domain returns a `Message` (template + raw parameters); `say` translates the template with
the interface's catalog and formats each parameter through the site's `Formatter`: dates as the
site writes them, counts with its digits, names as written. A plain str (a service's sentence,
already translated) passes through unchanged.
"""

from __future__ import annotations

from datetime import date

from desktop.domain.model import Message, refusal
from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import gettext


def say(message: Message | str, fmt: Formatter | None = None, translate=None) -> str:
    """The message as the reader reads it (`translate`: another language's gettext, such as an
    issued invoice's own)."""
    if not isinstance(message, Message):
        return str(message)
    fmt = fmt or Formatter()
    values = {name: _shown(value, fmt) for name, value in message.params}
    return (translate or gettext)(message.template).format(**values)


def reason(error: Exception, fmt: Formatter | None = None) -> str:
    """A refused value's sentence in the reader's language."""
    return say(refusal(error), fmt)


def _shown(value: object, fmt: Formatter) -> str:
    if isinstance(value, Message):  # a sentence inside a sentence (why something failed)
        return say(value, fmt)
    if isinstance(value, date):
        return fmt.date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt._count(value)
    return str(value)


def wording_text(wording: Message | None, text: str, fmt: Formatter | None = None,
                 translate=None) -> str:
    """A stored transition's or invoice line's words for its reader (issue 10): its wording
    (kind + raw parameters) in the reader's language, or, without one, its text as written (a
    plan's or an add-on's own name, a line of an imported document). `translate` is another
    gettext, an issued invoice's own language."""
    return text if wording is None else say(wording, fmt, translate)
