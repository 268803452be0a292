"""Databases for the benchmarks (docs/design.md#targets), built once and cached between runs.

They live in /tmp/frontdesk-bench (or $FRONTDESK_BENCH_CACHE), named by size, day and a hash of
the migrations, so a schema change rebuilds them. A benchmark opens a working copy, never the
cached file, so what one run changes (a sweep, a daily backup) never reaches the next.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from bench_data import seed_monthly_contracts
from desktop.services.sample.demo import load_demo
from desktop.storage import backups
from desktop.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]


class BenchDatabases:
    """The cached databases: the demo's sample members, and contracts all renewing on one day."""

    cache = Path(os.environ.get("FRONTDESK_BENCH_CACHE", "/tmp/frontdesk-bench"))
    day = date(2025, 6, 2)         # "today" of the demo databases (fixed, so the cache holds)
    sweep_day = date(2024, 3, 1)   # the day every contract of renewals() renews

    def members(self, count: int) -> Path:
        """The demo's sample data (`frontdesk demo`) for `count` members, as of `day`."""
        return self._cached(f"members-{count}-{self.day.isoformat()}",
                            lambda db: load_demo(db, self.day, members=count, seed=1))

    def renewals(self, count: int) -> Path:
        """`count` members, each with one monthly contract renewing on `sweep_day`."""
        return self._cached(f"renewals-{count}-{self.sweep_day.isoformat()}",
                            lambda db: self._seed_renewals(db, count))

    def working_copy(self, source: Path, folder: Path, *, backed_up: bool) -> Path:
        """A copy to open; with backed_up, today's backup exists already so opening takes none."""
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / source.name
        shutil.copyfile(source, copy)
        if backed_up:
            backups.backup_daily(copy, datetime.combine(self.day, datetime.min.time()))
        return copy

    def _cached(self, name: str, build) -> Path:
        """The cached database called name, built by build(db) into a temporary file once."""
        self.cache.mkdir(parents=True, exist_ok=True)
        target = self.cache / f"{name}-{_schema_key()}.sqlite3"
        if target.exists():
            return target
        partial = target.with_name(target.stem + ".partial.sqlite3")
        for leftover in self.cache.glob(partial.name + "*"):
            leftover.unlink()
        print(f"\n  building {target} (once; later runs reuse it) ...", end="", flush=True)
        started = time.perf_counter()
        db = open_database(str(partial), now=datetime.combine(self.day, datetime.min.time()))
        try:
            build(db)
        finally:
            db.dispose()  # the last connection closing folds the write-ahead log into the file
        os.replace(partial, target)
        print(f" {time.perf_counter() - started:.0f} s", flush=True)
        return target

    def _seed_renewals(self, db, count: int) -> None:
        start = date(self.sweep_day.year, self.sweep_day.month - 1, 1)
        seed_monthly_contracts(db, count, start, self.sweep_day, price=19500, tax_rate="23")


def _schema_key() -> str:
    """A short hash of the migrations, so a schema change rebuilds the cached databases."""
    digest = hashlib.sha1()
    for path in sorted((ROOT / "desktop/storage/migrations/versions").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


@pytest.fixture(scope="session")
def bench_databases() -> BenchDatabases:
    return BenchDatabases()
