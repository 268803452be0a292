"""Windows fit a 1366×768 screen at scale 1 and a 1600×1000 screen at scale 2, nothing clipped
(DESIGN.md §6). Each screen is its own process: Qt fixes the screen and scale when it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_keyboard import plain_active_contract

CHECK = Path(__file__).with_name("fit_check.py")


@pytest.mark.parametrize(("width", "height", "scale"), [(1366, 768, "1"), (1600, 1000, "2")])
def test_the_editor_and_the_assistant_fit_the_screen(desk, database, tmp_path, width, height,
                                                     scale):
    _name, contract = plain_active_contract(desk)
    screens = tmp_path / "screen.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "desk", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96,
         "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
           "QT_SCALE_FACTOR": scale, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, str(CHECK), database, str(contract.id)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    problems = json.loads(result.stdout.strip().splitlines()[-1])
    assert problems == []
