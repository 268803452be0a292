"""The billing core's sentences in the reader's language (issue 10).

The domain returns a `Message` (template + raw parameters); `say` translates the template with
the interface's catalog and formats each parameter through the site's `Formatter`: dates as the
site writes them, counts with its digits, names as written. A plain str (a service's sentence,
already translated) passes through unchanged.
"""

from __future__ import annotations

from datetime import date

from desktop.domain.model import Message
from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import gettext


def say(message: Message | str, fmt: Formatter | None = None) -> str:
    """The message as the reader reads it."""
    if not isinstance(message, Message):
        return str(message)
    fmt = fmt or Formatter()
    values = {name: _shown(value, fmt) for name, value in message.params}
    return gettext(message.template).format(**values)


def _shown(value: object, fmt: Formatter) -> str:
    if isinstance(value, date):
        return fmt.date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt._count(value)
    return str(value)
