"""Shared fixtures for the interface tests: offscreen Qt, the real Formatter, fake services."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

import ui_fakes as fakes  # noqa: E402
from desktop.i18n import Formatter  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def styled_app(qapp):
    """The application style and sheet, as the real window uses them."""
    from desktop.ui.common.style import apply_style

    apply_style(qapp)
    return qapp


@pytest.fixture
def formatter():
    return Formatter("en_IE", "EUR")


@pytest.fixture
def clock():
    return fakes.FakeClock()


@pytest.fixture
def fake_members():
    return fakes.FakeMembers(fakes.people(450) + [])


@pytest.fixture
def ada_members():
    return fakes.FakeMembers([fakes.ada()])


@pytest.fixture
def fake_catalog():
    return fakes.FakeCatalog()


@pytest.fixture
def fake_invoices():
    return fakes.FakeInvoices()


@pytest.fixture
def fake_sweep():
    return fakes.FakeSweep()


@pytest.fixture
def shot(request):
    """Save a widget's picture to /tmp/shots/<name>.png for a person to look at."""

    def save(widget, name: str):
        os.makedirs("/tmp/shots", exist_ok=True)
        widget.grab().save(f"/tmp/shots/{name}.png")

    return save


@pytest.fixture
def world():
    """The contract editor's real services over an in-memory database (editor_fakes)."""
    from editor_fakes import EditorWorld

    return EditorWorld()


@pytest.fixture
def fake_settings():
    return fakes.FakeSettings()


@pytest.fixture
def make_services(fake_catalog, fake_invoices, fake_sweep, fake_settings):
    """Services for the main window over the given fake members (and optional demo)."""
    from desktop.ui.window.context import Services

    def make(members, demo=None, **extra):
        return Services(settings=fake_settings, members=members, catalog=fake_catalog,
                        contracts=None, invoices=fake_invoices, sweep=fake_sweep,
                        load_demo=demo.load if demo else None,
                        is_empty=demo.is_empty if demo else None, **extra)

    return make


@pytest.fixture
def qsettings(tmp_path):
    """A QSettings in a temporary INI file, so tests never touch the user's settings."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "frontdesk.ini"), QSettings.Format.IniFormat)
