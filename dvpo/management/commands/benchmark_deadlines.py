"""Print how many hearing deadlines one core computes per second (target: 50,000/s).

python manage.py benchmark_deadlines [--count 200000]
"""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand

from dvpo import deadlines


class Command(BaseCommand):
    help = "Print hearing deadlines computed per second on one core."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=200_000)

    def handle(self, *args, count, **options):
        rng = random.Random(2010)  # noqa: S311 - fixed seed for repeatable figures
        first = dt.datetime(2016, 1, 1, tzinfo=dt.UTC).timestamp()
        span = dt.datetime(2030, 12, 1, tzinfo=dt.UTC).timestamp() - first
        starts = [
            dt.datetime.fromtimestamp(first + rng.random() * span, dt.UTC) for _ in range(count)
        ]
        # The first pass also loads each year's holidays; the second is the steady state.
        for label in ("first pass", "second pass"):
            began = time.perf_counter()
            for start in starts:
                deadlines.hearing_deadline(start)
            elapsed = time.perf_counter() - began
            self.stdout.write(
                f"{label}: {count:,} hearing deadlines in {elapsed:.3f} s, "
                f"{count / elapsed:,.0f} per second (starts spread over 2016-2030)"
            )
