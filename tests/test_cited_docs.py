"""The documents the code cites are in the repository, and so are the rules it names.

A comment or docstring under desktop/ or tests/ that names a `*.md` file names one that exists
(under docs/ or at the root), with the anchor it points at (`docs/billing-rules.md#rule-6`); a
file whose comments name the rules page (docs/billing-rules.md) cites only rules that page has.
Links between the pages under docs/ and from the README resolve too. So a person who clones the
repository can read every rule and section the code points at.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RULES_PAGE = "docs/billing-rules.md"
SOURCES = sorted([*(ROOT / "desktop").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])

# A document named in prose: `docs/storage.md`, `README.md`, `billing-rules.md#rule-6`.
CITED = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-][\w.-]*\.md)(#[\w-]+)?")
# "rule 6", "rules 5, 7-9", "Rules 5 and 12", "rules 18–19": the numbers after the word.
RULES = re.compile(r"\b[Rr]ules?\s+(\d{1,2}(?:\s*(?:,|and|-|–)\s*\d{1,2}\b)*)")
# A Markdown link to another page, with or without an anchor.
LINK = re.compile(r"\]\(([^)\s#]+\.md)(#[\w-]+)?\)")


def prose(source: str) -> str:
    """The comments and docstrings of a Python source, one per line: what the code says."""
    parts = [token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                parts.append(docstring)
    return "\n".join(parts)


def slug(heading: str) -> str:
    """The anchor a Markdown heading gets on GitHub: lower case, punctuation dropped, spaces
    become dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    """The anchors of a page: explicit `<a id="…">` ones and those of its headings."""
    text = page.read_text(encoding="utf-8")
    found = set(re.findall(r'<a id="([\w-]+)"></a>', text))
    found |= {slug(h) for h in re.findall(r"^#+\s+(.+)$", text, re.MULTILINE)}
    return frozenset(found)


def resolve(name: str, relative_to: Path | None = None) -> Path | None:
    """The file a cited name means: a path from the repository root (or from the citing
    page's folder), or a bare name at the root or under docs/; None when there is none."""
    candidates = [ROOT / name, DOCS / name]
    if relative_to is not None:
        candidates.insert(0, relative_to / name)
    return next((path for path in candidates if path.is_file()), None)


def citation_problems(text: str, where: str, relative_to: Path | None = None) -> list[str]:
    """A sentence for each cited document (and anchor) that does not exist."""
    problems = []
    for name, anchor in CITED.findall(text):
        page = resolve(name, relative_to)
        if page is None:
            problems.append(f"{where}: cites {name}, which is not in the repository")
        elif anchor and anchor[1:] not in anchors(page):
            problems.append(f"{where}: cites {name}{anchor}, which {name} has no anchor for")
    return problems


def rule_numbers(text: str) -> set[int]:
    """Every rule number the text names, ranges ("rules 4-8") expanded."""
    numbers: set[int] = set()
    for group in RULES.findall(text):
        for part in re.split(r"\s*(?:,|and)\s*", group):
            ends = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n]
            numbers.update(range(ends[0], ends[-1] + 1))
    return numbers


@cache
def defined_rules() -> frozenset[int]:
    return frozenset(int(n) for n in re.findall(r"^rule-(\d+)$", "\n".join(
        anchors(ROOT / RULES_PAGE)), re.MULTILINE))


def rule_problems(text: str, where: str) -> list[str]:
    """Rules a text names that the rules page does not have, when the text names the page."""
    if "billing-rules.md" not in text:
        return []
    return [f"{where}: cites rule {n}, which {RULES_PAGE} does not have"
            for n in sorted(rule_numbers(text) - defined_rules())]


# The checks themselves ----------------------------------------------------------------------

def test_the_checks_catch_a_missing_page_anchor_or_rule():
    assert citation_problems("# see DESIGN.md §3", "x.py")
    assert citation_problems("# see docs/no-such-page.md", "x.py")
    assert citation_problems("# see docs/billing-rules.md#rule-99", "x.py")
    assert citation_problems("# rule 6 (docs/billing-rules.md), docs/storage.md#sweep",
                             "x.py") == []
    assert citation_problems("# README.md and architecture.md", "x.py") == []
    assert rule_numbers("rules 4-8, 10-12 and Rule 15; rules 18–19") == {
        4, 5, 6, 7, 8, 10, 11, 12, 15, 18, 19}
    assert rule_problems("# rule 31 (docs/billing-rules.md)", "x.py")
    assert rule_problems("# rules 5-31 (docs/billing-rules.md)", "x.py")
    assert rule_problems("# rule 31 of some other page", "x.py") == []
    assert rule_problems("# rule 6 (docs/billing-rules.md)", "x.py") == []


def test_prose_is_comments_and_docstrings_not_code():
    source = ('"""Module (docs/a.md)."""\nNAME = "b.md"  # c.md\n'
              'def f():\n    """d.md"""\n    return "e.md"\n')
    text = prose(source)
    assert all(name in text for name in ("a.md", "c.md", "d.md"))
    assert "b.md" not in text and "e.md" not in text


def test_the_rules_page_numbers_its_rules_without_gaps():
    rules = sorted(defined_rules())
    assert rules == list(range(1, len(rules) + 1)) and len(rules) >= 30
    text = (ROOT / RULES_PAGE).read_text(encoding="utf-8")
    for n in rules:  # each anchor sits on the rule's own heading
        assert re.search(rf'<a id="rule-{n}"></a>\n### Rule {n} — ', text), n


# The repository -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_document_and_rule_a_source_cites_exists(path):
    text = prose(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(ROOT))
    assert citation_problems(text, where) + rule_problems(text, where) == []


def test_the_sources_cite_the_pages_under_docs():
    """The rewrite reached the code: the rules page is cited by name, with its rules."""
    citing = [path for path in SOURCES if RULES_PAGE in prose(path.read_text(encoding="utf-8"))]
    assert len(citing) >= 10


@pytest.mark.parametrize("page", [*sorted(DOCS.glob("*.md")), ROOT / "README.md"],
                         ids=lambda p: p.name)
def test_links_between_pages_resolve(page):
    text = page.read_text(encoding="utf-8")
    problems = []
    for name, anchor in LINK.findall(text):
        target = (page.parent / name) if not name.startswith("/") else ROOT / name.lstrip("/")
        if not target.is_file():
            problems.append(f"{page.name}: links to {name}, which does not exist")
        elif anchor and anchor[1:] not in anchors(target):
            problems.append(f"{page.name}: links to {name}{anchor}, which has no such anchor")
    assert problems == []
