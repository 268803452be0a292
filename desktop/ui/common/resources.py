"""Where the files of the top-level resources/ folder are, installed as `desktop.resources`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """The path of a file in resources/, e.g. resource_path("icons", "new.svg")."""
    return Path(str(files("desktop.resources").joinpath(*parts)))
