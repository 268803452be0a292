"""The contract editor keeps what it reads of the member while open (docs/design.md#targets, walk 2
of docs/architecture.md): an edit is checked and previewed by the pure rules alone, equal to what
the services compute from the database, and a change elsewhere is read again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QSpinBox
from sqlalchemy import event

from desktop.ui.contract_editor.editor import PREVIEW_COUNT, ContractEditor
from editor_fakes import child


class Queries:
    """Counts the SQL statements an engine runs while the block is open."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _seen(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.fixture
def editor_on(qtbot, world, formatter):
    def make(contract_id):
        editor = ContractEditor(world.contracts, world.catalog, formatter, contract_id)
        qtbot.addWidget(editor)
        editor.show()
        editor.refresh_now()
        return editor
    return make


def test_an_edit_is_checked_and_previewed_without_a_query(qtbot, editor_on, world):
    editor = editor_on(world.active)
    with Queries(world.db.engine) as queries:
        with qtbot.waitSignal(editor.previewRefreshed, timeout=2000):
            child(editor, QSpinBox, "quantitySpin").setValue(2)
        editor.refresh_now()
    assert queries.count == 0
    shown = editor.preview.invoices()
    assert shown and shown[0].lines[0].amount == 2 * 35000
    # The same invoices as the services compute from the database for this draft.
    assert list(shown) == world.contracts.preview(editor.draft(), count=PREVIEW_COUNT)


def test_another_contract_added_elsewhere_is_read_again_and_previewed(editor_on, world):
    editor = editor_on(world.active)
    names = {line.description.split(" ")[0] for line in editor.preview.invoices()[0].lines}
    assert "Hot" not in " ".join(names)
    world.contract(world.ada, world.hot, date(2026, 3, 1), date(2026, 4, 1))
    editor.member_changed_elsewhere()
    first = editor.preview.invoices()[0]
    assert first.issue_date == date(2026, 4, 1)
    assert any("Hot desk" in line.description for line in first.lines)


@pytest.mark.parametrize("changes", [
    dict(quantity=3),
    dict(cancellation_date=date(2026, 3, 20)),
    dict(cancellation_date=date(2026, 5, 12), prorate_last_invoice=True),
    dict(custom_price=12345),
    dict(next_plan=None),
    dict(start_date=date(2025, 5, 1)),
])
def test_a_kept_basis_gives_what_the_database_gives(world, changes):
    contracts = world.contracts
    draft = replace(world.stored(world.active), **changes)
    basis = contracts.basis(world.stored(world.active))
    assert contracts.validate(draft, basis) == contracts.validate(draft)
    assert contracts.describe(draft, basis) == contracts.describe(draft)
    assert contracts.preview(draft, 3, basis) == contracts.preview(draft, 3)
    assert contracts.eligible_next_plans(draft, basis) == contracts.eligible_next_plans(draft)


def test_a_basis_serves_only_its_contract_and_its_day(world):
    contracts = world.contracts
    draft = world.stored(world.active)
    basis = contracts.basis(draft)
    assert contracts.basis(replace(draft, quantity=2), basis) is basis
    assert contracts.basis(world.stored(world.custom), basis).contract == world.custom
    world.clock.set(world.clock.today() + timedelta(days=1))
    later = contracts.basis(draft, basis)
    assert later is not basis and later.today == basis.today + timedelta(days=1)


def test_an_edit_refills_the_preview_cards_in_place(qtbot, editor_on, world, formatter):
    from PySide6.QtWidgets import QFrame, QLabel

    editor = editor_on(world.active)
    card = editor.preview.findChild(QFrame, "previewInvoice0")
    labels = card.findChildren(QLabel)
    with qtbot.waitSignal(editor.previewRefreshed, timeout=2000):
        child(editor, QSpinBox, "quantitySpin").setValue(2)
    assert editor.preview.findChild(QFrame, "previewInvoice0") is card
    assert card.findChildren(QLabel) == labels  # the same labels, new texts
    first = editor.preview.invoices()[0]
    assert child(editor, QLabel, "previewDue0").text() == formatter.money(first.amount_due)
    assert formatter.money(2 * 35000) in [label.text() for label in labels]


def _invoice(day: date, *lines):
    from desktop.domain.model import Invoice

    subtotal = sum(line.amount for line in lines)
    return Invoice(1, day, tuple(lines), subtotal, 0, subtotal, 0, subtotal)


def test_preview_cards_are_refilled_moved_and_brought_back_with_a_fresh_build_s_text(
        qtbot, formatter):
    """docs/design.md#targets: the preview keeps its cards and labels; what it shows is exactly what
    a preview built afresh for the same invoices shows."""
    from PySide6.QtWidgets import QFrame

    from desktop.domain.model import Line
    from desktop.ui.contract_editor.invoice_preview import InvoicePreview

    day = date(2026, 4, 1)
    plain = Line("plan", "Hot desk", 35000, 1, day, date(2026, 5, 1))
    prorated = Line("plan", "Hot desk", 13548, 1, day, date(2026, 4, 13), 12, 31)
    three = [_invoice(day + timedelta(days=30 * k), plain) for k in range(3)]
    kept = InvoicePreview(formatter)
    qtbot.addWidget(kept)
    kept.show_invoices(three)
    cards = [kept.findChild(QFrame, f"previewInvoice{k}") for k in range(3)]
    for invoices in ([_invoice(day, prorated, plain)], [], three,
                     [_invoice(day, plain, prorated)] + three[1:]):
        kept.show_invoices(invoices)
        fresh = InvoicePreview(formatter)
        qtbot.addWidget(fresh)
        fresh.show_invoices(invoices)
        assert kept.plain_text() == fresh.plain_text()
        assert [kept.findChild(QFrame, f"previewInvoice{k}") for k in range(3)] == cards
    assert formatter.days_of(12, 31) in kept.plain_text()
