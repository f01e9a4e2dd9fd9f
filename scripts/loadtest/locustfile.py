# ruff: noqa: S311 - random choice of pages, not security
"""Mixed traffic from every role, for `python manage.py load_run` (issue 11).

Not a test module: locust monkey-patches the standard library (gevent) on import, so this
file lives outside tests/ and is never imported by pytest or Django.

Each demo account signs in once, through the real sign-in (password, then the TOTP code
of the demo authenticator), before the run starts; the simulated users then share those
sessions (django-otp refuses the same code twice in one 30-second step, so signing in
each simulated user separately would fail by design). Environment, set by load_run:
LOADTEST_TARGETS (a JSON file of case and referral ids per account), DEMO_PASSWORD,
DEMO_TOTP_KEY (hex), LOADTEST_WARMUP (seconds of traffic before the figures start).
"""

import hashlib
import hmac
import json
import os
import random
import re
import struct
import time

import gevent
import requests
from locust import HttpUser, between, events, task

TARGETS = json.load(open(os.environ["LOADTEST_TARGETS"]))  # noqa: SIM115
PASSWORD = os.environ["DEMO_PASSWORD"]
TOTP_KEY = bytes.fromhex(os.environ["DEMO_TOTP_KEY"])
SESSIONS: dict[str, dict] = {}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(at: float) -> str:
    """RFC 6238: 6 digits, 30-second steps, SHA-1 (django-otp's TOTPDevice defaults)."""
    digest = hmac.new(TOTP_KEY, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_in(host: str, username: str) -> dict:
    """The real two-step sign-in; returns the session's cookies."""
    session = requests.Session()
    url = f"{host}/sign-in/"
    page = session.get(url, timeout=30)
    token = CSRF.search(page.text).group(1)
    step = session.post(
        url,
        data={
            "csrfmiddlewaretoken": token,
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": PASSWORD,
        },
        headers={"Referer": url},
        timeout=30,
    )
    token = CSRF.search(step.text).group(1)
    done = session.post(
        url,
        data={
            "csrfmiddlewaretoken": token,
            "login_view-current_step": "token",
            "token-otp_token": totp(time.time()),
        },
        headers={"Referer": url},
        timeout=30,
        allow_redirects=False,
    )
    if done.status_code != 302:
        raise RuntimeError(f"sign-in of {username} failed: HTTP {done.status_code}")
    return session.cookies.get_dict()


@events.test_start.add_listener
def sign_in_everyone(environment, **kwargs):
    began = time.perf_counter()
    for username in TARGETS["accounts"]:
        SESSIONS[username] = sign_in(environment.host, username)
    print(f"signed in {len(SESSIONS)} accounts in {time.perf_counter() - began:.1f} s", flush=True)
    warmup = float(os.environ.get("LOADTEST_WARMUP", "0"))
    if warmup:
        # The first requests of each gunicorn worker load templates and warm caches; they
        # are not what a force's users see all day, so the figures start after the warm-up.
        def start_measuring():
            gevent.sleep(warmup)
            environment.stats.reset_all()
            print(f"warm-up of {warmup:.0f} s done; measuring", flush=True)

        gevent.spawn(start_measuring)


class Role(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    username = ""

    def on_start(self):
        for name, value in SESSIONS[self.username].items():
            self.client.cookies.set(name, value)
        self.targets = TARGETS["accounts"][self.username]

    def page(self, url, name=None):
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if response.status_code != 200 or "/sign-in/" in response.url:
                response.failure(f"HTTP {response.status_code} at {response.url}")

    def case_page(self):
        if self.targets["cases"]:
            self.page(f"/cases/{random.choice(self.targets['cases'])}/", name="/cases/[id]/")

    def search(self):
        self.page(f"/cases/?q={random.choice(TARGETS['surnames'])}", name="/cases/?q=[name]")


class Officer(Role):
    weight = 6
    username = "officer"

    @task(4)
    def cases(self):
        self.page("/cases/")

    @task(6)
    def case(self):
        self.case_page()

    @task(2)
    def queues(self):
        self.page("/queues/")

    @task(2)
    def home(self):
        self.page("/")

    @task(2)
    def find(self):
        self.search()

    @task(1)
    def notifications(self):
        self.page("/notifications/")


class DvpoOfficer(Role):
    weight = 3
    username = "dvpo.officer"

    @task(3)
    def queues(self):
        self.page("/queues/")

    @task(2)
    def hearings(self):
        self.page("/hearings/")

    @task(4)
    def case(self):
        self.case_page()

    @task(1)
    def cases(self):
        self.page("/cases/")


class Supervisor(Role):
    weight = 3
    username = "supervisor"

    @task(4)
    def queues(self):
        self.page("/queues/")

    @task(2)
    def reviews(self):
        self.page("/risk/reviews/")

    @task(2)
    def case(self):
        self.case_page()

    @task(1)
    def reports(self):
        # Left out with `load_run --no-reports`. The default view's figures are kept
        # (REPORT_CACHE_SECONDS) and worked out afresh by Celery beat; see docs/performance.md.
        if TARGETS.get("reports_url"):
            self.page(TARGETS["reports_url"])


class Superintendent(Role):
    weight = 2
    username = "superintendent"

    @task(4)
    def authorisations(self):
        self.page("/authorisations/")

    @task(2)
    def case(self):
        self.case_page()

    @task(2)
    def find(self):
        self.search()


class CourtCoordinator(Role):
    weight = 2
    username = "court.coordinator"

    @task(4)
    def hearings(self):
        self.page("/hearings/")

    @task(2)
    def case(self):
        self.case_page()


class Caseworker(Role):
    weight = 3
    username = "caseworker"

    @task(4)
    def inbox(self):
        self.page("/referrals/")

    @task(4)
    def referral(self):
        if self.targets["referrals"]:
            ref = random.choice(self.targets["referrals"])
            self.page(f"/referrals/{ref}/", name="/referrals/[id]/")

    @task(1)
    def followups(self):
        self.page("/referrals/follow-ups/")


class ServiceManager(Role):
    weight = 1
    username = "service.manager"

    @task(2)
    def queue(self):
        self.page("/referrals/queue/")

    @task(1)
    def inbox(self):
        self.page("/referrals/")
