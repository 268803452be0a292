"""The one error storage raises for a database it will not open or touch."""

from __future__ import annotations


class DatabaseRefused(Exception):
    """A database that must not be opened or changed; str() is one sentence for the operator."""
