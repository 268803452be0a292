"""The window's one runner (desktop/ui/window/operations.py): every change reaches every screen
through `on_changes`, and each screen asks the record whether it concerns it
(docs/design.md#screens)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.services.changes import OTHER_DESK, THIS_WINDOW, TIMER, Changes
from desktop.ui.window.main_window import MainWindow
from desktop.ui.window.operations import Operations


class Screen:
    def __init__(self):
        self.told: list[Changes] = []

    def on_changes(self, changes: Changes) -> None:
        self.told.append(changes)


def test_every_screen_but_the_one_that_made_it_is_told(qtbot):
    screens = [Screen(), Screen(), Screen()]
    parent = QObject()
    runner = Operations(lambda: screens, parent)
    with qtbot.waitSignal(runner.changed) as published:
        runner.done_here(Changes.of(members=[3]), source=screens[1])
    told = Changes.of(members=[3], by=THIS_WINDOW)
    assert published.args == [told]
    assert [s.told for s in screens] == [[told], [], [told]]
    runner.publish(Changes())  # nothing changed: nobody is disturbed
    assert [len(s.told) for s in screens] == [1, 0, 1]


def test_run_calls_the_service_returns_its_result_and_tells_the_screens():
    screen = Screen()
    runner = Operations(lambda: [screen])

    class Summary:
        changes = Changes.anything()

    summary = Summary()
    assert runner.run(lambda x: summary, 1) is summary
    assert runner.run(lambda: Changes(catalog=True, id=4)).id == 4
    assert [c.by for c in screen.told] == [THIS_WINDOW, THIS_WINDOW]
    assert screen.told[0].everything and screen.told[1].touches_catalog()


def test_another_desks_change_keeps_its_author():
    screen = Screen()
    runner = Operations(lambda: [screen])
    runner.publish(Changes.anything(by=OTHER_DESK))
    assert screen.told[0].by == OTHER_DESK


def test_the_window_lists_its_screens_and_a_sweep_reaches_them(
        qtbot, make_services, ada_members, formatter, clock, qsettings, fake_sweep):
    window = MainWindow(make_services(ada_members), formatter, clock, qsettings)
    qtbot.addWidget(window)
    assert window.built_member_page() is None and window.members_panel in window.screens()
    page = window.member_page  # built when asked for (or after the window's first paint)
    screens = window.screens()
    assert window.members_panel in screens and page in screens
    assert window.transitions_panel in screens and window in screens
    assert all(callable(getattr(screen, "on_changes", None)) for screen in screens)
    with qtbot.waitSignal(window.operations.changed, timeout=3000) as published:
        window.start()
    assert published.args[0].by == TIMER and published.args[0].transitions
    window.scheduler.stop()


def test_the_member_page_refreshes_only_for_its_member(qtbot, make_services, ada_members,
                                                       formatter, clock, qsettings):
    services = make_services(ada_members)
    window = MainWindow(services, formatter, clock, qsettings)
    qtbot.addWidget(window)
    window.member_page.show_member(1)
    reads = []
    window.member_page.refresh = lambda: reads.append(1)
    window.operations.publish(Changes.of(members=[2], by=THIS_WINDOW))
    assert reads == []
    window.operations.publish(Changes.of(members=[1], by=THIS_WINDOW))
    assert reads == [1]
    window.operations.publish(Changes(catalog=True))  # its contracts' plans are priced anew
    assert reads == [1, 1]
