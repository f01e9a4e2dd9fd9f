"""Statutory time: the instants the law sets, computed in Europe/London civil time.

Pure: no Django, no I/O beyond the `holidays` package's tables. Every function
takes timezone-aware datetimes (a naive one raises ValueError) and returns
aware datetimes in Europe/London.

Counted hours (Crime and Security Act 2010 s.26, s.27, s.29) skip whole local
calendar days: any Sunday, Christmas Day, Good Friday and any bank holiday in
England and Wales. Clocks change only on Sundays, which are never counted, so
every counted day has 24 wall-clock hours: the arithmetic below is done in
local wall-clock time and a deadline keeps the start's local clock time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
HEARING_HOURS = 48
PRODUCTION_HOURS = 24
ORDER_MIN_DAYS = 14
ORDER_MAX_DAYS = 28
REFERRAL_WORKING_DAYS = 2

ONE_DAY = dt.timedelta(days=1)
MIDNIGHT = dt.time(0, 0)

NAIVE_DATETIME = "{name} must be a timezone-aware datetime, not {value!r}."
ORDER_DAYS_RANGE = "An order lasts between 14 and 28 days (s.28(10)); {days!r} is outside that."


@dataclass(frozen=True, slots=True)
class DayVerdict:
    """An answer with its reason: `if calendar.is_disregarded(day):` reads naturally,
    and `verdict.reason` says why ("Sunday", "Good Friday", "Early May bank holiday")."""

    value: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.value


@lru_cache(maxsize=256)
def published_bank_holidays(year: int) -> Mapping[dt.date, str]:
    """England and Wales bank holidays for one year, as the government publishes them.

    The `holidays` package also lists the holiday's nominal date when it falls at a
    weekend (Saturday 26 December 2026) next to the weekday substitute; the published
    list has only the substitute, so weekend-dated entries are dropped.
    """
    table = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: name for day, name in sorted(table.items()) if day.weekday() < 5}


class Calendar:
    """The bank-holiday calendar with administrators' changes on top of the published list.

    `added` maps a date to its name (a new proclamation); `removed` lists published
    days that no longer are holidays. Sundays, Christmas Day and Good Friday are
    named in the statute and cannot be removed.
    """

    def __init__(
        self,
        added: Mapping[dt.date, str] | None = None,
        removed: Iterable[dt.date] = (),
    ):
        self.added = dict(added or {})
        self.removed = frozenset(removed)
        self._disregarded: dict[dt.date, DayVerdict] = {}

    def bank_holiday(self, day: dt.date) -> str:
        """The bank holiday's name, or "" when the day is not one."""
        if day in self.added:
            return self.added[day] or "Bank holiday"
        if day in self.removed:
            return ""
        return published_bank_holidays(day.year).get(day, "")

    def bank_holidays(self, year: int) -> dict[dt.date, str]:
        days = {d: n for d, n in published_bank_holidays(year).items() if d not in self.removed}
        days.update({d: n or "Bank holiday" for d, n in self.added.items() if d.year == year})
        return dict(sorted(days.items()))

    def is_disregarded(self, day: dt.date) -> DayVerdict:
        """Whether the day is left out of counted hours, and why."""
        verdict = self._disregarded.get(day)
        if verdict is None:
            verdict = self._disregarded[day] = self._disregarded_uncached(day)
        return verdict

    def _disregarded_uncached(self, day: dt.date) -> DayVerdict:
        if day.weekday() == 6:
            return DayVerdict(True, "Sunday")
        if (day.month, day.day) == (12, 25):
            return DayVerdict(True, "Christmas Day")
        if day == good_friday(day.year):
            return DayVerdict(True, "Good Friday")
        name = self.bank_holiday(day)
        return DayVerdict(bool(name), name)

    def is_working_day(self, day: dt.date) -> DayVerdict:
        """Monday to Friday except bank holidays, Good Friday and Christmas Day.
        When the day is not a working day, the reason says why."""
        if day.weekday() == 5:
            return DayVerdict(False, "Saturday")
        disregarded = self.is_disregarded(day)
        return DayVerdict(not disregarded, disregarded.reason)

    def __eq__(self, other):
        return isinstance(other, Calendar) and (self.added, self.removed) == (
            other.added,
            other.removed,
        )

    def __hash__(self):
        return hash((tuple(sorted(self.added.items())), self.removed))

    def __repr__(self):
        return f"Calendar(added={self.added!r}, removed={sorted(self.removed)!r})"


PUBLISHED = Calendar()


def good_friday(year: int) -> dt.date:
    return _easter_sunday(year) - dt.timedelta(days=2)


@lru_cache(maxsize=256)
def _easter_sunday(year: int) -> dt.date:
    """Western Easter by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def is_disregarded(day: dt.date, calendar: Calendar | None = None) -> DayVerdict:
    return (calendar or PUBLISHED).is_disregarded(day)


def is_working_day(day: dt.date, calendar: Calendar | None = None) -> DayVerdict:
    return (calendar or PUBLISHED).is_working_day(day)


def _local(value: dt.datetime, name: str) -> dt.datetime:
    """The instant as naive Europe/London wall-clock time, refusing naive input."""
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValueError(NAIVE_DATETIME.format(name=name, value=value))
    return value.astimezone(LONDON).replace(tzinfo=None)


def _aware(wall_clock: dt.datetime) -> dt.datetime:
    """Wall-clock London time back to an instant. Counted-hour results never fall in
    a clock change (those happen at 01:00/02:00 on Sundays), and midnights never do."""
    return wall_clock.replace(tzinfo=LONDON)


def counted_hours_deadline(
    start: dt.datetime, hours: int, calendar: Calendar | None = None
) -> dt.datetime:
    """The instant `hours` counted hours after `start`.

    1. Take the start in London wall-clock time.
    2. If its day is disregarded, move to 00:00 of the next counted day.
    3. Spend what is left of each counted day, skipping disregarded days whole,
       until the hours run out.
    """
    calendar = calendar or PUBLISHED
    cursor = _local(start, "start")
    day = cursor.date()
    if calendar.is_disregarded(day):
        day = _next_counted_day(day, calendar)
        cursor = dt.datetime.combine(day, MIDNIGHT)
    remaining = dt.timedelta(hours=hours)
    while True:
        end_of_day = dt.datetime.combine(day + ONE_DAY, MIDNIGHT)
        if remaining <= end_of_day - cursor:
            return _aware(cursor + remaining)
        remaining -= end_of_day - cursor
        day = _next_counted_day(day, calendar)
        cursor = dt.datetime.combine(day, MIDNIGHT)


def _next_counted_day(day: dt.date, calendar: Calendar) -> dt.date:
    day += ONE_DAY
    while calendar.is_disregarded(day):
        day += ONE_DAY
    return day


def hearing_deadline(served_at: dt.datetime, calendar: Calendar | None = None) -> dt.datetime:
    """When the DVPO application must be heard: 48 counted hours after service (s.27(3))."""
    return counted_hours_deadline(served_at, HEARING_HOURS, calendar)


def production_deadline(
    arrested_at: dt.datetime,
    hearing_at: dt.datetime | None = None,
    calendar: Calendar | None = None,
) -> dt.datetime:
    """When a person arrested for a breach must be before the court: 24 counted hours
    beginning with the arrest, or the DVPO hearing when that is sooner (s.26(2), s.29)."""
    deadline = counted_hours_deadline(arrested_at, PRODUCTION_HOURS, calendar)
    if hearing_at is not None:
        _local(hearing_at, "hearing_at")
        deadline = min(deadline, hearing_at.astimezone(LONDON))
    return deadline


def _order_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(ORDER_DAYS_RANGE.format(days=days))
    if not ORDER_MIN_DAYS <= days <= ORDER_MAX_DAYS:
        raise ValueError(ORDER_DAYS_RANGE.format(days=days))
    return days


def order_last_day(made_on: dt.date, days: int) -> dt.date:
    """The last day of a DVPO of `days` days beginning with the day it is made (s.28(10))."""
    if isinstance(made_on, dt.datetime) or not isinstance(made_on, dt.date):
        raise ValueError(f"made_on must be a date, not {made_on!r}.")
    return made_on + dt.timedelta(days=_order_days(days) - 1)


def order_expires_at(made_on: dt.date, days: int) -> dt.datetime:
    """The instant the order stops being in force: midnight after its last day."""
    return _aware(dt.datetime.combine(order_last_day(made_on, days) + ONE_DAY, MIDNIGHT))


def referral_due(
    reported_at: dt.datetime,
    working_days: int = REFERRAL_WORKING_DAYS,
    calendar: Calendar | None = None,
) -> dt.datetime:
    """End of the Victims' Code referral period: midnight after the n-th working day
    after the day of the report (the report's own day is not counted)."""
    if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 1:
        raise ValueError(
            f"working_days must be a whole number of at least 1, not {working_days!r}."
        )
    calendar = calendar or PUBLISHED
    day = _local(reported_at, "reported_at").date()
    for _ in range(working_days):
        day += ONE_DAY
        while not calendar.is_working_day(day):
            day += ONE_DAY
    return _aware(dt.datetime.combine(day + ONE_DAY, MIDNIGHT))


def skipped_days(
    start: dt.datetime, end: dt.datetime, calendar: Calendar | None = None
) -> list[tuple[dt.date, str]]:
    """The disregarded days that touch the period from start to end, with their reasons,
    for showing how a counted-hours deadline was reached."""
    calendar = calendar or PUBLISHED
    first, last = _local(start, "start"), _local(end, "end")
    skipped = []
    day = first.date()
    while dt.datetime.combine(day, MIDNIGHT) < last:
        verdict = calendar.is_disregarded(day)
        if verdict:
            skipped.append((day, verdict.reason))
        day += ONE_DAY
    return skipped


def format_duration(delta: dt.timedelta) -> str:
    """ "2 days 3 h" from 48 hours up, "18 h 20 m" below, "5 m" under an hour; minutes floored."""
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return f"{days} days {hours} h" if hours else f"{days} days"
    if hours:
        return f"{hours} h {minutes} m"
    return f"{minutes} m"


def format_instant(value: dt.datetime) -> str:
    """An instant as London wall-clock time: "Tue 29 Dec 2026, 10:00"."""
    local = _local(value, "value")
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def format_deadline(deadline: dt.datetime, now: dt.datetime) -> str:
    """The one way a deadline is written: "Tue 29 Dec 2026, 10:00 (18 h 20 m left)",
    "(overdue by 2 h 5 m)" once past, "(due now)" within the minute."""
    when = format_instant(deadline)
    _local(now, "now")
    delta = deadline - now
    if abs(delta) < dt.timedelta(minutes=1):
        return f"{when} (due now)"
    if delta > dt.timedelta(0):
        return f"{when} ({format_duration(delta)} left)"
    return f"{when} (overdue by {format_duration(delta)})"
