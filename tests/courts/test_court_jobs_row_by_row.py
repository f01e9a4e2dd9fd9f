"""The lapse and expiry jobs change each row in its own transaction: a row that fails is
logged with its id, rolled back and left for the next run, and the others still change.
The DVPN of `served_dvpn` was served Fri 6 Mar 2026 09:00 (GMT): its hearing must start by
Mon 9 Mar 2026 09:00; the order of `order` was made Sat 7 Mar 2026 for 28 days."""

import logging

import pytest

from cases.models import DVPN, CaseEvent, Task
from courts import services
from courts.models import DVPO
from courts.services import jobs
from tests.courts.conftest import hear
from tests.helpers import when

pytestmark = pytest.mark.django_db


def served_version_2(case, officer, *, served_at: str, deadline: str) -> DVPN:
    """Another served version on the same case (its paperwork does not matter here)."""
    return DVPN.objects.create(
        case=case,
        version=2,
        status=DVPN.Status.SERVED,
        applicant=officer,
        served_at=when(served_at),
        hearing_deadline=when(deadline),
    )


def history(case) -> tuple[list, list]:
    events = list(case.events.order_by("pk").values_list("kind", "summary"))
    tasks = list(case.tasks.order_by("pk").values_list("kind", "dvpn_id", "note", "done_at"))
    return events, tasks


def test_a_dvpn_that_fails_to_lapse_does_not_stop_the_others(
    served_dvpn, officer, march_6, monkeypatch, caplog
):
    case = served_dvpn.case
    second = served_version_2(
        case, officer, served_at="2026-03-06T10:00:00+00:00", deadline="2026-03-09T08:00:00Z"
    )
    real_pnc_task = jobs.pnc_task

    def broken_for_the_first(*args, dvpn=None, **kwargs):
        if dvpn == served_dvpn:
            raise RuntimeError("PNC task table unavailable")
        return real_pnc_task(*args, dvpn=dvpn, **kwargs)

    # Patched where the job uses it: courts.services re-exports pnc_task, jobs calls its own.
    monkeypatch.setattr(jobs, "pnc_task", broken_for_the_first)
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    with caplog.at_level(logging.ERROR, logger="courts.services.jobs"):
        assert services.dvpns_lapse(now=now) == 1
    assert f"DVPN {served_dvpn.pk} could not be changed" in caplog.text
    served_dvpn.refresh_from_db()
    second.refresh_from_db()
    assert (served_dvpn.status, second.status) == (DVPN.Status.SERVED, DVPN.Status.LAPSED)
    # The failed row changed nothing: its status save and its event were rolled back too.
    [lapsed] = case.events.filter(kind=CaseEvent.Kind.DVPN_LAPSED)
    assert lapsed.summary == "No hearing had started by Mon 9 Mar 2026, 08:00."
    assert [t.dvpn for t in case.tasks.filter(kind=Task.Kind.PNC_REMOVAL)] == [second]

    before = history(case)
    assert services.dvpns_lapse(now=now) == 0  # still broken: tried again, nothing changes
    assert history(case) == before

    monkeypatch.setattr(jobs, "pnc_task", real_pnc_task)
    assert services.dvpns_lapse(now=now) == 1  # the next run lapses the one left
    served_dvpn.refresh_from_db()
    assert served_dvpn.status == DVPN.Status.LAPSED
    after = history(case)
    assert services.dvpns_lapse(now=now) == 0
    assert history(case) == after
    assert [t.dvpn for t in case.tasks.filter(kind=Task.Kind.PNC_REMOVAL)] == [second, served_dvpn]


def test_an_order_that_fails_to_expire_does_not_stop_the_others(
    order, officer, court, court_coordinator, march_6, monkeypatch, caplog
):
    case = order.case
    dvpn = served_version_2(
        case, officer, served_at="2026-03-07T10:30:00+00:00", deadline="2026-03-09T10:30:00Z"
    )
    application = services.application_create(
        actor=officer, dvpn=dvpn, court=court, listed_for=when("2026-03-07T11:00:00+00:00")
    )
    second = hear(
        court_coordinator, application, "2026-03-07T11:00:00+00:00", "granted", order_days=28
    ).order
    assert second.expires_at == order.expires_at == when("2026-04-03T23:00:00+00:00")
    assert order.pk < second.pk  # the one that fails is tried first
    real_pnc_task = jobs.pnc_task
    calls = []

    def broken_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("PNC task table unavailable")
        return real_pnc_task(*args, **kwargs)

    monkeypatch.setattr(jobs, "pnc_task", broken_once)
    now = when("2026-04-03T23:00:00+00:00")
    march_6.move_to(now)
    with caplog.at_level(logging.ERROR, logger="courts.services.jobs"):
        assert services.orders_expire(now=now) == 1
    assert f"DVPO {order.pk} could not be changed" in caplog.text
    order.refresh_from_db()
    second.refresh_from_db()
    assert (order.status, second.status) == (DVPO.Status.IN_FORCE, DVPO.Status.EXPIRED)
    assert case.events.filter(kind=CaseEvent.Kind.DVPO_EXPIRED).count() == 1

    assert services.orders_expire(now=now) == 1  # the next run expires the one left
    order.refresh_from_db()
    assert order.status == DVPO.Status.EXPIRED
    after = history(case)
    assert services.orders_expire(now=now) == 0
    assert history(case) == after
    assert case.events.filter(kind=CaseEvent.Kind.DVPO_EXPIRED).count() == 2
