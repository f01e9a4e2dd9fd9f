"""Referral services: due instants, consent, completeness, the service's side, contact
attempts, escalation, follow-ups, suspected breaches and MARAC."""

from datetime import date, timedelta

import pytest

from cases.models import CaseEvent, Party, Task
from cases.services import case_create, party_add, safe_contact_save
from dvpo.errors import ActionRefused, EditConflict
from referrals import rules, services
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from referrals.selectors import referral_facts
from tests.helpers import decide, when
from tests.referrals.conftest import assess, hear

pytestmark = pytest.mark.django_db

TUE_10_MARCH = when("2026-03-10T00:00:00+00:00")
WED_11_MARCH = when("2026-03-11T00:00:00+00:00")
NOTES = "She said P keeps a spare key under the mat."


def events(case, kind):
    return list(case.events.filter(kind=kind).values_list("summary", flat=True))


def log(referral, actor, clock, at: str, outcome: str, **extra):
    """Log an attempt made at `at` (the clock moves there first)."""
    clock.move_to(when(at))
    return services.contact_attempt_log(
        actor=actor, referral=referral, at=when(at), outcome=outcome, **extra
    )


# --- Due instants -------------------------------------------------------------------------


def test_victims_code_referral_is_due_two_working_days_after_the_report(draft):
    # Reported Thu 5 Mar: Fri 6 and Mon 9 are the working days; due by Tue 10 Mar 00:00.
    assert draft.due_at == TUE_10_MARCH
    assert draft.status == Referral.Status.DRAFT
    assert "due by Tue 10 Mar 2026, 00:00" in events(draft.case, CaseEvent.Kind.REFERRAL_STARTED)[0]


def test_a_report_on_friday_is_due_by_wednesday(march_6, officer, bcu, service):
    case = case_create(
        actor=officer,
        crime_reference="7654321/26",
        reported_at=when("2026-03-06T08:00:00+00:00"),
        bcu=bcu,
        location="x",
        summary="y",
    )
    victim = party_add(
        actor=officer, case=case, role=Party.Role.VICTIM, first_name="A", last_name="B"
    )
    referral = services.referral_create(actor=officer, case=case, victim=victim, service=service)
    assert referral.due_at == WED_11_MARCH


def test_dvpo_support_is_due_two_working_days_after_authorisation(served_dvpn, victim, officer):
    # Authorised Fri 6 Mar 09:00: Mon 9 and Tue 10 are the working days.
    referral = services.referral_create(
        actor=officer, case=served_dvpn.case, victim=victim, kind=rules.DVPO_SUPPORT
    )
    assert referral.due_at == WED_11_MARCH


def test_dvpo_support_needs_an_authorised_dvpn(march_6, case, victim, officer):
    with pytest.raises(ActionRefused, match="follows the authorisation of a DVPN"):
        services.referral_create(actor=officer, case=case, victim=victim, kind=rules.DVPO_SUPPORT)
    assert not Referral.objects.exists()


def test_calendar_changes_move_the_due_time(draft, administrator):
    from dvpo.deadlines import Calendar

    calendar = Calendar(added={date(2026, 3, 9): "A proclaimed holiday"})
    assert services.referral_deadlines_recompute(actor=administrator, calendar=calendar) == 1
    draft.refresh_from_db()
    assert draft.due_at == WED_11_MARCH


# --- Starting a referral ----------------------------------------------------------------------


def test_one_open_referral_of_each_kind_per_victim(draft, officer, service):
    with pytest.raises(ActionRefused, match="already has an open Victims' Code referral"):
        services.referral_create(actor=officer, case=draft.case, victim=draft.victim)


def test_only_a_victim_of_this_case(march_6, case, perpetrator, officer):
    with pytest.raises(ActionRefused, match="Choose a victim on this case"):
        services.referral_create(actor=officer, case=case, victim=perpetrator)


def test_the_service_must_be_a_support_service(march_6, case, victim, officer, force):
    with pytest.raises(ActionRefused, match="Choose a support service"):
        services.referral_create(actor=officer, case=case, victim=victim, service=force)


@pytest.mark.parametrize("who", ["caseworker", "supervisor", "outsider", "court_coordinator"])
def test_only_officers_on_the_case_refer(march_6, case, victim, who, request):
    with pytest.raises(ActionRefused, match="permission to refer"):
        services.referral_create(actor=request.getfixturevalue(who), case=case, victim=victim)


def test_update_only_while_a_draft_and_with_the_version(draft, officer, other_service):
    changed = services.referral_update(
        actor=officer, referral=draft, expected_version=draft.lock_version, service=other_service
    )
    assert changed.service == other_service
    with pytest.raises(EditConflict):
        services.referral_update(
            actor=officer, referral=draft, expected_version=draft.lock_version, what_done="x"
        )
    with pytest.raises(ActionRefused, match="Cannot change due_at"):
        services.referral_update(
            actor=officer, referral=changed, expected_version=changed.lock_version, due_at=None
        )


# --- Consent ----------------------------------------------------------------------------------


def test_consent_given_is_recorded_with_who_and_when(complete, officer):
    assert complete.consent == Referral.Consent.GIVEN
    assert complete.consent_recorded_by == officer
    assert complete.consent_recorded_at == when("2026-03-06T09:00:00+00:00")
    assert complete.status == Referral.Status.DRAFT and complete.duty_met_at is None


def test_a_refusal_needs_the_self_referral_explained(draft, officer):
    with pytest.raises(ActionRefused, match="refer themselves") as error:
        services.referral_consent_record(
            actor=officer, referral=draft, consent="declined", expected_version=draft.lock_version
        )
    assert error.value.field == "self_referral_explained"
    draft.refresh_from_db()
    assert draft.consent == Referral.Consent.NOT_ASKED


def test_a_refusal_is_recorded_meets_the_duty_and_is_never_sent(draft, officer):
    declined = services.referral_consent_record(
        actor=officer,
        referral=draft,
        consent="declined",
        self_referral_explained=True,
        expected_version=draft.lock_version,
    )
    now = when("2026-03-06T09:00:00+00:00")
    assert declined.status == Referral.Status.CLOSED
    assert declined.duty_met_at == now and declined.consent_recorded_at == now
    assert declined.sent_at is None
    assert "declined the referral" in events(draft.case, CaseEvent.Kind.REFERRAL_CONSENT)[0]
    with pytest.raises(ActionRefused, match="This referral is closed, so it cannot be sent"):
        services.referral_send(
            actor=officer, referral=declined, expected_version=declined.lock_version
        )


def test_consent_must_be_an_answer(draft, officer):
    with pytest.raises(ActionRefused, match="gave or declined"):
        services.referral_consent_record(
            actor=officer, referral=draft, consent="not_asked", expected_version=None
        )


# --- Completeness and sending ------------------------------------------------------------------


def test_sending_an_empty_referral_lists_everything_missing(march_6, case, victim, officer):
    referral = services.referral_create(actor=officer, case=case, victim=victim)
    with pytest.raises(services.ReferralIncomplete) as error:
        services.referral_send(actor=officer, referral=referral, expected_version=None)
    assert [field for field, _ in error.value.missing] == [
        "service",
        "consent",
        "safe_phone",
        "permissions_confirmed",
        "safe_times",
        "risk_grade",
        "what_done",
    ]  # a Victims' Code referral may go before any DVPN (no "order" here)
    assert error.value.message.startswith("The referral cannot be sent yet. Choose the support")
    assert rules.ORDER_UNKNOWN not in error.value.message
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT and referral.sent_at is None


def test_permissions_must_have_been_asked(complete, officer, victim):
    contact = victim.safe_contact
    safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=contact.lock_version,
        permissions_confirmed=False,
    )
    with pytest.raises(services.ReferralIncomplete) as error:
        services.referral_send(actor=officer, referral=complete, expected_version=None)
    assert error.value.missing == [("permissions_confirmed", rules.PERMISSIONS_NEEDED)]


def test_an_authorised_but_unserved_dvpn_has_no_known_end(
    march_6, submitted_dvpn, superintendent, draft, safe_contact, risk, officer
):
    decide(submitted_dvpn, by=superintendent)
    services.referral_consent_record(
        actor=officer, referral=draft, consent="given", expected_version=None
    )
    with pytest.raises(services.ReferralIncomplete) as error:
        services.referral_send(actor=officer, referral=draft, expected_version=None)
    assert error.value.missing == [("order", rules.ORDER_EXPIRY_NEEDED.format(kind="DVPN"))]


def test_sending_a_complete_referral(sent, officer, service):
    assert sent.status == Referral.Status.SENT
    assert sent.sent_by == officer and sent.duty_met_at == sent.sent_at
    assert events(sent.case, CaseEvent.Kind.REFERRAL_SENT) == [
        "Victims' Code referral sent to Test Support"
    ]
    assert sent.history.first().history_user == officer


def test_send_checks_the_version(complete, officer):
    with pytest.raises(EditConflict):
        services.referral_send(
            actor=officer, referral=complete, expected_version=complete.lock_version - 1
        )


def test_a_referral_goes_out_when_the_dvpn_was_refused(
    march_6, submitted_dvpn, superintendent, draft, safe_contact, risk, officer
):
    decide(submitted_dvpn, by=superintendent, authorise=False, reasons="Not necessary.")
    services.referral_consent_record(
        actor=officer, referral=draft, consent="given", expected_version=None
    )
    sent = services.referral_send(actor=officer, referral=draft, expected_version=None)
    facts = referral_facts(sent)
    assert (facts.order.kind, facts.order.status, facts.order.live) == ("DVPN", "Refused", False)


def test_a_referral_goes_out_when_the_dvpo_was_refused(
    complete, application, court_coordinator, march_6, officer
):
    hear(application, court_coordinator, march_6, "refused")
    sent = services.referral_send(actor=officer, referral=complete, expected_version=None)
    assert referral_facts(sent).order.status == "Ended: DVPO application refused"


def test_order_facts_stay_current_after_sending(sent, order):
    facts = referral_facts(sent)
    assert facts.order.kind == "DVPO" and facts.order.status == "In force"
    assert facts.order.ends_at == order.expires_at == when("2026-04-04T00:00:00+01:00")
    assert facts.order.prohibitions[0] == "P must not molest the victim"


def test_a_served_dvpn_shows_until_when(sent):
    order = referral_facts(sent).order
    assert order.kind == "DVPN" and order.live
    assert order.ends_note.endswith("the hearing must start by Mon 9 Mar 2026, 09:00")


# --- The service's side -------------------------------------------------------------------------


def test_the_service_accepts(accepted, caseworker):
    assert accepted.status == Referral.Status.ACCEPTED and accepted.accepted_by == caseworker
    assert events(accepted.case, CaseEvent.Kind.REFERRAL_ACCEPTED) == ["Accepted by Test Support"]


@pytest.mark.parametrize("who", ["other_caseworker", "officer", "administrator"])
def test_only_the_service_accepts(sent, who, request):
    with pytest.raises(ActionRefused, match="permission to do that on this referral"):
        services.referral_accept(
            actor=request.getfixturevalue(who), referral=sent, expected_version=None
        )


def test_declining_returns_it_to_the_police_with_an_alert_for_the_owner(
    sent, caseworker, officer, supervisor
):
    with pytest.raises(ActionRefused, match="Give the reason"):
        services.referral_decline(
            actor=caseworker, referral=sent, reason=" ", expected_version=None
        )
    returned = services.referral_decline(
        actor=caseworker, referral=sent, reason="Out of our area.", expected_version=None
    )
    assert returned.status == Referral.Status.RETURNED
    assert returned.return_kind == Referral.ReturnKind.DECLINED
    assert events(sent.case, CaseEvent.Kind.REFERRAL_RETURNED) == [
        "Test Support: declined by the service. Out of our area."
    ]
    alerts = Alert.objects.filter(kind=Alert.Kind.REFERRAL_RETURNED)
    assert {alert.recipient for alert in alerts} == {officer, supervisor}  # owner and BCU sgt
    assert Alert.objects.count() == 2


def test_a_returned_referral_can_be_made_again(sent, caseworker, officer, other_service):
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Full.", expected_version=None
    )
    again = services.referral_create(
        actor=officer, case=sent.case, victim=sent.victim, service=other_service
    )
    assert again.status == Referral.Status.DRAFT


# --- Contact attempts ---------------------------------------------------------------------------


def test_a_withheld_call_is_logged_with_its_confidential_notes(accepted, caseworker, march_6):
    attempt = log(
        accepted, caseworker, march_6, "2026-03-06T18:30:00+00:00", "no_answer", notes=NOTES
    )
    assert attempt.method == ContactAttempt.Method.PHONE_WITHHELD and attempt.notes == NOTES
    assert attempt.by == caseworker


@pytest.mark.parametrize(
    ("method", "reason"),
    [
        ("text", "has not agreed to texts"),
        ("voicemail", "has not agreed to voicemails"),
        ("phone_shown", "call from a withheld number"),
        ("letter", "has not agreed to letters"),
        ("visit", "has not agreed to visits"),
        ("email", "has not agreed to e-mails"),
    ],
)
def test_methods_the_victim_did_not_allow_are_refused(
    accepted, caseworker, march_6, method, reason
):
    with pytest.raises(ActionRefused, match=reason) as error:
        log(accepted, caseworker, march_6, "2026-03-06T18:30:00+00:00", "no_answer", method=method)
    assert error.value.field == "method"
    assert not ContactAttempt.objects.exists()


def test_methods_the_victim_allowed_are_accepted(accepted, caseworker, march_6, officer, victim):
    safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=victim.safe_contact.lock_version,
        text_ok=True,
        identify_ok=True,
    )
    log(accepted, caseworker, march_6, "2026-03-06T18:30:00+00:00", "no_answer", method="text")
    log(accepted, caseworker, march_6, "2026-03-06T19:30:00+00:00", "spoke", method="phone_shown")
    assert accepted.attempts.count() == 2


def test_attempt_times_are_checked(accepted, caseworker):
    with pytest.raises(ActionRefused, match="cannot be in the future"):
        services.contact_attempt_log(
            actor=caseworker,
            referral=accepted,
            at=when("2026-03-06T10:00:00+00:00"),
            outcome="no_answer",
        )
    with pytest.raises(ActionRefused, match="before the referral was sent"):
        services.contact_attempt_log(
            actor=caseworker,
            referral=accepted,
            at=when("2026-03-06T08:00:00+00:00"),
            outcome="no_answer",
        )


def test_attempts_only_while_the_service_has_it(sent, caseworker, march_6, other_caseworker):
    with pytest.raises(ActionRefused, match="permission"):
        log(sent, other_caseworker, march_6, "2026-03-06T18:00:00+00:00", "no_answer")
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Full.", expected_version=None
    )
    with pytest.raises(ActionRefused, match="returned to the police: contact attempts"):
        log(sent, caseworker, march_6, "2026-03-06T18:30:00+00:00", "no_answer")


def test_escalation_after_exactly_three_failed_attempts(accepted, caseworker, march_6):
    log(accepted, caseworker, march_6, "2026-03-06T18:00:00+00:00", "no_answer")
    log(accepted, caseworker, march_6, "2026-03-07T10:00:00+00:00", "engaged")
    accepted.refresh_from_db()
    assert accepted.escalated_at is None
    log(accepted, caseworker, march_6, "2026-03-09T13:00:00+00:00", "wrong_number")
    accepted.refresh_from_db()
    assert accepted.escalated_at == when("2026-03-09T13:00:00+00:00")
    log(accepted, caseworker, march_6, "2026-03-09T19:00:00+00:00", "no_answer")
    accepted.refresh_from_db()
    assert accepted.escalated_at == when("2026-03-09T13:00:00+00:00")  # once only


def test_the_escalation_threshold_is_a_setting(accepted, caseworker, march_6, settings):
    settings.REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS = 2
    log(accepted, caseworker, march_6, "2026-03-06T18:00:00+00:00", "no_answer")
    log(accepted, caseworker, march_6, "2026-03-07T10:00:00+00:00", "no_answer")
    accepted.refresh_from_db()
    assert accepted.escalated_at is not None


def test_no_escalation_once_the_victim_was_reached(accepted, caseworker, march_6):
    log(accepted, caseworker, march_6, "2026-03-06T18:00:00+00:00", "spoke")
    for at in ("2026-03-07T10:00", "2026-03-08T10:00", "2026-03-09T10:00"):
        log(accepted, caseworker, march_6, at + ":00+00:00", "no_answer")
    accepted.refresh_from_db()
    assert accepted.escalated_at is None


def test_unable_to_contact_returns_it_to_the_police(accepted, caseworker, march_6, officer):
    log(accepted, caseworker, march_6, "2026-03-06T18:00:00+00:00", "no_answer")
    returned = services.referral_unable_to_contact(
        actor=caseworker, referral=accepted, reason="Six calls, no answer.", expected_version=None
    )
    assert returned.status == Referral.Status.RETURNED
    assert returned.return_kind == Referral.ReturnKind.UNABLE_TO_CONTACT
    assert Alert.objects.get().recipient == officer


def test_closing_when_support_is_finished(accepted, caseworker):
    closed = services.referral_close(actor=caseworker, referral=accepted, expected_version=None)
    assert closed.status == Referral.Status.CLOSED
    assert events(accepted.case, CaseEvent.Kind.REFERRAL_CLOSED) == ["Closed by Test Support"]


# --- Follow-ups -----------------------------------------------------------------------------------


def test_an_order_made_after_sending_schedules_the_after_expiry_call(sent, order, officer):
    followup = FollowUp.objects.get(referral=sent)
    assert followup.kind == FollowUp.Kind.AFTER_EXPIRY and followup.due_at == order.expires_at
    assert services.followups_for_case_schedule(case=sent.case, actor=officer) == 1
    assert services.followups_schedule(referral=sent, actor=officer)[0].pk == followup.pk
    assert FollowUp.objects.count() == 1


def test_sending_after_the_order_was_made_schedules_it(complete, order, officer):
    assert not FollowUp.objects.exists()
    services.referral_send(actor=officer, referral=complete, expected_version=None)
    assert FollowUp.objects.get().due_at == order.expires_at


def test_no_followups_without_an_order(sent, officer):
    assert services.followups_schedule(referral=sent, actor=officer) == []


def test_no_followups_for_a_referral_not_sent_or_returned(draft, sent, caseworker, officer):
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Full.", expected_version=None
    )
    sent.refresh_from_db()
    assert services.followups_schedule(referral=sent, actor=officer) == []


def test_a_victim_who_declines_support_may_agree_to_a_call_near_expiry(
    accepted, order, caseworker, march_6
):
    log(
        accepted,
        caseworker,
        march_6,
        "2026-03-07T14:00:00+00:00",
        "declined_support",
        call_near_expiry=True,
    )
    due = dict(FollowUp.objects.values_list("kind", "due_at"))
    assert due == {
        "after_expiry": order.expires_at,
        "near_expiry": order.expires_at - timedelta(days=2),
    }


def test_a_call_near_expiry_only_when_support_is_declined(accepted, caseworker, march_6):
    with pytest.raises(ActionRefused, match="when the victim declines support"):
        log(
            accepted,
            caseworker,
            march_6,
            "2026-03-06T18:00:00+00:00",
            "no_answer",
            call_near_expiry=True,
        )


def test_followups_are_done_with_an_outcome_and_added_for_ongoing_support(sent, order, caseworker):
    followup = FollowUp.objects.get()
    with pytest.raises(ActionRefused, match="Say what happened"):
        services.followup_done(
            actor=caseworker, followup=followup, outcome="", expected_version=None
        )
    done = services.followup_done(
        actor=caseworker, followup=followup, outcome="Safe.", expected_version=None
    )
    assert done.done_by == caseworker
    with pytest.raises(ActionRefused, match="already done"):
        services.followup_done(
            actor=caseworker, followup=followup, outcome="Again.", expected_version=None
        )
    later = services.followup_add(
        actor=caseworker, referral=sent, due_at=when("2026-05-01T10:00:00+01:00")
    )
    assert later.kind == FollowUp.Kind.ONGOING


# --- Suspected breach ---------------------------------------------------------------------------


@pytest.fixture
def with_emails(officer, supervisor, other_supervisor):
    for user in (officer, supervisor, other_supervisor):
        user.email = f"{user.username}@police.example"
        user.save(update_fields=["email"])


@pytest.mark.parametrize("outcome", ["p_present", "unsafe_to_talk"])
def test_an_attempt_finding_p_alerts_the_owner_and_bcu_supervisors_and_mails_on_commit(
    accepted,
    caseworker,
    march_6,
    officer,
    supervisor,
    other_supervisor,
    with_emails,
    outcome,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log(accepted, caseworker, march_6, "2026-03-06T18:00:00+00:00", outcome, notes=NOTES)
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    alerts = Alert.objects.filter(kind=Alert.Kind.SUSPECTED_BREACH)
    assert {a.recipient for a in alerts} == {officer, supervisor}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "pc.test@police.example",
        "sgt.test@police.example",
    ]
    mail = mailoutbox[0]
    assert mail.subject == "Suspected breach: case 1234567/26"
    assert f"/cases/{accepted.case_id}/" in mail.body
    summary = events(accepted.case, CaseEvent.Kind.SUSPECTED_BREACH)[0]
    for text in [mail.body, mail.subject, alerts[0].message, summary]:
        assert "spare key" not in text and "Vicky" not in text and "07700" not in text


def test_a_caseworker_reports_a_breach(
    sent, caseworker, officer, supervisor, with_emails, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with pytest.raises(ActionRefused, match="Say what suggests a breach"):
        services.breach_report(actor=caseworker, referral=sent, details=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.breach_report(
            actor=caseworker, referral=sent, details="Victim texted that P is outside."
        )
    assert Alert.objects.count() == 2 and len(mailoutbox) == 2
    assert "P is outside" not in mailoutbox[0].body
    assert events(sent.case, CaseEvent.Kind.SUSPECTED_BREACH) == [
        "Test Support: reported: Victim texted that P is outside."
    ]


def test_another_service_cannot_report_a_breach(sent, other_caseworker):
    with pytest.raises(ActionRefused, match="permission"):
        services.breach_report(actor=other_caseworker, referral=sent, details="x")


def test_alerts_are_read_by_their_recipient_only(sent, caseworker, officer, supervisor):
    services.breach_report(actor=caseworker, referral=sent, details="P outside.")
    alert = Alert.objects.get(recipient=officer)
    with pytest.raises(ActionRefused, match="for someone else"):
        services.alert_read(actor=supervisor, alert=alert)
    assert services.alert_read(actor=officer, alert=alert).read_at is not None


# --- MARAC ---------------------------------------------------------------------------------


def test_marac_is_for_high_risk(complete, officer):
    with pytest.raises(ActionRefused, match="risk grade is medium"):
        services.referral_create(
            actor=officer, case=complete.case, victim=complete.victim, kind=rules.MARAC
        )


def test_a_marac_referral_closes_the_marac_task_and_records_the_outcome(
    march_6, case, victim, officer, instrument, safe_contact, service
):
    assess(officer, case, victim, instrument, yes=15, grade="high")
    assert case.tasks.get().kind == Task.Kind.MARAC_REFERRAL
    marac = services.referral_create(
        actor=officer,
        case=case,
        victim=victim,
        kind=rules.MARAC,
        service=service,
        what_done="DASH high.",
    )
    services.referral_consent_record(
        actor=officer, referral=marac, consent="given", expected_version=None
    )
    marac = services.referral_send(actor=officer, referral=marac, expected_version=None)  # no DVPN
    assert case.tasks.get().done_at is not None
    marac = services.marac_outcome_record(
        actor=officer,
        referral=marac,
        meeting_date=date(2026, 3, 12),
        outcome="IDVA allocated; housing referral.",
        expected_version=marac.lock_version,
    )
    assert events(case, CaseEvent.Kind.MARAC_OUTCOME) == [
        "Meeting Thu 12 Mar 2026: IDVA allocated; housing referral."
    ]


def test_only_marac_referrals_have_an_outcome(sent, officer):
    with pytest.raises(ActionRefused, match="Only a MARAC referral"):
        services.marac_outcome_record(
            actor=officer,
            referral=sent,
            meeting_date=date(2026, 3, 12),
            outcome="x",
            expected_version=None,
        )
