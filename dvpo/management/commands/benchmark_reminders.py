"""Print how long the reminder scan takes with few and with many cases holding the same
100 due items, and the ratio on the last line (target: at most 2).

python manage.py benchmark_reminders [--small 10000] [--large 1000000] [--due 100]

Everything is built with INSERT ... SELECT generate_series inside one transaction that is
rolled back at the end, so nothing is left behind. The bulk cases are closed, each with an
ended DVPN (its hearing deadline long past) and a done PNC-removal task: the rows a real
force accumulates. The scan is a dry run: it finds the due reminders and sends nothing.
"""

import datetime as dt
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, models, transaction
from django.utils import timezone

from cases.models import DVPN, Case, Task
from dvpo.models import BCU, Organisation, User
from dvpo.reminders import reminders_send


class Rollback(Exception):
    """Raised to undo the benchmark data."""


def _default_sql(field) -> str:
    """A valid SQL value for a column the benchmark does not care about."""
    if field.null:
        return "NULL"
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, models.IntegerField | models.DecimalField):
        return "0"
    if isinstance(field, models.CharField | models.TextField):
        return "''"
    if isinstance(field, models.DateTimeField):
        return "now()"
    raise ValueError(f"No default for {field.model.__name__}.{field.name}")


def insert_series(model, first: int, last: int, values: dict[str, str], source: str = "") -> None:
    """INSERT one row of `model` for each g in first..last (or each row of `source`, a FROM
    clause); `values` are SQL expressions keyed by field name; other columns get a
    harmless default."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(values.get(field.name) or _default_sql(field))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from model metadata
        f"SELECT {', '.join(expressions)} "
        f"FROM {source or f'generate_series({int(first)}, {int(last)}) AS g'}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)


class Command(BaseCommand):
    help = "Time the reminder scan with few and with many cases holding the same due items."

    def add_arguments(self, parser):
        parser.add_argument("--small", type=int, default=10_000)
        parser.add_argument("--large", type=int, default=1_000_000)
        parser.add_argument("--due", type=int, default=100)
        parser.add_argument("--repeat", type=int, default=7)

    def handle(self, *args, small, large, due, repeat, **options):
        if not due < small < large:
            self.stderr.write("Need --due < --small < --large.")
            return
        try:
            with transaction.atomic():
                self.run(small=small, large=large, due=due, repeat=repeat)
                raise Rollback
        except Rollback:
            pass

    def run(self, *, small, large, due, repeat):
        now = timezone.now()
        owner_ids = self.people()
        self.due_items(due, now, owner_ids)
        self.bulk_cases(due + 1, small)
        small_time, small_due = self.time_scan(now, repeat)
        self.stdout.write(f"{small:,} cases: scan {small_time * 1000:.1f} ms, {small_due} due")
        began = time.perf_counter()
        self.bulk_cases(small + 1, large)
        self.stdout.write(f"(added {large - small:,} cases in {time.perf_counter() - began:.0f} s)")
        large_time, large_due = self.time_scan(now, repeat)
        self.stdout.write(f"{large:,} cases: scan {large_time * 1000:.1f} ms, {large_due} due")
        self.stdout.write(
            f"ratio {large_time / small_time:.2f} ({large:,} vs {small:,} cases, "
            f"{due} due items; target <= 2)"
        )

    def people(self) -> dict[str, int]:
        force = Organisation.objects.create(
            name="Benchmark Police", code="benchmark-police", kind=Organisation.Kind.POLICE_FORCE
        )
        bcu = BCU.objects.create(force=force, code="BENCH", name="Benchmark BCU")
        owner = User.objects.create(username="benchmark.owner", organisation=force, bcu=bcu)
        self.force_id, self.bcu_id = force.pk, bcu.pk
        return {"owner": owner.pk}

    def case_values(self, status: str, owner_id: int) -> dict[str, str]:
        return {
            "force": str(self.force_id),
            "bcu": str(self.bcu_id),
            "owner": str(owner_id),
            "crime_reference": "'BENCH/' || g",
            "reported_at": "timestamptz '2020-01-01' + g * interval '1 minute'",
            "status": f"'{status}'",
            "regime": "'dvpn'",
            "location": "'Benchmark'",
            "summary": "'Benchmark'",
        }

    def due_items(self, count: int, now: dt.datetime, owner_ids: dict[str, int]) -> None:
        """`count` open cases with a served DVPN due for a hearing in the next 20 hours."""
        before = self.last_case_id()
        insert_series(Case, 1, count, self.case_values("open", owner_ids["owner"]))
        minutes = max(1, 20 * 60 // count)
        insert_series(
            DVPN,
            1,
            count,
            {
                "case": "c.id",
                "version": "1",
                "status": f"'{DVPN.Status.SERVED}'",
                "applicant": str(owner_ids["owner"]),
                "served_at": f"timestamptz '{now.isoformat()}' - interval '1 day'",
                "hearing_deadline": f"timestamptz '{now.isoformat()}' "
                f"+ c.n * interval '{minutes} minutes'",
            },
            source=f"(SELECT c.id, row_number() OVER (ORDER BY c.id) AS n "  # noqa: S608 - ids
            f"FROM {self.new_cases(before)}) AS c",
        )

    def bulk_cases(self, first: int, last: int) -> None:
        """Closed cases, each with an ended DVPN and a done PNC task: nothing due."""
        owner = User.objects.get(username="benchmark.owner").pk
        before = self.last_case_id()
        insert_series(Case, first, last, self.case_values("closed", owner))
        case_id = "c.id"
        past = "c.reported_at"
        insert_series(
            DVPN,
            first,
            last,
            {
                "case": case_id,
                "version": "1",
                "status": f"'{DVPN.Status.ENDED}'",
                "applicant": str(owner),
                "submitted_at": past,
                "served_at": past,
                "hearing_deadline": f"{past} + interval '2 days'",
            },
            source=self.new_cases(before),
        )
        insert_series(
            Task,
            first,
            last,
            {
                "case": case_id,
                "kind": f"'{Task.Kind.PNC_REMOVAL}'",
                "created_at": past,
                "done_at": f"{past} + interval '1 day'",
            },
            source=self.new_cases(before),
        )
        with connection.cursor() as cursor:
            for model in (Case, DVPN, Task):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def last_case_id(self) -> int:
        return Case.objects.aggregate(last=models.Max("pk"))["last"] or 0

    def new_cases(self, before: int) -> str:
        """The benchmark force's cases inserted after case id `before`."""
        return f"cases_case AS c WHERE c.id > {int(before)} AND c.force_id = {int(self.force_id)}"

    def time_scan(self, now: dt.datetime, repeat: int) -> tuple[float, int]:
        """The median of `repeat` dry-run scans (after one warm-up) and the due count.
        Statistics are refreshed first, as autovacuum would after a bulk load."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        found = reminders_send(now=now, dry_run=True)["due"]
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            reminders_send(now=now, dry_run=True)
            timings.append(time.perf_counter() - began)
        return statistics.median(timings), found
