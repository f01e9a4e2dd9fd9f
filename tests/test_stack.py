"""The embedded services and the `make run` supervisor, as real processes."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import psycopg
import pytest
import redis

from dvpo.embedded import APP_ROLE, EmbeddedPostgres, EmbeddedRedis
from dvpo.stack import app_env

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir():
    # Short path: Unix sockets must fit in 108 bytes.
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dvpo-") as path:
        yield Path(path)


def test_embedded_postgres_starts_reuses_and_stops(data_dir):
    first = EmbeddedPostgres(data_dir)
    url = first.start()
    try:
        assert first.started_here
        with psycopg.connect(host=first.socket_dir(), user="postgres", dbname="dvpo") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        # The app's role is made at first start; it logs in, and is nothing more.
        with psycopg.connect(first.url(user=APP_ROLE)) as conn:
            assert conn.execute(
                "SELECT current_user, rolsuper, rolcreatedb FROM pg_roles"
                " WHERE rolname = current_user"
            ).fetchone() == (APP_ROLE, False, False)
        second = EmbeddedPostgres(data_dir)
        assert second.start() == url
        assert not second.started_here  # found running: it only connects
    finally:
        first.stop()
    assert not first.is_running()


def test_embedded_redis_starts_and_stops(data_dir):
    server = EmbeddedRedis(data_dir)
    url = server.start()
    pid = server.pid()
    try:
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.close()
    finally:
        server.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not server.is_running()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def app_sessions_roles(data_dir) -> set[str]:
    """The roles of the sessions open on the app's database, this query's own apart."""
    url = EmbeddedPostgres(data_dir).start()  # running already: this only connects
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'dvpo'"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
    return {row[0] for row in rows}


def test_the_app_processes_get_the_app_role_and_never_the_owner_url():
    env = {"DATABASE_URL": "postgresql://dvpo_app@h/dvpo", "DATABASE_OWNER_URL": "x", "PORT": "1"}
    assert app_env(env) == {"DATABASE_URL": "postgresql://dvpo_app@h/dvpo", "PORT": "1"}


def test_make_run_serves_then_stops_everything_on_ctrl_c(data_dir):
    port = free_port()
    # As from a shell: not the test settings pytest-django exported (they connect as the owner).
    unset = {"DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(PORT=str(port), DEBUG="true")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "dvpo.stack", "run", "--data-dir", str(data_dir)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in supervisor.stdout:
            output.append(line)
            if "Press Ctrl-C to stop everything." in line or supervisor.poll() is not None:
                break
        assert f"dvpo is running at http://127.0.0.1:{port}/" in "".join(output), "".join(output)
        assert "caseworker" in "".join(output)
        descendants = psutil.Process(supervisor.pid).children(recursive=True)
        assert len(descendants) >= 3  # web, worker, beat (and the worker's pool)
        status, body = get(f"http://127.0.0.1:{port}/healthz")
        assert (status, body) == (200, '{"status": "ok"}')
        status, body = get(f"http://127.0.0.1:{port}/sign-in/")
        assert status == 200 and "Sign in" in body
        pg_pid = EmbeddedPostgres(data_dir)
        assert pg_pid.is_running() and EmbeddedRedis(data_dir).is_running()
        assert app_sessions_roles(data_dir) == {APP_ROLE}, "web, worker and beat: the app's role"

        # Keep reading what the processes print while they stop: a full pipe would block
        # them (and the supervisor) on a write, and Ctrl-C would seem to hang.
        threading.Thread(target=lambda: output.extend(supervisor.stdout), daemon=True).start()
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=60) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    time.sleep(0.5)
    assert [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []
    assert not EmbeddedPostgres(data_dir).is_running()
    assert not EmbeddedRedis(data_dir).is_running()
