"""The periodic court job: runs twice, changes once."""

from datetime import datetime

from cases.models import DVPN, Task
from courts.models import DVPO
from courts.tasks import lapse_and_expire
from dvpo.settings import CELERY_BEAT_SCHEDULE


def test_beat_runs_it_every_minute():
    entry = CELERY_BEAT_SCHEDULE["court-lapse-and-expire"]
    assert entry == {"task": "courts.tasks.lapse_and_expire", "schedule": 60.0}


def test_a_dvpn_with_no_hearing_lapses_once(served_dvpn, march_6):
    march_6.move_to(datetime.fromisoformat("2026-03-09T08:59:00+00:00"))
    assert lapse_and_expire.delay().get() == {"lapsed": 0, "expired": 0}
    march_6.move_to(datetime.fromisoformat("2026-03-09T09:01:00+00:00"))
    assert lapse_and_expire.delay().get() == {"lapsed": 1, "expired": 0}
    assert lapse_and_expire.delay().get() == {"lapsed": 0, "expired": 0}
    served_dvpn.refresh_from_db()
    assert served_dvpn.status == DVPN.Status.LAPSED
    assert Task.objects.filter(case=served_dvpn.case, kind=Task.Kind.PNC_REMOVAL).count() == 1
    assert served_dvpn.history.first().history_user is None  # the system did it


def test_an_order_expires_once_at_midnight_after_its_last_day(order, march_6):
    # Made Sat 7 Mar 2026 for 28 days: last day Fri 3 Apr, ends Sat 4 Apr 00:00 BST (23:00 UTC).
    assert order.expires_at == datetime.fromisoformat("2026-04-03T23:00:00+00:00")
    march_6.move_to(datetime.fromisoformat("2026-04-03T22:59:00+00:00"))
    assert lapse_and_expire.delay().get()["expired"] == 0
    march_6.move_to(datetime.fromisoformat("2026-04-03T23:00:00+00:00"))
    assert lapse_and_expire.delay().get()["expired"] == 1
    assert lapse_and_expire.delay().get()["expired"] == 0
    order.refresh_from_db()
    assert order.status == DVPO.Status.EXPIRED
