"""The interface language: the user's, not the site's (issue 10).

Which language the window speaks belongs to the person at the desk: the system's language by
default, or the one chosen in Preferences, kept in their QSettings. Money, dates and the
language printed on invoices belong to the site and stay in the database. `apply_language`
installs both halves: our gettext catalog and Qt's own `qtbase_<lang>` translator (the "Cancel"
and "Yes" of dialogs, context menus), and makes the site's locale Qt's default so date fields
and the calendar write dates as the site's amounts and dates are written.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from desktop.i18n import available_languages, install
from desktop.i18n.translations import SOURCE_LANGUAGE, parse_locale


@dataclass(frozen=True)
class Setting:
    """A per-user setting: its QSettings key and its default."""

    key: str
    default: str


# "" = follow the system's language (QLocale.system()).
LANGUAGE = Setting("interface/language", "")

_qt_translator: QTranslator | None = None


def language_name(code: str) -> str:
    """A language by its own name: "Deutsch", "English", "Español", "Français"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def locale_name(code: str, reader: str = "") -> str:
    """A site locale by its name in the reader's language ("Englisch (Irland)" for a German
    reader, "English (Ireland)" for an English one), never its code alone; in its own language
    when no reader is given."""
    try:
        name = Locale.parse(code).get_display_name(parse_locale(reader or code)) or code
    except (ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:]


def system_language() -> str:
    """The system's language when a catalog speaks it, else the source language."""
    return _supported(QLocale.system().name()) or SOURCE_LANGUAGE


def _supported(code: str) -> str | None:
    try:
        language = parse_locale(code).language
    except ValueError:
        return None
    return language if language in available_languages() else None


def chosen_language(settings: QSettings) -> str:
    """What the user chose in Preferences ("" = the system's language)."""
    value = settings.value(LANGUAGE.key, LANGUAGE.default)
    return str(value or "") if _supported(str(value or "")) else LANGUAGE.default


def interface_language(settings: QSettings) -> str:
    """The language the window speaks for this user."""
    return chosen_language(settings) or system_language()


def choose_language(settings: QSettings, code: str) -> None:
    """Keep the user's choice ("" = follow the system)."""
    settings.setValue(LANGUAGE.key, code)
    settings.sync()


def apply_language(language: str, site_locale: str) -> None:
    """Our catalog and Qt's own strings in `language`; dates in Qt widgets as the site writes
    them."""
    speak(language)
    try:
        QLocale.setDefault(QLocale(str(parse_locale(site_locale))))
    except ValueError:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.Ireland))


def speak(language: str) -> None:
    """Our catalog and Qt's own strings in `language` (before a site's locale is known: the
    connect dialog at start-up)."""
    global _qt_translator
    install(language)
    app = QCoreApplication.instance()
    if app is not None:
        if _qt_translator is not None:
            app.removeTranslator(_qt_translator)
            _qt_translator = None
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{parse_locale(language).language}", folder):
            app.installTranslator(translator)
            _qt_translator = translator
