"""Architecture rules read from the source with ast (docs/architecture.md layers, the clock rule).

ui -> services -> ledger -> storage -> domain: a layer imports only layers to its right. The
ledger (billing persistence) imports storage and domain only, never services, nor i18n: its
errors live with it. The window never reaches past the services into the ledger. The domain
loads with the standard library alone. Only the composition root (desktop/app.py) reads the clock.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop"
COMPOSITION_ROOT = PACKAGE / "app.py"

# Layer -> modules it must not import (a prefix also forbids its submodules).
FORBIDDEN = {
    "desktop.domain": ("PySide6", "shiboken6", "sqlalchemy", "alembic", "desktop.storage",
                       "desktop.ledger", "desktop.services", "desktop.ui", "desktop.i18n",
                       "desktop.app", "desktop.cli", "desktop.documents", "desktop.formats"),
    "desktop.storage": ("PySide6", "shiboken6", "desktop.ledger", "desktop.services",
                        "desktop.ui", "desktop.app", "desktop.cli", "desktop.documents",
                        "desktop.formats"),
    # Billing persistence (docs/architecture.md): storage and domain only.
    "desktop.ledger": ("PySide6", "shiboken6", "desktop.services", "desktop.ui", "desktop.app",
                       "desktop.cli", "desktop.documents", "desktop.i18n", "desktop.formats"),
    "desktop.services": ("PySide6", "shiboken6", "desktop.ui", "desktop.app", "desktop.cli",
                         "desktop.documents", "desktop.formats"),
    # The registry of exports and imports: read by the command line and the window alike, so
    # it stands below both and never loads Qt itself (the commands run without it); an invoice
    # PDF's work reaches desktop.documents only when one is made.
    "desktop.formats": ("PySide6", "shiboken6", "desktop.ui", "desktop.app", "desktop.cli"),
    # Invoice documents: laid out with QtGui (QTextDocument, QPdfWriter) so the window and the
    # command line share them; no widgets (the command line has no QApplication), and the data
    # comes from the services, never from the database directly.
    "desktop.documents": ("PySide6.QtWidgets", "PySide6.QtPrintSupport", "sqlalchemy",
                          "alembic", "desktop.storage", "desktop.ledger", "desktop.ui",
                          "desktop.app", "desktop.cli", "desktop.formats"),
    "desktop.i18n": ("PySide6", "shiboken6", "sqlalchemy", "desktop.storage", "desktop.ledger",
                     "desktop.services", "desktop.ui", "desktop.app", "desktop.cli",
                     "desktop.formats"),
    # The window asks the services; billing rows are theirs to read and write.
    "desktop.ui": ("desktop.ledger",),
}

# Calls that read the system clock, by the dotted name they resolve to.
CLOCK_CALLS = {
    "datetime.date.today", "datetime.datetime.now", "datetime.datetime.today",
    "datetime.datetime.utcnow", "time.time", "time.time_ns",
    "PySide6.QtCore.QDate.currentDate", "PySide6.QtCore.QDateTime.currentDateTime",
    "PySide6.QtCore.QDateTime.currentDateTimeUtc", "PySide6.QtCore.QDateTime.currentSecsSinceEpoch",
    "PySide6.QtCore.QDateTime.currentMSecsSinceEpoch", "PySide6.QtCore.QTime.currentTime",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module an `import` or `from ... import` names, relative imports made absolute."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from desktop import ui` imports desktop.ui.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def is_within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_violations(path: Path, source: str) -> list[str]:
    module = module_name(path)
    tree = ast.parse(source, filename=str(path))
    problems = []
    for layer, forbidden in FORBIDDEN.items():
        if not is_within(module, layer):
            continue
        for line, imported in imported_modules(tree, module, path.name == "__init__.py"):
            for banned in forbidden:
                if is_within(imported, banned):
                    problems.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return sorted(set(problems))


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names bound by imports -> the dotted names they stand for."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def clock_reads(path: Path, source: str) -> list[str]:
    """Calls in the source that resolve to a reading of the system clock."""
    tree = ast.parse(source, filename=str(path))
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        resolved = ".".join(filter(None, [aliases.get(head, head), rest]))
        if resolved in CLOCK_CALLS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {resolved}()")
    return found


# The checkers themselves: each must catch what it is there for. -------------------------------


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("desktop/domain/x.py", "import PySide6.QtCore"),
        ("desktop/domain/x.py", "from sqlalchemy.orm import Session"),
        ("desktop/domain/x.py", "def f():\n    import sqlalchemy\n"),
        ("desktop/domain/x.py", "from desktop.storage import models"),
        ("desktop/domain/x.py", "from ..services import sweep"),
        ("desktop/domain/x.py", "from desktop import ui"),
        ("desktop/storage/x.py", "from PySide6.QtWidgets import QWidget"),
        ("desktop/storage/x.py", "from desktop.services.sweep.service import run"),
        ("desktop/storage/sub/x.py", "from ...ui import window"),
        ("desktop/services/x.py", "import PySide6"),
        ("desktop/services/x.py", "from desktop.ui.window import MainWindow"),
        ("desktop/services/x.py", "from desktop.documents.paper import write_pdf"),
        ("desktop/documents/x.py", "from PySide6.QtWidgets import QTextBrowser"),
        ("desktop/documents/x.py", "from desktop.storage import models"),
        ("desktop/ledger/x.py", "from desktop.services.errors import NotFound"),
        ("desktop/ledger/x.py", "from ..services import history"),
        ("desktop/ledger/x.py", "from desktop.i18n import _"),
        ("desktop/ledger/x.py", "from PySide6.QtCore import QObject"),
        ("desktop/storage/x.py", "from desktop.ledger.member_states import load_plans"),
        ("desktop/domain/x.py", "from desktop.ledger import audit"),
        ("desktop/ui/x.py", "from desktop.ledger.member_states import load_plans"),
        ("desktop/ui/sub/x.py", "from ...ledger import audit"),
        ("desktop/formats/x.py", "def f():\n    from PySide6.QtGui import QPdfWriter\n"),
        ("desktop/formats/x.py", "from desktop.ui.window.actions import WindowActions"),
        ("desktop/services/x.py", "from desktop.formats.registry import COMMANDS"),
    ],
)
def test_layer_checker_catches_a_forbidden_import(relative, source):
    assert layer_violations(ROOT / relative, source)


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("desktop/domain/x.py", "from desktop.domain.money import round_minor\n"
                                "from . import periods"),
        ("desktop/storage/x.py", "import sqlalchemy\nfrom desktop.domain import model"),
        ("desktop/services/x.py", "from desktop.storage import db\nfrom desktop.i18n import _"),
        ("desktop/services/x.py", "from desktop.ledger.member_states import load_plans"),
        ("desktop/ledger/x.py", "from sqlalchemy.orm import Session\n"
                                "from desktop.storage import models\n"
                                "from desktop.domain.model import Contract\nfrom . import audit"),
        ("desktop/ui/x.py", "from PySide6.QtWidgets import QWidget\n"
                            "from desktop.services import x"),
        ("desktop/documents/x.py", "from PySide6.QtGui import QPdfWriter\n"
                                   "from desktop.services.documents import InvoiceDocument"),
        ("desktop/formats/x.py", "from desktop.storage.output_files import replacing\n"
                                 "from desktop.services.spreadsheets import write_csv\n"
                                 "from desktop.documents.paper import pdf_bytes"),
        ("desktop/ui/x.py", "from desktop.formats.registry import COMMANDS"),
    ],
)
def test_layer_checker_allows_imports_down_the_layers(relative, source):
    assert layer_violations(ROOT / relative, source) == []


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.datetime.now()",
        "import datetime as dt\nx = dt.date.today()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "from datetime import datetime as D\nx = D.today()",
        "import time\nx = time.time()",
        "from time import time\nx = time()",
        "from PySide6.QtCore import QDate\nx = QDate.currentDate()",
        "from PySide6 import QtCore\nx = QtCore.QDateTime.currentDateTime()",
    ],
)
def test_clock_checker_catches_a_clock_read(source):
    assert clock_reads(ROOT / "desktop" / "x.py", source)


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date\nx = date(2024, 1, 31)",
        "import time\ntime.sleep(0)\nx = time.monotonic()",
        "def f(clock):\n    return clock.today()",
        "def f(now):\n    return now().date()",
    ],
)
def test_clock_checker_allows_what_does_not_read_the_clock(source):
    assert clock_reads(ROOT / "desktop" / "x.py", source) == []


# The rules, on the real source. ----------------------------------------------------------------


def test_the_package_has_modules_in_every_checked_layer():
    names = {module_name(path) for path in source_files()}
    for layer in ("desktop.domain", "desktop.i18n", "desktop.documents", "desktop.ledger"):
        assert any(is_within(name, layer) for name in names), f"no module under {layer}"


def test_layers_import_only_downwards():
    problems = []
    for path in source_files():
        problems += layer_violations(path, path.read_text(encoding="utf-8"))
    assert problems == [], "Layering (docs/architecture.md) broken:\n" + "\n".join(problems)


def test_only_the_composition_root_reads_the_clock():
    problems = []
    for path in source_files():
        if path != COMPOSITION_ROOT:
            problems += clock_reads(path, path.read_text(encoding="utf-8"))
    assert problems == [], "Pass `today`/`now` or a clock instead:\n" + "\n".join(problems)


def _run_isolated(code: str) -> subprocess.CompletedProcess:
    """Run code with -I (no user site, no PYTHON* variables) and -S (no site-packages at all)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", "import sys; sys.path.insert(0, '.')\n" + code],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


THIRD_PARTY_LOADED = (
    "import sys\n"
    "extra = sorted({m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)"
    " - set(sys.builtin_module_names) - {'desktop', '__main__'})\n"
    "assert not extra, extra\n"
)


def test_isolated_interpreter_cannot_see_third_party_packages():
    result = _run_isolated("import importlib.util\nprint(importlib.util.find_spec('babel'))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_proration_loads_with_the_standard_library_alone():
    result = _run_isolated(
        "from datetime import date\n"
        "from desktop.domain.proration import prorate\n"
        "print(prorate(30000, (date(2024, 3, 15), date(2024, 4, 15)),"
        " (date(2024, 3, 15), date(2024, 3, 25))))\n" + THIRD_PARTY_LOADED
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "9677"


def test_every_domain_module_loads_with_the_standard_library_alone():
    modules = sorted(module_name(path) for path in (PACKAGE / "domain").rglob("*.py"))
    result = _run_isolated(
        "import importlib\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n" + THIRD_PARTY_LOADED
    )
    assert result.returncode == 0, result.stderr
