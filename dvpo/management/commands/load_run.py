"""A bounded load run: gunicorn on loopback, locust headless with mixed traffic from every role.

python manage.py load_run [--users 20] [--seconds 60] [--workers 3] [--port 8765]

Starts gunicorn (production settings: DEBUG off, static files collected, same database and
Redis as this command), waits for /healthz, signs each demo account in through the real
two-step sign-in, runs scripts/loadtest/locustfile.py headless for --seconds with --users
concurrent users, then prints requests per second, p50, p95, p99 and the error count, and
stops everything it started. Target on the 1,000,000-incident dataset with 20 users on a
2-core machine: no errors and p95 under 250 ms.
"""

import contextlib
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from cases.models import Case, Person
from dvpo.models import User
from referrals.models import Referral

ACCOUNTS = (
    "officer",
    "dvpo.officer",
    "supervisor",
    "superintendent",
    "court.coordinator",
    "caseworker",
    "service.manager",
)


def targets(*, with_reports: bool) -> dict:
    """Ids each demo account may open: its own recent cases, or the service's referrals."""
    from cases.permissions import case_visibility

    accounts = {}
    for username in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}: run `manage.py load_demo` first.")
        cases, referrals = [], []
        if user.organisation and user.organisation.is_police:
            cases = list(
                Case.objects.filter(case_visibility(user))
                .order_by("-reported_at")
                .values_list("pk", flat=True)[:200]
            )
        else:
            referrals = list(
                Referral.objects.filter(service=user.organisation)
                .order_by("-sent_at")
                .values_list("pk", flat=True)[:200]
            )
        accounts[username] = {"cases": cases, "referrals": referrals}
    # Officers search for a person by full name (or a crime reference).
    names = [
        f"{first} {last}"
        for first, last in Person.objects.filter(parties__role="victim")
        .order_by("-pk")
        .values_list("first_name", "last_name")[:40]
    ]
    surnames = names + list(
        Case.objects.order_by("-reported_at").values_list("crime_reference", flat=True)[:20]
    )
    reports_url = ""
    if with_reports:
        with contextlib.suppress(NoReverseMatch):
            reports_url = reverse("reports:dashboard")
    return {"accounts": accounts, "surnames": surnames or ["Example"], "reports_url": reports_url}


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CommandError("gunicorn stopped during start-up.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise CommandError(f"{url} did not answer 200 within {timeout:.0f} s.")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Command(BaseCommand):
    help = "Load run: gunicorn + locust, mixed traffic from every role; prints rps and latency."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--warmup",
            type=int,
            default=15,
            help="Seconds of the same traffic before the measured --seconds (not counted).",
        )
        parser.add_argument(
            "--no-reports",
            action="store_true",
            help="Supervisors do not open the reports page (its figures are kept for "
            "REPORT_CACHE_SECONDS; the first view of a new choice of filters takes seconds).",
        )

    def handle(self, *args, users, seconds, workers, threads, port, warmup, no_reports, **options):
        from dvpo.demo import DEMO_PASSWORD, DEMO_TOTP_KEY

        base = Path(settings.BASE_DIR)
        bin_dir = Path(sys.executable).parent
        host = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": settings.DATABASE_URL,
            "REDIS_URL": settings.REDIS_URL,
            "LOG_LEVEL": "WARNING",
        }
        with tempfile.TemporaryDirectory(prefix="dvpo-load-") as tmp:
            target_file = Path(tmp) / "targets.json"
            target_file.write_text(json.dumps(targets(with_reports=not no_reports)))
            if not no_reports:
                # As Celery beat keeps it in production (reports.tasks.warm_dashboards).
                from reports.tasks import warm_dashboards

                began = time.monotonic()
                warm_dashboards()
                self.stdout.write(
                    f"Reports' default view worked out in {time.monotonic() - began:.1f} s "
                    "(as Celery beat does every 4 minutes)."
                )
            self.stdout.write("Collecting static files for production settings ...")
            collected = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                cwd=base,
                env=env,
                capture_output=True,
                text=True,
            )
            if collected.returncode != 0:
                # Production settings need the hashed static files; without them serve with
                # DEBUG on (the pages measured are HTML: no static file is requested).
                self.stderr.write(
                    "collectstatic failed, so the run uses DEBUG=true:\n"
                    + collected.stderr.strip().splitlines()[-1]
                )
                env["DEBUG"] = "true"
            gunicorn = None
            try:
                gunicorn = subprocess.Popen(
                    [
                        str(bin_dir / "gunicorn"),
                        "dvpo.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(workers),
                        "--threads",
                        str(threads),
                        # Longer than the users' pauses: a connection gunicorn closes just as
                        # the client reuses it is an error that says nothing about the app.
                        "--keep-alive",
                        "30",
                        "--log-level",
                        "warning",
                    ],
                    cwd=base,
                    env=env,
                    start_new_session=True,
                )
                wait_healthy(f"{host}/healthz", gunicorn)
                self.stdout.write(
                    f"gunicorn: {workers} workers x {threads} threads on {host}; "
                    f"locust: {users} users for {seconds} s after {warmup} s of warm-up"
                )
                prefix = Path(tmp) / "run"
                locust = subprocess.run(
                    [
                        str(bin_dir / "locust"),
                        "-f",
                        str(base / "scripts" / "loadtest" / "locustfile.py"),
                        "--headless",
                        "--users",
                        str(users),
                        "--spawn-rate",
                        str(users),
                        "--run-time",
                        f"{seconds + warmup}s",
                        "--host",
                        host,
                        "--csv",
                        str(prefix),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    cwd=base,
                    env={
                        **env,
                        "LOADTEST_TARGETS": str(target_file),
                        "LOADTEST_WARMUP": str(warmup),
                        "DEMO_PASSWORD": DEMO_PASSWORD,
                        "DEMO_TOTP_KEY": DEMO_TOTP_KEY,
                    },
                    capture_output=True,
                    text=True,
                )
                self.stdout.write(locust.stdout[-6000:])
                if locust.returncode not in (0, 1):  # 1: some requests failed
                    self.stderr.write(locust.stderr[-4000:])
                    raise CommandError(f"locust exited with {locust.returncode}")
                self.report(Path(f"{prefix}_stats.csv"))
                failures = Path(f"{prefix}_failures.csv")
                if failures.exists():
                    with failures.open() as f:
                        for row in csv.DictReader(f):
                            self.stdout.write(
                                f"failed: {row['Method']} {row['Name']}: {row['Error']} "
                                f"({row['Occurrences']}x)"
                            )
            finally:
                stop(gunicorn)

    def report(self, stats: Path):
        with stats.open() as f:
            rows = list(csv.DictReader(f))
        total = next(r for r in rows if r["Name"] == "Aggregated")
        self.stdout.write(f"{'request':<28} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6}")
        for row in rows:
            if row["Name"] != "Aggregated":
                self.stdout.write(
                    f"{row['Name']:<28} {row['Request Count']:>7} {row['Failure Count']:>5} "
                    f"{row['50%']:>6} {row['95%']:>6}"
                )
        self.stdout.write(
            f"requests/s: {float(total['Requests/s']):.1f}  "
            f"p50: {total['50%']} ms  p95: {total['95%']} ms  p99: {total['99%']} ms  "
            f"errors: {total['Failure Count']} of {total['Request Count']} requests"
        )
