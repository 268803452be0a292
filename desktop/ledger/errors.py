"""What the ledger refuses, each with an operator's sentence.

They are the base of what a service refuses too (desktop.services.errors names them for the
services and the window, which do not import the ledger): a contract or member gone, an edit
overtaken by the sweep, a plan the billing core cannot read.
"""

from __future__ import annotations

from desktop.domain.model import Message


class ServiceError(Exception):
    """Base of the errors a service raises; str() is a sentence an operator understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class StaleEdit(ServiceError):
    """The contract changed since it was loaded; reload it before saving."""


class NotFound(ServiceError):
    """The thing asked for does not exist (any more)."""


class UnreadablePlan(ServiceError, ValueError):
    """A plan row the billing core refuses (a frequency over ten years, say), met while reading;
    `wording` is its sentence for the window's reader (issue 10)."""

    def __init__(self, text: str, wording: Message | None = None) -> None:
        super().__init__(text)
        self.wording = wording
