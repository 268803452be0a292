"""Render the README's screenshots from the real application on a sample database (offscreen).

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/take_screenshots.py [OUTPUT_DIR]
       [--language de|es|fr]
The day is fixed so the pictures are the same on every run. With a language the interface
speaks it (the user's setting; the sample site stays en_IE, so money and dates stay Irish) and
each file name ends in "-<language>".
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox  # noqa: E402

TODAY = date(2026, 11, 22)


def settle(app: QApplication, rounds: int = 40) -> None:
    for _ in range(rounds):
        app.processEvents()


def pick_contract(window) -> tuple[int, str]:
    """An active desk contract with a deposit: the most instructive editor to show."""
    contracts = window.services.contracts
    for row in window.services.members.search(status="members", limit=400):
        for item in window.services.members.get(row.id).contracts:
            state = contracts.load(item.id)
            c = state.contract
            if (state.status == "active" and c.cancellation_date is None and c.custom_price is None
                    and c.plan.group == "Desks" and c.plan.frequency.unit == "month"):
                return item.id, row.name
    raise SystemExit("The sample data has no active monthly desk contract.")


def main(out: Path, language: str = "") -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from desktop.app import create_main_window
    from desktop.i18n import _
    from desktop.services.clock import FixedClock
    from desktop.services.sample import demo
    from desktop.storage.database import open_database
    from desktop.ui.change_plan.dialog import ChangePlanDialog
    from desktop.ui.common.style import apply_style

    apply_style(app)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "frontdesk.sqlite3")
        db = open_database(path, now=FixedClock(TODAY).now())
        demo.load_demo(db, TODAY, members=120, seed=1)
        db.dispose()
        settings = QSettings(str(Path(folder) / "window.ini"), QSettings.Format.IniFormat)
        if language:
            from desktop.ui.window.language import LANGUAGE

            settings.setValue(LANGUAGE.key, language)
        suffix = f"-{language}" if language else ""
        window = create_main_window(path, TODAY, settings=settings)
        window.resize(1400, 860)
        window.show()
        window.scheduler.run_now()
        settle(app)
        contract_id, name = pick_contract(window)
        panel = window.members_panel
        panel.search.setText(name)
        panel.apply_filter()  # without waiting for the typing debounce
        settle(app)
        panel.table.setCurrentIndex(panel.model.index(0, 0))
        settle(app)
        window.grab().save(str(out / f"main-window{suffix}.png"))

        editor = window.open_contract(contract_id)
        editor.resize(1200, 680)
        settle(app)
        combo = editor.findChild(QComboBox, "nextPlanCombo")
        for index in range(combo.count()):
            if _("upgrade") in combo.itemText(index):
                combo.setCurrentIndex(index)
                break
        editor.refresh_now()
        settle(app)
        editor.grab().save(str(out / f"contract-editor{suffix}.png"))
        editor.revert()

        dialog = ChangePlanDialog(window.services.contracts, window.services.catalog,
                                  window.formatter, contract_id)
        dialog.resize(1040, 640)
        dialog.show()
        settle(app)
        dialog.grab().save(str(out / f"change-plan{suffix}.png"))
        dialog.close()
        editor.close()
        window.scheduler.stop()
        window.database.dispose()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = ""
    if "--language" in arguments:
        at = arguments.index("--language")
        chosen = arguments[at + 1]
        del arguments[at:at + 2]
    main(Path(arguments[0]) if arguments else Path("docs/screenshots"), chosen)
