"""A task goes through real Redis to a real Celery worker and back."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from dvpo.celery import app
from dvpo.tasks import HEARTBEAT_KEY, heartbeat


@pytest.mark.django_db(transaction=True)
def test_heartbeat_runs_on_a_real_worker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            stamp = heartbeat.delay().get(timeout=20)
    finally:
        app.conf.task_always_eager = True
    assert cache.get(HEARTBEAT_KEY) == stamp


def test_beat_schedule_names_real_tasks(settings):
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
