"""The billing core's sentences in the reader's language (issue 10).

The domain returns a `Message` (template + raw parameters); `say` translates the template with
the interface's catalog and formats each parameter through the site's `Formatter`: dates as the
site writes them, counts with its digits, names as written. A plain str (a service's sentence,
already translated) passes through unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

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


# The billing core's invoice-line wordings around plan names (desktop.domain.invoicing), as the
# invoice documents translate them (desktop.documents.invoice_layout.line_text).
LINE_TEMPLATES = ("Unused time on {name}", "Refundable deposit ({plans})", "Deposit refund")


@cache
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                              for index, part in enumerate(parts)), re.DOTALL)


def reword(text: str, templates) -> str:
    """Stored English text made from one of the templates (around raw names), in the reader's
    language; any other text (a plan's own name) as written."""
    for template in templates:
        found = _pattern(template).fullmatch(text or "")
        if found:
            return gettext(template).format(**found.groupdict())
    return text
