"""Properties of statutory time over 2016 to 2030 (hypothesis)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dvpo.deadlines import (
    LONDON,
    hearing_deadline,
    is_disregarded,
    order_expires_at,
    order_last_day,
    production_deadline,
    referral_due,
)

UTC = dt.UTC
instants = st.datetimes(
    min_value=dt.datetime(2016, 1, 1), max_value=dt.datetime(2030, 12, 28), timezones=st.just(UTC)
)
dates = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 12, 1))


def counted_time_between(start, end):
    """Elapsed real time between two instants that falls on counted local days, measured
    independently of the code under test: day by day, with aware (UTC) arithmetic."""
    total = dt.timedelta(0)
    day = start.astimezone(LONDON).date()
    while True:
        day_start = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON).astimezone(UTC)
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
        day_end = day_end.astimezone(UTC)
        if day_start >= end:
            return total
        if not is_disregarded(day):
            total += max(dt.timedelta(0), min(end, day_end) - max(start, day_start))
        day += dt.timedelta(days=1)


@settings(max_examples=400)
@given(instants)
def test_hearing_deadline_is_48_counted_hours_after_service(served):
    deadline = hearing_deadline(served)
    assert deadline > served
    assert counted_time_between(served, deadline) == dt.timedelta(hours=48)


@settings(max_examples=400)
@given(instants)
def test_production_deadline_is_24_counted_hours_after_arrest(arrested):
    deadline = production_deadline(arrested)
    assert deadline > arrested
    assert counted_time_between(arrested, deadline) == dt.timedelta(hours=24)


@settings(max_examples=400)
@given(instants)
def test_hearing_deadline_keeps_the_local_clock_time_of_a_counted_day(served):
    local = served.astimezone(LONDON)
    deadline = hearing_deadline(served).astimezone(LONDON)
    if is_disregarded(local.date()):
        assert deadline.time() == dt.time(0)
    else:
        assert deadline.time() == local.time()
        assert deadline.utcoffset() == deadline.tzinfo.utcoffset(deadline.replace(tzinfo=None))


@given(dates, st.integers(min_value=14, max_value=28))
def test_order_expiry_is_local_midnight_after_the_last_day(made_on, days):
    expires = order_expires_at(made_on, days).astimezone(LONDON)
    assert expires.time() == dt.time(0)
    assert expires.date() == order_last_day(made_on, days) + dt.timedelta(days=1)
    assert (order_last_day(made_on, days) - made_on).days == days - 1


@given(instants)
def test_referral_due_is_local_midnight_after_the_report(reported):
    due = referral_due(reported).astimezone(LONDON)
    assert due.time() == dt.time(0)
    assert due > reported
    # Two working days take at least two and, at Christmas and Easter, at most seven days.
    assert 2 <= (due.date() - reported.astimezone(LONDON).date()).days - 1 <= 7
