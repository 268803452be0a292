"""The window's own widget updates leave None's reference count where it was (issue 19).

PySide6-Essentials 6.12.0 on Python 3.11 dropped a reference to None on every Qt call that
returns nothing (`QLabel.setText`, `setVisible`, `setToolTip`, `style().unpolish`, …); after a
few thousand of them the interpreter aborted with "Fatal Python error: none_dealloc", minutes
into a session, with the member being typed lost. Short tests never reached it.

The check runs in a child process, so that such an abort is seen as the process dying rather
than taking the test run with it. The child opens the real window from `create_main_window` on
a sample database and makes thousands of the application's own widget updates: the preview
refilled after each edit of a custom price, the member list filtered, the member page shown for
one member after another. Then None's count must be where it was (give or take the references
that ordinary objects hold) and the process must end normally.

From Python 3.12 None is immortal and its count never moves; the process check still holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UPDATES = 1000

CHILD = textwrap.dedent(f"""
    import gc, sys
    from datetime import date
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QLineEdit
    from desktop.app import create_main_window
    from desktop.services.sample import demo
    from desktop.services.clock import FixedClock
    from desktop.storage.database import open_database

    today = date(2026, 11, 22)
    path, ini = sys.argv[1], sys.argv[2]
    db = open_database(path, now=FixedClock(today).now())
    demo.load_demo(db, today, members=12, seed=3)
    db.dispose()
    app = QApplication([])
    window = create_main_window(path, today, settings=QSettings(ini, QSettings.Format.IniFormat))
    window.show()
    app.processEvents()
    people = window.services.members.search(status="members", limit=50)
    contract_id = next(item.id for row in people
                       for item in window.services.members.get(row.id).contracts)
    editor = window.open_contract(contract_id)
    price = editor.findChild(QLineEdit, "customPriceEdit")
    search = window.findChild(QLineEdit, "memberSearch")
    app.processEvents()
    gc.collect()
    before = sys.getrefcount(None)
    for step in range({UPDATES}):
        price.setText(str(100 + step % 50))
        editor.refresh_now()
        search.setText(people[step % len(people)].name[: 1 + step % 4])
        app.processEvents()
    gc.collect()
    after = sys.getrefcount(None)
    print(before, after, flush=True)
    editor.hide()
    window.scheduler.stop()
    window.database.dispose()
""")


def test_thousands_of_widget_updates_keep_none_and_the_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "frontdesk.sqlite3"),
         str(tmp_path / "window.ini")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, (
        f"the window's process died ({result.returncode}): {result.stderr[-2000:]}")
    before, after = map(int, result.stdout.split())
    # Ordinary objects come and go holding None; a lost reference per Qt call would show as
    # tens of thousands gone after this many updates.
    assert after >= before - 500, f"None lost {before - after} references in {UPDATES} updates"
