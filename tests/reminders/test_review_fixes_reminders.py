"""Fixes from the review of the reminders: each test failed before its fix."""

import logging

import pytest
from django.urls import reverse

from cases.models import Task
from dvpo import reminders
from dvpo.models import ReminderDelivery
from dvpo.reminders import KINDS, reminders_due, reminders_send
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from tests.helpers import when

pytestmark = pytest.mark.django_db

SENT_AT = when("2026-03-06T10:00:00+00:00")  # Fri: first contact due Mon 9 Mar 10:00


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(now=now)

    return run


def told(kind, step=None):
    rows = ReminderDelivery.objects.filter(kind=kind)
    if step is not None:
        rows = rows.filter(step=step * 60)
    return {d.recipient.username for d in rows}


@pytest.fixture
def with_service(draft_referral, caseworker, service_manager):
    """The draft, as if sent to the service on Fri 6 Mar 10:00."""
    Referral.objects.filter(pk=draft_referral.pk).update(
        status="sent", sent_at=SENT_AT, first_contact_due_at=when("2026-03-09T10:00:00+00:00")
    )
    draft_referral.refresh_from_db()
    return draft_referral


# --- 5. A moved deadline is reminded again ----------------------------------------------------


def test_a_moved_deadline_is_reminded_again(send, draft_referral, officer):
    send(when("2026-03-09T00:00:00+00:00"))  # 24 h before Tue 10 Mar 00:00
    assert told("referral_due", 24) == {"pc.test"}
    moved = when("2026-03-11T00:00:00+00:00")
    Referral.objects.filter(pk=draft_referral.pk).update(due_at=moved)
    send(when("2026-03-10T00:00:00+00:00"))  # 24 h before the new due time
    deliveries = ReminderDelivery.objects.filter(kind="referral_due", step=24 * 60)
    assert sorted(d.deadline for d in deliveries) == [draft_referral.due_at, moved]


# --- 6. New due kinds ------------------------------------------------------------------------


def test_first_contact_is_reminded_to_caseworkers_then_managers(send, with_service, officer):
    send(when("2026-03-09T10:00:00+00:00"))
    assert told("first_contact", 0) == {"cw.test"}
    send(when("2026-03-09T14:00:00+00:00"))
    assert told("first_contact", -4) == {"cw.test", "sm.test"}
    assert Alert.objects.filter(recipient__username="sm.test", referral=with_service).exists()


def test_an_attempt_ends_the_first_contact_reminders(send, with_service, caseworker):
    ContactAttempt.objects.create(
        referral=with_service,
        at=SENT_AT,
        outcome="no_answer",
        by=caseworker,
        recorded_at=SENT_AT,
    )
    send(when("2026-03-09T10:00:00+00:00"))
    assert told("first_contact") == set()


def test_an_escalated_referral_is_reminded_to_the_service_managers(send, with_service):
    Referral.objects.filter(pk=with_service.pk).update(
        escalated_at=when("2026-03-07T10:00:00+00:00")
    )
    send(when("2026-03-07T10:01:00+00:00"))
    assert told("referral_escalated", 0) == {"sm.test"}


@pytest.mark.parametrize("kind", [Task.Kind.PNC_ENTRY, Task.Kind.PNC_UPDATE])
def test_pnc_entry_and_update_tasks_are_reminded_to_the_owner(send, case, officer, kind):
    Task.objects.create(case=case, kind=kind, created_at=when("2026-03-06T09:00:00+00:00"))
    send(when("2026-03-06T09:01:00+00:00"))
    assert told(kind.value, 0) == {"pc.test"}


# --- 8. Returned referrals get no follow-up reminders -----------------------------------------


def test_a_returned_referrals_follow_ups_are_not_reminded(send, with_service):
    Referral.objects.filter(pk=with_service.pk).update(status="returned")
    FollowUp.objects.create(
        referral=with_service, kind="ongoing", due_at=when("2026-03-12T10:00:00+00:00")
    )
    send(when("2026-03-12T10:00:00+00:00"))
    assert told("followup") == set()


# --- 11. One failing delivery does not stop the scan -------------------------------------------


def test_one_failing_delivery_does_not_stop_the_scan(
    draft_referral, served_dvpn, officer, monkeypatch, caplog
):
    now = when("2026-03-09T08:00:00+00:00")  # hearing 1 h step and referral 24 h step
    due = reminders_due(now)
    assert {r.kind for r in due} >= {"hearing", "referral_due"}
    real = reminders.reminder_deliver

    def flaky(reminder, **kwargs):
        if reminder.kind == "hearing":
            raise RuntimeError("boom")
        return real(reminder, **kwargs)

    monkeypatch.setattr(reminders, "reminder_deliver", flaky)
    with caplog.at_level(logging.ERROR, logger="dvpo.reminders"):
        result = reminders_send(now=now)
    assert result["failed"] == 1 and result["sent"] >= 1
    assert told("referral_due") == {"pc.test"}
    assert "Reminder" in caplog.text and "hearing" in caplog.text


# --- 12. Notifications about what the person can no longer see are hidden ------------------------


def test_alerts_about_cases_no_longer_visible_are_hidden(client, supervisor, case, other_bcu):
    Alert.objects.create(
        recipient=supervisor,
        case=case,
        kind=Alert.Kind.REMINDER,
        message="1234567/26: something is due.",
        created_at=when("2026-03-06T09:00:00+00:00"),
    )
    client.force_login(supervisor)
    assert "1234567/26: something is due." in client.get(reverse("notifications")).content.decode()
    supervisor.bcu = other_bcu  # moved to another BCU: no longer sees the case
    supervisor.save(update_fields=["bcu"])
    page = client.get(reverse("notifications")).content.decode()
    assert "1234567/26: something is due." not in page
    assert reminders.unread_count(supervisor) == 0


def test_every_kind_has_steps():
    assert all(reminders.kind_steps(code) for code in KINDS)
