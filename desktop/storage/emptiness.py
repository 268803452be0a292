"""Whether a database holds anything of a site's yet (docs/design.md#screens: the welcome page).

Its own small module: the window asks before its first paint, so the question is answered
without loading the import and sample-data code that also asks it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.storage import models as m


def is_empty(session: Session) -> bool:
    """No plans, members, contracts or invoices (settings alone do not count)."""
    return all(session.execute(select(model.id).limit(1)).first() is None
               for model in (m.PlanRow, m.MemberRow, m.ContractRow, m.InvoiceRow))


def database_is_empty(db) -> bool:
    """The same for a whole Database, in a read of its own."""
    with db.session() as session:
        return is_empty(session)
