"""Plans catalog [planCatalog] and plan dialog (docs/design.md#vocabulary, docs/design.md#screens):
validation, archive, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from desktop.domain.model import ADDON, PLAN
from desktop.domain.periods import Frequency
from desktop.ui.catalog.plan_catalog import COLUMNS, PlanCatalog, PlanTableModel
from desktop.ui.catalog.plan_dialog import PlanDialog


def test_plan_model_passes_the_model_tester(qtmodeltester, fake_catalog, formatter):
    model = PlanTableModel(formatter)
    model.set_rows(fake_catalog.plans())
    qtmodeltester.check(model)


def test_catalog_lists_plans_then_addons_and_hides_archived(qtbot, fake_catalog, formatter):
    catalog = PlanCatalog(fake_catalog, formatter)
    qtbot.addWidget(catalog)
    table = catalog.table
    names = [table.model().index(r, 0).data() for r in range(table.model().rowCount())]
    assert "Old desk" not in names
    assert names.index("Private office") < names.index("Locker")
    office = names.index("Private office")
    assert table.model().index(office, 3).data() == formatter.money(180000)
    assert table.model().index(office, 4).data() == "every 3 months"
    assert table.model().index(office, 6).data() == "Standard rate"
    assert "40 Meeting room hours" in table.model().index(office, 7).data()
    catalog.show_archived.setChecked(True)
    assert table.model().rowCount() == len(fake_catalog.plans())


def test_new_plan_dialog_checks_price_and_name_before_ok(qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Team room")
    qtbot.keyClicks(dialog.price_edit, "12x")
    assert "is not an amount" in dialog.problems.message("price")
    assert dialog.price_edit.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
    dialog.price_edit.setText("1200")
    assert dialog.ok_button.isEnabled()
    dialog.count_spin.setValue(3)
    dialog.add_allowance("Meeting room hours", 25)
    dialog.ok_button.click()
    assert dialog.result() == PlanDialog.DialogCode.Accepted
    saved = fake_catalog.items[dialog.plan_id]
    assert (saved.name, saved.price, saved.frequency) == (
        "Team room", 120000, Frequency("month", 3))
    assert dict(saved.allowances) == {"Meeting room hours": 25}


def test_duplicate_name_is_shown_next_to_the_name(qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("hot desk")
    dialog.price_edit.setText("10")
    before = dict(fake_catalog.items)
    dialog.ok_button.click()
    assert fake_catalog.items == before
    assert dialog.problems.message("name") == "A plan called hot desk already exists."
    assert not dialog.ok_button.isEnabled()


def test_allowance_quantity_must_be_a_whole_number(qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter, fake_catalog.items[2])
    qtbot.addWidget(dialog)
    assert dialog.ok_button.isEnabled()
    dialog.allowance_model.item(0, 1).setText("ten")
    assert dialog.problems.message("allowances") == (
        "The allowance Meeting room hours must be a whole number, 0 or more.")
    assert not dialog.ok_button.isEnabled()


def test_editing_keeps_offered_addons_and_one_off_is_for_addons(qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter, fake_catalog.items[2])
    qtbot.addWidget(dialog)
    assert dialog.offered_addons() == ("Locker", "Mail handling")
    assert dialog.one_off_check.isHidden()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(ADDON))
    assert not dialog.one_off_check.isHidden()
    dialog.one_off_check.setChecked(True)
    plan = dialog.plan()
    assert plan.kind == ADDON and plan.frequency is None and plan.addons == ()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(PLAN))
    assert dialog.plan().frequency == Frequency("month")


def test_archive_and_delete_only_what_was_never_sold(qtbot, fake_catalog, formatter,
                                                    monkeypatch):
    catalog = PlanCatalog(fake_catalog, formatter)
    qtbot.addWidget(catalog)
    assert catalog.select_plan(1)
    catalog.archive_button.click()
    assert fake_catalog.items[1].archived
    assert catalog.show_archived.isChecked()
    assert catalog.archive_button.text() == "Restore"
    messages = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    # A sold plan's Delete is not offered and says why, instead of asking and then refusing.
    assert not catalog.delete_button.isEnabled()
    assert "can only be archived" in catalog.delete_button.toolTip()
    assert messages == []
    assert 1 in fake_catalog.items
    assert catalog.select_plan(7)
    catalog.delete_button.click()
    assert 7 not in fake_catalog.items


def test_enter_on_the_delete_question_keeps_the_plan(qtbot, fake_catalog, formatter):
    """"This cannot be undone" had Yes as its default button."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    catalog = PlanCatalog(fake_catalog, formatter)
    qtbot.addWidget(catalog)
    assert catalog.select_plan(7)
    asked = []

    def answer_with_enter():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, answer_with_enter)
            return
        asked.append(box.text())
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer_with_enter)
    qtbot.mouseClick(catalog.delete_button, Qt.MouseButton.LeftButton)
    assert asked and "cannot be undone" in asked[0]
    assert 7 in fake_catalog.items


def test_tab_leaves_the_allowances_table_of_the_plan_dialog(qtbot, fake_catalog, formatter):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    dialog = PlanDialog(fake_catalog, formatter)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableView, "planAllowances")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table


def test_what_the_plan_dialog_disables_says_why(qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter, kind=ADDON)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    assert "Enter the name of the plan." in dialog.ok_button.toolTip().splitlines()
    qtbot.mouseClick(dialog.one_off_check, Qt.MouseButton.LeftButton)
    for widget in (dialog.count_spin, dialog.unit_combo):
        assert not widget.isEnabled() and "invoiced once" in widget.toolTip()
    qtbot.keyClicks(dialog.name_edit, "Day pass")
    qtbot.keyClicks(dialog.price_edit, "25")
    assert dialog.ok_button.isEnabled() and dialog.ok_button.toolTip() == ""



def test_the_plans_tab_fits_a_window_on_an_800_px_wide_screen_in_every_language(
        qtbot, fake_catalog, formatter):
    """A 1600×1000 screen at scale 2 is 800 px wide (docs/design.md#screens). In German, French and
    Spanish the Plans tab's one row of buttons and "Show archived" needed 813 to 866 px: the
    window grew past the screen's edge as soon as the tab was built."""
    from desktop.i18n import available_languages, install

    needed = {}
    try:
        for language in sorted({*available_languages(), "en"}):
            install(language)
            catalog = PlanCatalog(fake_catalog, formatter)
            qtbot.addWidget(catalog)
            needed[language] = catalog.minimumSizeHint().width()
    finally:
        install("en_IE")
    # The window around the tab needs a few pixels of its own (the tab frame, the splitter).
    assert all(width <= 780 for width in needed.values()), needed


def test_a_plans_tax_category_is_chosen_by_keyboard_and_saved_by_the_catalog(qtbot, world,
                                                                             formatter):
    """Rule 17, with the real CatalogService: Edit… opens the plan, Alt+T reaches the tax
    category (named for screen readers), the arrow keys choose it, a click on Save stores it
    and the list shows it."""
    from PySide6.QtWidgets import QApplication, QComboBox, QTableView

    from desktop.ui.common.keyboard import prepare_for_keyboard

    catalog = PlanCatalog(world.catalog, formatter)
    qtbot.addWidget(catalog)
    catalog.show()
    qtbot.waitExposed(catalog)
    table = catalog.findChild(QTableView, "planTable")
    row = next(r for r in range(table.model().rowCount())
               if table.model().index(r, 0).data() == "Dedicated desk")
    column = COLUMNS.index("tax_category")
    assert table.model().index(row, column).data() == "Standard rate"
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.model().index(row, 0)).center())
    seen = {}

    def choose_reduced():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "planDialog":
            QTimer.singleShot(20, choose_reduced)
            return
        prepare_for_keyboard(dialog)  # what the application's KeyboardReach does on show
        combo = dialog.findChild(QComboBox, "planTaxCategoryCombo")
        seen["name"] = combo.accessibleName()
        seen["items"] = [combo.itemText(i) for i in range(combo.count())]
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
        seen["focused"] = QApplication.focusWidget() is combo
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        seen["chosen"] = combo.currentText()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose_reduced)
    qtbot.mouseClick(catalog.edit_button, Qt.MouseButton.LeftButton)
    assert seen == {"name": "Tax category", "focused": True, "chosen": "Reduced rate",
                    "items": ["Standard rate", "Reduced rate", "Zero-rated", "Exempt"]}
    assert world.catalog.plans()[[p.name for p in world.catalog.plans()].index(
        "Dedicated desk")].tax_category == "reduced"
    shown = {table.model().index(r, 0).data(): table.model().index(r, column).data()
             for r in range(table.model().rowCount())}
    assert shown["Dedicated desk"] == "Reduced rate"
    assert shown["Hot desk"] == "Standard rate"


def test_a_tax_category_the_catalog_refuses_is_marked_on_the_field(qtbot, fake_catalog,
                                                                  formatter, monkeypatch):
    """A category written by a tool is shown as stored; the service's refusal is marked on the
    combo and Save stays disabled until one of the four is chosen."""
    from dataclasses import replace

    from desktop.domain.model import TAX_CATEGORIES, Problem
    from desktop.services.errors import ValidationError

    plan = replace(fake_catalog.items[2], tax_category="luxury")
    saves = []
    save = fake_catalog.save_plan

    def checked_save(value):
        if value.tax_category not in TAX_CATEGORIES:
            raise ValidationError([Problem("tax_category", "Choose the tax category.")])
        saves.append(value)
        return save(value)

    monkeypatch.setattr(fake_catalog, "save_plan", checked_save)
    dialog = PlanDialog(fake_catalog, formatter, plan)
    qtbot.addWidget(dialog)
    assert dialog.tax_combo.currentText() == "luxury"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert saves == []
    assert dialog.problems.message("tax_category") == "Choose the tax category."
    assert dialog.tax_combo.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
    dialog.tax_combo.setCurrentIndex(dialog.tax_combo.findData("exempt"))
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [p.tax_category for p in saves] == ["exempt"]
    assert fake_catalog.items[2].tax_category == "exempt"


def test_rule_27_a_one_off_add_on_is_sold_by_the_unit_and_lasts_as_a_package(
        qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter, kind=ADDON)
    qtbot.addWidget(dialog)
    dialog.show()
    # Only a one-off add-on has them: a recurring one does not show the fields.
    assert not dialog.unit_edit.isVisible() and not dialog.months_spin.isVisible()
    dialog.one_off_check.setChecked(True)
    assert dialog.unit_edit.isVisible() and dialog.months_spin.isVisible()
    qtbot.keyClicks(dialog.name_edit, "Meeting room hour")
    dialog.price_edit.setText("15")
    qtbot.keyClicks(dialog.unit_edit, "Meeting room hours")
    dialog.months_spin.setValue(6)
    plan = dialog.plan()
    assert (plan.frequency, plan.allowance_unit, plan.expires_months) == (
        None, "Meeting room hours", 6)
    dialog.one_off_check.setChecked(False)
    assert (dialog.plan().allowance_unit, dialog.plan().expires_months) == (None, None)


def test_rule_24_raise_prices_previews_then_raises_the_chosen_plans(qtbot, fake_catalog,
                                                                   formatter):
    from datetime import date

    import ui_fakes as fakes
    from desktop.ui.catalog.raise_prices import RaisePricesDialog

    plans = fake_catalog.plans()
    office = next(p for p in plans if p.name == "Private office")
    prices = fakes.FakePrices({p.id: (p.name, p.price) for p in plans})
    dialog = RaisePricesDialog(prices, plans, formatter, date(2024, 5, 1), office.id)
    qtbot.addWidget(dialog)
    assert dialog.chosen() == [office.id]
    assert not dialog.ok_button.isEnabled()  # no percentage yet
    qtbot.keyClicks(dialog.percent_edit, "1001")
    assert dialog.problems.message("percent") == (
        "The raise must be a percentage above 0 and at most 1000, such as 5 or 2.5.")
    assert not dialog.ok_button.isEnabled()
    dialog.percent_edit.setText("5")
    assert dialog.ok_button.isEnabled()
    assert dialog.preview_label.text().splitlines()[1] == (
        f"Private office: {formatter.money(180000)} → {formatter.money(189000)}, 1 contract")
    dialog.ok_button.click()
    assert prices.raised == [([office.id], "5", date(2024, 5, 1))]


def test_rule_25_a_plans_early_termination_fee_is_none_the_rest_or_an_amount(
        qtbot, fake_catalog, formatter):
    dialog = PlanDialog(fake_catalog, formatter)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name_edit, "Committed desk")
    dialog.price_edit.setText("300")
    assert dialog.plan().early_termination_fee is None
    dialog.fee_combo.setCurrentIndex(1)
    assert dialog.plan().early_termination_fee == "remaining"
    dialog.fee_combo.setCurrentIndex(2)
    dialog.fee_edit.setText("12x")
    assert "is not an amount" in dialog.problems.message("early_termination_fee")
    assert not dialog.ok_button.isEnabled()
    dialog.fee_edit.setText("250")
    assert dialog.plan().early_termination_fee == 25000
