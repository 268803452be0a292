"""The site's formatter, for the sentences and values a service words in the site's locale."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.i18n.formatting import Formatter
from desktop.storage import models as m


def formatter(session: Session) -> Formatter:
    """A formatter for the site's locale and currency (defaults when the settings are unusable)."""
    row = session.get(m.SettingsRow, 1)
    try:
        return Formatter(row.locale, row.currency) if row else Formatter()
    except ValueError:
        return Formatter()
