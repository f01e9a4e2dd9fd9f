"""`generate_data` in parallel batches (--jobs 2, each batch on its own connection and
committed on its own) makes the same dataset as one batch after another: the same counts of
every kind of row for the same seed, every reference consistent, no id used twice."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from cases.models import Case

NOW = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)

# Rows referring to rows of other tables (foreign-key triggers are skipped while loading).
REFERENCES = [
    ("cases_party", "case_id", "cases_case"),
    ("cases_party", "person_id", "cases_person"),
    ("cases_dvpn", "case_id", "cases_case"),
    ("courts_dvpoapplication", "dvpn_id", "cases_dvpn"),
    ("courts_hearing", "application_id", "courts_dvpoapplication"),
    ("courts_dvpo", "hearing_id", "courts_hearing"),
    ("referrals_referral", "victim_id", "cases_party"),
    ("referrals_contactattempt", "referral_id", "referrals_referral"),
    ("cases_caseevent", "case_id", "cases_case"),
]


def generate(force, jobs: int) -> dict[str, int | str]:
    """The command's summary: its first line (the force, officers and BCUs used) and the
    count of each kind of row it made ("  DVPNs      40")."""
    out = io.StringIO()
    call_command(
        "generate_data", incidents=1200, seed=7, force=force.code, years=0.2, batch=300,
        jobs=jobs, stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    summary = {"set-up": lines[0]}
    for line in lines:
        name, _, value = line.strip().rpartition(" ")
        if line.startswith("  ") and "/" not in line and value.replace(",", "").isdigit():
            summary[name.strip()] = int(value.replace(",", ""))
    return summary


@pytest.mark.django_db(transaction=True)
def test_parallel_batches_make_the_same_dataset(roles, instrument, force, officer):
    with time_machine.travel(NOW, tick=False):  # the same "now" for both runs
        one_by_one = generate(force, jobs=1)
        in_parallel = generate(force, jobs=2)  # the same seed again, after the first
    assert one_by_one["incidents"] == in_parallel["incidents"] == 1200
    assert one_by_one == in_parallel
    assert Case.objects.filter(force=force).count() == 2400
    with connection.cursor() as cursor:
        for table, column, target in REFERENCES:
            cursor.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN {target} x ON x.id = t.{column} "  # noqa: S608
                f"WHERE t.{column} IS NOT NULL AND x.id IS NULL"
            )
            assert cursor.fetchone()[0] == 0, f"{table}.{column}"
