"""The two README commands: `python -m dvpo.stack run` and `python -m dvpo.stack test`.

Both start the embedded PostgreSQL and Redis (unless DATABASE_URL/REDIS_URL are
set, in which case they use those and start nothing), pass their URLs to every
child process, and stop everything they started on the way out.

`run` migrates (as the database's owner role), loads the demo data, then
supervises the web server, a Celery worker and Celery beat, which connect as
the app's role (dvpo/dbroles.py): Ctrl-C (or SIGTERM) stops all three, then the
services. If any child dies the rest are stopped too.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dvpo.embedded import APP_ROLE, EmbeddedPostgres, EmbeddedRedis

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_GRACE_SECONDS = 10


def log(message: str) -> None:
    print(f"[dvpo] {message}", flush=True)


class Services:
    """Embedded services for this run, or the ones the environment names."""

    def __init__(self, data_dir: Path):
        self.postgres = EmbeddedPostgres(data_dir)
        self.redis = EmbeddedRedis(data_dir)
        self.env: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        if os.environ.get("DATABASE_URL"):
            log("PostgreSQL: using DATABASE_URL")
        else:
            self.env["DATABASE_OWNER_URL"] = self.postgres.start()
            self.env["DATABASE_URL"] = self.postgres.url(user=APP_ROLE)
            log(f"PostgreSQL: embedded, data in {self.postgres.pgdata}")
        if os.environ.get("REDIS_URL"):
            log("Redis: using REDIS_URL")
        else:
            self.env["REDIS_URL"] = self.redis.start()
            log("Redis: embedded")
        return self.env

    def stop(self) -> None:
        if self.redis.started_here:
            self.redis.stop()
        if self.postgres.started_here:
            self.postgres.stop()
        if self.env:
            log("embedded services stopped")


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def app_env(env: dict[str, str]) -> dict[str, str]:
    """The web server, worker and beat get the app's role only, never the owner's URL."""
    return {key: value for key, value in env.items() if key != "DATABASE_OWNER_URL"}


def child_commands(port: str, data_dir: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "dvpo",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "dvpo",
            "beat",
            "--loglevel=INFO",
            f"--schedule={data_dir / 'celerybeat-schedule'}",
        ],
    }


def stop_children(children: dict[str, subprocess.Popen]) -> None:
    """SIGTERM each child's whole process group, then SIGKILL what is left."""
    for proc in children.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for proc in children.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # The group may still hold grandchildren (worker pool processes).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def wait_until_healthy(url: str, children: dict[str, subprocess.Popen], timeout=60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in children.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def banner(url: str) -> None:
    from base64 import b32encode

    from dvpo.demo_accounts import (
        ACCOUNTS,
        DEMO_BACKUP_CODES,
        DEMO_PASSWORD,
        DEMO_TOTP_KEY,
        PLATFORM_ADMIN,
    )

    lines = [
        f"dvpo is running at {url}",
        f"Demo accounts (password for all: {DEMO_PASSWORD}, demo only):",
        "Second step: the code an authenticator app shows for the demo key "
        f"{b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()},",
        "  or `DEBUG=true .venv/bin/python manage.py demo_code`, or a backup code: "
        + ", ".join(DEMO_BACKUP_CODES),
    ]
    lines += [f"  {username:<18} {spec[-1].label}" for username, spec in ACCOUNTS.items()]
    lines.append(f"  {PLATFORM_ADMIN['username']:<18} Platform administrator (national settings)")
    lines.append("Press Ctrl-C to stop everything.")
    print("\n".join(lines), flush=True)


class Interrupted(Exception):
    pass


def _raise_interrupted(signum, frame):
    raise Interrupted


def run(data_dir: Path) -> int:
    port = os.environ.get("PORT", "8000")
    services = Services(data_dir)
    children: dict[str, subprocess.Popen] = {}
    signal.signal(signal.SIGTERM, _raise_interrupted)
    signal.signal(signal.SIGINT, _raise_interrupted)
    try:
        env = {**os.environ, **services.start()}
        manage("bootstrap", "--demo", env=env)
        for name, command in child_commands(port, data_dir).items():
            # Own process group: we decide when and how each one stops.
            children[name] = subprocess.Popen(
                command, cwd=BASE_DIR, env=app_env(env), start_new_session=True
            )
        url = f"http://127.0.0.1:{port}/"
        if not wait_until_healthy(url + "healthz", children):
            log("the app did not become healthy; stopping")
            return 1
        banner(url)
        while all(p.poll() is None for p in children.values()):
            time.sleep(0.5)
        dead = [name for name, p in children.items() if p.poll() is not None]
        log(f"{', '.join(dead)} stopped unexpectedly; stopping the rest")
        return 1
    except Interrupted:
        log("stopping")
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_children(children)
        services.stop()


def test(data_dir: Path, pytest_args: list[str]) -> int:
    services = Services(data_dir)
    try:
        env = {**os.environ, **services.start()}
        # --ds: importing dvpo sets DJANGO_SETTINGS_MODULE (Celery's convention),
        # which would otherwise win over pyproject's test settings.
        command = [sys.executable, "-m", "pytest", "--ds=dvpo.settings_test", *pytest_args]
        return subprocess.call(command, cwd=BASE_DIR, env=env)
    finally:
        services.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dvpo.stack")
    parser.add_argument("command", choices=["run", "test"])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("DVPO_DATA_DIR", BASE_DIR / ".local"))
    )
    args, pytest_args = parser.parse_known_args(argv)
    if args.command == "run":
        return run(args.data_dir)
    return test(args.data_dir, [a for a in pytest_args if a != "--"])


if __name__ == "__main__":
    sys.exit(main())
