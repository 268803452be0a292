"""What a service raises when it will not do what it was asked; each carries a user's sentence."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from desktop.domain.limits import text_problem
from desktop.domain.model import Problem
from desktop.i18n.messages import refusal, say


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


def text_problems(values: Mapping[str, object], multiline: Collection[str] = ()) -> list[Problem]:
    """A problem for each field whose text holds a control character (issue 19), the field
    named by its key; the fields in `multiline` may hold tabs and line breaks."""
    problems = []
    for field, value in values.items():
        if isinstance(value, str) and (
                bad := text_problem(value, multiline=field in multiline)) is not None:
            problems.append(Problem(field, refusal(bad)))
    return problems
