"""Bulk row writes in the caller's transaction: one executemany per table and set of columns.

On SQLite the parameters go straight to the driver, converted a column at a time into the
formats SQLAlchemy's column types write, which makes bulk writes several times cheaper than
through the ORM or Core; other databases get a plain Core statement.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key


def _stored_column(values: list) -> list:
    """A column's values as SQLAlchemy's SQLite types store them (ISO dates, 0/1 booleans)."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, datetime):
        # Mostly one moment repeated (the sweep's "now" on every row): the same object's
        # text is made once.
        stored, last, text = [], None, None
        for v in values:
            if v is not last:
                last, text = v, None if v is None else v.isoformat(" ", "microseconds")
            stored.append(text)
        return stored
    if isinstance(sample, date):
        return [None if v is None else v.isoformat() for v in values]
    if isinstance(sample, bool):
        return [None if v is None else int(v) for v in values]
    return values


def _driver_rows(rows: list[dict], names: list[str]) -> list[tuple]:
    """Rows as parameter tuples for the SQLite driver, converted a column at a time."""
    return list(zip(*(_stored_column([row[n] for row in rows]) for n in names)))


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Insert many rows with one executemany (all rows have the same keys).

    On SQLite the parameters go straight to the driver, in the formats SQLAlchemy's column
    types write, which makes bulk writes several times cheaper; elsewhere a Core insert.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    connection.exec_driver_sql(sql, _driver_rows(rows, names))


def _update_by_id(connection, table, names: tuple[str, ...], rows: list[dict],
                  bump_version: bool) -> None:
    """UPDATE ... WHERE id = ? for many rows, the same way as insert_rows."""
    if connection.dialect.name != "sqlite":
        statement = update(table).where(table.c.id == bindparam("_id")).values(
            {n: bindparam(n) for n in names})
        if bump_version:
            statement = statement.values(version=table.c.version + 1)
        connection.execute(statement, rows)
        return
    assignments = [f"{n} = ?" for n in names] + (["version = version + 1"] if bump_version else [])
    sql = f"UPDATE {table.name} SET {', '.join(assignments)} WHERE id = ?"
    connection.exec_driver_sql(sql, _driver_rows(rows, [*names, "_id"]))


def update_rows(session: Session, model, values_by_id: dict[int, dict],
                bump_version: bool) -> None:
    """Update rows by id; through the ORM object when the session holds one, else in bulk.

    A row already loaded in the session is changed on the object so the session never holds a
    stale copy (and, for contracts, the ORM bumps the version the editors compare). The others
    are updated with one executemany per set of changed columns.
    """
    groups: dict[tuple[str, ...], list[dict]] = {}
    held = len(session.identity_map) > 0  # the sweep's own sessions hold no objects
    for row_id, values in values_by_id.items():
        loaded = session.identity_map.get(identity_key(model, row_id)) if held else None
        if loaded is not None:
            for name, value in values.items():
                setattr(loaded, name, value)
        else:
            groups.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **values})
    if not groups:
        return
    session.flush()
    connection = session.connection()
    for names, rows in groups.items():
        _update_by_id(connection, model.__table__, names, rows, bump_version)
