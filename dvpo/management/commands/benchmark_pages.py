"""Median server time of the pages people use at 3 a.m., against a bare page.

python manage.py benchmark_pages [--iterations 40] [--warmup 5]

Runs against the configured database (e.g. the 1,000,000-incident dataset made by
`manage.py generate_data`). Each page is fetched in-process with Django's test client, so
every request goes through the real middleware (sessions, two-factor check, CSP, history,
messages), the real views, templates and queries; only the network is left out. The bare
page renders templates/base.html with nothing in it, through the same middleware, as the
signed-in supervisor: the ratio of a page's median to the bare page's is what the page
itself costs. Prints a table and, last, `worst ratio: N.NN` (target <= 3).

The demo accounts (`manage.py load_demo`) are the viewers; the case page shows the most
recent case of the demo force that has a notice, an order, a breach and a referral.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.shortcuts import render
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from cases.models import Case
from cases.queues import queue_counts
from dvpo.models import User


def bare_page(request):
    return render(request, "base.html", {})


# The project's URLs plus the bare page (used through override_settings below).
urlpatterns = [
    path("__benchmark__/bare/", bare_page, name="benchmark_bare"),
    path("", include("dvpo.urls")),
]


def signed_in_client(username: str) -> Client:
    """A client whose session passed both sign-in steps, as the demo user would after the
    real sign-in (the load run, scripts/loadtest, goes through the real forms)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user {username!r}: run `manage.py load_demo` first.") from None
    device = TOTPDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        raise CommandError(f"{username} has no authenticator: run `manage.py load_demo`.")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    try:
        from dvpo.signin import IDENTITY_CONFIRMED_AT

        session[IDENTITY_CONFIRMED_AT] = time.time()
    except ImportError:
        pass
    session.save()
    return client


def rich_case() -> Case:
    case = (
        Case.objects.filter(force__code="northshire", dvpos__isnull=False)
        .filter(breaches__isnull=False, referrals__isnull=False)
        .order_by("-reported_at")
        .first()
    ) or Case.objects.filter(force__code="northshire").order_by("-reported_at").first()
    if case is None:
        raise CommandError("No case in the demo force: run `manage.py generate_data` first.")
    return case


def fullest_queue(username: str) -> str:
    """The queue tab with the most rows for this viewer: the default tab may be empty, and a
    page of 25 rows is what a supervisor works through."""
    counts = queue_counts(viewer=User.objects.get(username=username), now=timezone.now())
    return max(counts, key=counts.get)


class Command(BaseCommand):
    help = "Median server time of the main pages against a bare page; prints the worst ratio."

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=40)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Instead of timing: EXPLAIN every query of every page, list sequential scans "
            "of large tables and print the plan (ANALYZE, BUFFERS) of each page's slowest query.",
        )

    def pages(self) -> list[tuple[str, str, str]]:
        case = rich_case()
        victim = case.parties.filter(role="victim").select_related("person").first()
        name = f"{victim.person.first_name} {victim.person.last_name}" if victim else "Example"
        fullest = fullest_queue("supervisor")
        pages = [
            ("bare page (base template)", "supervisor", "/__benchmark__/bare/"),
            (f"case page ({case.crime_reference})", "dvpo.officer", f"/cases/{case.pk}/"),
            ("queues page", "supervisor", "/queues/"),
            (f"queues page ({fullest} tab)", "supervisor", f"/queues/?queue={fullest}"),
            ("authorisation queue", "superintendent", "/authorisations/"),
            ("caseworker inbox", "caseworker", "/referrals/"),
            (f"search (name: {name})", "superintendent", f"/cases/?q={name}"),
            ("search (crime reference)", "superintendent", f"/cases/?q={case.crime_reference}"),
        ]
        try:
            pages.append(("reports page", "supervisor", reverse("reports:dashboard")))
        except NoReverseMatch:
            self.stdout.write("(no reports page in this build: not measured)")
        return pages

    def handle(self, *args, iterations, warmup, explain, **options):
        with override_settings(
            ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"]
        ):
            pages = self.pages()
            clients = {who: signed_in_client(who) for _, who, _ in pages}
            if explain:
                return self.explain(pages, clients)
            # Every page is warmed up and its queries counted first; then the pages are timed
            # in rounds, one request to each page per round, so that whatever else the machine
            # is doing (autovacuum, a checkpoint) falls on every page alike and the ratios to
            # the bare page are not skewed by when a page happened to be measured.
            plan = []
            for label, who, url in pages:
                client = clients[who]
                began = time.perf_counter()
                for _ in range(warmup):
                    response = client.get(url)
                    if response.status_code != 200:
                        raise CommandError(f"{url} as {who}: HTTP {response.status_code}")
                warm = (time.perf_counter() - began) / warmup
                if options["verbosity"] > 1:
                    self.stdout.write(f"  {label}: warm-up {warm:.3f} s a request")
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                # A page of seconds gets fewer requests, so one run stays within minutes.
                runs = iterations if warm < 1 else min(iterations, 5)
                plan.append((label, who, url, len(queries), runs, []))
            for round_number in range(iterations):
                for _label, who, url, _queries, runs, timings in plan:
                    if round_number >= runs:
                        continue
                    began = time.perf_counter()
                    clients[who].get(url)
                    timings.append(time.perf_counter() - began)
                    reset_queries()
            results = []
            for label, who, _url, query_count, runs, timings in plan:
                timings.sort()
                results.append(
                    (
                        label,
                        who,
                        statistics.median(timings) * 1000,
                        timings[max(0, int(len(timings) * 0.9) - 1)] * 1000,
                        query_count,
                        runs,
                    )
                )
        bare = results[0][2]
        self.stdout.write(
            f"{'page':<44} {'viewer':<16} {'median':>9} {'p90':>9} {'queries':>7} "
            f"{'runs':>4} {'ratio':>6}"
        )
        for label, who, median, p90, queries, runs in results:
            self.stdout.write(
                f"{label:<44} {who:<16} {median:>7.1f}ms {p90:>7.1f}ms {queries:>7} "
                f"{runs:>4} {median / bare:>6.2f}"
            )
        worst = max(r[2] for r in results[1:]) / bare
        self.stdout.write(
            f"(median of `runs` requests per page, timed in rounds of one request to each page, "
            f"after {warmup} warm-up; pages slower than 1 s get 5; target <= 3)"
        )
        self.stdout.write(f"worst ratio: {worst:.2f}")

    LARGE_TABLE_ROWS = 100_000

    def explain(self, pages, clients):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
                [self.LARGE_TABLE_ROWS],
            )
            large = {name for (name,) in cursor.fetchall()}
        seq_scans = []
        for label, who, url in pages:
            client = clients[who]
            client.get(url)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            timed = []
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH", "DECLARE")):
                    continue
                if sql.lstrip().upper().startswith("DECLARE"):
                    sql = sql[sql.upper().index(" FOR ") + 5 :]
                with connection.cursor() as cursor:
                    began = time.perf_counter()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
                    timed.append((time.perf_counter() - began, sql, plan))
                for line in plan:
                    if "Seq Scan on " in line:
                        table = line.split("Seq Scan on ")[1].split()[0]
                        if table in large:
                            seq_scans.append((label, table))
            slowest = max(timed, key=lambda t: t[0])
            self.stdout.write(f"\n=== {label} ({url}, as {who}): {len(timed)} reads; slowest:")
            self.stdout.write(slowest[1][:1500])
            self.stdout.write("\n".join(slowest[2]))
        self.stdout.write("\nSequential scans of tables over 100,000 rows:")
        for label, table in sorted(set(seq_scans)):
            self.stdout.write(f"  {label}: {table}")
        if not seq_scans:
            self.stdout.write("  none")
