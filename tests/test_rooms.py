"""The house: feature packages and the arrows allowed between them, module and folder sizes.

docs/architecture.md sets the layers; this file keeps the rooms inside ui/ and services/ readable:
every screen in its own package, shared pieces in ui/common, no cycle between packages, no re-export
shims, no module over ~400 lines and no folder of more than ~15 modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop"
# A module this long has usually grown two ideas: a signal to look for where they part, never a
# count to split at. (At 400, modules were cut in the middle of one idea just to pass.)
MAX_LINES = 600
# A folder holds what its name explains; past this many modules a reader stops keeping them
# apart, a signal to look for a room inside it (the domain's fifteen are all pure rules, each
# named for the rules it holds).
MAX_MODULES = 15

# Package -> the sibling packages it may import. ui/common is the floor every screen stands on.
UI_ARROWS = {
    "common": set(),
    "catalog": {"common"},
    "change_plan": {"common"},
    "contract_editor": {"common", "change_plan"},
    "invoices": {"common"},
    "members": {"common", "invoices", "catalog"},  # a charge's tax category (rule 27)
    "transitions": {"common"},
    "banking": {"common"},
    "mail": {"common"},
    "window": {"common", "catalog", "invoices", "members", "transitions", "banking", "mail"},
}


def room_of(module: str, layer: str) -> str | None:
    """The package or module of `layer` (e.g. desktop.ui) that a dotted name lies in."""
    if not module.startswith(layer + "."):
        return None
    return module[len(layer) + 1:].split(".")[0]


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def arrows(layer: str) -> dict[str, set[str]]:
    """Room -> the other rooms of the same layer its modules import."""
    folder = ROOT / layer.replace(".", "/")
    graph: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        relative = path.relative_to(folder).with_suffix("")
        if relative.parts == ("__init__",):
            continue
        room = relative.parts[0]
        for name in imports_of(path):
            target = room_of(name, layer)
            is_room = target and ((folder / target).is_dir() or (folder / f"{target}.py").exists())
            if is_room and target != room:
                graph.setdefault(room, set()).add(target)
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None."""
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return trail + [node, nxt]
            if nxt not in state and (found := visit(nxt, trail + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_cycle_finder_finds_a_cycle_and_accepts_a_tree():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert cycle_in({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_ui_is_rooms_only_no_loose_modules():
    loose = [p.name for p in (PACKAGE / "ui").glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert set(UI_ARROWS) == {p.name for p in (PACKAGE / "ui").iterdir()
                              if (p / "__init__.py").is_file()}


def test_ui_rooms_import_only_the_rooms_they_stand_on():
    problems = [f"ui/{room} imports ui/{target}"
                for room, targets in arrows("desktop.ui").items()
                for target in targets - UI_ARROWS[room]]
    assert problems == []


@pytest.mark.parametrize("layer", ["desktop.ui", "desktop.services", "desktop.ledger",
                                   "desktop.storage", "desktop.domain"])
def test_no_cycle_between_the_rooms_of_a_layer(layer):
    assert cycle_in(arrows(layer)) is None


def test_the_sweep_does_not_reach_up_into_the_use_cases_that_call_it():
    # `changes` is the record of what changed every service returns, a value like its errors.
    assert arrows("desktop.services").get("sweep", set()) <= {"errors", "formatting", "changes"}


def test_billing_rows_are_read_and_written_in_the_ledger_alone():
    """No service keeps its own copy of the ledger's work: the sweep holds no reader or writer
    of contract rows, and nothing outside the ledger lists the contracts table's columns."""
    sweep = {p.stem for p in (PACKAGE / "services" / "sweep").glob("*.py")}
    assert not sweep & {"member_states", "day_writes", "bulk_rows"}
    assert not (PACKAGE / "storage" / "mapping.py").exists()
    assert not (PACKAGE / "services" / "contracts" / "store.py").exists()
    listing = "prorate_last_invoice=c.prorate_last_invoice"  # a hand-written column list
    assert [p for p in PACKAGE.rglob("*.py") if listing in p.read_text(encoding="utf-8")] == []


def test_the_services_and_only_they_stand_on_the_ledger():
    users = {path.relative_to(PACKAGE).parts[0] for path in PACKAGE.rglob("*.py")
             if any(name.startswith("desktop.ledger") for name in imports_of(path))}
    assert users == {"services", "ledger"}


def test_no_module_over_the_size_a_reader_takes_in():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_no_folder_with_more_modules_than_a_reader_keeps_apart():
    crowded = [f"{d.relative_to(ROOT)}: {n} modules" for d in [PACKAGE, *PACKAGE.rglob("*")]
               if d.is_dir() and (n := len([p for p in d.glob("*.py")
                                            if p.name != "__init__.py"])) > MAX_MODULES]
    assert crowded == []


def test_no_module_re_exports_names_it_imports():
    """Callers import from the real place: an __all__ lists only what its module defines."""
    shims = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name.split(".")[0] for node in tree.body
                    if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                names = {elt.value for elt in node.value.elts}
                shims += [f"{path.relative_to(ROOT)}: {name}" for name in names & imported]
    allowed = {"desktop/i18n/__init__.py"}  # the i18n layer's front door: _, N_, Formatter
    assert [s for s in shims if s.split(":")[0] not in allowed] == []
