"""Installer recipes in packaging/: desktop entry, AppStream metadata, icon, PyInstaller spec.

The files are always parsed and checked here; the freedesktop validators run as well where
they are installed (.ci/run installs desktop-file-utils and appstream).
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

import desktop

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP_FILE = PACKAGING / "frontdesk.desktop"
METAINFO = PACKAGING / "io.frontdesk.Frontdesk.metainfo.xml"
ICON = ROOT / "resources" / "frontdesk.svg"
SPEC = PACKAGING / "frontdesk.spec"
SVG = "{http://www.w3.org/2000/svg}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read_string(DESKTOP_FILE.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def console_scripts() -> dict[str, str]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["scripts"]


# Desktop entry ---------------------------------------------------------------------------------


def test_desktop_entry_has_the_required_keys():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Frontdesk"
    assert entry["Exec"] == "frontdesk"
    assert entry["Icon"] == "frontdesk"
    assert entry["Terminal"] == "false"
    for key in ("GenericName", "Comment"):
        assert entry[key].strip(), f"{key} is empty"


def test_desktop_entry_lists_office_and_finance_categories_and_keywords():
    entry = desktop_entry()
    assert entry["Categories"].endswith(";")
    assert {"Office", "Finance"} <= set(filter(None, entry["Categories"].split(";")))
    keywords = [word for word in entry["Keywords"].split(";") if word]
    assert entry["Keywords"].endswith(";") and "coworking" in keywords and len(keywords) >= 4


def test_desktop_entry_starts_the_installed_program_with_the_shipped_icon():
    entry = desktop_entry()
    assert entry["Exec"].split()[0] in console_scripts()
    assert (ICON.parent / f"{entry['Icon']}.svg") == ICON and ICON.is_file()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_desktop_file_validate_accepts_the_entry():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # it prints nothing, not even hints


# AppStream metadata ----------------------------------------------------------------------------


def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def test_metainfo_identifies_a_desktop_application():
    root = metainfo()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("name") == "Frontdesk"
    summary = root.findtext("summary")
    assert summary and len(summary) <= 80 and not summary.endswith(".")


def test_metainfo_describes_what_the_product_does():
    description = metainfo().find("description")
    assert description is not None
    paragraphs = [p.text.strip() for p in description.findall("p")]
    items = [li.text.strip() for li in description.iter("li")]
    assert len(paragraphs) >= 3 and all(paragraphs)
    assert len(items) >= 6 and all(items)
    text = " ".join(paragraphs + items).lower()
    for subject in ("without an internet connection", "contract", "invoice", "preview", "member"):
        assert subject in text


def test_metainfo_launches_the_shipped_desktop_entry():
    root = metainfo()
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP_FILE.name
    assert root.findtext("provides/binary") == desktop_entry()["Exec"]


def test_metainfo_release_is_the_package_version():
    releases = metainfo().findall("releases/release")
    assert releases, "no release listed"
    newest = releases[0]
    assert newest.get("version") == desktop.__version__ == "0.1.0"
    assert date.fromisoformat(newest.get("date")) == date(2026, 11, 22)
    assert newest.find("description/p") is not None


def test_metainfo_has_a_content_rating():
    rating = metainfo().find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli (appstream) is not installed")
def test_appstreamcli_validates_the_metainfo():
    # --strict fails on every issue above the pedantic level (infos and warnings included).
    result = subprocess.run(["appstreamcli", "validate", "--no-net", "--strict", str(METAINFO)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# Icon ------------------------------------------------------------------------------------------


def test_icon_is_a_square_vector_drawing():
    root = ET.parse(ICON).getroot()
    assert root.tag == f"{SVG}svg"
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and width == height > 0
    assert root.find(f"{SVG}title").text == "Frontdesk"
    # A vector icon only: no embedded or linked bitmaps.
    assert root.find(f".//{SVG}image") is None


def test_icon_renders_with_qt(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICON))
    assert renderer.isValid()
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    assert image.pixelColor(32, 32).alpha() == 255  # the tile fills the middle
    assert image.pixelColor(0, 0).alpha() == 0  # and leaves rounded corners


# PyInstaller spec --------------------------------------------------------------------------------


class _Recorder:
    """Stands in for one PyInstaller build step and keeps what the spec passed to it."""

    def __init__(self, calls: list, kind: str) -> None:
        self.calls, self.kind = calls, kind

    def __call__(self, *args, **kwargs):
        step = SimpleNamespace(kind=self.kind, args=args, kwargs=kwargs,
                               pure=[], scripts=[], binaries=[], datas=kwargs.get("datas", []))
        self.calls.append(step)
        return step


@pytest.fixture(scope="module")
def spec_steps() -> dict[str, list[SimpleNamespace]]:
    calls: list[SimpleNamespace] = []
    kinds = ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")
    names = {kind: _Recorder(calls, kind) for kind in kinds}
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"),
         {"__name__": "__main__", "SPECPATH": str(PACKAGING), **names})
    steps: dict[str, list[SimpleNamespace]] = {}
    for call in calls:
        steps.setdefault(call.kind, []).append(call)
    return steps


def test_spec_ships_the_schemas_a_direct_debit_file_is_checked_against(spec_steps):
    """Rule 30: sepaxml validates the pain.008 file it writes against its bundled XSD."""
    datas = {folder: Path(source) for source, folder in spec_steps["Analysis"][0].kwargs["datas"]}
    assert (datas["sepaxml/schemas"] / "pain.008.001.08.xsd").is_file()
    assert datas["xmlschema/schemas"].is_dir()


def test_spec_builds_the_package_entry_point(spec_steps):
    (analysis,) = spec_steps["Analysis"]
    assert analysis.args[0] == [str(ROOT / "desktop" / "__main__.py")]
    assert (ROOT / "desktop" / "__main__.py").is_file()


def test_spec_ships_migrations_translations_and_package_files(spec_steps):
    datas = {Path(source): folder for source, folder in spec_steps["Analysis"][0].kwargs["datas"]}
    assert all(source.exists() for source in datas)
    migrations = ROOT / "desktop" / "storage" / "migrations"
    scripts = list(migrations.rglob("*.py"))
    assert scripts, "no migration scripts found"
    german = ROOT / "desktop" / "i18n" / "locale" / "de" / "LC_MESSAGES" / "frontdesk.po"
    for script in [*scripts, german]:
        assert datas.get(script) == str(script.parent.relative_to(ROOT)), f"{script} not shipped"
    assert datas.get(ROOT / "resources") == "desktop/resources"
    assert not any(source.suffix == ".py" and migrations not in source.parents for source in datas)


def test_spec_bundles_every_package_module(spec_steps):
    hidden = set(spec_steps["Analysis"][0].kwargs["hiddenimports"])
    expected = {"desktop.i18n.formatting", "desktop.domain.proration", "desktop.storage.migrate"}
    assert expected <= hidden
    assert not any(name.startswith("desktop.storage.migrations") for name in hidden)


def test_spec_makes_a_one_folder_build_named_frontdesk(spec_steps):
    programs = spec_steps["EXE"]
    assert programs[0].kwargs["name"] == "frontdesk"
    # exclude_binaries: the libraries go next to the program (one folder), not inside it.
    assert all(program.kwargs["exclude_binaries"] for program in programs)
    (collect,) = spec_steps["COLLECT"]
    assert collect.kwargs["name"] == "frontdesk"


def test_spec_bundles_the_postgresql_driver(spec_steps):
    """A bundled desk can reach a shared server (docs/storage.md): the driver SQLAlchemy loads
    from a postgresql+psycopg:// URL is named, since nothing imports it by name."""
    hidden = set(spec_steps["Analysis"][0].kwargs["hiddenimports"])
    assert {"psycopg", "sqlalchemy.dialects.postgresql.psycopg"} <= hidden


def test_the_postgres_extra_installs_psycopg_and_the_tests_have_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert any(req.startswith("psycopg[binary]") for req in extras["postgres"])
    assert any(req.startswith("psycopg[binary]") for req in extras["test"])
