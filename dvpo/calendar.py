"""The statutory calendar as the app uses it: the published list plus administrators' changes.

`deadlines.py` is pure; this module builds its Calendar from the CalendarDay rows
and, when an administrator changes a day, works out the stored deadlines of open
cases again in the same transaction.
"""

from django.db import transaction

from dvpo import deadlines, hooks
from dvpo.errors import save_as
from dvpo.models import CalendarDay


def current_calendar() -> deadlines.Calendar:
    rows = list(CalendarDay.objects.values_list("date", "change", "name"))
    added = {day: name for day, change, name in rows if change == CalendarDay.Change.ADD}
    removed = [day for day, change, _ in rows if change == CalendarDay.Change.REMOVE]
    return deadlines.Calendar(added=added, removed=removed)


@transaction.atomic
def calendar_day_save(*, actor, day: CalendarDay) -> int:
    """Save an administrator's change to the calendar; returns how many deadlines moved."""
    day.full_clean()
    save_as(day, actor)
    return deadlines_recompute(actor=actor)


@transaction.atomic
def calendar_day_delete(*, actor, days) -> int:
    for day in days:
        day._history_user = actor
        day.delete()
    return deadlines_recompute(actor=actor)


def deadlines_recompute(*, actor) -> int:
    """Every stored deadline that depends on the calendar, worked out again by the apps
    connected to hooks.calendar_changed (cases, then courts, then referrals). Returns how
    many moved."""
    return sum(hooks.calendar_changed.send(actor=actor, calendar=current_calendar()))
