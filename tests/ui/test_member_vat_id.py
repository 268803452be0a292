"""The member dialog checks a VAT id while it is typed (rule 17: "XX12" was accepted), over the
real MemberService: the field is marked with the sentence the service would say, Save stays
disabled and nothing is written; a valid id is kept compacted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from desktop.storage import models as m
from desktop.ui.common.keyboard import prepare_for_keyboard
from desktop.ui.members.member_dialog import MemberDialog

NOT_VALID = "{text} is not a valid VAT id: check its country letters and digits."


def shown(qtbot, dialog: MemberDialog) -> MemberDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    prepare_for_keyboard(dialog)  # what the application's KeyboardReach does on show
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    return dialog


def reach_by_mnemonic(qtbot, dialog, edit: QLineEdit) -> None:
    """Alt and the letter its label shows, as a person reaches the field."""
    caption = next(label for label in dialog.findChildren(QLabel) if label.buddy() is edit)
    text = caption.text().replace("&&", "")
    letter = text[text.index("&") + 1].upper()
    qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{letter}"),
                   Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is edit


def test_an_invalid_vat_id_is_marked_while_typing_and_nothing_is_written(qtbot, world):
    dialog = shown(qtbot, MemberDialog(world.members, world.ada))
    vat = dialog.findChild(QLineEdit, "memberVatIdEdit")
    assert vat.accessibleName() == "VAT id"
    reach_by_mnemonic(qtbot, dialog, vat)
    qtbot.keyClicks(vat, "XX12")
    assert dialog.problems.message("vat_id") == NOT_VALID.format(text="XX12")
    assert vat.property("invalid") is True
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(vat, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert world.members.get(world.ada).vat_id == ""
    vat.selectAll()
    qtbot.keyClicks(vat, "de 136 695 977")  # one check digit wrong
    assert dialog.problems.message("vat_id") == NOT_VALID.format(text="de 136 695 977")
    qtbot.keyClick(vat, Qt.Key.Key_Backspace)
    qtbot.keyClicks(vat, "6")
    assert dialog.problems.message("vat_id") == ""
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == MemberDialog.DialogCode.Accepted
    assert world.members.get(world.ada).vat_id == "DE136695976"


def test_a_new_member_with_an_invalid_vat_id_cannot_be_created(qtbot, world):
    dialog = shown(qtbot, MemberDialog(world.members))
    qtbot.keyClicks(dialog.name_edit, "Hedy Lamarr")
    qtbot.keyClicks(dialog.email_edit, "hedy@example.org")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.vat_edit, "FR12")
    assert dialog.problems.message("vat_id") == NOT_VALID.format(text="FR12")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.vat_edit, Qt.Key.Key_Return)
    assert dialog.member_id is None
    assert "hedy@example.org" not in {r.email for r in world.members.search("Hedy")}
    dialog.vat_edit.clear()  # no VAT id at all is allowed
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert world.members.get(dialog.member_id).vat_id == ""


def test_a_vat_id_kept_before_ids_were_checked_is_marked_when_the_dialog_opens(qtbot, world):
    with world.db.write() as session:
        session.get(m.MemberRow, world.grace).vat_id = "XX12"
    dialog = MemberDialog(world.members, world.grace)
    qtbot.addWidget(dialog)
    assert dialog.problems.message("vat_id") == NOT_VALID.format(text="XX12")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problems.message("name") == ""
