"""The main window's menu bar and the actions on it."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.formats import registry
from desktop.i18n import _
from desktop.ui.common.icons import icon

# Keys for standard actions on platforms whose style defines none.
_FALLBACK_KEYS = {QKeySequence.StandardKey.Quit: QKeySequence("Ctrl+Q"),
                  QKeySequence.StandardKey.Preferences: QKeySequence("Ctrl+,")}


def standard_keys(key: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The keys this platform binds to a standard action (GNOME and KDE bind Refresh to Ctrl+R
    as well as F5), or our fallback where it binds none (Windows has no Quit key)."""
    keys = list(QKeySequence.keyBindings(key))
    fallback = _FALLBACK_KEYS.get(key)
    return keys or ([fallback] if fallback is not None else [])


# Set on an action whose keys came from the platform's standard bindings: where one of them is
# another action's own key, that action keeps it (see one_action_per_key).
_STANDARD = "standardKeys"


def make_action(parent: QWidget, text: str, slot, shortcut=None, icon_name: str | None = None,
                name: str | None = None) -> QAction:
    """A menu action with its icon, shortcut (a standard key as this platform binds it) and
    objectName."""
    action = QAction(text, parent)
    if icon_name:
        action.setIcon(icon(icon_name))
    if isinstance(shortcut, QKeySequence.StandardKey):
        action.setShortcuts(standard_keys(shortcut))
        action.setProperty(_STANDARD, True)
    elif shortcut is not None:
        action.setShortcut(shortcut)
    if name:
        action.setObjectName(name)
    action.triggered.connect(slot)
    return action


def one_action_per_key(actions: list[QAction]) -> None:
    """A key bound to two actions of a window is ambiguous: Qt then runs neither (Ctrl+R was
    both View → Refresh, by GNOME's standard keys, and Tools → Run due transitions). An action
    given its key by name keeps it; one that has it from the platform's standard keys gives it
    up and keeps its others (Refresh stays on F5)."""
    named = {key.toString() for action in actions if not action.property(_STANDARD)
             for key in action.shortcuts()}
    for action in actions:
        if action.property(_STANDARD):
            keys = [key for key in action.shortcuts() if key.toString() not in named]
            if len(keys) != len(action.shortcuts()):
                action.setShortcuts(keys)


def build_menus(window: Any) -> None:
    """The menu bar: File, Edit, View, Tools, Help, with the window's actions on it."""
    def act(text: str, slot, shortcut=None, icon_name=None, name=None) -> QAction:
        return make_action(window, text, slot, shortcut, icon_name, name)

    bar, services = window.menuBar(), window.services
    file_menu = bar.addMenu(_("&File"))
    window.backup_action = act(_("&Backup now"), window.backup_now, None, "backup",
                               "backupAction")
    window.restore_action = act(_("&Restore…"), window.restore_backup, None, "restore",
                                "restoreAction")
    window.backup_action.setEnabled(services.backup_now is not None)
    window.restore_action.setEnabled(services.restore is not None)
    file_menu.addAction(window.backup_action)
    file_menu.addAction(window.restore_action)
    file_menu.addSeparator()
    export_menu = file_menu.addMenu(_("E&xport"))
    export_menu.setObjectName("exportMenu")
    # One entry per export command of the registry, as the command line has one command each.
    window.export_actions = {}
    for command in registry.commands(registry.EXPORT):
        action = act(_(command.menu_text), lambda _c=False, c=command: window.export(c), None,
                     None, command.action_name)
        action.setEnabled(window.can_export(command))
        export_menu.addAction(action)
        window.export_actions[command.action_name] = action
    file_menu.addSeparator()
    file_menu.addAction(act(_("&Preferences…"), window.edit_preferences,
                            QKeySequence.StandardKey.Preferences, "preferences",
                            "preferencesAction"))
    file_menu.addSeparator()
    file_menu.addAction(act(_("&Quit"), window.close, QKeySequence.StandardKey.Quit, "quit",
                            "quitAction"))

    edit_menu = bar.addMenu(_("&Edit"))
    panel = window.members_panel
    panel.new_action.setShortcuts(standard_keys(QKeySequence.StandardKey.New))
    panel.edit_action.setShortcut(QKeySequence("Ctrl+E"))
    edit_menu.addActions([panel.new_action, panel.edit_action, panel.archive_action])
    edit_menu.addSeparator()
    edit_menu.addAction(act(_("&Find member"), window.find_member,
                            QKeySequence.StandardKey.Find, "search", "findAction"))

    view_menu = bar.addMenu(_("&View"))
    for index, text in enumerate((_("&Members"), _("&Plans"), _("&Invoices"),
                                  _("&Transitions"))):
        view_menu.addAction(act(text, lambda _c=False, i=index: window.show_tab(i),
                                QKeySequence(f"Ctrl+{index + 1}")))
    view_menu.addSeparator()
    view_menu.addAction(act(_("&Refresh"), window.refresh_all, QKeySequence.StandardKey.Refresh,
                            "refresh"))

    tools_menu = bar.addMenu(_("&Tools"))
    window.run_sweep_action = act(_("&Run due transitions now"), window.run_sweep_now,
                                  QKeySequence("Ctrl+R"), "sweep", "runSweepAction")
    window.sample_action = act(_("&Load sample data…"), window.load_sample_data, None,
                               "sample", "loadSampleAction")
    window.sample_action.setEnabled(services.load_demo is not None)
    # Offered only on an empty database, as the sample loader allows; asked when the menu opens.
    tools_menu.setToolTipsVisible(True)
    tools_menu.aboutToShow.connect(window.offer_sample_data)
    tools_menu.addAction(window.run_sweep_action)
    tools_menu.addAction(window.sample_action)
    if services.mail is not None:  # rule 29: what waits to be sent, what failed
        tools_menu.addAction(act(_("&Outbox…"), window.show_outbox, None, None, "outboxAction"))
    from desktop.ui.banking.window_actions import add_banking_actions

    add_banking_actions(window, file_menu, tools_menu, act)  # rule 30

    help_menu = bar.addMenu(_("&Help"))
    help_menu.addAction(act(_("&About Frontdesk"), window.show_about, None, "about",
                            "aboutAction"))
    one_action_per_key([action for menu in (file_menu, export_menu, edit_menu, view_menu,
                                            tools_menu, help_menu) for action in menu.actions()])
