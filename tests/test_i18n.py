"""desktop.i18n (docs/architecture.md): money, dates, rates and frequencies as text; catalogs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.periods import Frequency
from desktop.i18n import N_, Formatter, _, available_languages, install, translations

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"
THIN = "\u2009"
EN = Formatter("en_IE", "EUR")
DE = Formatter("de_DE", "EUR")
JA = Formatter("ja_JP", "JPY")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": (1, 2)}


@pytest.fixture
def english_afterwards():
    yield
    install("en_IE")


# Money -------------------------------------------------------------------------------------


def test_money_in_irish_english_euro():
    assert EN.money(35000) == "€350.00"
    assert EN.money(0) == "€0.00"
    assert EN.money(5) == "€0.05"
    assert EN.money(123456789) == "€1,234,567.89"


def test_money_in_german_euro_puts_the_sign_after_a_non_breaking_space():
    assert DE.money(35000) == f"350,00{NBSP}€"
    assert DE.money(123456789) == f"1.234.567,89{NBSP}€"


def test_money_in_yen_has_no_minor_digits():
    assert JA.digits == 0
    assert JA.money(35000) == "￥35,000"
    assert JA.money_plain(35000) == "35000"


def test_credits_are_shown_negative():
    assert EN.money(-13333) == "-€133.33"
    assert DE.money(-13333) == f"-133,33{NBSP}€"
    assert JA.money(-1) == "-￥1"


def test_money_takes_only_whole_minor_units():
    with pytest.raises(TypeError):
        EN.money(350.0)
    with pytest.raises(TypeError):
        EN.money_plain(True)


def test_money_plain_has_neither_symbol_nor_grouping():
    assert EN.money_plain(35000) == "350.00"
    assert EN.money_plain(123456789) == "1234567.89"
    assert DE.money_plain(35000) == "350,00"
    assert DE.money_plain(-5) == "-0,05"
    assert Formatter("ar_BH", "BHD").money_plain(1500) == "1.500"


def test_unknown_locale_or_currency_is_a_sentence():
    with pytest.raises(ValueError, match="not a known locale"):
        Formatter("xx_YY", "EUR")
    with pytest.raises(ValueError, match="not a currency code"):
        Formatter("en_IE", "EURO")


def test_currency_code_is_normalised():
    assert Formatter("en_IE", "eur").currency == "EUR"
    assert Formatter("en_IE", "gbp").currency_symbol == "£"


# Parsing money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formatter", "text", "minor"),
    [
        (EN, "350", 35000),
        (EN, "350.5", 35050),
        (EN, " 1,234.50 ", 123450),
        (EN, "€12", 1200),
        (EN, "-€5", -500),
        (EN, "\u22127.25", -725),
        (EN, ".5", 50),
        (DE, "350,00", 35000),
        (DE, "1.234,50", 123450),
        (DE, "1.234", 123400),
        (DE, "12 €", 1200),
        (JA, "35,000", 35000),
        (JA, "￥12", 12),
        (Formatter("fr_FR", "EUR"), "1 234,50", 123450),
    ],
)
def test_parse_money_reads_what_people_type(formatter, text, minor):
    assert formatter.parse_money(text) == minor


@pytest.mark.parametrize(
    "text", ["abc", "12abc", "1e5", "NaN", "Infinity", "--5", "5-", "1,2,3.4.5"]
)
def test_parse_money_rejects_what_is_not_an_amount(text):
    with pytest.raises(ValueError, match=r'is not an amount; write it like "1234\.56"\.$'):
        EN.parse_money(text)


def test_parse_money_rejects_more_decimals_than_the_currency_has():
    with pytest.raises(ValueError, match=r'^"1\.234" has more decimals than EUR allows\.$'):
        EN.parse_money("1.234")
    with pytest.raises(ValueError, match="more decimals than JPY allows"):
        JA.parse_money("12.5")


def test_parse_money_asks_for_an_amount_when_empty():
    for text in ("", "   ", None, "€"):
        with pytest.raises(ValueError, match=r"^Enter an amount\.$"):
            EN.parse_money(text)


def test_parse_money_rejects_a_dot_decimal_in_german():
    with pytest.raises(ValueError, match=r'write it like "1234,56"'):
        DE.parse_money("1,234.50")


ROUND_TRIP_FORMATTERS = [
    EN,
    DE,
    JA,
    Formatter("fr_FR", "EUR"),
    Formatter("sv_SE", "SEK"),
    Formatter("de_CH", "CHF"),
    Formatter("ar_BH", "BHD"),
]
AMOUNTS = st.integers(min_value=-(10**15), max_value=10**15)


@given(amount=AMOUNTS, formatter=st.sampled_from(ROUND_TRIP_FORMATTERS))
def test_parse_money_reads_back_money_plain(amount, formatter):
    assert formatter.parse_money(formatter.money_plain(amount)) == amount


@given(amount=AMOUNTS, formatter=st.sampled_from([EN, DE, JA, Formatter("fr_FR", "EUR")]))
def test_parse_money_reads_back_money_with_symbol_and_grouping(amount, formatter):
    assert formatter.parse_money(formatter.money(amount)) == amount


# Counts, rates, frequencies --------------------------------------------------------------------


def test_days_of_uses_plural_forms_of_the_period_in_english():
    assert EN.days_of(12, 31) == "12 of 31 days"
    assert EN.days_of(1, 31) == "1 of 31 days"
    assert EN.days_of(1, 1) == "1 of 1 day"
    assert EN.days_of(0, 7) == "0 of 7 days"


def test_days_of_uses_plural_forms_of_the_period_in_german():
    assert DE.days_of(12, 31) == "12 von 31 Tagen"
    assert DE.days_of(1, 1) == "1 von 1 Tag"
    assert DE.days_of(200, 1095) == "200 von 1.095 Tagen"


@pytest.mark.parametrize(
    ("frequency", "english", "german"),
    [
        (Frequency("week"), "weekly", "wöchentlich"),
        (Frequency("week", 2), "every 2 weeks", "alle 2 Wochen"),
        (Frequency("month"), "monthly", "monatlich"),
        (Frequency("month", 3), "every 3 months", "alle 3 Monate"),
        (Frequency("year"), "yearly", "jährlich"),
        (Frequency("year", 2), "every 2 years", "alle 2 Jahre"),
    ],
)
def test_frequency_labels(frequency, english, german):
    assert EN.frequency(frequency) == english
    assert DE.frequency(frequency) == german


def test_percent_shows_exact_tax_rates():
    assert EN.percent(Fraction(1, 5)) == "20%"
    assert EN.percent(Fraction(17, 200)) == "8.5%"
    assert EN.percent(0) == "0%"
    assert DE.percent(Fraction(19, 100)) == f"19{NBSP}%"
    with pytest.raises(TypeError):
        EN.percent(0.2)


# Dates ---------------------------------------------------------------------------------------


def test_dates_in_three_lengths():
    day = date(2026, 4, 1)
    assert EN.date(day) == "1 Apr 2026"
    assert EN.date_long(day) == "1 April 2026"
    assert EN.date_short(day) == "01/04/2026"
    assert DE.date(day) == "01.04.2026"
    assert DE.date_long(day) == "1. April 2026"


def test_span_shows_the_half_open_end_as_stored():
    # Babel sets the dash between thin spaces, as CLDR asks.
    assert EN.span(date(2026, 4, 1), date(2026, 5, 1)) == f"1 Apr{THIN}–{THIN}1 May 2026"
    assert EN.span(date(2025, 12, 1), date(2026, 1, 1)) == f"1 Dec 2025{THIN}–{THIN}1 Jan 2026"
    assert EN.span(date(2026, 4, 1), date(2026, 4, 1)) == "1 Apr 2026"
    assert DE.span(date(2026, 4, 1), date(2026, 5, 1)) == f"1. Apr.{THIN}–{THIN}1. Mai 2026"


def test_a_billing_period_reads_to_its_last_day():
    assert EN.period(date(2026, 10, 1), date(2027, 1, 1)) == f"1 Oct{THIN}–{THIN}31 Dec 2026"
    assert EN.period(date(2026, 4, 1), date(2026, 5, 1)) == "1–30 Apr 2026"
    assert EN.period(date(2026, 4, 1), date(2026, 4, 2)) == "1 Apr 2026"
    assert DE.period(date(2026, 10, 1), date(2027, 1, 1)) == f"1. Okt.{THIN}–{THIN}31. Dez. 2026"


def test_datetime_short_shows_the_moment_as_given():
    assert EN.datetime_short(datetime(2026, 4, 1, 10, 2)) == "01/04/2026, 10:02"
    plus_two = timezone(timedelta(hours=2))
    assert EN.datetime_short(datetime(2026, 4, 1, 10, 2, tzinfo=plus_two)) == "01/04/2026, 10:02"


@pytest.mark.parametrize("locale,moment,day", [
    ("de_DE", "07.12.2026, 18:29", "07.12.2026"),
    ("en_IE", "07/12/2026, 18:29", "07/12/2026"),
    ("en_US", "12/7/2026, 6:29\u202fPM", "12/7/2026"),
    ("fr_FR", "07/12/2026 18:29", "07/12/2026"),
    ("es_ES", "7/12/2026, 18:29", "7/12/2026")])
def test_short_dates_and_moments_write_the_whole_year(locale, moment, day):
    """German's own short form wrote "07.12.26, 18:29" in the status bar and the History tab."""
    fmt = Formatter(locale, "EUR")
    assert fmt.datetime_short(datetime(2026, 12, 7, 18, 29)) == moment
    assert fmt.date_short(date(2026, 12, 7)) == day


# Catalogs ------------------------------------------------------------------------------------


def test_install_switches_what_underscore_translates(english_afterwards):
    install("de_DE")
    assert _("monthly") == "monatlich"
    months = N_("every %(count)s month", "every %(count)s months", 3)
    assert months % {"count": 3} == "alle 3 Monate"
    install("en_IE")
    assert _("monthly") == "monthly"


def test_a_regional_locale_falls_back_to_its_language(english_afterwards):
    install("de_AT")
    assert _("yearly") == "jährlich"


def test_a_language_without_catalog_shows_the_source_text(english_afterwards):
    install("de_DE")
    install("it_IT")
    assert _("monthly") == "monthly"
    assert N_("one", "many", 2) == "many"


def test_install_rejects_an_unknown_locale():
    with pytest.raises(ValueError, match="not a known locale"):
        install("not a locale")


def test_available_languages_lists_the_catalogs_and_english():
    assert available_languages() == sorted(set(available_languages()))
    assert {"de", "en"} <= set(available_languages())


def _messages_in(path: Path) -> set[str | tuple[str, str]]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        path, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_german_catalog_translates_every_message_of_the_formatter():
    messages = _messages_in(ROOT / "desktop" / "i18n")
    assert "monthly" in messages  # the extraction itself works
    with (translations.LOCALE_DIR / "de" / "LC_MESSAGES" / "frontdesk.po").open("rb") as handle:
        catalog = read_po(handle, locale="de")
    for message in messages:
        msgid = message if isinstance(message, str) else message[0]
        entry = catalog.get(msgid)
        assert entry is not None, f"{msgid!r} is missing from the German catalog"
        assert not entry.fuzzy, f"{msgid!r} is still fuzzy"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"{msgid!r} has an empty translation"
    assert [errors for _message, errors in catalog.check() if errors] == []


def test_babel_cfg_extracts_singular_and_plural_messages(tmp_path):
    template = tmp_path / "frontdesk.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "N_:1,2", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    with template.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.get("monthly") is not None
    plural = catalog.get("every %(count)s month")
    assert plural.id == ("every %(count)s month", "every %(count)s months")


def _write_catalog(folder: Path, monthly: str) -> Path:
    messages = folder / "xx" / "LC_MESSAGES"
    messages.mkdir(parents=True, exist_ok=True)
    source = messages / "frontdesk.po"
    source.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        f'msgid "monthly"\nmsgstr "{monthly}"\n',
        encoding="utf-8",
    )
    return source


@pytest.fixture
def scratch_locale_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(translations, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(translations, "parse_locale", lambda name: _FakeLocale(name))
    translations.load.cache_clear()
    yield tmp_path
    translations.load.cache_clear()


class _FakeLocale:
    """A locale "xx" so a scratch catalog cannot collide with a real one."""

    language, territory = "xx", None

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return "xx"


def test_a_source_catalog_is_compiled_when_loaded(scratch_locale_dir):
    _write_catalog(scratch_locale_dir, "every month")
    assert not list(scratch_locale_dir.rglob("*.mo"))
    assert translations.load("xx").gettext("monthly") == "every month"


def test_a_current_compiled_catalog_wins_and_a_stale_one_is_ignored(scratch_locale_dir):
    source = _write_catalog(scratch_locale_dir, "from the source")
    with source.open("rb") as handle:
        catalog = read_po(handle)
    catalog.get("monthly").string = "from the compiled file"
    compiled = source.with_suffix(".mo")
    with compiled.open("wb") as handle:
        write_mo(handle, catalog)
    os.utime(source, (1_000_000, 1_000_000))
    os.utime(compiled, (2_000_000, 2_000_000))
    assert translations.load("xx").gettext("monthly") == "from the compiled file"
    translations.load.cache_clear()
    os.utime(source, (3_000_000, 3_000_000))
    assert translations.load("xx").gettext("monthly") == "from the source"


# The billing core's sentences (issue 10) ------------------------------------------------------


def test_a_billing_core_message_reads_in_the_installed_language_with_the_site_s_formats(
        english_afterwards):
    from desktop.domain.model import Message
    from desktop.i18n.messages import say

    message = Message.of("The quantity can be at most {count}.", count=10000)
    assert str(message) == "The quantity can be at most 10,000."
    install("de")
    assert say(message, Formatter("en_IE", "EUR")) == "Die Menge darf höchstens 10,000 betragen."
    assert say(message, Formatter("de_DE", "EUR")) == "Die Menge darf höchstens 10.000 betragen."
    assert say("Already translated.") == "Already translated."


def test_stored_transition_and_line_wordings_read_in_the_installed_language(
        english_afterwards):
    from desktop.domain.invoicing import line_wording, read_line_wording
    from desktop.domain.transitions import transition_wording
    from desktop.i18n.messages import wording_text

    switched = transition_wording("renewal", {"old": "Hot desk", "new": "Dedicated desk"})
    assert wording_text(switched, "ignored") == "Switched from Hot desk to Dedicated desk"
    install("fr")
    assert wording_text(switched, "ignored") == "Passage de Hot desk à Dedicated desk"
    unused = read_line_wording("unused", "Unused time on Hot desk")
    assert unused == line_wording("unused", {"name": "Hot desk"})
    assert wording_text(unused, "ignored") == "Temps non utilisé sur Hot desk"
    # A plan's own name, and parameters that do not fit the sentence, read as written.
    assert read_line_wording("plan", "Unused time on Hot desk") is None
    assert transition_wording("activation", {"old": "A"}) is None
    assert wording_text(None, "Hot desk × 2") == "Hot desk × 2"


def test_the_words_follow_the_reader_and_the_numbers_the_site():
    irish_site_german_reader = Formatter("en_IE", "EUR", "de")
    assert irish_site_german_reader.money(35000) == "€350.00"
    assert irish_site_german_reader.frequency(Frequency("month", 3)) == "alle 3 Monate"
    assert irish_site_german_reader.date(date(2026, 12, 1)) == "1 Dec 2026"
    spanish_reader = Formatter("de_DE", "EUR").for_language("es")
    assert spanish_reader.days_of(12, 31) == "12 de 31 días"
    assert spanish_reader.money(35000) == f"350,00{NBSP}€"


def test_refused_values_read_in_the_readers_language_and_english_on_the_command_line(
        english_afterwards):
    from desktop.domain.model import refusal
    from desktop.domain.money import parse_rate
    from desktop.domain.periods import parse_frequency
    from desktop.i18n.messages import reason, say
    from desktop.services.settings import SiteSettings, settings_problems

    install("de")
    refused = []
    for attempt in (lambda: parse_rate("12,5%"), lambda: DE.parse_money("12x"),
                    lambda: Formatter("en_IE", "EUROS"), lambda: parse_frequency("monthly")):
        with pytest.raises(ValueError) as caught:
            attempt()
        refused.append(caught.value)
    assert [str(error) for error in refused] == [  # the command line's sentences, unchanged
        '"12,5%" is not a tax rate.', '"12x" is not an amount; write it like "1234,56".',
        '"EUROS" is not a currency code such as "EUR" or "GBP".',
        '"monthly" is not a billing frequency such as "1 month" or "2 weeks".']
    assert [reason(error) for error in refused] == [
        "„12,5%“ ist kein Steuersatz.", "„12x“ ist kein Betrag; schreiben Sie ihn wie „1234,56“.",
        "„EUROS“ ist kein Währungscode wie „EUR“ oder „GBP“.",
        "„monthly“ ist kein Abrechnungsrhythmus wie „1 month“ oder „2 weeks“."]
    assert reason(ValueError("plain")) == refusal(ValueError("plain")) == "plain"
    # The settings service hands the interface the template, translated where it is shown.
    problems = settings_problems(SiteSettings(currency="EUROS", locale="xx_YY", tax_rate="200"))
    assert [problem.field for problem in problems] == ["currency", "locale", "tax_rate"]
    assert say(problems[2].message) == "„200“ ist kein Steuersatz zwischen 0 und 100."
    # Issue 19: a control character and a rate no person writes, in the reader's language.
    problems = settings_problems(SiteSettings(operator="Ana\x00", tax_rate="1e2"))
    assert [(p.field, say(p.message)) for p in problems] == [
        ("operator", "Der Text enthält ein Steuerzeichen (U+0000); entfernen Sie es."),
        ("tax_rate", "„1e2“ ist kein Steuersatz, geschrieben als einfache Zahl wie 20 oder 8.5.")]


@pytest.mark.parametrize("locale,currency", [("en_IE", "EUR"), ("de_DE", "EUR"),
                                             ("fr_CH", "CHF"), ("ja_JP", "JPY"),
                                             ("hi_IN", "INR")])
def test_kept_money_and_date_texts_are_babels_own(locale, currency):
    """A Formatter keeps the texts it made (docs/design.md#targets); asked again, it gives
    Babel's."""
    from babel.dates import format_date, format_interval
    from babel.numbers import format_currency

    from desktop.domain.money import to_major

    fmt = Formatter(locale, currency)
    for _round in range(2):
        for amount in (0, 1, -1, 99, -13548, 123456789, -5, 10**12):
            assert fmt.money(amount) == format_currency(to_major(amount, currency), currency,
                                                        locale=fmt.locale)
        day, later = date(2026, 4, 1), date(2026, 5, 1)
        assert fmt.date_long(day) == format_date(day, "long", locale=fmt.locale)
        assert fmt.span(day, later) == format_interval(day, later, "yMMMd", locale=fmt.locale)
