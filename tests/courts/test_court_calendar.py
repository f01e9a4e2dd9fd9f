"""A change to the bank-holiday calendar moves the court deadlines that depend on it."""

from datetime import date

from cases.models import CaseEvent
from courts import services
from dvpo import hooks
from dvpo.calendar import calendar_day_save
from dvpo.hooks import Hook
from dvpo.models import CalendarDay
from tests.helpers import when


def test_listing_flag_and_production_deadline_follow_a_new_holiday(
    served_dvpn, court, officer, admin_user, march_6
):
    # Listed Mon 9 Mar 10:00, after the deadline (Mon 09:00): flagged late.
    application = services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-09T10:00:00+00:00")
    )
    assert application.listed_late
    march_6.move_to(when("2026-03-06T23:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-06T21:30:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
        arrested_at=when("2026-03-06T22:00:00+00:00"),
    )
    assert breach.production_deadline == when("2026-03-07T22:00:00+00:00")

    # Saturday 7 March proclaimed a bank holiday: the hearing deadline becomes Tue 10 Mar 09:00,
    # the listing is in time, and the arrested P must be before the court at the hearing, Mon 10:00.
    day = CalendarDay(date=date(2026, 3, 7), change="add", name="Proclaimed day")
    assert calendar_day_save(actor=admin_user, day=day) == 3
    application.refresh_from_db()
    breach.refresh_from_db()
    assert not application.listed_late
    assert breach.production_deadline == when("2026-03-09T10:00:00+00:00")
    assert served_dvpn.case.events.filter(kind=CaseEvent.Kind.DEADLINE_RECOMPUTED).count() == 2


def _listed_late_application(served_dvpn, court, officer):
    # Listed Mon 9 Mar 10:00, after the deadline (Mon 09:00): flagged late.
    application = services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-09T10:00:00+00:00")
    )
    assert application.listed_late
    return application


def _saturday_proclaimed(admin_user):
    # Saturday 7 March a bank holiday: the hearing deadline becomes Tue 10 Mar 09:00.
    day = CalendarDay(date=date(2026, 3, 7), change="add", name="Proclaimed day")
    return calendar_day_save(actor=admin_user, day=day)


def test_the_court_recompute_reads_the_hearing_deadlines_cases_has_just_moved(
    served_dvpn, court, officer, admin_user
):
    application = _listed_late_application(served_dvpn, court, officer)
    assert _saturday_proclaimed(admin_user) == 2  # the hearing deadline and the listed flag
    application.refresh_from_db()
    assert not application.listed_late


def test_with_courts_before_cases_the_listed_flag_would_be_left_wrong(
    served_dvpn, court, officer, admin_user, monkeypatch
):
    """Why the order is data: run the same receivers with courts first, and the court
    recompute reads the old hearing deadline."""
    reversed_hook = Hook("calendar_changed", "Courts first, for the test.")
    for order, receiver in hooks.calendar_changed.receivers():
        first = receiver.__name__ == "court_deadlines_recompute"
        reversed_hook.connect(receiver, order=0 if first else order)
    monkeypatch.setattr(hooks, "calendar_changed", reversed_hook)
    application = _listed_late_application(served_dvpn, court, officer)
    assert _saturday_proclaimed(admin_user) == 1  # only the hearing deadline
    application.refresh_from_db()
    assert application.listed_late
