"""A scripted desk day for the soak journey and its ten-minute benchmark (issue 19).

A person at the desk does the same few things all day: search (a key at a time), walk the list,
open a contract, type a price and watch the preview, save or discard, switch tabs, open a
member, run the transitions. `DeskDay` does that with keyboard and mouse events only, counting
every key, click and shortcut as one operation, and samples the process between rounds:
resident memory, None's reference count (the PySide6 6.12 fault on Python 3.11 lowered it by one
per Qt call that returns nothing, until the interpreter aborted) and the live Qt wrappers.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import cycle

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton, QTableView

from desktop.domain.contracts import status
from person import bring_to_front, focused, press, shortcut, type_text


def resident_kib() -> int:
    """The process's resident memory now (not its peak), in KiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status_file:
            for line in status_file:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass
class Sample:
    seconds: float
    operations: int
    resident_kib: int
    none_refs: int
    widgets: int


@dataclass
class DeskDay:
    """Drives one open main window; `run` works until an operation count or a time is reached."""

    qtbot: object
    window: object
    operations: int = 0
    saves: int = 0
    sweeps: int = 0
    editors: int = 0
    last_saved: tuple[int, int] | None = None  # (contract id, custom price) of the last save
    samples: list[Sample] = field(default_factory=list)
    _started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self._people = cycle(self._people_with_a_plain_contract())
        self._price_number = 0

    # What a person does ---------------------------------------------------------------------

    def run(self, *, operations: int | None = None, seconds: float | None = None,
            every_round: Callable[[Sample], None] | None = None) -> None:
        """Work rounds of the desk until `operations` were done or `seconds` have passed."""
        self.sample()
        round_number = 0
        while True:
            if operations is not None and self.operations >= operations:
                break
            if seconds is not None and time.perf_counter() - self._started >= seconds:
                break
            round_number += 1
            self.one_round(round_number)
            sample = self.sample()
            if every_round is not None:
                every_round(sample)

    def one_round(self, round_number: int) -> None:
        name = next(self._people)
        self.walk_the_list()
        self.search(name)
        editor = self.open_first_contract()
        self.type_prices(editor, save=round_number % 3 == 0)
        self.close_editor(editor)
        self.switch_tabs()
        if round_number % 4 == 0:
            self.open_and_close_member(name)
        if round_number % 5 == 0:
            self.sweep_next_day()

    def search(self, name: str) -> QTableView:
        """Ctrl+F, Ctrl+A, then the name key by key; the first match is that member."""
        window = self.window
        bring_to_front(self.qtbot, window)
        self._key(lambda: shortcut("Ctrl+1", window))
        self._key(lambda: shortcut("Ctrl+F", window))
        search = window.findChild(QLineEdit, "memberSearch")
        assert focused() is search
        self._key(lambda: press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier))
        for letter in name:
            self._key(lambda letter=letter: type_text(letter))
        table = window.findChild(QTableView, "memberTable")
        # The answer to the whole name, not the unfiltered list that may begin with the same
        # member: a handful of rows at most (two members may share a name).
        self.qtbot.waitUntil(lambda: 1 <= table.model().rowCount() <= 3 and
                             table.model().index(0, 0).data() == name, timeout=5000)
        return table

    def walk_the_list(self) -> None:
        """The search emptied, then into the whole list, down and up a row at a time: the member
        page follows the selection."""
        window = self.window
        bring_to_front(self.qtbot, window)
        self._key(lambda: shortcut("Ctrl+F", window))
        self._key(lambda: press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier))
        self._key(lambda: press(Qt.Key.Key_Backspace))
        table = window.findChild(QTableView, "memberTable")
        self.qtbot.waitUntil(lambda: table.model().rowCount() > 5, timeout=5000)
        self._key(lambda: press(Qt.Key.Key_Down))
        assert focused() is table
        for key in (Qt.Key.Key_Down,) * 4 + (Qt.Key.Key_Up,) * 4:
            self._key(lambda key=key: press(key))

    def open_first_contract(self):
        """Down into the list, Enter into the contracts, Enter on the first: its editor."""
        window = self.window
        self._key(lambda: press(Qt.Key.Key_Down))
        self._key(lambda: press(Qt.Key.Key_Return))
        contracts = window.findChild(QTableView, "contractTable")
        assert focused() is contracts
        before = len(window.live_editors())
        self._key(lambda: press(Qt.Key.Key_Return))
        self.qtbot.waitUntil(lambda: len(window.live_editors()) > before, timeout=5000)
        editor = window.live_editors()[-1]
        self.qtbot.waitExposed(editor)
        bring_to_front(self.qtbot, editor)
        self.editors += 1
        return editor

    def type_prices(self, editor, *, save: bool) -> None:
        """A custom price typed key by key, the preview recomputed; then saved, or taken back."""
        price = editor.findChild(QLineEdit, "customPriceEdit")
        price.setFocus(Qt.FocusReason.TabFocusReason)
        with self.qtbot.waitSignal(editor.previewRefreshed, timeout=5000):
            self._key(lambda: press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier))
            for letter in self._next_price():
                self._key(lambda letter=letter: type_text(letter))
        self.qtbot.waitUntil(lambda: editor.draft().custom_price is not None, timeout=5000)
        if save:
            typed = editor.draft().custom_price
            with self.qtbot.waitSignal(editor.saved, timeout=10000):
                self._key(lambda: shortcut("Ctrl+S", editor))
            self.saves += 1
            self.last_saved = (editor.contract_id, typed)
        else:
            self._key(lambda: press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier))
            self._key(lambda: press(Qt.Key.Key_Delete))

    def close_editor(self, editor) -> None:
        """Esc; where something typed is still unsaved, the question is answered Discard."""
        bring_to_front(self.qtbot, editor)
        self._key(lambda: shortcut("Esc", editor))
        if editor.isVisible():
            box = self._wait_for_box(editor)
            self._key(lambda: self.qtbot.mouseClick(
                box.findChild(QPushButton, "guardDiscardButton"), Qt.MouseButton.LeftButton))
        self.qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)

    def switch_tabs(self) -> None:
        bring_to_front(self.qtbot, self.window)
        for keys in ("Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+1"):
            self._key(lambda keys=keys: shortcut(keys, self.window))

    def open_and_close_member(self, name: str) -> None:
        """Ctrl+E on the selected member opens their dialog; Esc closes it unchanged."""
        shown: list = []

        def close(dialog) -> None:
            shown.append(name in [w.text() for w in dialog.findChildren(QLineEdit)])
            self._key(lambda: press(Qt.Key.Key_Escape, widget=dialog))

        from person import when_modal

        panel = self.window.members_panel
        assert panel.current_member_id() is not None, "no member is selected"
        when_modal(close)
        self._key(lambda: shortcut("Ctrl+E", self.window))
        self.qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        assert shown == [True], "the member dialog did not open on the selected member"

    def sweep_next_day(self) -> None:
        """The next day comes; Ctrl+R runs what fell due and the status bar says so."""
        window = self.window
        window.clock.set(window.clock.today() + timedelta(days=1))
        bring_to_front(self.qtbot, window)
        with self.qtbot.waitSignal(window.scheduler.finished, timeout=30000):
            self._key(lambda: shortcut("Ctrl+R", window))
        self.sweeps += 1

    # Measuring -----------------------------------------------------------------------------

    def sample(self) -> Sample:
        gc.collect()
        taken = Sample(seconds=time.perf_counter() - self._started, operations=self.operations,
                       resident_kib=resident_kib(), none_refs=sys.getrefcount(None),
                       widgets=len(QApplication.allWidgets()))
        self.samples.append(taken)
        return taken

    # Helpers --------------------------------------------------------------------------------

    def _next_price(self) -> str:
        """A price no contract holds yet, so that a save always has something to write."""
        self._price_number += 1
        return f"{100 + self._price_number}.{self._price_number % 100:02d}"

    def _key(self, act: Callable[[], None]) -> None:
        act()
        self.operations += 1

    def _wait_for_box(self, editor) -> QMessageBox:
        found: list[QMessageBox] = []

        def asked() -> bool:
            found[:] = [box for box in editor.findChildren(QMessageBox) if box.isVisible()]
            return bool(found)

        self.qtbot.waitUntil(asked, timeout=5000)
        return found[0]

    def _people_with_a_plain_contract(self) -> list[str]:
        """Members whose first contract is active, monthly and plain: its editor saves prices."""
        window = self.window
        today = window.clock.today()
        names = []
        for row in window.services.members.search(status="members", limit=200):
            detail = window.services.members.get(row.id)
            if not detail.contracts:
                continue
            contract = window.services.contracts.load(detail.contracts[0].id).contract
            if (status(contract, today) == "active" and contract.cancellation_date is None
                    and contract.next_plan is not None and contract.next_plan == contract.plan
                    and not contract.plan.archived):
                names.append(row.name)
        assert names, "the sample database has no member with a plain contract"
        return names
