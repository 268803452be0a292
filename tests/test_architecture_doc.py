"""docs/architecture.md names only what exists: every path, module, class and function in backticks.

A name in backticks is checked by its shape: a path (with a slash or a file ending) must exist in
the repository; `desktop.x.y` must import; `Name` or `Name.attr` must be defined at the top of a
module under desktop/ (and `attr` in that class). Anything else in backticks (a command, a
format name) is left alone.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
PATH_LIKE = re.compile(r"^[\w./-]+$")
CALL = re.compile(r"^(?P<name>[\w.]+)\(.*\)$")


def backticked(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


@cache
def definitions() -> dict[str, set[str]]:
    """Top-level name in any desktop module -> the names defined in its body (for classes)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "desktop").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                members = found.setdefault(node.name, set())
                for base_item in node.body:
                    if isinstance(base_item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        members.add(base_item.name)
                    elif isinstance(base_item, (ast.Assign, ast.AnnAssign)):
                        targets = (base_item.targets if isinstance(base_item, ast.Assign)
                                   else [base_item.target])
                        members |= {t.id for t in targets if isinstance(t, ast.Name)}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault(node.name, set())
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, set())
    return found


def problem_with(token: str) -> str | None:
    """Why a backticked token does not resolve, or None when it does (or is not a name)."""
    call = CALL.match(token)
    if call:
        token = call.group("name")
    is_file = re.search(r"\.(py|md|svg|qss|toml|cfg)$", token)
    if is_file or token.endswith("/"):
        if not PATH_LIKE.match(token):
            return None
        if "/" not in token:  # a module named in its folder's row: it must exist somewhere
            return None if any(ROOT.glob(f"desktop/**/{token}")) or (ROOT / token).exists() \
                else f"no file {token}"
        return None if (ROOT / token.rstrip("/")).exists() else f"no file {token}"
    if not IDENTIFIER.match(token):
        return None
    if token.startswith("desktop."):
        try:
            importlib.import_module(token)
        except ImportError:
            module, _, attribute = token.rpartition(".")
            try:
                if not hasattr(importlib.import_module(module), attribute):
                    return f"{module} has no {attribute}"
            except ImportError:
                return f"no module {token}"
        return None
    head, *rest = token.split(".")
    if head not in definitions():
        return f"nothing named {head} in desktop/"
    if rest and rest[0] not in definitions()[head]:
        return f"{head} has no {rest[0]}"
    return None


def test_the_checker_catches_a_missing_name_and_accepts_real_ones():
    assert problem_with("ContractService.save") is None
    assert problem_with("apply_day") is None
    assert problem_with("desktop/ui/contract_editor/") is None
    assert problem_with("desktop.services.sweep.service") is None
    assert problem_with("ContractService.no_such_method")
    assert problem_with("no_such_function")
    assert problem_with("desktop/ui/no_such_room/")
    assert problem_with("desktop.services.no_such_module")
    assert problem_with("editing.py") is None
    assert problem_with("no_such_module.py")
    assert problem_with("make test") is None  # a command, not a name
    assert problem_with("frontdesk/1") is None  # a format


def test_every_name_the_architecture_page_cites_exists():
    tokens = backticked(DOC.read_text(encoding="utf-8"))
    checked = [t for t in tokens if IDENTIFIER.match(CALL.sub(r"\g<name>", t)) or "/" in t]
    assert len(checked) > 60, "the page should walk through the code by name"
    problems = sorted({p for t in tokens if (p := problem_with(t))})
    assert problems == []


@pytest.mark.parametrize("walk", ["Walk 1", "Walk 2", "Walk 3"])
def test_each_walk_names_the_functions_it_passes_through(walk):
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"## {walk}")[1].split("\n## ")[0]
    assert len(backticked(section)) >= 8


def readme_tree() -> set[str]:
    """The paths the README's layout block lists, folders ending in '/'."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Project layout")[1].split("```")[1]
    paths, parents = set(), []
    for line in block.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0]
        parents = parents[:depth]
        path = "".join(parents) + name
        paths.add(path)
        if name.endswith("/"):
            parents.append(name)
    return paths


def test_the_readme_tree_is_the_real_tree():
    listed = readme_tree()
    assert [p for p in listed if not (ROOT / p.rstrip("/")).exists()] == []
    tracked = {line.split("/")[0] + ("/" if "/" in line else "") for line in
               subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.split() if not line.startswith(".")}
    tracked -= {"README.md"}
    assert tracked - listed == set(), "top-level entries missing from the README's tree"
    for layer in ("desktop/ui/", "desktop/services/"):
        rooms = {f"{layer}{d.name}/" for d in (ROOT / layer).iterdir()
                 if (d / "__init__.py").is_file()}
        assert rooms - listed == set(), f"packages of {layer} missing from the README's tree"
