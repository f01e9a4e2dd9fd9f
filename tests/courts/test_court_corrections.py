"""Review fixes in the court half: when a notice or order is in force, hearing moves and the
production deadline, PNC tasks per notice or order, lapse and its correction, the decision
time, duplicate breaches and calendar changes. The DVPN of `served_dvpn` was served Fri 6 Mar
2026 09:00 (GMT): its hearing must start by Mon 9 Mar 2026 09:00; `application` is listed for
Sat 7 Mar 10:00."""

from datetime import date

import pytest

from cases.models import DVPN, CaseEvent, Task
from courts import selectors, services
from courts.models import DVPO, Breach, DVPOApplication
from dvpo.calendar import calendar_day_save, current_calendar
from dvpo.errors import ActionRefused
from dvpo.models import CalendarDay
from tests.courts.conftest import hear
from tests.helpers import when

pytestmark = pytest.mark.django_db


def breach(actor, case, occurred_at, *, arrested_at=None, **kwargs) -> Breach:
    return services.breach_record(
        actor=actor,
        case=case,
        occurred_at=when(occurred_at),
        arrested_at=when(arrested_at) if arrested_at else None,
        prohibition=kwargs.pop("prohibition", Breach.Prohibition.MOLESTATION),
        reported_by=Breach.ReportedBy.VICTIM,
        **kwargs,
    )


def tasks(case, kind=Task.Kind.PNC_REMOVAL) -> list[Task]:
    return list(case.tasks.filter(kind=kind).order_by("created_at", "pk"))


def second_served_dvpn(case, officer, *, served_at: str, deadline: str) -> DVPN:
    """Another served version on the same case (its paperwork does not matter here)."""
    return DVPN.objects.create(
        case=case,
        version=2,
        status=DVPN.Status.SERVED,
        applicant=officer,
        served_at=when(served_at),
        hearing_deadline=when(deadline),
    )


# --- 1, 10. The order is in force from the court's decision -------------------------------


def test_a_breach_at_the_decision_is_the_dvpns_and_the_orders_only_after(order, officer, march_6):
    assert order.made_at == when("2026-03-07T10:00:00+00:00")  # decided as the hearing began
    march_6.move_to(when("2026-03-08T12:00:00+00:00"))
    case = order.case
    dvpn = order.application.dvpn
    for at in ("2026-03-07T00:00:00+00:00", "2026-03-07T09:59:00+00:00", "2026-03-07T10:00:00Z"):
        with pytest.raises(ActionRefused, match="The breach must be after the DVPO was made"):
            breach(officer, case, at, order=order)
    assert breach(officer, case, "2026-03-07T10:00:00+00:00", dvpn=dvpn).dvpn == dvpn
    with pytest.raises(ActionRefused, match="after the DVPN ended"):
        breach(officer, case, "2026-03-07T10:01:00+00:00", dvpn=dvpn)
    assert breach(officer, case, "2026-03-07T10:01:00+00:00", order=order).order == order


def test_the_time_the_court_decided_ends_the_dvpn_and_starts_the_order(
    application, court_coordinator, officer, march_6
):
    """Heard late on Saturday, decided after midnight: the order is made on Sunday."""
    march_6.move_to(when("2026-03-08T01:00:00+00:00"))
    with pytest.raises(ActionRefused) as error:
        hear(
            court_coordinator,
            application,
            "2026-03-07T23:30:00+00:00",
            "granted",
            order_days=14,
            decided_at=when("2026-03-07T23:00:00+00:00"),
        )
    assert (error.value.message, error.value.field) == (
        "The court cannot have decided before the hearing started (Sat 7 Mar 2026, 23:30).",
        "decided_at",
    )
    with pytest.raises(ActionRefused, match=services.DECIDED_IN_FUTURE):
        hear(
            court_coordinator,
            application,
            "2026-03-07T23:30:00+00:00",
            "granted",
            order_days=14,
            decided_at=when("2026-03-08T01:01:00+00:00"),
        )
    hearing = hear(
        court_coordinator,
        application,
        "2026-03-07T23:30:00+00:00",
        "granted",
        order_days=14,
        decided_at=when("2026-03-08T00:15:00+00:00"),
    )
    order = hearing.order
    decided = when("2026-03-08T00:15:00+00:00")
    assert (order.made_on, order.made_at, order.last_day) == (
        date(2026, 3, 8),
        decided,
        date(2026, 3, 21),
    )
    application.refresh_from_db()
    assert application.decided_at == decided
    assert services.dvpn_ends_at(application.dvpn) == decided
    assert order.case.events.get(kind=CaseEvent.Kind.DVPO_GRANTED).at == decided
    with pytest.raises(ActionRefused, match="after the DVPN ended"):
        breach(officer, order.case, "2026-03-08T00:20:00+00:00", dvpn=application.dvpn)
    breach(officer, order.case, "2026-03-08T00:10:00+00:00", dvpn=application.dvpn)


def test_a_refusal_decided_after_the_hearing_began(application, court_coordinator, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hear(
        court_coordinator,
        application,
        "2026-03-07T10:00:00+00:00",
        "refused",
        decided_at=when("2026-03-07T11:20:00+00:00"),
    )
    assert services.dvpn_ends_at(application.dvpn) == when("2026-03-07T11:20:00+00:00")
    refused = application.case.events.get(kind=CaseEvent.Kind.DVPO_REFUSED)
    assert refused.at == when("2026-03-07T11:20:00+00:00")
    assert refused.summary == "Hearing at Sat 7 Mar 2026, 10:00, decided at Sat 7 Mar 2026, 11:20"


# --- 2. Moving the hearing moves the production deadline ------------------------------------


@pytest.fixture
def arrested(application, officer, march_6, served_dvpn):
    """P arrested Fri 6 Mar 21:00 for breaching the DVPN: before the court by the hearing
    (Sat 10:00), sooner than 24 counted hours (Sat 21:00)."""
    march_6.move_to(when("2026-03-06T22:00:00+00:00"))
    arrest = breach(
        officer,
        served_dvpn.case,
        "2026-03-06T20:00:00+00:00",
        arrested_at="2026-03-06T21:00:00+00:00",
        dvpn=served_dvpn,
    )
    assert arrest.production_deadline == when("2026-03-07T10:00:00+00:00")
    return arrest


def test_moving_the_listing_moves_the_production_deadline(arrested, application, officer):
    not_arrested = breach(
        officer, application.case, "2026-03-06T20:30:00+00:00", dvpn=arrested.dvpn
    )
    application.refresh_from_db()
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        listed_for=when("2026-03-07T15:00:00+00:00"),
    )
    arrested.refresh_from_db()
    assert arrested.production_deadline == when("2026-03-07T15:00:00+00:00")
    event = application.case.events.filter(kind=CaseEvent.Kind.DEADLINE_RECOMPUTED).get()
    assert event.summary == (
        "Production deadline for the breach moved from Sat 7 Mar 2026, 10:00 to "
        "Sat 7 Mar 2026, 15:00: the DVPO hearing was moved."
    )
    not_arrested.refresh_from_db()
    assert not_arrested.production_deadline is None


def test_an_adjournment_moves_the_production_deadline(
    arrested, application, court_coordinator, march_6
):
    march_6.move_to(when("2026-03-07T09:30:00+00:00"))
    hear(
        court_coordinator,
        application,
        "2026-03-07T09:30:00+00:00",
        "adjourned",
        adjournment_reason="Court time.",
        adjourned_to=when("2026-03-09T10:00:00+00:00"),
    )
    arrested.refresh_from_db()
    assert arrested.production_deadline == when("2026-03-07T21:00:00+00:00")  # 24 hours
    assert application.case.events.filter(kind=CaseEvent.Kind.DEADLINE_RECOMPUTED).count() == 1


# --- 3, 4, 13. PNC tasks per notice or order --------------------------------------------------


def test_serving_a_dvpn_asks_for_its_pnc_entry(served_dvpn):
    [task] = tasks(served_dvpn.case, Task.Kind.PNC_ENTRY)
    assert task.dvpn == served_dvpn and task.done_at is None
    assert task.note == "Enter the DVPN on the PNC: version 1, served Fri 6 Mar 2026, 09:00."
    created = served_dvpn.case.events.filter(kind=CaseEvent.Kind.TASK_CREATED).last()
    assert created.summary == "Enter on the PNC: " + task.note


def test_each_lapsed_dvpn_gets_its_own_pnc_removal_task(served_dvpn, officer, march_6):
    case = served_dvpn.case
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    assert services.dvpns_lapse(now=now) == 1
    # Its removal not done yet, a second version is served and lapses too.
    second = second_served_dvpn(
        case, officer, served_at="2026-03-09T11:00:00+00:00", deadline="2026-03-11T11:00:00+00:00"
    )
    now = when("2026-03-11T12:00:00+00:00")
    march_6.move_to(now)
    assert services.dvpns_lapse(now=now) == 1
    assert services.dvpns_lapse(now=now) == 0  # idempotent through the DVPN's status
    assert [(t.dvpn, t.note, t.done_at) for t in tasks(case)] == [
        (served_dvpn, "DVPN v1 lapsed: it can no longer be enforced.", None),
        (second, "DVPN v2 lapsed: it can no longer be enforced.", None),
    ]


def test_correcting_a_lapse_cancels_only_that_dvpns_removal_task(
    application, court_coordinator, officer, march_6
):
    case = application.case
    other = services.pnc_task(case, Task.Kind.PNC_REMOVAL, officer, "Another removal.")
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    assert services.dvpns_lapse(now=now) == 1
    hear(
        court_coordinator,
        application,
        "2026-03-07T10:00:00+00:00",
        "adjourned",
        adjournment_reason="Court time.",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),
    )
    other.refresh_from_db()
    assert other.done_at is None and other.note == "Another removal."
    [own] = [t for t in tasks(case) if t.dvpn_id]
    assert own.done_at is not None and own.done_by is None  # cancelled, not done by anyone
    assert "Cancelled: a hearing started at Sat 7 Mar 2026, 10:00" in own.note
    assert not [t for t in tasks(case, Task.Kind.PNC_ENTRY) if "again" in t.note]


def test_correcting_a_lapse_after_the_removal_asks_to_enter_it_again(
    application, court_coordinator, officer, march_6
):
    case = application.case
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    services.dvpns_lapse(now=now)
    Task.objects.filter(case=case, kind=Task.Kind.PNC_REMOVAL).update(done_at=now, done_by=officer)
    hear(court_coordinator, application, "2026-03-07T10:00:00+00:00", "granted", order_days=14)
    [removal] = tasks(case)
    assert removal.done_by == officer and "Cancelled" not in removal.note
    again = [t for t in tasks(case, Task.Kind.PNC_ENTRY) if t.dvpn_id and "again" in t.note]
    assert [t.note for t in again] == [
        "Enter DVPN v1 on the PNC again: it was removed after the lapse, but it is in force "
        "(a hearing started at Sat 7 Mar 2026, 10:00, before the deadline)."
    ]


# --- 6. An unmet deadline ends the DVPN before the lapse job runs ------------------------------


def test_a_breach_after_an_unmet_deadline_is_refused_before_the_lapse_job(
    served_dvpn, officer, march_6
):
    march_6.move_to(when("2026-03-09T10:00:00+00:00"))
    assert served_dvpn.status == DVPN.Status.SERVED  # the job has not run
    assert services.dvpn_ends_at(served_dvpn) == when("2026-03-09T09:00:00+00:00")
    with pytest.raises(ActionRefused) as error:
        breach(officer, served_dvpn.case, "2026-03-09T09:30:00+00:00", dvpn=served_dvpn)
    assert error.value.message == (
        "The breach cannot be after the DVPN ended (Mon 9 Mar 2026, 09:00)."
    )
    breach(officer, served_dvpn.case, "2026-03-09T09:00:00+00:00", dvpn=served_dvpn)


def test_before_the_deadline_the_dvpn_has_no_end(served_dvpn, march_6):
    march_6.move_to(when("2026-03-08T10:00:00+00:00"))
    assert services.dvpn_ends_at(served_dvpn) is None


# --- 9. A lapse takes the application out of the listings ------------------------------------


def test_a_lapse_marks_the_application_lapsed(application, officer, court_coordinator, march_6):
    assert list(selectors.hearings_for_officer(officer)) == [application]
    now = when("2026-03-07T09:00:00+00:00")
    march_6.move_to(now)
    assert list(selectors.hearings_upcoming(viewer=court_coordinator)) == [application]
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    services.dvpns_lapse(now=now)
    application.refresh_from_db()
    assert application.status == "lapsed" and not application.decided
    assert application.get_status_display() == "Lapsed: no hearing by the deadline"
    assert not selectors.hearings_for_officer(officer).exists()
    with pytest.raises(ActionRefused, match="can no longer be changed"):
        services.application_update(
            actor=officer,
            application=application,
            expected_version=application.lock_version,
            fee_paid=True,
        )
    # A hearing that did start in time, recorded now, corrects it.
    hear(court_coordinator, application, "2026-03-07T10:00:00+00:00", "refused")
    application.refresh_from_db()
    assert application.status == "refused"


# --- 12. Varying an order asks for the PNC to be updated --------------------------------------


def test_varying_an_order_opens_a_pnc_update_task(order, court_coordinator, march_6):
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    services.order_vary(
        actor=court_coordinator,
        order=order,
        reason="Shorter.",
        expected_version=order.lock_version,
        days=14,
    )
    [task] = tasks(order.case, Task.Kind.PNC_UPDATE)
    assert task.get_kind_display() == "Update the PNC"
    assert task.note == (
        "DVPO made Sat 7 Mar 2026 varied Tue 10 Mar 2026: now 14 days, last day Fri 20 Mar "
        "2026, in force until Sat 21 Mar 2026, 00:00; P must not molest the victim."
    )


def test_each_order_end_gets_its_own_removal_task(order, court_coordinator, march_6):
    """An open removal task of the DVPN (or another order) does not swallow the order's."""
    services.pnc_task(order.case, Task.Kind.PNC_REMOVAL, None, "Some earlier removal.")
    march_6.move_to(when("2026-03-20T16:00:00+00:00"))
    services.order_discharge(
        actor=court_coordinator, order=order, reason="Discharged.", expected_version=None
    )
    assert [t.note for t in tasks(order.case)] == [
        "Some earlier removal.",
        "DVPO discharged Fri 20 Mar 2026, 16:00.",
    ]


# --- 14. The same breach twice --------------------------------------------------------------


def test_an_identical_breach_within_two_minutes_is_refused(served_dvpn, officer, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    case = served_dvpn.case
    breach(officer, case, "2026-03-07T11:00:00+00:00", dvpn=served_dvpn)
    march_6.move_to(when("2026-03-07T12:01:30+00:00"))
    with pytest.raises(ActionRefused) as error:
        breach(officer, case, "2026-03-07T11:00:00+00:00", dvpn=served_dvpn)
    assert error.value.message == (
        "This breach has already been recorded (at Sat 7 Mar 2026, 12:00): same DVPN, time "
        "and prohibition. Check the breaches on the case page before recording it again."
    )
    breach(officer, case, "2026-03-07T11:05:00+00:00", dvpn=served_dvpn)  # another time
    march_6.move_to(when("2026-03-07T12:02:30+00:00"))
    breach(officer, case, "2026-03-07T11:00:00+00:00", dvpn=served_dvpn)  # deliberately again
    assert Breach.objects.count() == 3


# --- 8, 18. Calendar changes ------------------------------------------------------------------


def test_a_calendar_change_leaves_an_adjourned_application_alone(
    application, court_coordinator, march_6
):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hear(
        court_coordinator,
        application,
        "2026-03-07T10:00:00+00:00",
        "adjourned",
        adjournment_reason="Court time.",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),  # after the deadline: fine, heard
    )
    assert services.court_deadlines_recompute(actor=None, calendar=current_calendar()) == 0
    application.refresh_from_db()
    assert not application.listed_late


def test_a_started_hearing_freezes_the_deadline(
    application, court_coordinator, admin_user, march_6
):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hear(
        court_coordinator,
        application,
        "2026-03-07T10:00:00+00:00",
        "adjourned",
        adjournment_reason="Court time.",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),
    )
    day = CalendarDay(date=date(2026, 3, 7), change="add", name="Proclaimed")
    assert calendar_day_save(actor=admin_user, day=day) == 0
    dvpn = DVPN.objects.get(pk=application.dvpn_id)
    assert dvpn.hearing_deadline == when("2026-03-09T09:00:00+00:00")


def test_a_calendar_change_reinstates_a_lapse_whose_deadline_is_now_to_come(
    application, admin_user, march_6
):
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    services.dvpns_lapse(now=now)
    day = CalendarDay(date=date(2026, 3, 9), change="add", name="Proclaimed")
    assert calendar_day_save(actor=admin_user, day=day) == 1
    dvpn = DVPN.objects.get(pk=application.dvpn_id)
    assert dvpn.status == DVPN.Status.SERVED
    assert dvpn.hearing_deadline == when("2026-03-10T09:00:00+00:00")
    assert DVPOApplication.objects.get(pk=application.pk).status == "listed"
    [removal] = tasks(dvpn.case)
    assert removal.done_at is not None and removal.done_by is None
    assert "Cancelled: after a calendar change the hearing deadline is Tue 10 Mar 2026" in (
        removal.note
    )
    reinstated = dvpn.case.events.get(kind=CaseEvent.Kind.DVPN_REINSTATED)
    assert reinstated.summary.startswith("Not lapsed: after a calendar change")
    assert services.dvpns_lapse(now=now) == 0


def test_a_calendar_change_leaves_a_lapse_whose_new_deadline_has_passed(
    served_dvpn, admin_user, march_6
):
    now = when("2026-03-11T10:00:00+00:00")
    march_6.move_to(now)
    services.dvpns_lapse(now=now)
    day = CalendarDay(date=date(2026, 3, 7), change="add", name="Proclaimed")
    assert calendar_day_save(actor=admin_user, day=day) == 1
    served_dvpn.refresh_from_db()
    assert served_dvpn.status == DVPN.Status.LAPSED
    assert served_dvpn.hearing_deadline == when("2026-03-10T09:00:00+00:00")
    assert [t.done_at for t in tasks(served_dvpn.case)] == [None]


def test_orders_are_unaffected_by_made_at_for_discharge(order, court_coordinator, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    with pytest.raises(ActionRefused, match=services.DISCHARGE_BEFORE_MADE):
        services.order_discharge(
            actor=court_coordinator,
            order=order,
            reason="x",
            expected_version=None,
            discharged_at=when("2026-03-07T09:00:00+00:00"),
        )
    assert DVPO.objects.get(pk=order.pk).status == DVPO.Status.IN_FORCE
