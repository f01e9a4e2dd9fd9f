"""A change to the bank-holiday calendar moves the court deadlines that depend on it."""

from datetime import date

from cases.models import CaseEvent
from courts import services
from dvpo.calendar import calendar_day_save
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
