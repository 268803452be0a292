"""Main window (docs/design.md#screens): tabs, menus, status bar [transitionStatus], state, first
run."""

from __future__ import annotations

import threading

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QMessageBox, QTableView

import ui_fakes as fakes
from desktop.ui.window.main_window import MainWindow


def make_window(qtbot, services, formatter, clock, qsettings, **kwargs):
    window = MainWindow(services, formatter, clock, qsettings, **kwargs)
    qtbot.addWidget(window)
    return window


def test_tabs_and_named_widgets_are_there(qtbot, make_services, ada_members, formatter, clock,
                                          qsettings):
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    assert [window.tabs.tabText(i) for i in range(4)] == ["Members", "Plans", "Invoices",
                                                          "Transitions"]
    window.show()  # the member page is built once the window has painted (see the next test)
    for name in ("memberTable", "contractTable"):
        qtbot.waitUntil(lambda name=name: window.findChild(QTableView, name) is not None)
    assert window.findChild(QLabel, "transitionStatus") is not None
    assert window.findChild(type(window.plan_catalog), "planCatalog") is not None
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Tools", "&Help"]


def test_the_member_page_is_built_after_the_first_paint_in_place_of_its_empty_state(
        qtbot, make_services, ada_members, formatter, clock, qsettings):
    """The page and the invoice, document and PDF code it brings are not needed to paint the
    first screen: it shows the page's empty state until the window has painted once."""
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    assert window.built_member_page() is None
    empty = window.splitter.widget(1)
    assert empty.text().startswith("Select a member in the list")
    window.show()
    qtbot.waitUntil(lambda: window.built_member_page() is not None)
    page = window.built_member_page()
    assert window.splitter.widget(1) is page and window.member_page is page
    assert page.stack.currentWidget().text() == empty.text()  # the same sentence in its place


def test_a_member_chosen_before_the_page_is_built_is_shown(qtbot, make_services, ada_members,
                                                           formatter, clock, qsettings):
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    window.members_panel.table.setCurrentIndex(window.members_panel.model.index(0, 0))
    assert window.built_member_page() is not None
    assert window.member_page.title.text() == "Ada Lovelace"


def test_selecting_a_member_shows_the_page_and_opens_contracts(qtbot, make_services, ada_members,
                                                               formatter, clock, qsettings):
    opened = []
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings,
                         open_contract_editor=opened.append)
    window.members_panel.table.setCurrentIndex(window.members_panel.model.index(0, 0))
    assert window.member_page.title.text() == "Ada Lovelace"
    window.member_page.contractActivated.emit(2)
    assert opened == [2]


def test_sweep_on_start_updates_the_status_bar(qtbot, make_services, ada_members, formatter,
                                               clock, qsettings, fake_sweep):
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    label = window.findChild(QLabel, "transitionStatus")
    assert label.text() == "Checking due transitions…"
    with qtbot.waitSignal(window.transitions_panel.refreshed, timeout=3000):
        window.start()
    assert fake_sweep.calls == [clock.today()]
    text = label.text()
    assert text.startswith("Checked " + formatter.datetime_short(clock.now()))
    assert "1 transition applied today" in text
    assert "2 due in the next 30 days" in text
    window.scheduler.stop()


def test_run_due_transitions_now_from_the_tools_menu(qtbot, make_services, ada_members, formatter,
                                                     clock, qsettings, fake_sweep):
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    with qtbot.waitSignal(window.scheduler.finished, timeout=3000):
        window.run_sweep_action.trigger()
    assert len(fake_sweep.calls) == 1
    assert window.run_sweep_action.isEnabled()


def test_a_failed_sweep_is_a_sentence_in_the_status_bar(qtbot, make_services, ada_members,
                                                        formatter, clock, qsettings, fake_sweep):
    fake_sweep.error = RuntimeError("disk full")
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    with qtbot.waitSignal(window.sweepStatusChanged, timeout=3000):
        window.run_sweep_now()
    assert "the last check failed" in window.status_label.text()
    assert "disk full" in window.status_label.text()


def test_window_state_is_saved_and_restored(qtbot, make_services, ada_members, formatter, clock,
                                            tmp_path):
    path = str(tmp_path / "state.ini")
    first = make_window(qtbot, make_services(ada_members), formatter, clock,
                        QSettings(path, QSettings.Format.IniFormat))
    first.show_tab(2)
    first.resize(760, 540)   # the offscreen screen is 800 x 600
    first.close()
    again = make_window(qtbot, make_services(ada_members), formatter, clock,
                        QSettings(path, QSettings.Format.IniFormat))
    assert again.tabs.currentIndex() == 2
    assert (again.width(), again.height()) == (760, 540)


def test_empty_database_shows_the_welcome_page_and_loads_samples(qtbot, make_services, formatter,
                                                                 clock, qsettings):
    members = fakes.FakeMembers([])
    gate = threading.Event()
    demo = fakes.Demo(members, gate)
    window = make_window(qtbot, make_services(members, demo), formatter, clock, qsettings)
    assert window.stack.currentWidget() is window.welcome
    window.welcome.sample_button.click()
    assert window.welcome.loading and window.welcome.progress.isVisibleTo(window.welcome)
    assert not window.welcome.empty_button.isEnabled()
    gate.set()
    with qtbot.waitSignal(window.scheduler.finished, timeout=3000):
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=3000)
    assert demo.loaded_on == [clock.today()]
    assert window.members_panel.model.rowCount() == 40
    window.scheduler.stop()


def test_start_empty_goes_to_the_plans(qtbot, make_services, formatter, clock, qsettings):
    members = fakes.FakeMembers([])
    window = make_window(qtbot, make_services(members, fakes.Demo(members)), formatter, clock,
                         qsettings)
    window.welcome.empty_button.click()
    assert window.stack.currentWidget() is window.tabs
    assert window.tabs.currentIndex() == 1
    assert "No one here yet" in window.members_panel.table.empty_text()


def test_backup_now_tells_where_the_copy_is(qtbot, make_services, ada_members, formatter, clock,
                                            qsettings, tmp_path, monkeypatch):
    target = tmp_path / "backup.sqlite3"
    services = make_services(ada_members, backup_now=lambda: target)
    window = make_window(qtbot, services, formatter, clock, qsettings)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    assert window.backup_action.isEnabled() and not window.restore_action.isEnabled()
    assert window.backup_now() == target
    assert told == [f"The database was copied to {target}."]


def test_preferences_change_the_currency_everywhere(qtbot, make_services, ada_members, formatter,
                                                   clock, qsettings, monkeypatch, fake_settings):
    from desktop.ui.window.preferences_dialog import PreferencesDialog

    def accept_with_gbp(dialog):
        dialog.currency_combo.setCurrentText("GBP")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PreferencesDialog, "exec", accept_with_gbp)
    window = make_window(qtbot, make_services(ada_members), formatter, clock, qsettings)
    window.members_panel.table.setCurrentIndex(window.members_panel.model.index(0, 0))
    with qtbot.waitSignal(window.formatterChanged):
        window.edit_preferences()
    assert fake_settings.current.currency == "GBP"
    assert window.member_page.credit_card.value.text() == "£12.50"
    assert window.members_panel.model.index(0, 4).data() == "£12.50"
