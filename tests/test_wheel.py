"""The wheel carries what the window loads: resources/ (icons, style sheet, application icon).

Built from a copy of the tracked files, so the test never writes build output into the checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    source = tmp_path_factory.mktemp("source")
    # Committed files and new ones not yet committed (but not what git ignores).
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        if not (ROOT / name).is_file():
            continue  # deleted in the working tree
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("frontdesk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_ships_every_icon_the_style_sheet_and_the_application_icon(wheel_names):
    expected = {f"desktop/resources/{path.relative_to(RESOURCES).as_posix()}"
                for path in RESOURCES.rglob("*")
                if path.is_file() and path.suffix in {".svg", ".qss"}}
    assert "desktop/resources/frontdesk.svg" in expected
    assert "desktop/resources/style.qss" in expected
    assert len([name for name in expected if "/icons/" in name]) >= 20
    assert expected <= wheel_names, sorted(expected - wheel_names)


def test_wheel_ships_every_package_and_no_top_level_resources(wheel_names):
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "desktop").rglob("*.py")}
    assert modules <= wheel_names, sorted(modules - wheel_names)
    assert "desktop/resources/__init__.py" in wheel_names
    assert not any(name.startswith("resources/") for name in wheel_names)
