"""The German, Spanish and French catalogs are complete, in sync with the sources and safe to
format (docs/architecture.md, issue 10).

Messages are collected with the command documented in README ("Translations"), so a string
added to the interface without a German translation fails here with the list of what to
translate. Placeholders must survive translation exactly: a missing `{day}` loses information
and an unknown one raises KeyError in `.format()` where the user sees it.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "desktop" / "i18n" / "locale"
GERMAN = LOCALE_DIR / "de" / "LC_MESSAGES" / "frontdesk.po"
# Every catalog shipped (a language added with `pybabel init` is checked like the others).
LANGUAGES = tuple(sorted(path.parents[1].name
                         for path in LOCALE_DIR.glob("*/LC_MESSAGES/frontdesk.po")))

# %s, %d, %(name)s, %(count)d ... as Python's % operator reads them; "%%" is a literal percent.
PERCENT_FIELD = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[a-zA-Z%])")
# {name}, {count:d}, {0}; "{{" and "}}" are literal braces.
BRACE_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
# "&File" marks Alt+F; "&&" is a literal ampersand.
ACCELERATOR = re.compile(r"&(?!&)(.)")

# Menus whose entries must not share an accelerator (desktop/ui/window/main_window.py,
# member_list.py).
MENUS = {
    "menu bar": ["&File", "&Edit", "&View", "&Tools", "&Help"],
    "File": ["&Connect to a server…", "&Backup now", "&Restore…", "E&xport",
             "Import bank state&ment…", "&Preferences…", "&Quit"],
    # desktop/formats/registry.py: one entry per export command.
    "Export": ["Frontdesk &document…", "&CSV…", "Invoice &PDFs of a day…"],
    "Edit": ["&New member…", "&Edit member…", "&Archive member", "&Find member"],
    "View": ["&Members", "&Plans", "&Invoices", "&Transitions", "&Refresh"],
    "Tools": ["&Run due transitions now", "&Load sample data…", "&Direct debit…",
              "Bank &entries to assign…", "&Outbox…"],
    "Help": ["&About Frontdesk"],
}


@pytest.fixture(scope="module")
def german() -> Catalog:
    with GERMAN.open("rb") as handle:
        return read_po(handle, locale="de")


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request) -> Catalog:
    """Each shipped catalog in turn."""
    with (LOCALE_DIR / request.param / "LC_MESSAGES" / "frontdesk.po").open("rb") as handle:
        return read_po(handle, locale=request.param)


def test_every_language_of_the_issue_has_a_catalog():
    from desktop.i18n import available_languages

    assert {"de", "es", "fr"} <= set(LANGUAGES)
    assert set(LANGUAGES) | {"en"} == set(available_languages())


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Catalog:
    """The messages in desktop/, extracted with the README's command into a scratch template."""
    template = tmp_path_factory.mktemp("pot") / "frontdesk.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "N_:1,2", "--add-comments=Translators:", "--project=Frontdesk",
         "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as handle:
        return read_po(handle)


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _pairs(message: Message) -> list[tuple[str, str]]:
    """(source, translation) for each form: plural forms after the first answer msgid_plural."""
    if isinstance(message.id, str):
        return [(message.id, message.string)]
    singular, plural = message.id
    return [(singular if index == 0 else plural, text)
            for index, text in enumerate(message.string)]


def percent_fields(text: str) -> list[tuple[str | None, str]]:
    """The %-placeholders of a python-format string, in order, without literal percents."""
    return [(m["name"], m["conv"]) for m in PERCENT_FIELD.finditer(text) if m["conv"] != "%"]


def brace_fields(text: str) -> Counter:
    """The {…}-placeholders of a brace-format string, counted, without escaped braces."""
    return Counter(m[1] for m in BRACE_FIELD.finditer(text) if m[1] is not None)


def _accelerators(text: str) -> list[str]:
    return [letter.lower() for letter in ACCELERATOR.findall(text)]


# Sync with the sources -------------------------------------------------------------------------


def test_every_message_in_the_sources_is_in_each_catalog(sources, catalog):
    assert len(_entries(sources)) > 100  # the extraction found the interface's messages
    missing = sorted(_key(m) for m in _entries(sources) if catalog.get(_key(m)) is None)
    assert not missing, (
        f"{len(missing)} message(s) in desktop/ are not in the {catalog.locale} catalog; run the "
        "extract and update commands from README (Translations) and translate:\n  "
        + "\n  ".join(repr(msgid) for msgid in missing))


def test_plural_messages_in_the_sources_are_plural_in_the_catalog(sources, catalog):
    """An N_() call needs msgid_plural in the catalog, else ngettext cannot pick a form."""
    mismatched = [repr(m.id) for m in _entries(sources)
                  if catalog.get(_key(m)) is not None and catalog.get(_key(m)).id != m.id]
    assert not mismatched, "singular/plural differs from the sources:\n  " + "\n  ".join(
        mismatched)


def test_no_catalog_keeps_messages_the_sources_no_longer_have(sources, catalog):
    stale = sorted(_key(m) for m in _entries(catalog) if sources.get(_key(m)) is None)
    assert not stale, f"in the {catalog.locale} catalog but no longer in desktop/:\n  " + (
        "\n  ".join(map(repr, stale)))


def test_the_billing_core_templates_are_extracted(sources):
    """Templates the domain marks with M_ reach the catalogs (babel.cfg's keywords)."""
    assert sources.get("The cancellation date must be after the start date.") is not None
    assert sources.get("{plan} is archived and cannot be sold.") is not None


def test_the_scratch_extraction_sees_singular_and_plural_messages(sources):
    assert sources.get("Save") is not None
    assert sources.get("{count} person").id == ("{count} person", "{count} people")


# Completeness ----------------------------------------------------------------------------------


def test_every_message_is_translated_and_not_fuzzy(catalog):
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    fuzzy = [repr(_key(m)) for m in _entries(catalog) if m.fuzzy]
    empty = [repr(_key(m)) for m in _entries(catalog)
             if not all(text.strip() for _source, text in _pairs(m))]
    assert not fuzzy, "fuzzy (not shown until reviewed):\n  " + "\n  ".join(fuzzy)
    assert not empty, "untranslated:\n  " + "\n  ".join(empty)


def test_plural_entries_have_every_form_the_language_needs(catalog):
    # German has two forms; Spanish and French three in CLDR (one, many for millions, other).
    assert catalog.num_plurals == {"de": 2, "es": 3, "fr": 3}.get(str(catalog.locale),
                                                                  catalog.num_plurals)
    plurals = [m for m in _entries(catalog) if m.pluralizable]
    assert plurals, "the catalog has plural entries"
    short = [repr(m.id) for m in plurals
             if not isinstance(m.string, tuple) or len(m.string) != catalog.num_plurals
             or not all(form.strip() for form in m.string)]
    assert not short, f"plural entries without every {catalog.locale} form:\n  " + "\n  ".join(
        short)


def test_the_catalog_has_no_obsolete_entries(catalog):
    """`pybabel update` keeps removed messages as #~ comments; they are noise for translators."""
    assert not catalog.obsolete, sorted(map(str, catalog.obsolete))


# Placeholders ----------------------------------------------------------------------------------


def test_python_format_placeholders_survive_translation(catalog):
    broken = []
    for message in _entries(catalog):
        if "python-format" not in message.flags:
            continue
        for source, text in _pairs(message):
            expected, found = percent_fields(source), percent_fields(text)
            named = all(name is not None for name, _conv in expected)
            if (Counter(expected) != Counter(found)) if named else (expected != found):
                broken.append(f"{source!r} -> {text!r}")
    assert not broken, "%-placeholders changed:\n  " + "\n  ".join(broken)


def test_brace_placeholders_survive_translation(catalog):
    """Checked on every entry: a stray {x} in a translation breaks .format() as surely."""
    broken = [f"{source!r} -> {text!r}" for message in _entries(catalog)
              for source, text in _pairs(message) if brace_fields(source) != brace_fields(text)]
    assert not broken, "{}-placeholders changed:\n  " + "\n  ".join(broken)


def test_the_placeholder_readers_see_what_python_sees():
    assert percent_fields("%(days)s of %(total)d days, 100%% sure") == [
        ("days", "s"), ("total", "d")]
    assert percent_fields("%s and %5.2f") == [(None, "s"), (None, "f")]
    assert percent_fields("Tax rate (%)") == []
    assert brace_fields("{plan} — {label}\n{price} {{literal}}") == Counter(
        {"plan": 1, "label": 1, "price": 1})
    assert brace_fields("{count:d} {count}") != brace_fields("{count} {count}")


# Accelerators ----------------------------------------------------------------------------------


def test_a_menu_accelerator_stays_one_accelerator(catalog):
    broken = [f"{message.id!r} -> {message.string!r}" for message in _entries(catalog)
              if isinstance(message.id, str) and _accelerators(message.id)
              and len(_accelerators(message.string)) != 1]
    assert not broken, "translations needing exactly one &-accelerator:\n  " + "\n  ".join(
        broken)


@pytest.mark.parametrize("menu", sorted(MENUS))
def test_accelerators_are_unique_within_each_menu(catalog, menu):
    letters = {}
    for msgid in MENUS[menu]:
        entry = catalog.get(msgid)
        assert entry is not None, f"{msgid!r} is no longer a message: update MENUS in this test"
        letters.setdefault(_accelerators(entry.string)[0], []).append(entry.string)
    clashes = {letter: texts for letter, texts in letters.items() if len(texts) > 1}
    assert not clashes, f"{menu} menu shares accelerators: {clashes}"


# Compiled --------------------------------------------------------------------------------------


def test_the_catalog_compiles_and_picks_german_plural_forms(german):
    assert [(m.id, errors) for m, errors in german.check() if errors] == []
    buffer = io.BytesIO()
    write_mo(buffer, german, use_fuzzy=False)
    compiled = Translations(io.BytesIO(buffer.getvalue()), domain="frontdesk")
    people = ("{count} person", "{count} people")
    assert compiled.ngettext(*people, 1).format(count=1) == "1 Person"
    assert compiled.ngettext(*people, 2).format(count=2) == "2 Personen"
    assert compiled.gettext("Save") == "Speichern"


@pytest.mark.parametrize(("language", "one", "two", "save"), [
    ("es", "1 persona", "2 personas", "Guardar"),
    ("fr", "1 personne", "2 personnes", "Enregistrer"),
])
def test_spanish_and_french_compile_and_pick_their_plural_forms(language, one, two, save):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "frontdesk.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert [(m.id, errors) for m, errors in catalog.check() if errors] == []
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    compiled = Translations(io.BytesIO(buffer.getvalue()), domain="frontdesk")
    people = ("{count} person", "{count} people")
    assert compiled.ngettext(*people, 1).format(count=1) == one
    assert compiled.ngettext(*people, 2).format(count=2) == two
    assert compiled.gettext("Save") == save
