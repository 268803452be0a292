"""E-invoice benchmark (rule 28; docs/design.md#targets), run by `make bench`: 500 Factur-X
files beside the same 500 plain PDFs, measured in one run and printed side by side (target:
Factur-X within 1.5x of the plain PDFs); it asserts no timing.

Both are written through the registry's own work (`pdf_bytes`, `einvoice_bytes`) into files of
their own; the documents are read once, before either is timed, with the site and every member
given the structured data an e-invoice needs.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update

from desktop.documents.einvoice import einvoice_bytes
from desktop.documents.paper import pdf_bytes
from desktop.i18n.formatting import Formatter
from desktop.services.clock import FixedClock
from desktop.services.documents import DocumentService
from desktop.services.settings import SettingsService
from desktop.storage import models as m
from desktop.storage.database import open_database

COUNT = 500
TARGET = 1.5


def _write(folder, documents, make) -> float:
    folder.mkdir()
    started = time.perf_counter()
    for index, document in enumerate(documents):
        (folder / f"{index}.pdf").write_bytes(make(document))
    return time.perf_counter() - started


def test_500_factur_x_files_beside_500_plain_pdfs(qapp, tmp_path, bench_databases):
    copy = bench_databases.working_copy(bench_databases.members(2_000), tmp_path / "db",
                                        backed_up=True)
    clock = FixedClock(bench_databases.day, datetime.combine(bench_databases.day,
                                                             datetime.min.time()))
    db = open_database(str(copy), now=clock.now())
    try:
        settings = SettingsService(db, clock)
        site = settings.get()
        settings.save(replace(site, site_name="Harbour Desk Coworking", vat_id="IE1234567T",
                              iban="DE89 3704 0044 0532 0130 00", street="12 Quay Street",
                              postcode="H91 X2Y3", city="Galway", country="IE",
                              exemption_reason="Letting of property, exempt"))
        with db.write() as session:
            session.execute(update(m.MemberRow).values(
                address_street="Shop Street 1", address_postcode="H91 A1B2",
                address_city="Galway", address_country="IE"))
        with db.session() as session:
            ids = session.scalars(select(m.InvoiceRow.id)
                                  .where(m.InvoiceRow.type.in_(("invoice", "credit_note")))
                                  .order_by(m.InvoiceRow.id.desc()).limit(COUNT)).all()
        service = DocumentService(db, clock)
        documents = [service.invoice(invoice_id) for invoice_id in ids]
    finally:
        db.dispose()
    assert len(documents) == COUNT
    formatter = Formatter(site.locale, site.currency)
    plain = _write(tmp_path / "plain", documents, lambda d: pdf_bytes(d, formatter))
    facturx = _write(tmp_path / "facturx", documents,
                     lambda d: einvoice_bytes(d, formatter, "facturx"))
    print(f"\n{COUNT} Factur-X files: {facturx:.2f} s = {facturx / COUNT * 1000:.1f} ms each"
          f"\n  floor (the same {COUNT} plain PDFs): {plain:.2f} s = "
          f"{plain / COUNT * 1000:.1f} ms each"
          f"\n  Factur-X / plain = {facturx / plain:.2f}x  (target: within {TARGET}x)")
