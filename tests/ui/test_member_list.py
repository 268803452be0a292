"""Member list [memberTable, memberSearch] (docs/design.md#screens): lazy paging, search while
typing, status filter, sorting by the service."""

from __future__ import annotations

import threading

from PySide6.QtCore import QModelIndex, Qt, QThreadPool

from desktop.ui.members.member_list import DEBOUNCE_MS, MemberListPanel
from desktop.ui.members.member_model import PAGE_SIZE, MemberListModel


def test_model_passes_the_model_tester(qtmodeltester, fake_members, formatter):
    model = MemberListModel(fake_members, formatter)
    model.requery()
    qtmodeltester.check(model)


def test_model_fetches_pages_of_200_lazily(fake_members, formatter):
    model = MemberListModel(fake_members, formatter)
    model.requery()
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * PAGE_SIZE
    assert fake_members.search_calls[-1]["offset"] == PAGE_SIZE
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())


def test_credit_balance_is_formatted_and_right_aligned(fake_members, formatter):
    model = MemberListModel(fake_members, formatter)
    model.requery()
    row = model.row_at(0)
    index = model.index(0, 4)
    assert model.data(index) == formatter.money(row.credit_balance)
    assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_sort_asks_the_service_again(fake_members, formatter):
    model = MemberListModel(fake_members, formatter)
    model.requery()
    model.sort(4, Qt.SortOrder.DescendingOrder)
    call = fake_members.search_calls[-1]
    assert (call["sort"], call["descending"], call["offset"]) == ("credit_balance", True, 0)
    balances = [model.row_at(i).credit_balance for i in range(model.rowCount())]
    assert balances == sorted(balances, reverse=True)


def test_search_while_typing_shows_matches(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.model.rowCount() >= PAGE_SIZE
    qtbot.keyClicks(panel.search, "00042")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=2000)
    assert panel.model.row_at(0).name == "Person 00042"
    assert panel.count_label.text() == "1 person"


def test_search_is_debounced_to_one_query(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    before = len(fake_members.search_calls)
    qtbot.keyClicks(panel.search, "Person 0010")
    qtbot.waitUntil(lambda: panel.model.text == "Person 0010", timeout=2000)
    texts = [c["text"] for c in fake_members.search_calls[before:]]
    assert texts == ["Person 0010"]


def test_no_match_shows_a_sentence(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.search.setText("zebra")
    panel.apply_filter()
    assert panel.model.rowCount() == 0
    assert "zebra" in panel.table.empty_text()


def test_status_filter_members_and_contacts(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("members"))
    assert fake_members.search_calls[-1]["status"] == "members"
    assert panel.model.rowCount() == 150
    assert {panel.model.row_at(i).status for i in range(150)} == {"member"}
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("contacts"))
    assert {panel.model.row_at(i).status for i in range(panel.model.rowCount())} == {"contact"}


def test_clicking_the_header_sorts_by_company(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert fake_members.search_calls[-1]["sort"] == "company"


def test_selecting_a_row_emits_the_member_id(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.memberSelected) as blocker:
        panel.table.setCurrentIndex(panel.model.index(2, 0))
    assert blocker.args == [panel.model.row_at(2).id]
    assert panel.edit_action.isEnabled()


def test_new_member_action_creates_and_selects_the_member(qtbot, fake_members, formatter,
                                                          monkeypatch):
    from desktop.ui.members.member_dialog import MemberDialog

    def fill_and_accept(dialog):
        dialog.name_edit.setText("Zora Neale")
        dialog.email_edit.setText("zora@example.org")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(MemberDialog, "exec", fill_and_accept)
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.search.setText("Person 0001")
    panel.apply_filter()
    with qtbot.waitSignal(panel.memberChanged) as blocker:
        panel.new_action.trigger()
    new_id = blocker.args[0]
    assert fake_members.members[new_id].name == "Zora Neale"
    assert panel.current_member_id() == new_id
    assert panel.search.text() == "zora@example.org"


def answer_archive_dialog(button_text: str, seen: list):
    """When the confirmation is up, note its text and press the button that reads so."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def poll():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, poll)
            return
        seen.append(box.text())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
    QTimer.singleShot(0, poll)


def test_archive_member_asks_first_and_removes_the_row(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.select_member(5)
    seen: list[str] = []
    answer_archive_dialog("Keep", seen)
    panel.archive_action.trigger()
    assert seen and "Archive Person 00005?" in seen[0]
    assert not fake_members.members[5].archived
    answer_archive_dialog("Archive", seen)
    with qtbot.waitSignal(panel.statusMessage) as said:
        panel.archive_action.trigger()
    assert fake_members.members[5].archived
    assert panel.model.row_of(5) == -1
    assert said.args == ["Person 00005 archived: choose Archived in the filter to find them "
                         "again."]


def test_archiving_a_member_with_a_running_contract_warns_and_defaults_to_keep(
        qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.select_member(6)  # every third person has an active Hot desk contract
    seen: list[str] = []
    answer_archive_dialog("Keep", seen)
    panel.archive_action.trigger()
    assert "Person 00006 has 1 contract that is still running (Hot desk)" in seen[0]
    assert not fake_members.members[6].archived


def test_the_archived_filter_lists_archived_members_and_brings_them_back(
        qtbot, fake_members, formatter):
    fake_members.members[5].archived = True
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    assert panel.model.row_of(5) == -1
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("archived"))
    assert [panel.model.row_at(i).id for i in range(panel.model.rowCount())] == [5]
    assert panel.model.index(0, 3).data() == "Archived"
    panel.select_member(5)
    assert panel.archive_action.text() == "Un&archive member"
    panel.archive_action.trigger()
    assert not fake_members.members[5].archived
    assert panel.model.rowCount() == 0


def test_the_count_of_a_long_list_arrives_from_a_worker(qtbot, fake_members, formatter):
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    assert panel.model.canFetchMore(QModelIndex())  # more than one page: counted in the background
    qtbot.waitUntil(lambda: panel.count_label.text() == "450 people", timeout=3000)


def _debounce_of(panel):
    from PySide6.QtCore import QTimer

    (timer,) = [t for t in panel.findChildren(QTimer) if t.isSingleShot()
                and t.interval() == DEBOUNCE_MS]
    return timer


def test_typing_past_a_slow_query_shows_the_final_texts_rows_never_the_slow_ones(
        qtbot, fake_members, formatter):
    """A query still running when more keys arrive is superseded: its rows are never shown."""
    held, release, asked = "Person 00", threading.Event(), []
    search = fake_members.search

    def slow_search(text="", *args, **kwargs):
        asked.append(text)
        if text == held:
            release.wait(10)
        return search(text, *args, **kwargs)

    fake_members.search = slow_search
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.show()
    shown = []
    panel.model.modelReset.connect(lambda: shown.append(panel.model.text))
    qtbot.keyClicks(panel.search, held)
    qtbot.waitUntil(lambda: held in asked)  # on the worker, held
    qtbot.keyClicks(panel.search, "04")
    qtbot.waitUntil(lambda: not _debounce_of(panel).isActive())  # "Person 0004" is asked for
    qtbot.keyClicks(panel.search, "2")
    qtbot.waitUntil(lambda: not _debounce_of(panel).isActive())  # ... then "Person 00042"
    release.set()
    qtbot.waitUntil(lambda: panel.model.text == "Person 00042", timeout=5000)
    assert QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: panel.count_label.text() == "1 person")
    assert [panel.model.row_at(i).name for i in range(panel.model.rowCount())] == [
        "Person 00042"]
    assert held in asked and held not in shown  # the slow query answered last, unseen
    assert shown[-1] == "Person 00042"


def test_nobody_matching_says_when_archived_members_match(qtbot, fake_members, formatter):
    fake_members.members[5].archived = True
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    qtbot.keyClicks(panel.search, "Person 00005")
    qtbot.waitUntil(lambda: "archived member matches" in panel.table.empty_text(), timeout=3000)
    assert panel.model.rowCount() == 0
    assert panel.table.empty_text().startswith("Nobody matches “Person 00005”.")


def test_a_long_list_is_counted_once_typing_pauses_not_at_every_key(qtbot, fake_members,
                                                                       formatter):
    """docs/design.md#targets: keys typed in a row never wait behind counts of texts already
    replaced."""
    from PySide6.QtCore import QTimer

    from desktop.ui.members.member_list import COUNT_PAUSE_MS

    counted, count = [], fake_members.count

    def counting(text="", status="all"):
        counted.append(text)
        return count(text, status)

    fake_members.count = counting
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.count_label.text() == "450 people", timeout=3000)
    (pause,) = [t for t in panel.findChildren(QTimer) if t.interval() == COUNT_PAUSE_MS]
    del counted[:]
    at_reset = []  # as each new text's rows arrive: (text, long list, pausing, counted yet)
    panel.model.modelReset.connect(lambda: at_reset.append((
        panel.model.text, panel.model.canFetchMore(QModelIndex()), pause.isActive(),
        panel.model.text in counted)))
    for typed in ("P", "Pe", "Per"):
        qtbot.keyClick(panel.search, typed[-1])
        qtbot.waitUntil(lambda typed=typed: panel.model.text == typed, timeout=3000)
    assert at_reset == [(typed, True, True, False) for typed in ("P", "Pe", "Per")]
    qtbot.waitUntil(lambda: counted[-1:] == ["Per"], timeout=3000)
    assert set(counted) <= {"P", "Pe", "Per"}
    qtbot.waitUntil(lambda: not pause.isActive())
    # The final text's count arrives from the worker ("Counting…" until then).
    qtbot.waitUntil(lambda: panel.count_label.text() == "450 people", timeout=3000)


def test_while_a_long_list_waits_for_its_count_the_label_says_so(qtbot, fake_members, formatter):
    """The previous text's count never stands beside another text's rows."""
    import threading

    release, count = threading.Event(), fake_members.count

    def slow_count(text="", status="all"):
        if text:  # the typed text's count waits until the test has looked at the label
            release.wait(10)
        return count(text, status)

    fake_members.count = slow_count
    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.show()
    try:
        qtbot.waitUntil(lambda: panel.count_label.text() == "450 people", timeout=3000)
        qtbot.keyClick(panel.search, "P")
        qtbot.waitUntil(lambda: panel.model.text == "P", timeout=3000)
        assert panel.count_label.text() == "Counting…"
    finally:
        release.set()
    expected = f"{count('P', 'all')} people"
    qtbot.waitUntil(lambda: panel.count_label.text() == expected, timeout=3000)


def test_a_refresh_while_the_server_is_away_keeps_the_rows_and_says_one_sentence(
        qtbot, fake_members, formatter, monkeypatch):
    """Issue 19: the list emptied to "no matches / 0 people" during an outage, with psycopg's
    words above it; it keeps what it showed and says the product's sentence."""
    from desktop.storage.errors import ServerUnreachable

    panel = MemberListPanel(fake_members, formatter)
    qtbot.addWidget(panel)
    panel.show()
    shown, count = panel.model.rowCount(), panel.count_label.text()

    def away(**_kwargs):
        raise ServerUnreachable("desk@db:5432/frontdesk")

    monkeypatch.setattr(fake_members, "search", away)
    panel.refresh()
    assert panel.model.rowCount() == shown and panel.count_label.text() == count
    assert panel.error_label.text() == (
        "The server cannot be reached; nothing was saved or read, and what the window shows is "
        "kept: try again once the server is back.")


def test_a_filter_that_failed_keeps_the_rows_and_the_query_they_answer(
        qtbot, fake_members, formatter, monkeypatch):
    """Issue 19 review: after a new filter could not be read, the next page fetched continued
    the old rows with the new filter's members, mixing the two."""
    model = MemberListModel(fake_members, formatter)
    model.set_filter("", "all")
    first = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert model.canFetchMore()
    search = fake_members.search

    def away(**_kwargs):
        raise ConnectionError("the server is away")

    monkeypatch.setattr(fake_members, "search", away)
    model.set_filter("Person", "all")   # a new text that could not be read…
    model.sort(0, Qt.SortOrder.DescendingOrder)   # …then a new order that could not either
    monkeypatch.setattr(fake_members, "search", search)
    model.fetchMore()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names[:len(first)] == first
    expected = [m.name for m in search(text="", status="all", sort="name", limit=2 * PAGE_SIZE)]
    assert names == expected[:len(names)]
