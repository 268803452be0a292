"""Gettext catalogs for the interface, read from desktop/i18n/locale with Babel.

Catalog sources live inside the package (locale/<lang>/LC_MESSAGES/frontdesk.po) so they ship
in a wheel and in the one-folder build. A compiled .mo next to a source is used when it is at
least as new as the source; otherwise the source is compiled in memory when it is loaded, so a
checkout works without a build step. English is the source language: without a catalog the
strings are shown as written.

The interface imports `_` (gettext) and `N_` (ngettext) from `desktop.i18n`; both follow the
catalog most recently passed to `install`, so modules may import them before the locale is known.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from desktop.domain.limits import BadValue

DOMAIN = "frontdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"

_active: NullTranslations = NullTranslations()


def parse_locale(locale: str) -> Locale:
    """A Babel locale for "de_DE", "de-DE" or "de"; ValueError with a sentence when unknown."""
    try:
        return Locale.parse(str(locale).strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise BadValue('"{locale}" is not a known locale such as "en_IE" or "de_DE".',
                       locale=locale) from None


def _candidates(locale: Locale) -> list[str]:
    """Catalog folder names to try, most specific first: de_AT, then de."""
    names = [str(locale)]
    if locale.territory:
        names.append(f"{locale.language}_{locale.territory}")
    names.append(locale.language)
    return list(dict.fromkeys(names))


def catalog_source(locale: str) -> Path | None:
    """The .po file that serves the locale, or None when the interface stays in English."""
    for name in _candidates(parse_locale(locale)):
        source = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if source.is_file():
            return source
    return None


def _compiled(source: Path) -> bytes:
    """The .mo bytes for a source: the compiled file when it is current, else compiled now."""
    compiled = source.with_suffix(".mo")
    if compiled.is_file() and compiled.stat().st_mtime >= source.stat().st_mtime:
        return compiled.read_bytes()
    with source.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses made by `pybabel update`; showing them would show wrong text.
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


@cache
def load(locale: str) -> NullTranslations:
    """The translations for a locale (cached); a NullTranslations when it has no catalog."""
    source = catalog_source(locale)
    if source is None:
        return NullTranslations()
    return Translations(io.BytesIO(_compiled(source)), domain=DOMAIN)


def available_languages() -> list[str]:
    """Language codes with a catalog, plus the source language, sorted."""
    found = {path.parents[1].name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(found | {SOURCE_LANGUAGE})


def install(locale: str) -> NullTranslations:
    """Make the locale's catalog the one `_` and `N_` translate with, and return it."""
    global _active
    _active = load(str(parse_locale(locale)))
    return _active


def active() -> NullTranslations:
    """The catalog `_` and `N_` currently translate with."""
    return _active


def gettext(message: str) -> str:
    """The message in the installed language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or (one of the) plural forms for n in the installed language."""
    return _active.ngettext(singular, plural, n)


_ = gettext
N_ = ngettext
