"""The glyphs of a PDF page where they are drawn, read with pypdf.

pypdf's extract_text follows the content stream, so a run Qt draws right to left (each glyph
placed leftwards of the one before) still reads in stored order there. These helpers place
every glyph Qt writes (one `Td <code> Tj` per glyph, in a Type0 font with a ToUnicode map) and
read each printed line left to right, as a person reads the paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

NOTDEF = 0  # glyph 0 of a font, its empty box


@dataclass(frozen=True)
class Glyph:
    x: float
    y: float
    code: int   # the glyph's number in its font subset
    text: str   # what the font's ToUnicode map says it is ("" when it says nothing)


def _to_unicode(font) -> dict[int, str]:
    """A Type0 font's ToUnicode map: bfchar pairs and bfrange ranges (both forms)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")

    def text(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, rest in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            low, high = int(low, 16), int(high, 16)
            if rest.startswith("["):
                for offset, dst in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", rest)):
                    mapping[low + offset] = text(dst)
            else:
                first = bytes.fromhex(rest[1:-1]).decode("utf-16-be")
                for offset in range(high - low + 1):
                    mapping[low + offset] = first[:-1] + chr(ord(first[-1]) + offset)
    return mapping


def page_glyphs(path: Path, page: int = 0) -> list[Glyph]:
    """Every glyph drawn on the page, in the order it is drawn."""
    reader = PdfReader(str(path))
    sheet = reader.pages[page]
    fonts = sheet["/Resources"].get("/Font", {})
    maps = {name: _to_unicode(font.get_object()) for name, font in fonts.items()}
    glyphs: list[Glyph] = []
    font, line = None, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    for operands, operator in ContentStream(sheet.get_contents(), reader).operations:
        if operator == b"Tf":
            font = operands[0]
        elif operator == b"BT":
            line = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        elif operator == b"Tm":
            line = [float(value) for value in operands]
        elif operator == b"Td":
            tx, ty = float(operands[0]), float(operands[1])
            a, b, c, d, e, f = line
            line = [a, b, c, d, e + tx * a + ty * c, f + tx * b + ty * d]
        elif operator == b"Tj":
            raw = operands[0]
            data = raw.original_bytes if hasattr(raw, "original_bytes") else bytes(raw)
            for i in range(0, len(data) - 1, 2):
                code = int.from_bytes(data[i:i + 2], "big")
                glyphs.append(Glyph(line[4], line[5], code, maps.get(font, {}).get(code, "")))
    return glyphs


def printed_lines(path: Path, page: int = 0) -> list[str]:
    """The page's lines top to bottom, each read left to right (the order on paper), with
    the space between words made one space."""
    rows: dict[int, list[Glyph]] = {}
    for glyph in page_glyphs(path, page):
        rows.setdefault(round(glyph.y), []).append(glyph)
    lines = []
    for y in sorted(rows):  # Qt's text matrix turns the page over: y grows downwards
        text = "".join(glyph.text for glyph in sorted(rows[y], key=lambda g: g.x))
        lines.append(" ".join(text.split()))
    return lines
