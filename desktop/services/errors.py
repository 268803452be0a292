"""What a service raises when it will not do what it was asked; each carries a user's sentence."""

from __future__ import annotations

from desktop.domain.model import Problem
from desktop.i18n.messages import say


class ServiceError(Exception):
    """Base of the errors a service raises; str() is a sentence an operator understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ServiceError):
    """Bad input: every problem with the field it concerns; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(say(self.problems[0].message) if self.problems
                         else "The input is not valid.")


class StaleEdit(ServiceError):
    """The contract changed since it was loaded; reload it before saving."""


class NotFound(ServiceError):
    """The thing asked for does not exist (any more)."""


class Refused(ServiceError):
    """An action the rules forbid, such as deleting a contract that has invoices."""
