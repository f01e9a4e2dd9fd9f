"""Statutory time. Expected values are worked out by hand, not by the code under test."""

import datetime as dt

import pytest

from dvpo import deadlines
from dvpo.deadlines import (
    LONDON,
    Calendar,
    format_deadline,
    hearing_deadline,
    is_disregarded,
    is_working_day,
    order_expires_at,
    order_last_day,
    production_deadline,
    referral_due,
    skipped_days,
)

UTC = dt.UTC


def at(text):
    """'2026-03-07 14:00' as Europe/London wall-clock time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def day(text):
    return dt.date.fromisoformat(text)


# --- domain.md §4 table ---


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        ("2026-03-07 14:00", "2026-03-10 14:00"),  # Saturday counts
        ("2026-03-08 15:00", "2026-03-11 00:00"),  # Sunday: clock starts Monday 00:00
        ("2026-04-02 16:00", "2026-04-07 16:00"),  # Easter
        ("2026-12-24 10:00", "2026-12-29 10:00"),  # Christmas, Saturday Boxing Day counts
    ],
)
def test_domain_hearing_examples(served, expected):
    assert hearing_deadline(at(served)) == at(expected)


def test_domain_production_example():
    assert production_deadline(at("2026-03-06 22:00")) == at("2026-03-07 22:00")


def test_domain_order_example():
    assert order_last_day(day("2026-03-02"), 28) == day("2026-03-29")
    assert order_expires_at(day("2026-03-02"), 28) == at("2026-03-30 00:00")


def test_domain_referral_example():
    assert referral_due(at("2026-03-06 09:15")) == at("2026-03-11 00:00")


# --- the published calendar, 2016 to 2028 ---

PUBLISHED_ENGLAND_AND_WALES = {
    2016: "01-01 03-25 03-28 05-02 05-30 08-29 12-26 12-27",
    2017: "01-02 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
    2018: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2019: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
    2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
    2028: "01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
}


@pytest.mark.parametrize("year", sorted(PUBLISHED_ENGLAND_AND_WALES))
def test_calendar_matches_the_published_list(year):
    expected = [day(f"{year}-{md}") for md in PUBLISHED_ENGLAND_AND_WALES[year].split()]
    assert list(Calendar().bank_holidays(year)) == expected


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2026-03-08", "Sunday"),
        ("2021-12-25", "Christmas Day"),  # a Saturday: still Christmas Day in the statute
        ("2026-04-03", "Good Friday"),
        ("2022-09-19", "State Funeral of Queen Elizabeth II"),
        ("2023-05-08", "Coronation of Charles III"),
        ("2026-12-28", "Boxing Day (observed)"),
    ],
)
def test_disregarded_days_say_why(date, reason):
    verdict = is_disregarded(day(date))
    assert verdict
    assert verdict.reason == reason


@pytest.mark.parametrize("date", ["2026-12-26", "2022-01-01", "2026-03-07", "2020-05-04"])
def test_counted_days(date):
    assert not is_disregarded(day(date))


@pytest.mark.parametrize(
    ("date", "working", "reason"),
    [
        ("2026-03-06", True, ""),
        ("2026-03-07", False, "Saturday"),
        ("2026-03-08", False, "Sunday"),
        ("2026-12-26", False, "Saturday"),
        ("2026-04-03", False, "Good Friday"),
        ("2026-04-06", False, "Easter Monday"),
    ],
)
def test_working_days_say_why(date, working, reason):
    verdict = is_working_day(day(date))
    assert bool(verdict) is working
    assert verdict.reason == reason


# --- worked cases: 48-hour hearing ---


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        ("2016-03-24 18:00", "2016-03-29 18:00"),  # Easter and the spring clock change together
        ("2016-12-25 10:00", "2016-12-30 00:00"),  # Christmas on a Sunday, substitute Tuesday
        ("2016-12-31 20:00", "2017-01-04 20:00"),  # New Year's Day Sunday, Monday substitute
        ("2017-03-25 09:00", "2017-03-28 09:00"),  # spring clock change Sunday
        ("2017-10-28 23:59", "2017-10-31 23:59"),  # autumn clock change Sunday, start at 23:59
        ("2018-03-31 12:00", "2018-04-04 12:00"),  # Easter Saturday
        ("2018-03-30 10:00", "2018-04-04 00:00"),  # served on Good Friday
        ("2018-05-07 00:00", "2018-05-10 00:00"),  # served at midnight on a bank holiday
        ("2019-08-24 13:00", "2019-08-28 13:00"),  # August bank holiday weekend
        ("2019-12-24 00:00", "2019-12-28 00:00"),  # Christmas Eve at midnight
        ("2019-12-24 23:59", "2019-12-28 23:59"),  # Christmas Eve at 23:59
        ("2020-05-07 12:00", "2020-05-11 12:00"),  # VE Day moved the May holiday to a Friday
        ("2020-05-04 09:00", "2020-05-06 09:00"),  # ...so the first Monday of May 2020 counts
        ("2020-12-24 20:00", "2020-12-29 20:00"),  # Boxing Day on a Saturday counts
        ("2020-12-31 15:00", "2021-01-04 15:00"),  # New Year's Day on a Friday
        ("2021-12-24 12:00", "2021-12-30 12:00"),  # Christmas on Saturday, two substitutes
        ("2021-12-31 08:00", "2022-01-04 08:00"),  # Saturday New Year's Day counts
        ("2022-06-01 10:00", "2022-06-06 10:00"),  # Platinum Jubilee
        ("2022-09-17 21:00", "2022-09-21 21:00"),  # State Funeral
        ("2023-05-05 16:30", "2023-05-09 16:30"),  # Coronation
        ("2023-04-06 11:00", "2023-04-11 11:00"),  # Easter 2023
        ("2023-12-23 00:00", "2023-12-28 00:00"),  # Christmas on a Monday
        ("2023-12-29 23:59", "2024-01-02 23:59"),  # New Year's Day on a Monday
        ("2024-03-28 19:45", "2024-04-02 19:45"),  # Easter Sunday is the clock-change Sunday
        ("2024-03-31 10:00", "2024-04-04 00:00"),  # served on Easter Sunday
        ("2024-12-23 17:00", "2024-12-27 17:00"),  # Christmas midweek
        ("2025-12-24 14:00", "2025-12-29 14:00"),  # Christmas Thursday, Boxing Day Friday
        ("2025-12-31 23:00", "2026-01-03 23:00"),  # New Year's Eve late
        ("2026-03-28 06:00", "2026-03-31 06:00"),  # spring clock change 2026
        ("2026-10-24 16:00", "2026-10-27 16:00"),  # autumn clock change 2026
        ("2026-04-03 09:00", "2026-04-08 00:00"),  # served on Good Friday 2026
        ("2026-12-25 12:00", "2026-12-30 00:00"),  # served on Christmas Day
        (
            "2026-12-26 00:00",
            "2026-12-30 00:00",
        ),  # served at the first minute of a counted Saturday
        ("2026-12-31 12:00", "2027-01-04 12:00"),  # New Year's Day on a Friday
        ("2027-03-25 23:59", "2027-03-30 23:59"),  # Easter 2027 on the clock-change Sunday
        ("2027-12-24 00:00", "2027-12-30 00:00"),  # Christmas on Saturday 2027
        ("2027-12-31 18:00", "2028-01-04 18:00"),  # Saturday New Year's Day 2028
        ("2028-04-13 08:15", "2028-04-18 08:15"),  # Easter 2028
        ("2028-10-28 00:00", "2028-10-31 00:00"),  # autumn clock change 2028
        ("2028-12-23 10:00", "2028-12-28 10:00"),  # Christmas on a Monday 2028
    ],
)
def test_hearing_worked_cases(served, expected):
    result = hearing_deadline(at(served))
    assert result == at(expected)
    assert result.tzinfo is LONDON


def test_ambiguous_hour_on_the_autumn_clock_change_is_a_sunday():
    served = dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 01:30 BST, the first of two
    assert hearing_deadline(served) == at("2024-10-30 00:00")


def test_local_day_not_utc_day_decides_what_is_disregarded():
    # 23:30 UTC on Saturday 6 June 2026 is 00:30 BST on Sunday: the clock starts Monday.
    assert hearing_deadline(dt.datetime(2026, 6, 6, 23, 30, tzinfo=UTC)) == at("2026-06-10 00:00")
    # 23:30 UTC on Tuesday 24 March 2026 is 23:30 GMT: 30 min Tue, 24 h Wed, 23 h 30 m Thu.
    assert hearing_deadline(dt.datetime(2026, 3, 24, 23, 30, tzinfo=UTC)) == at("2026-03-26 23:30")


# --- worked cases: 24-hour production ---


@pytest.mark.parametrize(
    ("arrested", "expected"),
    [
        ("2017-03-25 22:00", "2017-03-27 22:00"),  # spring clock change
        ("2020-12-24 23:00", "2020-12-26 23:00"),  # Christmas Day skipped, Saturday counts
        ("2022-04-14 12:00", "2022-04-16 12:00"),  # Good Friday
        ("2026-03-08 15:00", "2026-03-10 00:00"),  # arrested on a Sunday
    ],
)
def test_production_worked_cases(arrested, expected):
    assert production_deadline(at(arrested)) == at(expected)


def test_production_is_the_hearing_when_that_is_sooner():
    arrested = at("2026-03-09 10:00")
    assert production_deadline(arrested, hearing_at=at("2026-03-09 16:00")) == at(
        "2026-03-09 16:00"
    )
    assert production_deadline(arrested, hearing_at=at("2026-03-11 10:00")) == at(
        "2026-03-10 10:00"
    )


# --- orders ---


@pytest.mark.parametrize(
    ("made", "days", "last", "expires"),
    [
        ("2026-03-02", 28, "2026-03-29", "2026-03-30 00:00"),  # ends just after the clock change
        ("2026-10-24", 14, "2026-11-06", "2026-11-07 00:00"),
        ("2025-12-24", 14, "2026-01-06", "2026-01-07 00:00"),  # nothing skipped at Christmas
        ("2028-02-15", 28, "2028-03-13", "2028-03-14 00:00"),  # leap year
    ],
)
def test_order_worked_cases(made, days, last, expires):
    assert order_last_day(day(made), days) == day(last)
    assert order_expires_at(day(made), days) == at(expires)


@pytest.mark.parametrize("days", [13, 29, 0, -14, True, 14.0, "14", None])
def test_order_length_outside_14_to_28_is_refused(days):
    with pytest.raises(ValueError, match="between 14 and 28"):
        order_last_day(day("2026-03-02"), days)
    with pytest.raises(ValueError, match="between 14 and 28"):
        order_expires_at(day("2026-03-02"), days)


def test_order_made_on_must_be_a_date():
    with pytest.raises(ValueError):
        order_last_day(at("2026-03-02 10:00"), 14)


# --- referral ---


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("2026-04-02 23:00", "2026-04-09 00:00"),  # Easter: Good Friday and Easter Monday skipped
        ("2026-12-23 12:00", "2026-12-30 00:00"),  # Christmas 2026
        ("2026-03-28 10:00", "2026-04-01 00:00"),  # reported on a Saturday, across the clock change
        ("2022-05-27 10:00", "2022-06-01 00:00"),
        ("2022-06-01 10:00", "2022-06-08 00:00"),  # Jubilee Thursday and Friday
    ],
)
def test_referral_worked_cases(reported, expected):
    assert referral_due(at(reported)) == at(expected)


def test_referral_day_is_the_local_day():
    # 23:30 UTC on Thursday 4 June 2026 is Friday 00:30 BST: the report's day is Friday.
    assert referral_due(dt.datetime(2026, 6, 4, 23, 30, tzinfo=UTC)) == at("2026-06-10 00:00")


def test_referral_with_another_number_of_working_days():
    assert referral_due(at("2026-03-02 09:00"), working_days=5) == at("2026-03-10 00:00")
    with pytest.raises(ValueError):
        referral_due(at("2026-03-02 09:00"), working_days=0)


# --- administrators' changes to the calendar ---


def test_an_added_day_is_disregarded():
    calendar = Calendar(added={day("2026-03-06"): "Test proclamation"})
    assert calendar.is_disregarded(day("2026-03-06")).reason == "Test proclamation"
    assert hearing_deadline(at("2026-03-05 12:00"), calendar) == at("2026-03-09 12:00")
    assert referral_due(at("2026-03-05 12:00"), calendar=calendar) == at("2026-03-11 00:00")


def test_a_removed_day_counts_again():
    calendar = Calendar(removed=[day("2026-12-28")])
    assert hearing_deadline(at("2026-12-24 10:00"), calendar) == at("2026-12-28 10:00")


def test_statutory_days_cannot_be_removed():
    calendar = Calendar(removed=[day("2026-04-03"), day("2026-12-25")])
    assert calendar.is_disregarded(day("2026-04-03")).reason == "Good Friday"
    assert calendar.is_disregarded(day("2026-12-25")).reason == "Christmas Day"


# --- input checking ---

NAIVE = dt.datetime(2026, 3, 7, 14, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: hearing_deadline(NAIVE),
        lambda: production_deadline(NAIVE),
        lambda: production_deadline(at("2026-03-07 14:00"), hearing_at=NAIVE),
        lambda: referral_due(NAIVE),
        lambda: skipped_days(NAIVE, at("2026-03-10 14:00")),
        lambda: format_deadline(NAIVE, at("2026-03-07 14:00")),
        lambda: hearing_deadline(dt.date(2026, 3, 7)),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- display ---


@pytest.mark.parametrize(
    ("now", "text"),
    [
        ("2026-12-28 15:40", "Tue 29 Dec 2026, 10:00 (18 h 20 m left)"),
        ("2026-12-29 12:05", "Tue 29 Dec 2026, 10:00 (overdue by 2 h 5 m)"),
        ("2026-12-29 09:59:30", "Tue 29 Dec 2026, 10:00 (due now)"),
        ("2026-12-29 09:15", "Tue 29 Dec 2026, 10:00 (45 m left)"),
        ("2026-12-24 10:00", "Tue 29 Dec 2026, 10:00 (5 days left)"),
        ("2026-12-26 07:00", "Tue 29 Dec 2026, 10:00 (3 days 3 h left)"),
    ],
)
def test_format_deadline(now, text):
    assert format_deadline(at("2026-12-29 10:00"), at(now)) == text


def test_format_deadline_shows_london_time_of_a_utc_instant():
    deadline = dt.datetime(2026, 4, 7, 15, 0, tzinfo=UTC)
    assert format_deadline(deadline, deadline).startswith("Tue 7 Apr 2026, 16:00")


def test_skipped_days_lists_what_the_clock_left_out():
    assert skipped_days(at("2026-12-24 10:00"), at("2026-12-29 10:00")) == [
        (day("2026-12-25"), "Christmas Day"),
        (day("2026-12-27"), "Sunday"),
        (day("2026-12-28"), "Boxing Day (observed)"),
    ]
    assert skipped_days(at("2026-03-08 15:00"), at("2026-03-11 00:00")) == [
        (day("2026-03-08"), "Sunday")
    ]


def test_module_needs_no_django_settings():
    import subprocess
    import sys

    code = (
        "import datetime as dt, os; os.environ.pop('DJANGO_SETTINGS_MODULE', None);"
        "from dvpo import deadlines;"
        "print(deadlines.hearing_deadline(dt.datetime(2026,12,24,10,tzinfo=deadlines.LONDON)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2026-12-29 10:00:00+00:00"
    assert deadlines.__name__ == "dvpo.deadlines"
