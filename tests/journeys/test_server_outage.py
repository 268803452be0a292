"""The server goes away and comes back (DESIGN.md §7, issue 19): exploratory."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from own_server import own_server  # noqa: F401 (fixture)
from PySide6.QtWidgets import QTableView

from desktop.app import follow_other_desks
from desktop.services.exchange.export import export_document
from desktop.services.exchange.importer import import_document
from desktop.storage.database import open_database

pytestmark = pytest.mark.server


@pytest.fixture
def site(database, own_server):  # noqa: F811
    with open_database(database, now=datetime(2026, 11, 22, 8)) as sample, \
            sample.session() as session:
        document = export_document(session)
    with open_database(own_server.url, now=datetime(2026, 11, 22, 8)) as server:
        import_document(server, document, datetime(2026, 11, 22, 8))
    return own_server


def test_explore(qtbot, open_desk, site, caplog):
    caplog.set_level(logging.INFO)
    here, there = open_desk(site.url), open_desk(site.url)
    followers = [follow_other_desks(desk) for desk in (here, there)]
    for f in followers:
        assert f.watch.wait_listening(5)
    table = there.findChild(QTableView, "memberTable")
    names = lambda: [table.model().index(r, 0).data() for r in range(table.model().rowCount())]
    qtbot.waitUntil(lambda: len(names()) > 3, timeout=5000)
    member = here.services.members.search(status="all", limit=1)[0]
    site.stop()
    qtbot.wait(4000)
    print("DURING", names()[:3], there.members_panel.count_label.text(),
          there.members_panel.error_label.text(), there.statusBar().currentMessage(),
          there.status_label.text())
    site.start()
    qtbot.wait(7000)
    print("AFTER", names()[:3], there.members_panel.count_label.text())
    from desktop.services.members import MemberService
    row = here.services.members.get(member.id) if hasattr(here.services.members, "get") else None
    with here.database.write() as s:
        s.exec_driver_sql if False else None
        from desktop.storage.models import MemberRow
        s.get(MemberRow, member.id).name = "Renamed After Restart"
    qtbot.waitUntil(lambda: "Renamed After Restart" in names(), timeout=10000)
    for f in followers:
        f.stop()
