"""An action that cannot apply is disabled and says why, never offered and then refused."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton, QTableView, QWidget

from person import click, click_row, click_tab, when_modal
from test_keyboard import plain_active_contract


def create_new_term_by_mouse(qtbot, window, editor, cancel_on: str):
    """Create new term… → type the cancellation date → Create: the new term's editor opens."""
    from desktop.ui.common.date_field import DateField
    from person import replace_text

    def fill(dialog):
        replace_text(dialog.findChild(DateField, "newTermCancellationDateEdit"), cancel_on)
        click(dialog.findChild(QPushButton, "newTermCreateButton"))

    before = len(window.live_editors())
    seen = when_modal(fill)
    click(editor.findChild(QPushButton, "createNewTermButton"))
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    qtbot.waitUntil(lambda: len(window.live_editors()) > before, timeout=3000)
    return window.live_editors()[-1]


def test_a_contract_with_a_next_term_offers_neither_change_plan_nor_another_term(qtbot, desk):
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    term = create_new_term_by_mouse(qtbot, desk, editor, "1 Feb 2027")
    assert term is not editor and term.contract_id != contract.id
    for name in ("changePlanButton", "createNewTermButton"):
        button = editor.findChild(QPushButton, name)
        qtbot.waitUntil(lambda b=button: not b.isEnabled(), timeout=3000)
        assert "next term" in button.toolTip(), name


def test_a_plan_that_was_sold_cannot_be_deleted_and_says_so(qtbot, desk):
    desk.show_tab(1)
    table = desk.findChild(QTableView, "planTable")
    sold = desk.services.catalog.sold_plan_ids()
    row = next(r for r in range(table.model().rowCount())
               if table.model().index(r, 0).data() in
               {p.name for p in desk.services.catalog.plans() if p.id in sold})
    click_row(table, row)
    delete = desk.findChild(QPushButton, "deletePlanButton")
    assert not delete.isEnabled()
    assert "can only be archived" in delete.toolTip()
    assert QApplication.activeModalWidget() is None


def test_a_contract_on_an_archived_plan_offers_no_new_term(qtbot, desk):
    from desktop.domain.contracts import status

    today = desk.clock.today()
    contract = next(
        c for row in desk.services.members.search(status="members", limit=200)
        for item in desk.services.members.get(row.id).contracts
        if (c := desk.services.contracts.load(item.id).contract).plan.archived
        and status(c, today) == "active")
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    button = editor.findChild(QPushButton, "createNewTermButton")
    assert not button.isEnabled()
    assert "is archived" in button.toolTip()


def disabled_without_reason(root) -> list[str]:
    """Visible, disabled buttons and fields whose tooltip (or a disabled parent's) says nothing."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QTabBar

    kinds = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)
    silent = []
    for widget in root.findChildren(QWidget):
        if (not isinstance(widget, kinds) or not widget.isVisible() or widget.isEnabled()
                or isinstance(widget.parent(), QTabBar)):
            continue  # (a tab bar's own scroll arrows are Qt's)
        holder = widget
        while holder is not None and holder is not root and not holder.toolTip():
            holder = holder.parentWidget()
        if holder is None or holder is root:
            silent.append(widget.objectName() or type(widget).__name__)
    return silent


def test_every_disabled_button_and_field_says_why(qtbot, desk):
    desk.show_tab(1)  # the Plans tab, nothing selected
    assert disabled_without_reason(desk) == []
    assert desk.findChild(QPushButton, "editPlanButton").toolTip() == "Select a plan first."
    _name, contract = plain_active_contract(desk)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    for index in range(editor.tabs.count()):
        click_tab(editor.tabs, editor.tabs.widget(index))
        assert disabled_without_reason(editor) == [], editor.tabs.tabText(index)
    anchor = editor.findChild(QWidget, "billingAnchorEdit")
    assert not anchor.isEnabled() and anchor.toolTip() == "Fixed once the contract has started."


def test_load_sample_data_is_not_offered_on_a_database_with_members(qtbot, desk):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    bar = desk.menuBar()
    tools = next(a for a in bar.actions() if a.text().replace("&", "") == "Tools")
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(tools).center())
    qtbot.waitUntil(tools.menu().isVisible, timeout=3000)
    sample = next(a for a in tools.menu().actions() if a.objectName() == "loadSampleAction")
    assert not sample.isEnabled()
    assert "only be loaded into an empty database" in sample.toolTip()
    assert sample.statusTip() == sample.toolTip()
    QTest.keyClick(tools.menu(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not tools.menu().isVisible(), timeout=3000)


def test_cancel_and_start_a_new_term_is_greyed_with_why_once_a_next_term_exists(qtbot, desk):
    """It was offered after the new term existed, asked, and then refused."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    from desktop.domain.contracts import status
    from desktop.domain.plan_changes import same_plan
    from person import bring_to_front, shortcut, type_text

    today = desk.clock.today()
    contract = next(  # renewing on its plan: a custom price may be typed (rule 9)
        c for row in desk.services.members.search(status="members", limit=200)
        for item in desk.services.members.get(row.id).contracts
        if (c := desk.services.contracts.load(item.id).contract).custom_price is None
        and status(c, today) == "active" and c.cancellation_date is None
        and same_plan(c.next_plan, c.plan) and not c.plan.archived)
    editor = desk.open_contract(contract.id)
    qtbot.waitExposed(editor)
    bring_to_front(qtbot, editor)
    price = editor.findChild(QLineEdit, "customPriceEdit")
    price.setFocus(Qt.FocusReason.TabFocusReason)
    type_text("123", price)
    qtbot.waitUntil(lambda: editor.draft().custom_price is not None, timeout=3000)
    with qtbot.waitSignal(editor.saved, timeout=5000):
        shortcut("Ctrl+S", editor)
    manual = editor.findChild(QPushButton, "manualPathButton")
    qtbot.waitUntil(manual.isVisible, timeout=3000)
    assert manual.isEnabled()
    create_new_term_by_mouse(qtbot, desk, editor, "1 Feb 2027")
    qtbot.waitUntil(lambda: not manual.isEnabled(), timeout=3000)
    assert "next term" in manual.toolTip()
