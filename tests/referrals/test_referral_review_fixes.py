"""Fixes from the review of the referral half: each test failed before its fix."""

import datetime as dt
import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Task
from cases.services import case_update, safe_contact_save
from dvpo.calendar import calendar_day_save
from dvpo.deadlines import LONDON
from dvpo.errors import ActionRefused
from dvpo.models import CalendarDay
from referrals import rules, selectors, services
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from referrals.templatetags.referral_tags import followups_by_referral
from tests.helpers import when

pytestmark = pytest.mark.django_db

MON_9_MARCH_0900 = when("2026-03-09T09:00:00+00:00")


def london(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


# --- 1. A calendar change moves referral due times ---------------------------------------


def test_a_proclaimed_bank_holiday_moves_a_draft_referrals_due_time(draft, administrator):
    assert draft.due_at == when("2026-03-10T00:00:00+00:00")  # Fri 6 and Mon 9 counted
    day = CalendarDay(date=dt.date(2026, 3, 9), change="add", name="Test proclamation")
    assert calendar_day_save(actor=administrator, day=day) == 1
    draft.refresh_from_db()
    assert draft.due_at == when("2026-03-11T00:00:00+00:00")


# --- 2. Varying or discharging an order moves the follow-ups ------------------------------


def after_expiry(referral):
    return FollowUp.objects.get(referral=referral, kind=rules.AFTER_EXPIRY)


def test_varying_the_order_moves_the_safety_check(sent, order, court_coordinator):
    from courts.services import order_vary

    assert after_expiry(sent).due_at == order.expires_at
    varied = order_vary(
        actor=court_coordinator,
        order=order,
        reason="Shortened on application.",
        expected_version=order.lock_version,
        days=14,
    )
    assert varied.expires_at < order.expires_at
    assert after_expiry(sent).due_at == varied.expires_at


def test_discharging_the_order_moves_the_safety_check(sent, order, court_coordinator, march_6):
    from courts.services import order_discharge

    march_6.move_to(when("2026-03-12T10:00:00+00:00"))
    order_discharge(
        actor=court_coordinator,
        order=order,
        reason="Discharged on P's application.",
        expected_version=order.lock_version,
    )
    assert after_expiry(sent).due_at == when("2026-03-12T10:00:00+00:00")


# --- 3. A Victims' Code referral goes before any DVPN ---------------------------------------


def test_a_victims_code_referral_is_sent_without_a_dvpn(draft, safe_contact, risk, officer):
    assert not draft.case.dvpns.exists()
    consented = services.referral_consent_record(
        actor=officer, referral=draft, consent="given", expected_version=draft.lock_version
    )
    sent = services.referral_send(
        actor=officer, referral=consented, expected_version=consented.lock_version
    )
    assert sent.status == Referral.Status.SENT


# --- 4. No live contact details once the referral is returned or closed --------------------


def test_returned_referral_withholds_contact_details_from_the_service(
    client, sent, caseworker, officer, victim
):
    assert selectors.referral_facts(sent).safe_phone == "07700 900123"
    returned = services.referral_decline(
        actor=caseworker, referral=sent, reason="Out of area.", expected_version=sent.lock_version
    )
    facts = selectors.referral_facts(returned)
    assert (facts.safe_phone, facts.email, facts.address, facts.contact_through) == ("",) * 4
    assert facts.contact_withheld.startswith("This referral went back to the police on Fri 6 Mar")
    client.force_login(caseworker)
    for name in ("service_referral", "service_referral_print"):
        page = client.get(reverse(name, args=[returned.pk])).content.decode()
        assert "07700 900123" not in page, name
        assert "This referral went back to the police on" in page, name
    # The police still see the victim's details on their own page.
    assert selectors.referral_facts(returned, for_service=False).safe_phone == "07700 900123"
    client.force_login(officer)
    page = client.get(
        reverse("referral_detail", args=[returned.case_id, returned.pk])
    ).content.decode()
    assert "07700 900123" in page


def test_closed_referral_withholds_contact_details(accepted, caseworker):
    closed = services.referral_close(
        actor=caseworker, referral=accepted, expected_version=accepted.lock_version
    )
    facts = selectors.referral_facts(closed)
    assert facts.safe_phone == "" and facts.contact_withheld.startswith("This referral was closed")


# --- 6/7. First contact due, and the manager's queue --------------------------------------------


def test_first_contact_is_due_one_working_day_after_sending(sent):
    assert sent.sent_at == when("2026-03-06T09:00:00+00:00")  # a Friday
    assert sent.first_contact_due_at == MON_9_MARCH_0900


def test_first_contact_due_skips_bank_holidays_and_keeps_the_london_clock():
    from dvpo.deadlines import Calendar

    calendar = Calendar()
    # Thu 2 Apr 2026 10:00 BST: Good Friday and Easter Monday are not working days.
    assert rules.first_contact_due(london("2026-04-02 10:00"), calendar) == london(
        "2026-04-07 10:00"
    )
    # Across the clock change (Sun 29 Mar 2026): Fri 10:00 GMT to Mon 10:00 BST.
    assert rules.first_contact_due(london("2026-03-27 10:00"), calendar) == london(
        "2026-03-30 10:00"
    )


def test_manager_queue_uses_the_first_contact_time(sent, service_manager):
    before = selectors.manager_queue(viewer=service_manager, now=when("2026-03-09T08:59:00+00:00"))
    after = selectors.manager_queue(viewer=service_manager, now=when("2026-03-09T09:01:00+00:00"))
    assert list(before) == [] and list(after) == [sent]  # due_at is Tue 10 Mar 00:00


# --- 8. A returned referral owes no follow-ups ----------------------------------------------------


def test_returning_a_referral_closes_its_follow_ups(accepted, caseworker, march_6):
    followup = services.followup_add(
        actor=caseworker, referral=accepted, due_at=when("2026-03-07T10:00:00+00:00")
    )
    returned = services.referral_unable_to_contact(
        actor=caseworker,
        referral=accepted,
        reason="No answer.",
        expected_version=accepted.lock_version,
    )
    followup.refresh_from_db()
    assert followup.done_at is not None and followup.outcome == services.FOLLOWUP_CLOSED_ON_RETURN
    # Even a follow-up left open on a returned referral is not listed.
    FollowUp.objects.create(referral=returned, kind=rules.ONGOING, due_at=returned.returned_at)
    march_6.move_to(when("2026-03-08T10:00:00+00:00"))
    assert list(selectors.followups_due(viewer=caseworker, now=timezone.now())) == []


# --- 9. One set of alert recipients -------------------------------------------------------------


def test_a_returned_referral_alerts_the_owner_and_the_bcu_supervisors(sent, caseworker, supervisor):
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Out of area.", expected_version=sent.lock_version
    )
    told = set(
        Alert.objects.filter(kind=Alert.Kind.REFERRAL_RETURNED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {sent.case.owner.username, supervisor.username}


def test_alerts_fall_back_to_the_bcu_dvpo_officers(case, officer, dvpo_officer, caplog):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    case.refresh_from_db()
    assert services.police_alert_recipients(case) == [dvpo_officer]
    dvpo_officer.is_active = False
    dvpo_officer.save(update_fields=["is_active"])
    with caplog.at_level(logging.WARNING, logger="referrals.services"):
        assert services.police_alert_recipients(case) == []
    assert "No active police user to alert" in caplog.text


# --- 10. A failing e-mail is logged, not hidden or raised ---------------------------------------


def test_a_failing_alert_email_is_logged(
    accepted, caseworker, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    accepted.case.owner.email = "pc@example.test"
    accepted.case.owner.save(update_fields=["email"])
    with (
        caplog.at_level(logging.ERROR, logger="referrals.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.breach_report(actor=caseworker, referral=accepted, details="P at the door.")
    assert "Alert e-mail to pc@example.test" in caplog.text
    assert Alert.objects.filter(kind=Alert.Kind.SUSPECTED_BREACH).exists()


# --- 13. The partial index for the PNC scans ----------------------------------------------------


def test_open_tasks_have_a_partial_index_on_kind_and_created_at():
    (index,) = [i for i in Task._meta.indexes if i.name == "task_open_kind_created"]
    assert index.fields == ["kind", "created_at"]
    assert str(index.condition) == "(AND: ('done_at__isnull', True))"


# --- 14. A changed report time moves draft referrals ---------------------------------------------


def test_changing_the_report_time_moves_a_draft_victims_code_referral(draft, officer, case):
    case.refresh_from_db()
    case_update(
        actor=officer,
        case=case,
        expected_version=case.lock_version,
        reported_at=when("2026-03-06T08:00:00+00:00"),
    )
    draft.refresh_from_db()
    assert draft.due_at == when("2026-03-11T00:00:00+00:00")  # Mon 9 and Tue 10 counted


# --- 15. The escalation threshold is a setting ------------------------------------------------


def test_the_escalation_threshold_is_a_setting(settings, sent, caseworker, march_6):
    from django.conf import settings as live

    assert live.REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS == 3
    settings.REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS = 1
    march_6.move_to(when("2026-03-06T10:00:00+00:00"))
    services.contact_attempt_log(
        actor=caseworker, referral=sent, at=when("2026-03-06T09:30:00+00:00"), outcome="no_answer"
    )
    sent.refresh_from_db()
    assert sent.escalated_at is not None


def test_the_escalation_threshold_refuses_less_than_one():
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup()",
        {
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "x",
            "REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS": "0",
        },
    )
    assert result.returncode != 0
    assert "REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS=0 is below the minimum of 1" in result.stderr


# --- 16. "reminder" is an alert kind ---------------------------------------------------------


def test_reminder_is_an_alert_kind():
    assert Alert.Kind("reminder").label == "Reminder"


# --- 17. Contact through the agreed route when there is no safe number --------------------------


def test_an_attempt_through_the_agreed_route_is_allowed_without_a_safe_number(
    sent, caseworker, officer, victim, march_6
):
    contact = victim.safe_contact
    safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=contact.lock_version,
        safe_phone="",
        no_safe_number=True,
        contact_through="Her sister, on 07700 900999",
        safe_times="Weekdays after 18:00",
        permissions_confirmed=True,
    )
    march_6.move_to(when("2026-03-06T10:00:00+00:00"))
    at = when("2026-03-06T09:30:00+00:00")
    with pytest.raises(ActionRefused):
        services.contact_attempt_log(actor=caseworker, referral=sent, at=at, outcome="no_answer")
    attempt = services.contact_attempt_log(
        actor=caseworker, referral=sent, at=at, outcome="no_answer", method=rules.AGREED_ROUTE
    )
    assert attempt.method == ContactAttempt.Method.AGREED_ROUTE


def test_the_agreed_route_needs_a_route():
    assert rules.method_problem(rules.AGREED_ROUTE, {"no_safe_number": True}) == rules.NO_ROUTE
    assert rules.method_problem(rules.AGREED_ROUTE, {"contact_through": "Her sister"}) is None


# --- 18. The police see only scheduled follow-ups -------------------------------------------------


def test_the_police_case_section_shows_only_scheduled_follow_ups(sent, order, caseworker):
    services.followup_add(actor=caseworker, referral=sent, due_at=when("2026-03-08T10:00:00+00:00"))
    kinds = [f["kind"] for f in followups_by_referral(sent.case)[sent.pk]]
    assert kinds == [FollowUp.Kind.AFTER_EXPIRY.label]


# --- 19. A breach report cannot be dated in the future ----------------------------------------


def test_a_breach_report_cannot_be_dated_in_the_future(accepted, caseworker):
    with pytest.raises(ActionRefused) as error:
        services.breach_report(
            actor=caseworker,
            referral=accepted,
            details="P seen outside.",
            occurred_at=timezone.now() + timedelta(hours=1),
        )
    assert error.value.message == services.BREACH_IN_FUTURE
    assert not Alert.objects.filter(kind=Alert.Kind.SUSPECTED_BREACH).exists()


# --- 20. The near-expiry call on the London wall clock --------------------------------------------


def test_the_near_expiry_call_is_two_days_before_on_the_london_clock():
    # The order ends Tue 31 Mar 2026 00:00 BST; the clocks went forward on Sun 29 Mar.
    ends = london("2026-03-31 00:00")
    planned = rules.followups_planned(
        order_expires_at=ends, order_ends_at=None, call_near_expiry=True
    )
    assert planned[rules.NEAR_EXPIRY] == london("2026-03-29 00:00")  # midnight GMT, not 23:00
