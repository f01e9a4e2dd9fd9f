"""The pure reminder rules: step moments in counted hours and on London clocks, the current
step, catch-up and lateness. Examples cross the 2026 clock changes and Easter."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvpo import deadlines
from dvpo.reminders import (
    COUNTED,
    WALL,
    Step,
    counted_hours_before,
    current_step,
    is_late,
    scan_window,
    steps_parse,
    wall_clock_before,
)

UTC = dt.UTC
HEARING = steps_parse(
    "hearing",
    [(24, ["owner"]), (12, ["owner"]), (4, ["owner"]), (1, ["owner"]), (0, ["owner"])],
)
DAY = dt.timedelta(days=1)


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def london(*args):
    return dt.datetime(*args, tzinfo=deadlines.LONDON)


def test_the_24_hour_step_before_a_deadline_after_easter_monday_counts_only_counted_hours():
    # Served Thu 2 Apr 2026 16:00 BST: heard by Tue 7 Apr 16:00 (Good Friday, Sunday and
    # Easter Monday are not counted). 24 counted hours before is Sat 4 Apr 16:00 BST.
    deadline = deadlines.hearing_deadline(london(2026, 4, 2, 16))
    assert deadline == london(2026, 4, 7, 16)
    assert counted_hours_before(deadline, 24) == london(2026, 4, 4, 16)
    assert counted_hours_before(deadline, 24) == utc(2026, 4, 4, 15)
    assert counted_hours_before(deadline, 12) == london(2026, 4, 7, 4)
    assert counted_hours_before(deadline, 16) == london(2026, 4, 7, 0)
    assert counted_hours_before(deadline, 17) == london(2026, 4, 4, 23)


def test_counted_steps_across_the_autumn_clock_change_keep_london_clock_time():
    # Deadline Mon 26 Oct 2026 10:00 GMT; the clocks went back on Sun 25 Oct (not counted).
    deadline = london(2026, 10, 26, 10)
    assert counted_hours_before(deadline, 24) == london(2026, 10, 24, 10)  # Sat, BST
    assert counted_hours_before(deadline, 24) == utc(2026, 10, 24, 9)  # not 25 Oct 10:00 UTC


def test_counted_steps_across_the_spring_clock_change():
    # Deadline Mon 30 Mar 2026 09:00 BST; the clocks went forward on Sun 29 Mar.
    deadline = london(2026, 3, 30, 9)
    assert counted_hours_before(deadline, 12) == london(2026, 3, 28, 21)  # Sat, GMT
    assert counted_hours_before(deadline, 12) == utc(2026, 3, 28, 21)


def test_a_deadline_at_midnight_starts_counting_back_from_the_day_before():
    # Served Sun 8 Mar 2026 15:00: the deadline is Wed 11 Mar 00:00.
    deadline = deadlines.hearing_deadline(london(2026, 3, 8, 15))
    assert deadline == london(2026, 3, 11, 0)
    assert counted_hours_before(deadline, 1) == london(2026, 3, 10, 23)
    assert counted_hours_before(deadline, 24) == london(2026, 3, 10, 0)


@given(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2028, 12, 1)),
    st.sampled_from([1, 4, 12, 24, 48]),
)
def test_counting_back_is_the_inverse_of_counting_forward(start, hours):
    start = start.replace(tzinfo=UTC)
    deadline = deadlines.hearing_deadline(start)
    moment = counted_hours_before(deadline, hours)
    assert moment <= deadline
    if hours < 48:  # a moment on a counted day, so counting forward lands on the deadline
        assert deadlines.counted_hours_deadline(moment, hours) == deadline


def test_wall_clock_days_start_at_london_midnight_across_both_clock_changes():
    # An order whose last day is Sun 29 Mar 2026 (clocks forward) ends Mon 30 Mar 00:00 BST.
    ends = deadlines.order_expires_at(dt.date(2026, 3, 2), 28)
    assert ends == london(2026, 3, 30, 0)
    assert wall_clock_before(ends, 24) == london(2026, 3, 29, 0) == utc(2026, 3, 29, 0)
    assert wall_clock_before(ends, 48) == london(2026, 3, 28, 0)
    # Last day Sun 25 Oct 2026 (clocks back): "today" starts at 00:00 BST = 23:00 UTC Sat.
    ends = london(2026, 10, 26, 0)
    assert wall_clock_before(ends, 24) == utc(2026, 10, 24, 23)


def test_the_current_step_is_the_latest_whose_moment_has_come():
    deadline = london(2026, 3, 9, 9)  # Mon; 24 h step Sat 7 Mar 09:00
    step = lambda now: current_step(  # noqa: E731
        deadline, now, HEARING, clock=COUNTED, catch_up=DAY
    )
    assert step(utc(2026, 3, 7, 8, 59)) is None
    assert step(utc(2026, 3, 7, 9)).step.hours == 24
    assert step(utc(2026, 3, 8, 12)).step.hours == 12  # Sunday: nothing new
    assert step(utc(2026, 3, 9, 5)).step.hours == 4
    assert step(utc(2026, 3, 9, 8, 30)).step.hours == 1
    found = step(utc(2026, 3, 9, 9, 1))
    assert (found.step.hours, found.moment) == (0, deadline)
    assert step(utc(2026, 3, 10, 9, 2)) is None  # overdue longer ago than the catch-up window


def test_a_step_is_late_a_couple_of_minutes_after_its_moment():
    moment = utc(2026, 3, 9, 5)
    two = dt.timedelta(minutes=2)
    assert not is_late(moment, moment + two, two)
    assert is_late(moment, moment + two + dt.timedelta(seconds=1), two)


def test_the_scan_window_holds_every_deadline_with_a_current_step():
    now = utc(2026, 4, 4, 15)  # Easter Saturday: Tuesday's deadline already has its 24 h step
    low, high = scan_window(now, HEARING, COUNTED, DAY)
    assert low <= now - DAY and high >= london(2026, 4, 7, 16)
    low, high = scan_window(now, steps_parse("x", [(-24, ["owner"])]), WALL, DAY)
    assert low <= now - 2 * DAY and high >= now


def test_steps_are_ordered_and_an_unknown_audience_fails_loudly():
    steps = steps_parse("x", [(0, ["owner"]), (24, ["owner"]), (-24, ["bcu_supervisors"])])
    assert [s.hours for s in steps] == [24, 0, -24]
    assert Step(4, ("owner",)).minutes == 240
    with pytest.raises(ValueError, match="unknown audience 'sergeants'"):
        steps_parse("hearing", [(4, ["sergeants"])])


def test_a_worker_down_over_easter_still_sends_the_current_step():
    # 24 h step Sat 4 Apr 16:00; the worker comes back on Easter Monday at noon.
    deadline = london(2026, 4, 7, 16)
    found = current_step(deadline, london(2026, 4, 6, 12), HEARING, clock=COUNTED, catch_up=DAY)
    assert (found.step.hours, found.moment) == (24, london(2026, 4, 4, 16))
