"""Translations and formatting: the only place that formats money and dates (docs/architecture.md).

The interface imports `_` (gettext) and `N_` (ngettext) from here and formats through a
`Formatter` built from the site's locale and currency.
"""

from desktop.i18n.formatting import Formatter
from desktop.i18n.translations import N_, _, available_languages, gettext, install, ngettext

__all__ = ["Formatter", "N_", "_", "available_languages", "gettext", "install", "ngettext"]
