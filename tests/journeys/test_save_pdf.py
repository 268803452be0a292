"""Save as PDF starts where a person keeps documents, named by the invoice's number, and the next
time in the folder used last (never the process's working directory)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableView

from person import ModalSteps, bring_to_front, click, click_row, press, shortcut, type_text


def test_save_as_pdf_starts_in_documents_then_in_the_last_folder(qtbot, desk, tmp_path,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)  # a working directory that is neither Documents nor home
    bring_to_front(qtbot, desk)
    shortcut("Ctrl+3", desk)
    table = desk.findChild(QTableView, "invoiceTable")
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
    number = table.model().index(0, 0).data()
    click_row(table, 0, double=True)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and QApplication.activeModalWidget().objectName() == "invoiceView",
                    timeout=5000)
    view = QApplication.activeModalWidget()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    first = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    folder = tmp_path / "invoices"
    folder.mkdir()
    opened = []

    def save_into_folder(dialog):
        opened.append((Path(dialog.directory().absolutePath()), dialog.selectedFiles()))
        press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(str(folder / f"{number}.pdf"))
        press(Qt.Key.Key_Return)

    def look_and_cancel(dialog):
        opened.append((Path(dialog.directory().absolutePath()), dialog.selectedFiles()))
        press(Qt.Key.Key_Escape)

    for act in (save_into_folder, look_and_cancel):
        steps = ModalSteps(("QFileDialog", act))
        click(view.findChild(QPushButton, "saveInvoicePdfButton"))
        qtbot.waitUntil(lambda s=steps: s.done, timeout=10000)
        assert steps.failure == ""
    assert opened[0][0] == first != Path(os.getcwd())
    assert [Path(f).name for f in opened[0][1]] == [f"{number}.pdf"]
    assert (folder / f"{number}.pdf").is_file()
    assert opened[1][0] == folder
    press(Qt.Key.Key_Escape, widget=view)
