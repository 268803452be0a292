"""Text as the invoice document may print it (issue 19): in the order it is stored, and with
no character drawn as an empty box.

Bidi controls are removed, not wrapped. Wrapping a field in an isolate (U+2068 … U+2069) keeps
an override from leaking into the next field, but inside the field "Ada <RLO>Lovelace" would
still print "Ada ecalevoL": the stored order is lost either way. Without the controls the
Unicode bidi algorithm orders the text by its letters alone, so Hebrew or Arabic still reads
right to left, and each block of the document keeps its left-to-right base direction (Qt's
default for a QTextDocument), so nothing a name holds turns a neighbouring field around. The
marks U+200E, U+200F and U+061C go too: alone they can move digits and punctuation across
each other ("<RLM>2 3" prints "3 2"). Qt would print an isolate as a blank glyph in a PDF, a
further reason not to add any.

A character the document's font lacks is drawn by Qt from another installed font that has it
(fontconfig's fallback; a colour emoji font becomes an image in a PDF). A character no
installed font has would print as the font's empty box: it prints as U+FFFD (or "?" when no
font has that either), one per user-perceived character, so a flag or a family emoji made of
several code points is one mark.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QTextBoundaryFinder
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout

# Embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks.
BIDI_CONTROLS = frozenset(
    chr(cp) for cp in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_WITHOUT_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))
REPLACEMENT, LAST_RESORT = "\ufffd", "?"
# Drawn as nothing or as space whatever the font (controls, formats, separators, spaces).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def without_bidi_controls(text: str) -> str:
    """The text without the characters that reorder what is printed around them."""
    return text.translate(_WITHOUT_BIDI)


def graphemes(text: str) -> list[str]:
    """The text split into user-perceived characters (Qt's grapheme clusters)."""
    if text.isascii():
        return list(text)
    # Qt counts in UTF-16 code units; Python strings count code points.
    units = text.encode("utf-16-le")
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    clusters, start = [], 0
    while (end := finder.toNextBoundary()) != -1:
        clusters.append(units[2 * start:2 * end].decode("utf-16-le"))
        start = end
    return clusters


def _shown(char: str) -> bool:
    """Whether a character needs a glyph of its own (a variation selector or a joiner shapes
    its neighbour and is never drawn alone)."""
    cp = ord(char)
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
        return False
    return unicodedata.category(char) not in _INVISIBLE_CATEGORIES


class Printable:
    """Makes text printable in the given fonts (the document's regular and bold faces)."""

    def __init__(self, fonts: list[QFont]):
        self._fonts = fonts
        self._metrics = [QFontMetrics(font) for font in fonts]
        self._known: dict[str, bool] = {}
        self.replacement = REPLACEMENT if self.drawable(REPLACEMENT) else LAST_RESORT

    def drawable(self, cluster: str) -> bool:
        """Whether every font draws the cluster with real glyphs: from the font itself
        (QFontMetrics.inFontUcs4), else from the font Qt falls back to, which must support
        every character (QRawFont.supportsCharacter)."""
        known = self._known.get(cluster)
        if known is None:
            known = self._known[cluster] = all(self._in(font, metrics, cluster)
                                               for font, metrics in zip(self._fonts,
                                                                        self._metrics))
        return known

    @staticmethod
    def _in(font: QFont, metrics: QFontMetrics, cluster: str) -> bool:
        if all(metrics.inFontUcs4(ord(char)) for char in cluster):
            return True
        layout = QTextLayout(cluster, font)
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        runs = layout.glyphRuns()
        if any(0 in run.glyphIndexes() for run in runs):  # glyph 0 is the font's empty box
            return False
        fonts = [run.rawFont() for run in runs]
        return all(any(raw.supportsCharacter(ord(char)) for raw in fonts)
                   for char in cluster if _shown(char))

    def text(self, text: str) -> str:
        """The text without bidi controls, each cluster no font draws as the replacement."""
        text = without_bidi_controls(text)
        if text.isascii() or all(self._known.get(char) for char in text):
            # Every character drawn alone already (the € of every amount): a cluster of them is
            # drawn too, and splitting the text into clusters is the expensive part.
            return text
        return "".join(cluster if self.drawable(cluster) else self.replacement
                       for cluster in graphemes(text))


_PRINTABLE: dict[str, Printable] = {}


def printable_in(base: QFont) -> Printable:
    """The Printable for a document font, made once: what a font draws does not change while
    the process runs, and every invoice of a batch asks about the same characters."""
    key = base.key()
    if key not in _PRINTABLE:
        _PRINTABLE[key] = Printable(document_fonts(base))
    return _PRINTABLE[key]


def document_fonts(base: QFont) -> list[QFont]:
    """The faces the invoice document prints in: its font and the same at weight 600 (the
    headings, the site's name, the member's name and the totals)."""
    bold = QFont(base)
    bold.setWeight(QFont.Weight.DemiBold)
    return [QFont(base), bold]
