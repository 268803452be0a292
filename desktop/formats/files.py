"""Writing what the registry declares, the same way for the command line and the window: every
file through desktop/storage/output_files.py (readable by its owner alone, under a temporary
name renamed when complete, never half a file), and an invoice's file named by its number made
safe (`safe_file_name`: never a path, whatever an imported number holds)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from desktop.formats.registry import Format
from desktop.storage.output_files import replacing, safe_file_name, write_bytes


def export_file(fmt: Format, db: Any, path: Path, today: date) -> int:
    """A whole-database export written to `path`; returns what `work` counted."""
    with replacing(Path(path), text=fmt.text, newline="") as out:
        return fmt.work(db, out, today)


def invoice_file_name(fmt: Format, document: Any, taken: set[str] | None = None) -> str:
    """The file name of an invoice document in this format: its number, made safe."""
    return safe_file_name(document.invoice.number, fmt.suffix, set() if taken is None else taken)


def refusals(fmt: Format, documents: Iterable[Any], formatter: Any) -> list[str]:
    """The sentences of the documents the format cannot write (rule 28: a deposit document, a
    member without an address or country as an e-invoice), asked before any file is written."""
    if fmt.refusal is None:
        return []
    return [problem for document in documents if (problem := fmt.refusal(document, formatter))]


def batch_of(fmt: Format, documents: Iterable[Any]) -> list[Any]:
    """A day's documents this format writes (an e-invoice batch leaves deposit documents out)."""
    return [document for document in documents if fmt.takes(document)]


def save_invoice(fmt: Format, document: Any, path: Path, formatter: Any) -> Path:
    """One invoice document written to the path chosen."""
    write_bytes(Path(path), fmt.work(document, formatter))
    return Path(path)


def write_invoices(fmt: Format, documents: Iterable[Any], folder: Path,
                   formatter: Any) -> Iterator[Path]:
    """Each invoice document into an existing folder, one file each named by its number (two
    numbers that make the same name get "-2", "-3", …); yields each path once it is written."""
    taken: set[str] = set()
    for document in documents:
        path = Path(folder) / invoice_file_name(fmt, document, taken)
        write_bytes(path, fmt.work(document, formatter))
        yield path
