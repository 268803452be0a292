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


def test_run_tells_every_screen_but_the_one_that_made_the_call():
    screens = [Screen(), Screen()]
    runner = Operations(lambda: screens)
    assert runner.run(lambda plan_id: Changes(catalog=True, id=plan_id), 4,
                      source=screens[0]).id == 4
    assert screens[0].told == [] and screens[1].told == [Changes(catalog=True, id=4,
                                                                 by=THIS_WINDOW)]


def test_an_editors_save_runs_through_the_runner(qtbot, world, formatter):
    """The contract editor's Save is one call through the window's runner: every other screen
    is told what it changed, the editor itself is not (it shows the saved state already), and
    nothing else publishes it again."""
    from PySide6.QtWidgets import QSpinBox

    from desktop.ui.contract_editor.editor import ContractEditor
    from editor_fakes import child

    other = Screen()
    editors: list = []
    runner = Operations(lambda: [*editors, other])
    editor = ContractEditor(world.contracts, world.catalog, formatter, world.active,
                            run=runner.run)
    qtbot.addWidget(editor)
    editors.append(editor)
    told_editor: list = []
    editor.on_changes = told_editor.append  # the editor is listed: it must not be told
    emitted: list = []
    editor.changed.connect(emitted.append)
    editor.show()
    child(editor, QSpinBox, "quantitySpin").setValue(2)
    with qtbot.waitSignal(runner.changed) as published:
        assert editor.save()
    saved = Changes.of(members=[world.ada], contracts=[world.active], id=world.active,
                       by=THIS_WINDOW)
    assert published.args == [saved] and other.told == [saved]
    assert told_editor == [] and emitted == []  # told once, by the runner alone
    assert editor.session.draft.quantity == 2 and not editor.is_dirty()


def test_the_catalogs_edits_run_through_the_runner(qtbot, fake_catalog, formatter, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.catalog.plan_catalog import PlanCatalog

    other = Screen()
    pages: list = []
    runner = Operations(lambda: [*pages, other])
    page = PlanCatalog(fake_catalog, formatter, run=runner.run)
    qtbot.addWidget(page)
    pages.append(page)
    page.on_changes = lambda changes: other.told.append("the page itself")
    assert page.select_plan(1)
    page.archive_button.click()  # set_archived
    assert fake_catalog.items[1].archived
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.select_plan(7)
    page.delete_button.click()  # delete_plan
    assert 7 not in fake_catalog.items
    dialog = page.dialog_for(fake_catalog.items[2])  # the plan dialog runs save_plan
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Renamed office")
    dialog.accept()
    assert fake_catalog.items[2].name == "Renamed office"
    assert [c.touches_catalog() and c.by == THIS_WINDOW for c in other.told] == [True] * 3
    assert other.told[2].id == 2


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
