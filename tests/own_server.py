"""A PostgreSQL cluster of a test's own, to stop and start again (docs/storage.md: the server goes
away and comes back).

The shared test server (scripts/with_test_server) must stay up for every other test, so a test
that restarts its server starts this one the same way the script does: a temporary directory
(owned by `postgres` when the tests run as root), 127.0.0.1 on a free port, trust for local
TCP. Only fsync is off: a commit still reaches the operating system before it returns, so it
survives the server's crash. `stop()` is `pg_ctl -m immediate` (a crash, as the trial did),
`start()` brings it back on the same port.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    found = sorted(Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")
                   if Path(p, "pg_ctl").is_file())
    return found[-1] if found else None


def _as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as `postgres`; else as oneself."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnServer:
    """One throw-away cluster; `url` is its `postgres` database (the server pass's driver)."""

    def __init__(self) -> None:
        self.bindir = _bindir()
        if self.bindir is None:
            pytest.skip("PostgreSQL is not installed here")
        self.dir = Path(tempfile.mkdtemp(prefix="frontdesk-own-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.start()

    def _run(self, *command: str) -> None:
        done = subprocess.run(_as_postgres(*command), capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.dir / "server.log"), "-w", "-t", "60", "start", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off")

    def stop(self) -> None:
        """Gone at once, as a crash: every connection is cut, nothing is said to the desks."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                  "stop")

    def close(self) -> None:
        subprocess.run(_as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                    "immediate", "-w", "stop"), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def own_server():
    server = OwnServer()
    yield server
    server.close()
