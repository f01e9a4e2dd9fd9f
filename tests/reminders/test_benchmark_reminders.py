"""benchmark_reminders builds its data, times the dry-run scan, prints the ratio last and
leaves nothing behind."""

from io import StringIO

from django.core.management import call_command

from cases.models import Case
from dvpo.models import Organisation, ReminderDelivery


def test_the_benchmark_prints_the_ratio_last_and_rolls_back(db):
    out = StringIO()
    call_command("benchmark_reminders", small=100, large=2000, due=20, repeat=2, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("100 cases: scan") and lines[0].endswith("20 due")
    assert lines[-2].startswith("2,000 cases: scan") and lines[-2].endswith("20 due")
    assert lines[-1].startswith("ratio ")
    float(lines[-1].split()[1])
    assert not Case.objects.exists() and not Organisation.objects.exists()
    assert not ReminderDelivery.objects.exists()
