"""From a due item to a delivered reminder through real Redis and a real Celery worker, as
beat runs it: once per minute, twice sends once, and a worker stopped for an hour catches up."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cases.models import DVPN
from dvpo.celery import app
from dvpo.models import ReminderDelivery
from dvpo.tasks import reminders_scan
from referrals.models import Alert
from tests.helpers import when

SERVED = when("2026-03-06T09:00:00+00:00")
DEADLINE = when("2026-03-09T09:00:00+00:00")  # Mon: 48 counted hours, Sunday skipped


@pytest.fixture
def due_dvpn(submitted_dvpn, officer, dvpo_officer, supervisor, with_emails):
    """The submitted DVPN as if authorised and served on Fri 6 Mar 2026 09:00."""
    DVPN.objects.filter(pk=submitted_dvpn.pk).update(
        status=DVPN.Status.SERVED, served_at=SERVED, hearing_deadline=DEADLINE
    )
    return submitted_dvpn


def scan(now: dt.datetime) -> dict:
    return reminders_scan.delay(now=now.isoformat()).get(timeout=30)


@pytest.fixture
def real_worker():
    app.conf.task_always_eager = False
    try:
        yield lambda: start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING")
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_a_due_hearing_is_delivered_in_the_app_and_by_email_once(due_dvpn, real_worker):
    with real_worker():
        first = scan(when("2026-03-07T09:00:00+00:00"))  # 24 counted hours left
        again = scan(when("2026-03-07T09:01:00+00:00"))  # the next minute's beat
    assert first == {"due": 1, "sent": 1}
    assert again == {"due": 0, "sent": 0}
    alert = Alert.objects.get()
    assert alert.recipient.username == "pc.test" and alert.kind == "reminder"
    assert "must be heard by Mon 9 Mar 2026, 09:00" in alert.message
    assert [m.to for m in mail.outbox] == [["pc@example.test"]]
    assert not ReminderDelivery.objects.get().late


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_for_an_hour_catches_up_on_restart(due_dvpn, real_worker):
    with real_worker():
        scan(when("2026-03-07T21:00:00+00:00"))  # the 12 h step, on time
    # Stopped from Mon 05:00 (the 4 h step) until 06:00.
    with real_worker():
        result = scan(when("2026-03-09T06:00:00+00:00"))
    assert result == {"due": 1, "sent": 3}
    rows = ReminderDelivery.objects.order_by("step", "recipient__username")
    assert [(r.step // 60, r.recipient.username, r.late) for r in rows] == [
        (4, "dvpo.test", True),
        (4, "pc.test", True),
        (4, "sgt.test", True),
        (12, "dvpo.test", False),
        (12, "pc.test", False),
    ]  # the 24 h step was never due while a worker ran, and is not replayed
    assert len(mail.outbox) == 5
    assert sum(m.subject.startswith("Late reminder") for m in mail.outbox) == 3
