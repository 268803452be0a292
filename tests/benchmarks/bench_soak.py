"""The soak journey's desk day for ten minutes (issue 19), run by `make bench`: it prints memory
over time and asserts nothing.

tests/journeys/test_soak.py works the real window for 3,000 operations in `make test`; this runs
the same `DeskDay` for FRONTDESK_SOAK_SECONDS (600 by default) and prints, every half minute,
the operations done, resident memory, None's reference count and the live widgets, beside the
floor measured in the same run: the same window, opened and swept once, before the first
operation. A leak shows as a column that only grows.
"""

from __future__ import annotations

import gc
import os
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QThreadPool, qInstallMessageHandler

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journeys"))

from desk_day import DeskDay  # noqa: E402
from desktop.app import create_main_window  # noqa: E402
from desktop.services.clock import FixedClock  # noqa: E402
from desktop.services.sample import demo  # noqa: E402
from desktop.storage.database import open_database  # noqa: E402
from desktop.ui.common.style import apply_style  # noqa: E402

TODAY = date(2026, 11, 22)
SECONDS = float(os.environ.get("FRONTDESK_SOAK_SECONDS", "600"))
REPORT_EVERY = 30.0


def _mb(kib: int) -> str:
    return f"{kib / 1024:,.1f} MB"


def _quiet(kind, context, text) -> None:
    """The offscreen platform's notes on raise() and size hints would bury the figures."""
    if "does not support" not in text:
        sys.stderr.write(text + "\n")


def test_ten_minutes_at_the_desk(qtbot, qapp, tmp_path):
    apply_style(qapp)
    qInstallMessageHandler(_quiet)
    path = tmp_path / "frontdesk.sqlite3"
    db = open_database(str(path), now=FixedClock(TODAY).now())
    demo.load_demo(db, TODAY, members=25, seed=5)
    db.dispose()
    gc.collect()
    window = create_main_window(str(path), TODAY, settings=QSettings(
        str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.scheduler.finished, timeout=20000):
        window.start()

    day = DeskDay(qtbot, window)
    floor = day.sample()
    print(f"\nSoak: the desk day for {SECONDS:.0f} s; floor = the window opened and swept once, "
          f"{_mb(floor.resident_kib)}, None refs {floor.none_refs:,}, {floor.widgets} widgets")
    print(f"{'time':>6}  {'operations':>10}  {'resident':>10}  {'vs floor':>8}  "
          f"{'None refs':>10}  {'widgets':>7}")
    next_report = [0.0]

    def report(sample, force: bool = False) -> None:
        if sample.seconds < next_report[0] and not force:
            return
        next_report[0] = sample.seconds + REPORT_EVERY
        print(f"{sample.seconds:>5.0f}s  {sample.operations:>10,}  {_mb(sample.resident_kib):>10}"
              f"  {sample.resident_kib / floor.resident_kib:>7.2f}×  {sample.none_refs:>10,}"
              f"  {sample.widgets:>7}", flush=True)

    day.run(seconds=SECONDS, every_round=report)
    last = day.samples[-1]
    report(last, force=True)
    peak = max(sample.resident_kib for sample in day.samples)
    print(f"Soak: {day.operations:,} operations ({day.saves} saves, {day.sweeps} sweeps, "
          f"{day.editors} editors) in {last.seconds:.0f} s; resident at the end "
          f"{_mb(last.resident_kib)}, peak {_mb(peak)}, floor {_mb(floor.resident_kib)} "
          f"({last.resident_kib / floor.resident_kib:.2f}× the floor)")
    window.scheduler.stop()
    QThreadPool.globalInstance().waitForDone(30000)
    window.database.dispose()
