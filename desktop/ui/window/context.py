"""What the main window is given by the composition root: the services and a few callables.

The window opens no database: desktop/app.py builds every service on one Database and binds the
storage-level operations (demo data, backups) to it before handing them over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any


@dataclass
class Services:
    """The service objects of docs/services-api.md, plus optional database-level operations."""

    settings: Any    # SettingsService
    members: Any     # MemberService
    catalog: Any     # CatalogService
    contracts: Any   # ContractService
    invoices: Any    # InvoiceService
    sweep: Any       # SweepService
    # demo.load_demo bound to the database: load_demo(today) -> DemoSummary
    load_demo: Callable[[date], Any] | None = None
    # demo.is_empty bound to the database
    is_empty: Callable[[], bool] | None = None
    # Database.backup_now bound to a clock: backup_now() -> Path of the new backup
    backup_now: Callable[[], Path] | None = None
    list_backups: Callable[[], list[Path]] | None = None
    # Replaces the database with a backup and reopens it; the services keep working after it.
    restore: Callable[[Path], Any] | None = None
    payments: Any = None     # PaymentService
    documents: Any = None    # DocumentService
    # desktop.formats.files.export_file bound to the database and today: export(format, path)
    # writes a whole-database export of the registry and returns what it counted
    export: Callable[[Any, Path], int] | None = None
    # Database.check_file: raises DatabaseGone when the file was deleted or replaced (os.stat
    # of the path alone, safe from any thread)
    check_file: Callable[[], None] | None = None
