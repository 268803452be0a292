"""Opening the database (docs/storage.md): SQLite file by default, any SQLAlchemy URL otherwise.

`open_database` refuses a foreign or newer database without changing it, backs up a SQLite
file before migrating it, and upgrades the schema with the packaged Alembic migrations.
`Database.write()` is the one way to change data: one transaction, which on SQLite starts with
BEGIN IMMEDIATE so that two processes queue for the write lock instead of failing half-way, and
on a PostgreSQL server takes the writers' advisory lock (desktop.storage.server) likewise.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

from desktop.storage import backups, migrate, server
from desktop.storage.errors import DatabaseBusy, DatabaseRefused, busy_sentence, is_busy
from desktop.storage.files import FileIdentity, create_private, make_private_folder

BUSY_TIMEOUT_MS = 30_000
SHORT_WAIT_MS = 5_000  # how long a write from the window waits for another program's lock
_BEGIN = "frontdesk_begin"  # execution option carrying the BEGIN statement to emit
_WAIT = "frontdesk_wait_ms"  # execution option: the busy timeout of this write transaction


def default_path() -> Path:
    """The database file in the user's data directory."""
    return Path(user_data_dir("Frontdesk", appauthor=False)) / "frontdesk.sqlite3"


def _resolve(target: str | None) -> tuple[URL, Path | None]:
    """The URL to open and, when it is a SQLite file, the file's path."""
    if target is None:
        path = default_path()
    elif "://" in target:
        url = make_url(target)
        database = url.database or ""
        if url.get_backend_name() != "sqlite" or database in ("", ":memory:") \
                or database.startswith("file:"):
            return url, None
        path = Path(database)
    else:
        path = Path(target)
    path = path.expanduser().absolute()
    return URL.create("sqlite", database=str(path)), path


def _sqlite_engine(url: URL, *, foreign_keys: bool, memory: bool = False,
                   poolclass: type | None = None, mode: str | None = None) -> Engine:
    """A SQLite engine whose transactions start with the BEGIN the connection asks for.

    mode "rw" opens an existing file only (a deleted file is never created again, empty),
    "ro" opens it read-only.
    """
    options: dict = {}
    if memory:
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    elif poolclass is not None:
        options = {"poolclass": poolclass}
    engine = create_engine(url, **options)

    if mode is not None:
        file = url.database
        assert file is not None  # a mode is asked only of a database file

        @event.listens_for(engine, "do_connect")
        def _existing_file_only(_dialect, _record, cargs, cparams) -> None:
            uri = f"{Path(file).as_uri()}?mode={mode}"
            if mode == "ro" and not Path(f"{file}-wal").exists():
                uri += "&immutable=1"  # a closed database: read it without creating side files
            if cargs:
                cargs[0] = uri
            else:
                cparams["database"] = uri
            cparams["uri"] = True

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        # SQLAlchemy emits BEGIN itself (below); the driver must not start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        if not memory and mode != "ro":  # a read-only connection changes nothing, not even this
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        options = connection.get_execution_options()
        begin = options.get(_BEGIN, "BEGIN")
        if begin != "BEGIN" and not memory:  # a write: how long it may wait for the lock
            connection.exec_driver_sql(
                f"PRAGMA busy_timeout = {int(options.get(_WAIT, BUSY_TIMEOUT_MS))}")
        connection.exec_driver_sql(begin)

    return engine


def _immediate(engine: Engine) -> Engine:
    """The same engine (and pool), its transactions taking the write lock at BEGIN."""
    return engine.execution_options(**{_BEGIN: "BEGIN IMMEDIATE"})


class Database:
    """An open Frontdesk database: read sessions, write transactions, backups."""

    def __init__(self, engine: Engine, write_engine: Engine, url: URL, path: Path | None,
                 read_only: bool = False):
        self.engine = engine
        self.url = url
        self.path = path
        self.read_only = read_only
        self._read = sessionmaker(engine)
        # Objects stay readable after the write commits (the session is closed by then).
        self._write = sessionmaker(write_engine, expire_on_commit=False)
        self.on_server = server.is_server(url)
        self.token = uuid.uuid4().hex  # names this Database's change notices (server.py)
        self._brief = self._write
        self._brief_thread: int | None = None
        self._identity = None if path is None else FileIdentity.of(path)

    def adopt_file(self) -> None:
        """After a restore: the file now at the path is this database's (it may be new)."""
        if self.path is not None:
            self._identity = FileIdentity.of(self.path)

    def wait_briefly_on_this_thread(self, wait_ms: int = SHORT_WAIT_MS) -> None:
        """Writes from the calling thread (the window's) wait at most wait_ms for another
        program's lock (on a server server.WINDOW_WAIT_MS for another desk's, the writers' or a
        row's), then fail with DatabaseBusy instead of freezing the window."""
        if self.path is not None:
            self._brief = sessionmaker(self._write.kw["bind"].execution_options(**{_WAIT: wait_ms}),
                                       expire_on_commit=False)
        self._brief_thread = threading.get_ident()

    def check_file(self) -> None:
        """Raise DatabaseGone when the file was deleted or replaced since it was opened.

        Looks at the path alone (os.stat), never at a connection, so any thread may call it.
        """
        if self._identity is not None:
            self._identity.check()

    def session(self) -> Session:
        """A session for reading; use it as `with db.session() as s:`. Do not write with it."""
        return self._read()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits when the block ends, rolls back if it raises.

        On SQLite it begins with BEGIN IMMEDIATE, so it waits (up to the busy timeout) for
        another writer instead of failing later; session.begin_nested() gives savepoints.
        """
        if self.read_only:
            raise DatabaseRefused("This database was opened read-only; nothing was written.")
        self.check_file()  # never "save" into a deleted file, never create a new empty one
        brief = self._brief_thread == threading.get_ident()
        with (self._brief if brief else self._write)() as session, session.begin():
            # Take the connection (and so the write lock) now, not at the first statement, so
            # the whole block is inside the lock.
            try:
                connection = session.connection()
            except OperationalError as error:
                if is_busy(error.orig):
                    raise DatabaseBusy(busy_sentence(self.path)) from None
                raise
            if self.on_server:
                server.lock_writers(connection, server.WINDOW_WAIT_MS if brief else None)
            yield session
            if self.on_server:
                server.notify_change(session.connection(), self.token)

    def backup_now(self, now: datetime) -> Path:
        """Back the database file up now (rotating); only a SQLite file can be backed up."""
        if self.path is None:
            raise DatabaseRefused("Only a database file can be backed up from Frontdesk.")
        self.check_file()
        return backups.backup_file(self.path, now)

    def backup_daily(self, now: datetime) -> Path | None:
        """A backup unless one exists for now's calendar day; None when none was taken."""
        return None if self.path is None else backups.backup_daily(self.path, now)

    def list_backups(self) -> list[Path]:
        """The backups of this database file, newest first."""
        return [] if self.path is None else backups.list_backups(self.path)

    def dispose(self) -> None:
        """Close every pooled connection (needed before restoring a backup over the file)."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc) -> None:
        self.dispose()


def open_database(target: str | None, *, now: datetime, read_only: bool = False) -> Database:
    """Open (creating or upgrading) the database; `now` only names a pre-migration backup.

    target: None = the default file in the user's data directory, a path = a SQLite file,
    anything with "://" = a SQLAlchemy URL. Raises DatabaseRefused, changing nothing, for a
    file that is not a Frontdesk database or one written by a newer version. read_only (a
    SQLite file that must exist): nothing is written, no backup taken; a file of an older
    schema is read through an upgraded copy in memory.
    """
    url, path = _resolve(target)
    if path is not None:
        if read_only:
            return _open_read_only(url, path)
        return _open_file(url, path, now)
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, foreign_keys=True, memory=True)
        write_engine = _immediate(engine)
    elif server.is_server(url):
        url = server.server_url(url)
        engine = write_engine = server.server_engine(url)
    else:
        engine = write_engine = create_engine(url)
    name = url.render_as_string(hide_password=True)
    try:
        with write_engine.begin() as connection:
            if server.is_server(url):
                server.lock_writers(connection)  # two desks upgrading at once take turns
            if not migrate.connection_state(connection, name).current:
                migrate.upgrade(connection)
    except OperationalError as error:
        engine.dispose()
        if server.is_server(url):
            raise server.unreachable(url, error) from None
        raise
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, write_engine, url, None)


def _open_file(url: URL, path: Path, now: datetime) -> Database:
    state = migrate.sqlite_file_state(path)  # refuses before anything is written
    backups.remove_leftovers(path, now)  # of a backup or restore that was killed
    if not state.current:
        created = not path.exists()
        try:
            # No upgrade without its backup; the upgrade itself is one transaction.
            if not state.empty:
                backups.backup_file(path, now)
            make_private_folder(path.parent)
            create_private(path)  # 0600; SQLite gives its -wal and -shm files the same mode
            _migrate_file(url, path)
        except BaseException as error:
            if created:  # a refusal leaves nothing behind
                _remove_new_file(path)
            if isinstance(error, OperationalError) and is_busy(error.orig):
                raise DatabaseBusy(busy_sentence(path)) from None
            if not isinstance(error, (OSError, sqlite3.Error, OperationalError)):
                raise
            reason = getattr(error, "orig", None) or getattr(error, "strerror", None) or error
            raise DatabaseRefused(f"{path} could not be opened ({reason}); "
                                  "it was not changed.") from error
    engine = _sqlite_engine(url, foreign_keys=True, mode="rw")
    return Database(engine, _immediate(engine), url, path)


def _remove_new_file(path: Path) -> None:
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            companion.unlink(missing_ok=True)
        except OSError:
            pass


def _open_read_only(url: URL, path: Path) -> Database:
    """A file opened for reading alone: never migrated, never backed up, never created."""
    if not path.exists():
        raise DatabaseRefused(f"There is no database at {path}.")
    state = migrate.sqlite_file_state(path)
    if state.current:
        engine = _sqlite_engine(url, foreign_keys=True, mode="ro")
        return Database(engine, engine, url, path, read_only=True)
    # An older schema: upgrade a copy in memory and read that; the file stays as it is.
    engine = _sqlite_engine(URL.create("sqlite"), foreign_keys=False, memory=True)
    try:
        with closing(backups.connect_readonly(path)) as source:
            raw = engine.raw_connection()
            try:
                target = raw.driver_connection
                assert target is not None  # a connection just taken from the pool is open
                source.backup(target)
            finally:
                raw.close()
        with engine.begin() as connection:
            migrate.upgrade(connection)
    except (sqlite3.Error, OperationalError) as error:
        engine.dispose()
        if is_busy(getattr(error, "orig", error)):
            raise DatabaseBusy(busy_sentence(path)) from None
        raise DatabaseRefused(f"{path} (an older version's database) could not be read; "
                              "it was not changed.") from error
    return Database(engine, engine, url, path, read_only=True)


def _migrate_file(url: URL, path: Path) -> None:
    """Upgrade a SQLite file in one immediate transaction, with foreign keys checked at the end.

    Foreign keys are off while migrating because SQLite rebuilds altered tables by copying
    them; the check afterwards makes sure the rebuilt tables still hold together.
    """
    engine = _immediate(_sqlite_engine(url, foreign_keys=False, poolclass=NullPool))
    try:
        with engine.begin() as connection:
            # Read again under the write lock: another process may have migrated meanwhile.
            state = migrate.connection_state(connection, str(path))
            if state.current:
                return
            migrate.upgrade(connection)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
            if broken is not None:
                raise DatabaseRefused(
                    f"Upgrading {path} would break links between tables in {broken[0]}; "
                    "it was not changed.")
    finally:
        engine.dispose()


def restore(path: str | Path, backup: str | Path, *, safety_at: datetime | None = None
            ) -> Path | None:
    """Copy a backup over a database file that is closed (dispose its Database first).

    With safety_at, a backup of the current file is taken first (named by that time), and its
    rotation never removes the backup being restored; returns that safety backup.
    """
    path, backup = Path(path).expanduser().absolute(), Path(backup).expanduser().absolute()
    if not backup.is_file():
        raise DatabaseRefused(f"The backup {backup} does not exist.")
    if path.exists() and backup.resolve() == path.resolve():
        raise DatabaseRefused(f"{backup} is the database itself, not a backup of it.")
    if migrate.sqlite_file_state(backup).empty:
        raise DatabaseRefused(migrate.not_frontdesk(str(backup)))
    safety = None
    if safety_at is not None and path.exists():
        migrate.sqlite_file_state(path)  # the file replaced must be a Frontdesk database too
        safety = backups.backup_file(path, safety_at, keep_also=(backup,))
    backups.restore_file(path, backup)
    return safety
