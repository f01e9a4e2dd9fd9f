"""The clock frozen (time-machine) around the 2026 clock changes and Easter: the scan, reading
timezone.now() as beat's task does, fires each step at the right instant."""

import time_machine
from django.utils import timezone

from cases.models import DVPN
from courts.models import DVPO
from dvpo import deadlines
from dvpo.models import ReminderDelivery
from dvpo.reminders import reminders_send
from tests.helpers import when


def scan_at(text: str) -> dict:
    with time_machine.travel(when(text), tick=False):
        return reminders_send(now=timezone.now())


def steps_sent(kind: str) -> list[int]:
    return sorted({d.step // 60 for d in ReminderDelivery.objects.filter(kind=kind)}, reverse=True)


def test_the_24_hour_step_before_a_tuesday_after_easter_monday_deadline(served_dvpn, officer):
    served = when("2026-04-02T16:00:00+01:00")  # Thu before Good Friday
    deadline = deadlines.hearing_deadline(served)
    assert deadline == when("2026-04-07T16:00:00+01:00")
    DVPN.objects.filter(pk=served_dvpn.pk).update(served_at=served, hearing_deadline=deadline)
    assert scan_at("2026-04-04T15:59:00+01:00")["sent"] == 0  # Easter Saturday
    assert scan_at("2026-04-04T16:00:00+01:00")["sent"] == 1
    assert scan_at("2026-04-06T16:00:00+01:00")["sent"] == 0  # Easter Monday: nothing new
    assert steps_sent("hearing") == [24]
    assert scan_at("2026-04-07T04:00:00+01:00")["sent"] >= 1  # 12 counted hours left
    assert steps_sent("hearing") == [24, 12]


def expire_at(order, text):
    ends = when(text)
    DVPO.objects.filter(pk=order.pk).update(expires_at=ends)


def test_order_expiry_days_start_at_london_midnight_across_the_spring_change(order):
    expire_at(order, "2026-03-30T00:00:00+01:00")  # last day Sun 29 Mar (clocks go forward)
    scan_at("2026-03-28T00:00:00+00:00")  # Sat: "tomorrow"
    scan_at("2026-03-28T23:59:00+00:00")
    assert steps_sent("order_expiry") == [48]
    scan_at("2026-03-29T00:00:00+00:00")  # Sun 00:00 GMT: "today"
    assert steps_sent("order_expiry") == [48, 24]


def test_order_expiry_days_start_at_london_midnight_across_the_autumn_change(order):
    expire_at(order, "2026-10-26T00:00:00+00:00")  # last day Sun 25 Oct (clocks go back)
    scan_at("2026-10-23T23:00:00+00:00")  # Sat 24 Oct 00:00 BST: "tomorrow"
    scan_at("2026-10-24T22:59:00+00:00")
    assert steps_sent("order_expiry") == [48]
    scan_at("2026-10-24T23:00:00+00:00")  # Sun 25 Oct 00:00 BST: "today"
    assert steps_sent("order_expiry") == [48, 24]
    assert not ReminderDelivery.objects.filter(late=True).exists()


def test_a_counted_step_across_the_autumn_change_keeps_the_london_clock_time(served_dvpn):
    # Served Fri 23 Oct 2026 10:00 BST: heard by Mon 26 Oct 10:00 GMT (Sunday not counted).
    served = when("2026-10-23T10:00:00+01:00")
    deadline = deadlines.hearing_deadline(served)
    assert deadline == when("2026-10-26T10:00:00+00:00")
    DVPN.objects.filter(pk=served_dvpn.pk).update(served_at=served, hearing_deadline=deadline)
    assert scan_at("2026-10-24T08:59:00+00:00")["sent"] == 0
    assert scan_at("2026-10-24T09:00:00+00:00")["sent"] == 1  # Sat 10:00 BST
