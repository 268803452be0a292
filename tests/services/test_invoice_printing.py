"""What the invoice PDF prints of what people typed (issue 19): text in the order it is stored
whatever bidi controls it holds, no character as an empty box, and the payment block (heading,
transfer sentence, EPC code) on one page. Read back from the PDF with pypdf, glyph by glyph
where the order on paper matters (pdf_glyphs)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pypdf import PdfReader

from desktop.documents.paper import write_pdfs
from desktop.documents.printable import (
    BIDI_CONTROLS,
    REPLACEMENT,
    Printable,
    document_fonts,
    graphemes,
    without_bidi_controls,
)
from desktop.domain.model import Line
from desktop.i18n.formatting import Formatter
from desktop.services.documents import DocumentService
from document_world import invoice_world
from pdf_glyphs import NOTDEF, page_glyphs, printed_lines

RLO, LRO, RLE, PDF, RLI, FSI, PDI, RLM = ("\u202e", "\u202d", "\u202b", "\u202c", "\u2067",
                                         "\u2068", "\u2069", "\u200f")
UNASSIGNED = "\u0378"  # no character: no font has a glyph for it
SLIGHT_SMILE = "\U0001f642"  # not in DejaVu (CI installs fonts-dejavu-core only)
IRISH_FLAG = "\U0001f1ee\U0001f1ea"  # two code points, one character
ARC = "\u2312"  # in DejaVu Sans Mono, not in DejaVu Sans: Qt falls back to the former


@pytest.fixture
def document(qapp):
    world, _member, number = invoice_world()
    return DocumentService(world.db, world.clock).invoice(number)


def written(document, folder, **bill_to):
    document = replace(document, bill_to=replace(document.bill_to, **bill_to))
    (path,) = write_pdfs([document], folder, Formatter("en_IE", "EUR"))
    return path


def any_font_draws(text: str) -> bool:
    """Whether an installed font has every code point of the text (QRawFont, font by font)."""
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    return any(all(QRawFont.fromFont(QFont(family)).supportsCharacter(ord(char))
                   for char in text) for family in QFontDatabase.families())


# --- bidi controls -------------------------------------------------------------------------

def test_a_right_to_left_override_in_a_name_prints_the_name_as_stored(document, tmp_path):
    """An override left open in the name ran on, through the line separators of the billing
    block, over the company and the address: each printed mirrored ("ecalevoL")."""
    path = written(document, tmp_path, name=f"Ada {RLO}Lovelace",
                   company=f"{RLI}Analytical Engines Ltd", address=f"1 Engine{LRO} Row\nLondon EC1")
    lines = printed_lines(path)
    start = lines.index("Bill to")
    assert lines[start + 1:start + 7] == [
        "Ada Lovelace", "Analytical Engines Ltd", "1 Engine Row", "London EC1",
        "ada@example.org", "VAT id GB123456789"]
    # The document around the name is as it always is.
    assert "Harbour Desk Coworking" in lines and "Subtotal€200.00" in lines


def test_bidi_controls_in_every_printed_text_are_dropped(document, tmp_path):
    """The site's fields and an invoice line's description print as stored too, and the
    cells beside them (period, amount) keep their places."""
    site = replace(document.site, site_name=f"Harbour{RLE} Desk{PDF} Coworking",
                   address=f"12 Quay{RLM} Street\n{FSI}Galway{PDI} H91 X2Y3")
    line = Line("addon", f"Locker {RLO}B12", 1500)
    lines_before = document.invoice.lines
    document = replace(document, site=site,
                       invoice=replace(document.invoice, lines=(*lines_before, line)))
    (path,) = write_pdfs([document], tmp_path, Formatter("en_IE", "EUR"))
    lines = printed_lines(path)
    assert lines[:5] == ["Harbour Desk Coworking", "Invoice", "12 Quay Street",
                         "Invoice numberINV-000002", "Galway H91 X2Y3"]
    assert "Locker B12€15.00" in lines
    assert "Premium11–30 Apr 202420 of 30 days20%€333.33" in lines
    assert not set(PdfReader(str(path)).pages[0].extract_text()) & BIDI_CONTROLS


def test_right_to_left_letters_still_read_right_to_left(document, tmp_path):
    """Only the controls go: a Hebrew name is still ordered by the bidi algorithm (its first
    letter rightmost), and the next line is untouched."""
    shalom = "\u05e9\u05dc\u05d5\u05dd"
    path = written(document, tmp_path, name=f"{RLO}{shalom}{PDF}")
    lines = printed_lines(path)
    start = lines.index("Bill to")
    assert lines[start + 1:start + 3] == [shalom[::-1], "Analytical Engines Ltd"]


def test_without_bidi_controls_keeps_everything_else():
    controls = "".join(sorted(BIDI_CONTROLS))
    assert len(BIDI_CONTROLS) == 12  # U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C
    assert without_bidi_controls(f"a{controls}b\u200d\u00e9\u05d0") == "ab\u200d\u00e9\u05d0"


# --- characters no font has ----------------------------------------------------------------

def test_a_character_no_font_has_prints_as_a_replacement_not_a_box(document, tmp_path):
    path = written(document, tmp_path, name=f"Ada{UNASSIGNED} Lovelace",
                   company=f"Engines {UNASSIGNED}Ltd")
    glyphs = page_glyphs(path)
    assert NOTDEF not in {glyph.code for glyph in glyphs}
    lines = printed_lines(path)
    start = lines.index("Bill to")
    assert lines[start + 1:start + 3] == [f"Ada{REPLACEMENT} Lovelace",
                                          f"Engines {REPLACEMENT}Ltd"]


@pytest.mark.parametrize("emoji", [SLIGHT_SMILE, IRISH_FLAG])
def test_an_emoji_prints_from_a_font_that_has_it_or_as_one_replacement(document, tmp_path,
                                                                     emoji):
    """With fonts-dejavu-core alone (CI) no font has these: one U+FFFD for the whole
    character (the flag is two code points). Where an emoji font is installed it draws them
    (a colour font as an image). Never the empty box either way."""
    path = written(document, tmp_path, name=f"Ada {emoji} Lovelace")
    assert NOTDEF not in {glyph.code for glyph in page_glyphs(path)}
    text = PdfReader(str(path)).pages[0].extract_text()
    if any_font_draws(emoji):
        assert REPLACEMENT not in text
    else:
        assert f"Ada {REPLACEMENT} Lovelace" in printed_lines(path)


def test_a_character_the_documents_font_lacks_comes_from_another_font(document, tmp_path):
    """U+2312 is not in DejaVu Sans; Qt draws it from DejaVu Sans Mono (fonts-dejavu-core),
    so it prints as itself."""
    assert any_font_draws(ARC)
    path = written(document, tmp_path, name=f"Ada {ARC} Lovelace")
    assert NOTDEF not in {glyph.code for glyph in page_glyphs(path)}
    assert f"Ada {ARC} Lovelace" in printed_lines(path)


def test_graphemes_and_the_replacement_of_clusters(qapp):
    from PySide6.QtGui import QGuiApplication

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert graphemes(f"a{family}e\u0301") == ["a", family, "e\u0301"]
    assert graphemes(f"{IRISH_FLAG} x") == [IRISH_FLAG, " ", "x"]
    printable = Printable(document_fonts(QGuiApplication.font()))
    assert printable.text(f"x{UNASSIGNED}{UNASSIGNED}y") == f"x{REPLACEMENT}{REPLACEMENT}y"
    assert printable.text(f"Zo\u00eb e\u0301 \u20ac {RLO}") == "Zo\u00eb e\u0301 \u20ac "
    if not any_font_draws(family):
        assert printable.text(f"{family}!") == f"{REPLACEMENT}!"


# --- the payment block ---------------------------------------------------------------------

def pages_of(path):
    """Per page: its text (single spaces) and whether it draws an image (the EPC code)."""
    reader = PdfReader(str(path))
    return [(" ".join(page.extract_text().split()), bool(page["/Resources"].get("/XObject")))
            for page in reader.pages]


def test_the_payment_block_stays_together_whatever_the_number_of_lines(document, tmp_path):
    """Invoices of 12 to 24 lines put the payment block on either side of the first page's
    end and across it: the page with the QR code holds the heading and the transfer sentence
    too, and no page holds the code alone."""
    moved = 0
    for count in range(12, 25):
        lines = tuple(Line("addon", f"Locker {n}", 100) for n in range(count))
        sheet = replace(document, invoice=replace(document.invoice, lines=lines))
        (path,) = write_pdfs([sheet], tmp_path / str(count), Formatter("en_IE", "EUR"))
        pages = pages_of(path)
        with_code = [text for text, image in pages if image]
        assert len(with_code) == 1, count
        assert "Payment Please transfer €240.00" in with_code[0], count
        assert "quoting INV-000002." in with_code[0], count
        assert all(text for text, _image in pages), count
        assert sum("Payment" in text for text, _image in pages) == 1, count
        if len(pages) == 2 and with_code[0].startswith("Payment"):
            moved += 1  # the block alone opens the second page
            assert f"Locker {count - 1}" not in with_code[0]
    assert moved  # the range crossed the page's end


def test_an_invoice_without_an_iban_has_no_payment_block(document, tmp_path):
    sheet = replace(document, site=replace(document.site, iban=""))
    (path,) = write_pdfs([sheet], tmp_path, Formatter("en_IE", "EUR"))
    ((text, image),) = pages_of(path)
    assert "Payment" not in text and "Please transfer" not in text and not image


def test_the_payment_heading_is_in_the_invoices_language(qapp, tmp_path):
    from document_world import SITE

    world, _member, number = invoice_world(replace(SITE, locale="de_DE"))
    document = DocumentService(world.db, world.clock).invoice(number)
    (path,) = write_pdfs([document], tmp_path, Formatter("de_DE", "EUR"))
    ((text, image),) = pages_of(path)
    assert "Zahlung Bitte überweisen Sie 240,00 €" in text and image
