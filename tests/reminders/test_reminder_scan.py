"""The scan against a real database: who is told at each step, once; nobody who may not see
the case; rows no longer due are left alone; late catch-up sends the current step only."""

import pytest
from django.core import mail

from dvpo.models import BCU, ReminderDelivery
from dvpo.reminders import ALERT_KIND, KINDS, reminder_deliver, reminders_due, reminders_send
from referrals.models import Alert
from tests.helpers import when

SAT_24H = when("2026-03-07T09:00:00+00:00")
SAT_12H = when("2026-03-07T21:00:00+00:00")
MON_4H = when("2026-03-09T05:00:00+00:00")
MON_1H = when("2026-03-09T08:00:00+00:00")
MON_DEADLINE = when("2026-03-09T09:00:00+00:00")


def told(kind="hearing", step=None):
    rows = ReminderDelivery.objects.filter(kind=kind)
    if step is not None:
        rows = rows.filter(step=step * 60)
    return {d.recipient.username for d in rows}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """The scan, with the e-mails that go after commit."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(now=now)

    return run


def hearing_only(settings):
    """Serving the DVPN also opened a PNC entry task (its own reminders): leave it out."""
    settings.REMINDER_STEPS = {**settings.REMINDER_STEPS, "pnc_entry": []}


@pytest.fixture
def people(officer, dvpo_officer, supervisor, other_supervisor, outsider, caseworker, with_emails):
    return {"officer", "dvpo_officer", "supervisor"}


def test_each_hearing_step_tells_its_people(send, served_dvpn, people, settings):
    hearing_only(settings)
    assert send(when("2026-03-07T08:59:00+00:00")) == {"due": 0, "sent": 0}
    assert send(SAT_24H)["sent"] == 1
    assert told(step=24) == {"pc.test"}
    send(SAT_12H)
    assert told(step=12) == {"pc.test", "dvpo.test"}
    for moment, hours in ((MON_4H, 4), (MON_1H, 1), (MON_DEADLINE, 0)):
        send(moment)
        assert told(step=hours) == {"pc.test", "dvpo.test", "sgt.test"}  # not sgt.west
    assert not ReminderDelivery.objects.filter(late=True).exists()
    assert Alert.objects.filter(kind=ALERT_KIND).count() == 1 + 2 + 3 * 3


def test_the_reminder_says_what_is_due_and_when_in_london_time_without_names(
    send, served_dvpn, people, settings
):
    hearing_only(settings)
    send(SAT_24H)
    alert = Alert.objects.get(recipient__username="pc.test")
    assert alert.message == (
        "1234567/26: the DVPO application must be heard by Mon 9 Mar 2026, 09:00 (2 days left). "
        "24 counted hours remain: Sundays and bank holidays do not count."
    )
    assert alert.case_id == served_dvpn.case_id and alert.read_at is None
    (message,) = mail.outbox
    assert message.to == ["pc@example.test"]
    assert message.subject == "Reminder: hearing deadline for 1234567/26"
    assert f"/cases/{served_dvpn.case_id}/" in message.body
    assert "Vicky" not in message.body and "Testperson" not in message.body


def test_the_scan_run_twice_sends_once(send, served_dvpn, people):
    first = send(MON_4H)
    second = send(MON_4H.replace(minute=1))
    assert (first["sent"], second) == (3, {"due": 0, "sent": 0})
    assert ReminderDelivery.objects.count() == 3 and len(mail.outbox) == 3


def test_a_retry_after_the_scan_found_the_item_sends_nothing_twice(
    served_dvpn, people, django_capture_on_commit_callbacks
):
    (reminder,) = reminders_due(MON_4H)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_deliver(reminder, now=MON_4H) == 3
        assert reminder_deliver(reminder, now=MON_4H) == 0
    assert len(mail.outbox) == 3


def test_a_worker_down_for_hours_catches_up_with_the_current_step_only_marked_late(
    send, served_dvpn, people
):
    send(SAT_24H)
    # Down from before the 12 h step until an hour after the 4 h step.
    send(MON_4H.replace(hour=6))
    assert told(step=12) == set()  # not replayed
    late = ReminderDelivery.objects.filter(step=4 * 60)
    assert {d.recipient.username for d in late} == {"pc.test", "dvpo.test", "sgt.test"}
    assert all(d.late and d.due_at == MON_4H for d in late)
    assert "sent late" in Alert.objects.filter(recipient__username="sgt.test").get().message
    assert mail.outbox[-1].subject.startswith("Late reminder")


def test_nobody_is_told_about_a_case_they_can_no_longer_see(
    send, served_dvpn, people, officer, other_force
):
    elsewhere = BCU.objects.create(force=other_force, code="Y", name="Y BCU")
    officer.organisation, officer.bcu, officer.team = other_force, elsewhere, None
    officer.save()
    send(SAT_24H)
    assert told() == set() and not mail.outbox
    send(SAT_12H)
    assert told(step=12) == {"dvpo.test"}


def test_a_row_whose_deadline_moved_after_the_scan_is_not_reminded(served_dvpn, people):
    from cases.models import DVPN

    (reminder,) = reminders_due(MON_4H)
    DVPN.objects.filter(pk=served_dvpn.pk).update(
        hearing_deadline=when("2026-03-10T09:00:00+00:00")
    )
    assert reminder_deliver(reminder, now=MON_4H) == 0


def test_a_hearing_that_started_in_time_ends_the_hearing_reminders(
    send, served_dvpn, people, court, officer, court_coordinator, march_6
):
    from courts import services

    application = services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-07T10:00:00+00:00")
    )
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome="adjourned",
        adjournment_reason="Defence not ready.",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),
        expected_version=application.lock_version,
    )
    assert send(MON_4H) == {"due": 0, "sent": 0}


def test_the_production_deadline_escalates(send, arrested_breach, people):
    # Arrested Fri 6 Mar 22:00: before the court by Sat 7 Mar 22:00 (24 counted hours).
    assert arrested_breach.production_deadline == when("2026-03-07T22:00:00+00:00")
    send(when("2026-03-07T10:00:00+00:00"))
    assert told("production", 12) == {"pc.test", "dvpo.test"}
    send(when("2026-03-07T18:00:00+00:00"))
    assert told("production", 4) == {"pc.test", "dvpo.test", "sgt.test"}


def test_a_draft_referral_is_reminded_then_escalated_when_overdue(send, draft_referral, people):
    assert draft_referral.due_at == when("2026-03-10T00:00:00+00:00")
    send(when("2026-03-09T00:00:00+00:00"))
    assert told("referral_due", 24) == {"pc.test"}
    send(when("2026-03-10T00:00:00+00:00"))
    assert told("referral_due", 0) == {"pc.test", "sgt.test"}
    assert "must be sent by Tue 10 Mar 2026, 00:00 (due now)" in mail.outbox[-1].body


def test_an_order_expiring_tomorrow_and_today(send, order, people):
    # Made Sat 7 Mar for 28 days: last day Fri 3 Apr, ends Sat 4 Apr 00:00 BST.
    assert order.expires_at == when("2026-04-03T23:00:00+00:00")
    send(when("2026-04-01T23:00:00+00:00"))  # Thu 2 Apr 00:00 BST
    assert told("order_expiry", 48) == {"pc.test"}
    send(when("2026-04-02T23:00:00+00:00"))  # Fri 3 Apr 00:00 BST
    assert told("order_expiry", 24) == {"pc.test", "dvpo.test"}


def test_followups_go_to_the_service_and_never_to_another(
    send, served_dvpn, people, draft_referral, service_manager, caseworker, march_6
):
    from referrals.models import FollowUp, Referral

    # Sent to the service (the service paths are tested in tests/referrals).
    Referral.objects.filter(pk=draft_referral.pk).update(
        status="accepted", sent_at=when("2026-03-06T10:00:00+00:00")
    )
    FollowUp.objects.create(
        referral=draft_referral, kind="ongoing", due_at=when("2026-03-12T10:00:00+00:00")
    )
    send(when("2026-03-12T10:00:00+00:00"))
    assert told("followup", 0) == {"cw.test"}
    send(when("2026-03-13T10:00:00+00:00"))
    assert told("followup", -24) == {"cw.test", "sm.test"}
    link = Alert.objects.filter(recipient=caseworker).first()
    assert link.referral_id == draft_referral.pk


def test_every_kind_has_steps_in_settings_or_its_own_defaults(settings):
    assert set(settings.REMINDER_STEPS) <= set(KINDS)
    assert {code for code, kind in KINDS.items() if kind.default_steps} | set(
        settings.REMINDER_STEPS
    ) == set(KINDS)
