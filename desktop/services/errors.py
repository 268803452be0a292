"""What a service raises when it will not do what it was asked; each carries a user's sentence.

The base and the refusals the ledger raises too (ServiceError, NotFound, StaleEdit) are defined
in desktop.ledger.errors and named here, so the window catches them without importing the ledger.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from desktop.domain.limits import text_problem
from desktop.domain.model import Problem, refusal
from desktop.i18n.messages import say
from desktop.ledger.errors import NotFound, ServiceError, StaleEdit  # noqa: F401


class ValidationError(ServiceError):
    """Bad input: every problem with the field it concerns; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(say(self.problems[0].message) if self.problems
                         else "The input is not valid.")


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
