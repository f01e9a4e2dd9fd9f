"""Court services: the application, every hearing outcome, lapse, the order, breaches,
record flags and who may do each. The DVPN was served Fri 6 Mar 2026 09:00 (GMT);
the hearing must start by Mon 9 Mar 2026 09:00."""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import DVPN, CaseEvent, Task
from courts import rules, services
from courts.models import DVPO, Breach, DVPOApplication, Hearing
from dvpo import deadlines
from dvpo.errors import ActionRefused, EditConflict
from tests.courts.conftest import hear
from tests.helpers import when

pytestmark = pytest.mark.django_db

DEADLINE = "2026-03-09T09:00:00+00:00"


def kinds(case) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


def pnc_tasks(case, kind=Task.Kind.PNC_REMOVAL) -> list[Task]:
    return list(case.tasks.filter(kind=kind))


# --- The application ----------------------------------------------------------


def test_application_is_listed_with_paperwork_and_an_event(served_dvpn, court, officer):
    application = services.application_create(
        actor=officer,
        dvpn=served_dvpn,
        court=court,
        listed_for=when("2026-03-07T10:00:00+00:00"),
        fee=DVPOApplication.Fee.CONTESTED,
        presenting_officer=officer,
        has_dvpn_copy=True,
        has_complaint=True,
    )
    assert application.status == "listed" and not application.listed_late
    assert application.paperwork_missing() == [
        "the officer's statement",
        "the DASH risk assessment",
        "the victim's view",
        "P's address for notice of the hearing",
        "the evidence",
    ]
    event = served_dvpn.case.events.get(kind=CaseEvent.Kind.DVPO_APPLIED)
    assert event.summary == "Testtown Magistrates' Court, Sat 7 Mar 2026, 10:00"
    assert event.actor == officer
    assert application.history.first().history_user == officer


def test_listing_after_the_deadline_is_accepted_but_flagged(served_dvpn, court, officer):
    application = services.application_create(
        actor=officer,
        dvpn=served_dvpn,
        court=court,
        listed_for=when("2026-03-09T10:00:00+00:00"),
    )
    assert application.listed_late
    event = served_dvpn.case.events.get(kind=CaseEvent.Kind.DVPO_APPLIED)
    assert "Listed after the hearing deadline (Mon 9 Mar 2026, 09:00)" in event.summary


def test_moving_the_listing_in_time_clears_the_flag(served_dvpn, court, officer):
    application = services.application_create(
        actor=officer,
        dvpn=served_dvpn,
        court=court,
        listed_for=when("2026-03-09T10:00:00+00:00"),
    )
    application = services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        listed_for=when("2026-03-09T08:30:00+00:00"),
        fee_paid=True,
    )
    assert not application.listed_late and application.fee_paid
    event = served_dvpn.case.events.get(kind=CaseEvent.Kind.DVPO_APPLICATION_CHANGED)
    assert event.summary.startswith("Changed: listed for, court fee paid. Now listed at")


def test_stale_version_is_an_edit_conflict(application, officer, court_coordinator):
    with pytest.raises(EditConflict):
        services.application_update(
            actor=officer, application=application, expected_version=0, fee_paid=True
        )
    with pytest.raises(EditConflict):
        services.hearing_record(
            actor=court_coordinator,
            application=application,
            held_at=when("2026-03-06T09:30:00+00:00"),
            outcome="withdrawn",
            expected_version=application.lock_version + 5,
        )
    application.refresh_from_db()
    assert not application.fee_paid and not application.hearings.exists()


def test_application_refusals(served_dvpn, submitted_dvpn, court, officer, application):
    with pytest.raises(ActionRefused, match=services.ALREADY_APPLIED):
        services.application_create(
            actor=officer, dvpn=served_dvpn, court=court, listed_for=when(DEADLINE)
        )
    with pytest.raises(ActionRefused) as error:
        services.application_update(
            actor=officer,
            application=application,
            expected_version=application.lock_version,
            listed_for=when("2026-03-06T08:00:00+00:00"),
        )
    assert error.value.message == (
        "The hearing cannot be listed before the DVPN was served (Fri 6 Mar 2026, 09:00)."
    )
    assert error.value.field == "listed_for"


def test_an_unserved_dvpn_cannot_go_to_court(march_6, submitted_dvpn, court, officer):
    with pytest.raises(ActionRefused) as error:
        services.application_create(
            actor=officer, dvpn=submitted_dvpn, court=court, listed_for=when(DEADLINE)
        )
    assert error.value.message == services.NOT_SERVED.format(status="awaiting authorisation")


@pytest.mark.parametrize("who", ["outsider", "caseworker", "supervisor", "superintendent"])
def test_only_court_coordinators_and_officers_of_the_case_record_court_work(
    request, who, served_dvpn, court, application
):
    actor = request.getfixturevalue(who)
    with pytest.raises(ActionRefused, match=services.NOT_ALLOWED):
        services.application_create(
            actor=actor, dvpn=served_dvpn, court=court, listed_for=when(DEADLINE)
        )
    with pytest.raises(ActionRefused, match=services.NOT_ALLOWED_OUTCOME):
        hear(actor, application, "2026-03-06T09:30:00+00:00", "withdrawn")
    assert not Hearing.objects.exists()


def test_officers_list_the_application_but_only_court_coordinators_record_outcomes(
    officer, court_coordinator, application, march_6
):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        fee_paid=True,
    )
    with pytest.raises(ActionRefused, match=services.NOT_ALLOWED_OUTCOME):
        hear(officer, application, "2026-03-07T10:00:00+00:00", "granted", order_days=28)
    assert not Hearing.objects.exists()
    order = hear(
        court_coordinator, application, "2026-03-07T10:00:00+00:00", "granted", order_days=28
    ).order
    with pytest.raises(ActionRefused, match=services.NOT_ALLOWED_OUTCOME):
        services.order_vary(actor=officer, order=order, reason="x", expected_version=None, days=14)
    with pytest.raises(ActionRefused, match=services.NOT_ALLOWED_OUTCOME):
        services.order_discharge(actor=officer, order=order, reason="x", expected_version=None)
    order.refresh_from_db()
    assert order.status == DVPO.Status.IN_FORCE and order.days == 28


def test_court_coordinator_may_record_court_work(court_coordinator, served_dvpn, court):
    application = services.application_create(
        actor=court_coordinator, dvpn=served_dvpn, court=court, listed_for=when(DEADLINE)
    )
    assert application.created_by == court_coordinator


# --- Outcomes -----------------------------------------------------------------


def test_granted_makes_a_28_day_order_across_the_spring_clock_change(
    granted, served_dvpn, court_coordinator
):
    order = granted.order
    assert (order.made_on, order.days) == (date(2026, 3, 7), 28)
    assert order.last_day == date(2026, 4, 3)
    assert order.expires_at == when("2026-04-04T00:00:00+01:00")  # BST from Sun 29 Mar
    assert order.status == DVPO.Status.IN_FORCE and order.no_molestation
    served_dvpn.refresh_from_db()
    assert served_dvpn.status == DVPN.Status.ENDED
    application = granted.application
    assert application.status == "granted" and application.decided_at == granted.held_at
    case = served_dvpn.case
    assert kinds(case)[-2:] == [CaseEvent.Kind.DVPO_GRANTED, CaseEvent.Kind.TASK_CREATED]
    made = case.events.get(kind=CaseEvent.Kind.DVPO_GRANTED)
    assert made.at == granted.held_at
    assert made.summary == (
        "28 days from Sat 7 Mar 2026: last day Fri 3 Apr 2026, ends Sat 4 Apr 2026, 00:00. "
        "P must not molest the victim."
    )
    # One PNC-entry task per notice or order: the DVPN's (on service), then the order's.
    assert [t.note for t in pnc_tasks(case, Task.Kind.PNC_ENTRY)] == [
        "Enter the DVPN on the PNC: version 1, served Fri 6 Mar 2026, 09:00.",
        "DVPO made Sat 7 Mar 2026, 10:00, in force until Sat 4 Apr 2026, 00:00 (replaces DVPN v1).",
    ]
    assert not pnc_tasks(case)
    assert order.history.first().history_user == court_coordinator
    assert granted.history.first().history_user == court_coordinator


@pytest.mark.parametrize("outcome", ["refused", "withdrawn"])
def test_refused_or_withdrawn_ends_the_dvpn_then(outcome, application, court_coordinator, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hearing = hear(
        court_coordinator,
        application,
        "2026-03-07T10:00:00+00:00",
        outcome,
        reasons="Not made out.",
    )
    dvpn = application.dvpn
    dvpn.refresh_from_db()
    assert dvpn.status == DVPN.Status.ENDED
    assert not DVPO.objects.exists()
    assert hearing.application.status == outcome
    assert services.dvpn_ends_at(dvpn) == when("2026-03-07T10:00:00+00:00")
    kind = {"refused": CaseEvent.Kind.DVPO_REFUSED, "withdrawn": CaseEvent.Kind.DVPO_WITHDRAWN}
    assert dvpn.case.events.filter(kind=kind[outcome]).get().at == hearing.held_at
    [task] = pnc_tasks(dvpn.case)
    assert task.note == f"DVPN v1 ended: the DVPO application was {outcome}."
    with pytest.raises(ActionRefused) as error:
        hear(court_coordinator, application, "2026-03-07T11:00:00+00:00", "granted", order_days=14)
    assert error.value.message == f"This application has already been decided ({outcome})."


def test_adjourned_then_granted(application, court_coordinator, officer, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hear(
        court_coordinator,
        application,
        "2026-03-07T10:00:00+00:00",
        "adjourned",
        adjournment_reason="P asked for time to get a solicitor.",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),
        p_attended=True,
        contested=True,
    )
    application.refresh_from_db()
    assert application.status == "adjourned"
    assert application.listed_for == when("2026-03-10T10:00:00+00:00")
    dvpn = application.dvpn
    dvpn.refresh_from_db()
    assert dvpn.status == DVPN.Status.SERVED  # runs on with no fixed end
    # The deadline passes: a hearing had started in time, so nothing lapses.
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    assert services.dvpns_lapse(now=when("2026-03-10T12:00:00+00:00")) == 0
    assert list(services.dvpns_deadline_passed(when("2026-03-10T12:00:00+00:00"))) == [dvpn]
    assert services.dvpn_ends_at(dvpn) is None
    hearing = hear(
        court_coordinator,
        application,
        "2026-03-10T10:00:00+00:00",
        "granted",
        contested=True,
        presented_by=officer,
        order_days=21,
    )
    order = hearing.order
    assert (order.made_on, order.last_day) == (date(2026, 3, 10), date(2026, 3, 30))
    assert order.expires_at == when("2026-03-31T00:00:00+01:00")
    assert application.hearings.count() == 2
    adjourned = dvpn.case.events.get(kind=CaseEvent.Kind.HEARING_ADJOURNED)
    assert adjourned.summary == (
        "Adjourned to Tue 10 Mar 2026, 10:00: P asked for time to get a solicitor."
    )


def test_hearing_validation_messages(application, court_coordinator, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    cases = [
        ({"held_at": "2026-03-07T12:01:00+00:00"}, services.HEARING_IN_FUTURE, "held_at"),
        (
            {"held_at": "2026-03-06T08:00:00+00:00"},
            "The hearing cannot have started before the DVPN was served (Fri 6 Mar 2026, 09:00).",
            "held_at",
        ),
        (
            {"outcome": "adjourned", "adjourned_to": when("2026-03-09T10:00:00+00:00")},
            services.ADJOURNMENT_REASON_NEEDED,
            "adjournment_reason",
        ),
        (
            {"outcome": "adjourned", "adjournment_reason": "Court time."},
            services.ADJOURNED_TO_NEEDED,
            "adjourned_to",
        ),
        (
            {
                "outcome": "adjourned",
                "adjournment_reason": "Court time.",
                "adjourned_to": when("2026-03-07T09:00:00+00:00"),
            },
            services.ADJOURNED_TO_BEFORE,
            "adjourned_to",
        ),
        ({"outcome": "granted"}, services.ORDER_DAYS_NEEDED, "order_days"),
        (
            {"outcome": "granted", "order_days": 29},
            deadlines.ORDER_DAYS_RANGE.format(days=29),
            "order_days",
        ),
        (
            {"outcome": "granted", "order_days": 13},
            "An order lasts between 14 and 28 days (s.28(10)); 13 is outside that.",
            "order_days",
        ),
        (
            {"outcome": "granted", "order_days": 28, "premises_no_enter": True},
            services.PREMISES_WITHOUT_SHARING,
            "premises_no_enter",
        ),
        ({"outcome": "refused", "order_days": 28}, services.NOT_GRANTED, None),
    ]
    for changes, message, field in cases:
        args = {"held_at": "2026-03-07T10:00:00+00:00", "outcome": "granted", **changes}
        with pytest.raises(ActionRefused) as error:
            hear(court_coordinator, application, args.pop("held_at"), args.pop("outcome"), **args)
        assert (error.value.message, error.value.field) == (message, field), changes
    application.refresh_from_db()
    assert application.status == "listed"
    assert not Hearing.objects.exists() and not DVPO.objects.exists()
    assert application.dvpn.status == DVPN.Status.SERVED


def test_a_first_hearing_after_the_deadline_is_refused(application, court_coordinator, march_6):
    march_6.move_to(when("2026-03-09T12:00:00+00:00"))
    with pytest.raises(ActionRefused) as error:
        hear(court_coordinator, application, "2026-03-09T10:00:00+00:00", "granted", order_days=28)
    assert error.value.message.startswith(
        "No hearing started by the deadline (Mon 9 Mar 2026, 09:00), so the DVPN has lapsed"
    )


# --- Lapse ------------------------------------------------------------------------


def test_lapse_runs_twice_and_changes_once(served_dvpn, march_6):
    now = when("2026-03-09T09:00:00+00:00")
    assert services.dvpns_lapse(now=now) == 0  # at the deadline, not past it
    now = when("2026-03-09T09:05:00+00:00")
    march_6.move_to(now)
    assert list(services.dvpn_lapse_due(now)) == [served_dvpn]
    assert services.dvpns_lapse(now=now) == 1
    assert services.dvpns_lapse(now=now) == 0
    served_dvpn.refresh_from_db()
    assert served_dvpn.status == DVPN.Status.LAPSED
    case = served_dvpn.case
    [event] = case.events.filter(kind=CaseEvent.Kind.DVPN_LAPSED)
    assert event.at == when(DEADLINE) and event.actor is None
    assert event.summary == "No hearing had started by Mon 9 Mar 2026, 09:00."
    [task] = pnc_tasks(case)
    assert task.note == "DVPN v1 lapsed: it can no longer be enforced." and task.done_at is None
    assert services.dvpn_ends_at(served_dvpn) == when(DEADLINE)
    assert list(services.dvpn_lapse_due(now)) == []


def test_lapse_with_a_listing_but_no_hearing(application, court, march_6):
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    assert services.dvpns_lapse(now=now) == 1
    with pytest.raises(ActionRefused) as error:
        services.application_create(
            actor=application.created_by, dvpn=application.dvpn, court=court, listed_for=now
        )
    assert "this DVPN is lapsed" in error.value.message


def test_a_hearing_in_time_recorded_after_the_lapse_job_corrects_it(
    application, court_coordinator, march_6
):
    now = when("2026-03-09T10:00:00+00:00")
    march_6.move_to(now)
    services.dvpns_lapse(now=now)
    hear(court_coordinator, application, "2026-03-07T10:00:00+00:00", "granted", order_days=14)
    dvpn = application.dvpn
    dvpn.refresh_from_db()
    assert dvpn.status == DVPN.Status.ENDED
    [task] = pnc_tasks(dvpn.case)
    # Cancelled, not "done" by the person who recorded the hearing.
    assert task.done_at is not None and task.done_by is None
    assert task.note == (
        "DVPN v1 lapsed: it can no longer be enforced. Cancelled: a hearing started at "
        "Sat 7 Mar 2026, 10:00, before the deadline"
    )
    assert CaseEvent.Kind.DVPN_REINSTATED in kinds(dvpn.case)


# --- The order --------------------------------------------------------------------


def test_order_expiry_is_idempotent(order, march_6):
    before = when("2026-04-03T22:59:00+00:00")
    assert services.orders_expire(now=before) == 0
    now = when("2026-04-03T23:00:00+00:00")  # midnight BST after the last day
    march_6.move_to(now)
    assert services.orders_expire(now=now) == 1
    assert services.orders_expire(now=now) == 0
    order.refresh_from_db()
    assert order.status == DVPO.Status.EXPIRED
    [event] = order.case.events.filter(kind=CaseEvent.Kind.DVPO_EXPIRED)
    assert event.at == now and event.summary == "Last day was Fri 3 Apr 2026."
    [task] = pnc_tasks(order.case)
    assert task.note == "DVPO expired Sat 4 Apr 2026, 00:00."


def test_order_vary_changes_prohibitions_or_length(order, court_coordinator, march_6):
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    with pytest.raises(ActionRefused, match=services.VARIATION_REASON_NEEDED):
        services.order_vary(
            actor=court_coordinator, order=order, reason=" ", expected_version=None, days=14
        )
    with pytest.raises(ActionRefused, match=services.VARIATION_NOTHING):
        services.order_vary(
            actor=court_coordinator, order=order, reason="x", expected_version=None, days=28
        )
    with pytest.raises(ActionRefused, match=r"between 14 and 28 days"):
        services.order_vary(
            actor=court_coordinator, order=order, reason="x", expected_version=None, days=30
        )
    with pytest.raises(EditConflict):
        services.order_vary(
            actor=court_coordinator, order=order, reason="x", expected_version=99, days=14
        )
    varied = services.order_vary(
        actor=court_coordinator,
        order=order,
        reason="Victim asked for a shorter order.",
        expected_version=order.lock_version,
        days=14,
    )
    assert varied.status == DVPO.Status.VARIED and varied.in_force
    assert (varied.last_day, varied.expires_at) == (
        date(2026, 3, 20),
        when("2026-03-21T00:00:00+00:00"),
    )
    assert varied.varied_on == date(2026, 3, 10)
    assert CaseEvent.Kind.DVPO_VARIED in kinds(order.case)
    # Expiry applies to varied orders too.
    assert services.orders_expire(now=when("2026-03-21T00:00:00+00:00")) == 1


def test_order_vary_cannot_shorten_into_the_past(order, court_coordinator, march_6):
    march_6.move_to(when("2026-03-25T12:00:00+00:00"))
    with pytest.raises(ActionRefused) as error:
        services.order_vary(
            actor=court_coordinator, order=order, reason="x", expected_version=None, days=14
        )
    assert error.value.message == (
        "With 14 days the order would already have ended (Sat 21 Mar 2026, 00:00)."
    )


def test_order_discharge(order, court_coordinator, march_6):
    march_6.move_to(when("2026-03-20T16:00:00+00:00"))
    with pytest.raises(ActionRefused, match=services.DISCHARGE_REASON_NEEDED):
        services.order_discharge(
            actor=court_coordinator, order=order, reason="", expected_version=None
        )
    with pytest.raises(ActionRefused, match=services.DISCHARGE_IN_FUTURE):
        services.order_discharge(
            actor=court_coordinator,
            order=order,
            reason="x",
            expected_version=None,
            discharged_at=when("2026-03-20T17:00:00+00:00"),
        )
    discharged = services.order_discharge(
        actor=court_coordinator,
        order=order,
        reason="P moved out of the area; the court discharged the order.",
        expected_version=order.lock_version,
        discharged_at=when("2026-03-20T15:00:00+00:00"),
    )
    assert discharged.status == DVPO.Status.DISCHARGED
    assert discharged.ends_at == when("2026-03-20T15:00:00+00:00")
    assert [t.note for t in pnc_tasks(order.case)] == ["DVPO discharged Fri 20 Mar 2026, 15:00."]
    with pytest.raises(ActionRefused, match="no longer in force: it is discharged"):
        services.order_vary(
            actor=court_coordinator, order=discharged, reason="x", expected_version=None, days=14
        )
    assert services.orders_expire(now=when("2026-04-05T00:00:00+00:00")) == 0


def test_order_permissions(order, outsider, caseworker, supervisor):
    for actor in (outsider, caseworker, supervisor):
        with pytest.raises(ActionRefused, match=services.NOT_ALLOWED_OUTCOME):
            services.order_discharge(actor=actor, order=order, reason="x", expected_version=None)
    order.refresh_from_db()
    assert order.status == DVPO.Status.IN_FORCE


# --- Breaches ---------------------------------------------------------------------


def test_dvpn_breach_production_is_at_the_hearing_when_sooner(
    application, officer, march_6, served_dvpn
):
    march_6.move_to(when("2026-03-06T22:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-06T20:00:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.VICTIM,
        arrested_at=when("2026-03-06T21:00:00+00:00"),
    )
    # 24 counted hours would be Sat 7 Mar 21:00; the DVPO hearing at 10:00 is sooner.
    assert breach.production_deadline == when("2026-03-07T10:00:00+00:00")
    assert kinds(served_dvpn.case)[-2:] == [
        CaseEvent.Kind.BREACH_RECORDED,
        CaseEvent.Kind.BREACH_ARREST,
    ]
    arrest = served_dvpn.case.events.get(kind=CaseEvent.Kind.BREACH_ARREST)
    assert arrest.summary == (
        "Arrested Fri 6 Mar 2026, 21:00: must be before the court by Sat 7 Mar 2026, 10:00."
    )


def test_dvpn_breach_without_a_listing_gets_24_counted_hours(served_dvpn, officer, march_6):
    march_6.move_to(when("2026-03-07T23:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-07T20:00:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.POLICE,
    )
    assert breach.production_deadline is None
    breach = services.breach_arrest(
        actor=officer,
        breach=breach,
        arrested_at=when("2026-03-07T22:00:00+00:00"),
        expected_version=breach.lock_version,
    )
    assert breach.production_deadline == when("2026-03-09T22:00:00+00:00")  # Sunday skipped


def test_dvpo_breach_over_a_weekend(order, officer, march_6):
    march_6.move_to(when("2026-03-15T09:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=order.case,
        order=order,
        occurred_at=when("2026-03-14T21:00:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.CASEWORKER,
        arrested_at=when("2026-03-14T22:00:00+00:00"),
    )
    assert breach.production_deadline == when("2026-03-16T22:00:00+00:00")
    assert breach.order == order and breach.dvpn is None


def test_breach_time_validation(order, officer, march_6, served_dvpn):
    march_6.move_to(when("2026-04-10T12:00:00+00:00"))
    case = served_dvpn.case

    def record(**kwargs):
        args = {
            "actor": officer,
            "case": case,
            "prohibition": Breach.Prohibition.MOLESTATION,
            "reported_by": Breach.ReportedBy.POLICE,
            **kwargs,
        }
        with pytest.raises(ActionRefused) as error:
            services.breach_record(**args)
        return error.value.message, error.value.field

    assert record(order=order, occurred_at=when("2026-04-10T13:00:00+00:00")) == (
        rules.BREACH_IN_FUTURE,
        "occurred_at",
    )
    before_order = (
        "The breach must be after the DVPO was made (Sat 7 Mar 2026, 10:00). Until then the "
        "DVPN was in force: record it as a breach of the DVPN."
    )
    assert record(order=order, occurred_at=when("2026-03-06T23:00:00+00:00")) == (
        before_order,
        "occurred_at",
    )
    # Not from midnight on the day it was made: only from the court's decision.
    assert record(order=order, occurred_at=when("2026-03-07T09:00:00+00:00")) == (
        before_order,
        "occurred_at",
    )
    assert record(order=order, occurred_at=when("2026-04-03T23:00:00+00:00")) == (
        "The breach cannot be after the DVPO ended (Sat 4 Apr 2026, 00:00).",
        "occurred_at",
    )
    assert record(dvpn=served_dvpn, occurred_at=when("2026-03-06T08:00:00+00:00")) == (
        "The breach cannot be before the DVPN was served (Fri 6 Mar 2026, 09:00).",
        "occurred_at",
    )
    assert record(dvpn=served_dvpn, occurred_at=when("2026-03-07T10:30:00+00:00")) == (
        "The breach cannot be after the DVPN ended (Sat 7 Mar 2026, 10:00).",
        "occurred_at",
    )
    assert record(
        order=order,
        occurred_at=when("2026-03-20T20:00:00+00:00"),
        arrested_at=when("2026-03-20T19:00:00+00:00"),
    ) == ("The arrest cannot be before the breach (Fri 20 Mar 2026, 20:00).", "arrested_at")
    assert record(
        order=order,
        occurred_at=when("2026-03-20T20:00:00+00:00"),
        prohibition=Breach.Prohibition.DISTANCE,
    ) == (
        "The DVPO has no such prohibition: came within the stated distance.",
        "prohibition",
    )
    assert record(order=order, dvpn=served_dvpn, occurred_at=when("2026-03-20T20:00:00+00:00"))[
        0
    ] == (services.BREACH_NEEDS_ONE)
    assert not Breach.objects.exists()


def test_breach_outcomes(order, officer, march_6):
    march_6.move_to(when("2026-03-16T12:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=order.case,
        order=order,
        occurred_at=when("2026-03-14T21:00:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.THIRD_PARTY,
    )
    with pytest.raises(ActionRefused, match=rules.FINE_TOO_HIGH):
        services.breach_outcome_record(
            actor=officer,
            breach=breach,
            outcome="fine",
            fine_pounds=Decimal("5000.01"),
            expected_version=breach.lock_version,
        )
    with pytest.raises(ActionRefused, match=r"at most 2 months \(60 days\)"):
        services.breach_outcome_record(
            actor=officer,
            breach=breach,
            outcome="committal",
            committal_days=61,
            expected_version=breach.lock_version,
        )
    breach = services.breach_outcome_record(
        actor=officer,
        breach=breach,
        outcome="fine",
        fine_pounds=Decimal("250"),
        criminal_charge=True,
        expected_version=breach.lock_version,
    )
    assert (breach.outcome, breach.fine_pounds, breach.outcome_on) == (
        "fine",
        Decimal("250"),
        date(2026, 3, 16),
    )
    event = order.case.events.get(kind=CaseEvent.Kind.BREACH_OUTCOME)
    assert event.summary == "Fine of £250.00; a criminal charge was also brought."
    with pytest.raises(EditConflict):
        services.breach_outcome_record(
            actor=officer, breach=breach, outcome="no_action", expected_version=0
        )


def test_a_dvpn_breach_gets_no_fine(served_dvpn, officer, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-07T11:00:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.VICTIM,
    )
    with pytest.raises(
        ActionRefused, match="A fine or committal is a sanction for breaching a DVPO"
    ):
        services.breach_outcome_record(
            actor=officer,
            breach=breach,
            outcome="fine",
            fine_pounds=Decimal("50"),
            expected_version=breach.lock_version,
        )


@pytest.mark.parametrize("who", ["outsider", "caseworker", "court_coordinator", "supervisor"])
def test_only_officers_of_the_case_record_breaches(request, who, served_dvpn, march_6):
    actor = request.getfixturevalue(who)
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    with pytest.raises(ActionRefused, match=services.NOT_ALLOWED_BREACH):
        services.breach_record(
            actor=actor,
            case=served_dvpn.case,
            dvpn=served_dvpn,
            occurred_at=when("2026-03-07T11:00:00+00:00"),
            prohibition=Breach.Prohibition.MOLESTATION,
            reported_by=Breach.ReportedBy.VICTIM,
        )
    assert not Breach.objects.exists()


# --- Record flags --------------------------------------------------------------------


def codes(case) -> list[tuple[str, date]]:
    return [(code, day) for code, _, day in services.case_record_flags(case)]


def test_record_flags_for_a_submitted_dvpn(march_6, submitted_dvpn):
    assert codes(submitted_dvpn.case) == []


def test_record_flags_for_a_served_then_lapsed_dvpn(served_dvpn, march_6):
    assert codes(served_dvpn.case) == [("FP", date(2026, 3, 6)), ("FQ", date(2026, 3, 6))]
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    services.dvpns_lapse(now=when("2026-03-10T12:00:00+00:00"))
    assert codes(served_dvpn.case) == [("FP", date(2026, 3, 6)), ("FQ", date(2026, 3, 6))]


def test_record_flags_for_a_breached_dvpn_then_refused(
    application, officer, court_coordinator, march_6
):
    case = application.dvpn.case
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    services.breach_record(
        actor=officer,
        case=case,
        dvpn=application.dvpn,
        occurred_at=when("2026-03-06T23:30:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.VICTIM,
    )
    hear(court_coordinator, application, "2026-03-07T10:00:00+00:00", "refused")
    assert codes(case) == [
        ("FP", date(2026, 3, 6)),
        ("FQ", date(2026, 3, 6)),
        ("FT", date(2026, 3, 6)),
    ]


def test_record_flags_for_an_order_and_its_breach(order, officer, march_6):
    assert [c for c, _ in codes(order.case)] == ["FP", "FQ", "FS"]
    march_6.move_to(when("2026-03-30T12:00:00+01:00"))
    services.breach_record(
        actor=officer,
        case=order.case,
        order=order,
        occurred_at=when("2026-03-29T23:30:00+00:00"),  # 00:30 BST on Mon 30 Mar in London
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.VICTIM,
    )
    assert codes(order.case) == [
        ("FP", date(2026, 3, 6)),
        ("FQ", date(2026, 3, 6)),
        ("FS", date(2026, 3, 7)),
        ("FU", date(2026, 3, 30)),
    ]
