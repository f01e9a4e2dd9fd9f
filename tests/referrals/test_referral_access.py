"""Who sees what: confidentiality both ways, each role, and the list selectors."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from referrals import selectors, services
from referrals.models import Referral
from referrals.permissions import access_referral, referral_visibility
from tests.helpers import when
from tests.referrals.conftest import assess

pytestmark = pytest.mark.django_db

NOTES = "She said P keeps a spare key under the mat."


def visible(user):
    return list(Referral.objects.filter(referral_visibility(user)))


# --- The service side: its own referrals only ----------------------------------------------


def test_the_service_sees_a_referral_once_sent(draft, complete, officer, caseworker):
    assert visible(caseworker) == []
    with pytest.raises(Http404):
        access_referral(caseworker, draft.pk)
    services.referral_send(actor=officer, referral=complete, expected_version=None)
    assert visible(caseworker) == [draft]
    assert access_referral(caseworker, draft.pk, perm="dvpo.log_contact") == draft


@pytest.mark.parametrize(
    "who",
    [
        "other_caseworker",
        "officer",
        "dvpo_officer",
        "supervisor",
        "superintendent",
        "court_coordinator",
        "administrator",
        "outsider",
    ],
)
def test_everyone_outside_the_service_gets_404(sent, who, request):
    user = request.getfixturevalue(who)
    assert visible(user) == []
    with pytest.raises(Http404):
        access_referral(user, sent.pk)


def test_a_missing_referral_is_404(db, caseworker):
    with pytest.raises(Http404):
        access_referral(caseworker, 999999)


def test_a_caseworker_without_the_capability_gets_403(sent, caseworker):
    with pytest.raises(PermissionDenied):
        access_referral(caseworker, sent.pk, perm="dvpo.view_service_queues")


def test_a_declined_consent_never_reaches_the_service(draft, officer, caseworker):
    services.referral_consent_record(
        actor=officer,
        referral=draft,
        consent="declined",
        self_referral_explained=True,
        expected_version=None,
    )
    assert visible(caseworker) == []


def test_the_caseworker_sees_the_grade_never_the_dash_answers(sent, officer, victim):
    facts = selectors.referral_facts(sent)
    assert facts.risk_grade == "Medium"
    text = repr(facts)
    for police_only in ("answers", "yes_count", "rationale", "grounds", "P punched"):
        assert police_only not in text
    assert facts.victim_name == "Vicky Testperson"
    assert facts.safe_phone == "07700 900123" and facts.safe_times == "Weekdays after 18:00"
    assert facts.permissions["text_ok"] is False
    assert facts.address == ""  # no letters or visits allowed, so no address
    assert facts.crime_reference == "1234567/26" and facts.what_done == "P arrested; DVPN."


# --- The police side: status and outcomes, never the notes ---------------------------------------


def test_the_police_see_status_attempts_and_outcomes_never_notes(accepted, caseworker, march_6):
    march_6.move_to(when("2026-03-06T18:00:00+00:00"))
    services.contact_attempt_log(
        actor=caseworker,
        referral=accepted,
        at=when("2026-03-06T18:00:00+00:00"),
        outcome="no_answer",
        notes=NOTES,
    )
    with CaptureQueriesContext(connection) as queries:
        summaries = selectors.referrals_for_case(accepted.case)
    assert len(queries) == 2
    assert all('"notes"' not in q["sql"] for q in queries.captured_queries)
    (summary,) = summaries
    assert (summary.status, summary.service, summary.attempt_count) == (
        "Accepted",
        "Test Support",
        1,
    )
    assert summary.attempts[0].outcome == "No answer"
    assert summary.attempts[0].at == when("2026-03-06T18:00:00+00:00")
    assert "spare key" not in repr(summaries)


# --- The service's lists ------------------------------------------------------------------


@pytest.fixture
def second_case_high_risk(march_6, officer, bcu, instrument, service):
    """Another case, reported the same evening (same due time), graded high risk: a MARAC
    referral (it has no DVPN, which a MARAC referral does not need)."""
    from cases.models import Party
    from cases.services import case_create, party_add, safe_contact_save

    case = case_create(
        actor=officer,
        crime_reference="2222222/26",
        reported_at=when("2026-03-05T22:00:00+00:00"),
        bcu=bcu,
        location="x",
        summary="y",
    )
    victim = party_add(
        actor=officer, case=case, role=Party.Role.VICTIM, first_name="H", last_name="R"
    )
    safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=None,
        no_safe_number=True,
        contact_through="Her sister",
        permissions_confirmed=True,
        safe_times="Any",
    )
    assess(officer, case, victim, instrument, yes=15, grade="high")
    referral = services.referral_create(
        actor=officer, case=case, victim=victim, service=service, what_done="DASH.", kind="marac"
    )
    services.referral_consent_record(
        actor=officer, referral=referral, consent="given", expected_version=None
    )
    return services.referral_send(actor=officer, referral=referral, expected_version=None)


def test_inbox_by_due_time_then_highest_risk(
    sent, second_case_high_risk, caseworker, other_caseworker, django_assert_max_num_queries
):
    # Same due time (Tue 10 Mar 00:00): the high-risk one first.
    assert second_case_high_risk.due_at == sent.due_at
    with django_assert_max_num_queries(3):
        inbox = list(selectors.inbox(viewer=caseworker))
        names = [str(r.victim.person) for r in inbox]
    assert inbox == [second_case_high_risk, sent]
    assert names[0] == "H R" and inbox[0].grade == "high"
    assert list(selectors.inbox(viewer=other_caseworker)) == []


def test_manager_queue_has_escalated_and_overdue_first_contact(
    accepted, second_case_high_risk, caseworker, service_manager, march_6
):
    now = when("2026-03-06T12:00:00+00:00")
    assert list(selectors.manager_queue(viewer=service_manager, now=now)) == []
    for at in ("2026-03-06T18:00", "2026-03-07T10:00", "2026-03-08T14:00"):
        march_6.move_to(when(at + ":00+00:00"))
        services.contact_attempt_log(
            actor=caseworker, referral=accepted, at=when(at + ":00+00:00"), outcome="no_answer"
        )
    now = when("2026-03-10T12:00:00+00:00")  # past the due time; the second was never tried
    queue = list(selectors.manager_queue(viewer=service_manager, now=now))
    assert queue == [accepted, second_case_high_risk]
    assert list(selectors.manager_queue(viewer=caseworker, now=now)) == []


def test_followups_due_for_the_service(sent, order, caseworker, other_caseworker):
    before = order.expires_at - timedelta(minutes=1)
    assert list(selectors.followups_due(viewer=caseworker, now=before)) == []
    due = list(selectors.followups_due(viewer=caseworker, now=order.expires_at))
    assert [f.kind for f in due] == ["after_expiry"]
    assert list(selectors.followups_due(viewer=other_caseworker, now=order.expires_at)) == []


def test_contact_log_suggests_slots_not_tried(accepted, caseworker, march_6):
    march_6.move_to(when("2026-03-06T18:00:00+00:00"))
    services.contact_attempt_log(
        actor=caseworker,
        referral=accepted,
        at=when("2026-03-06T18:00:00+00:00"),
        outcome="no_answer",
    )
    log = selectors.contact_log(accepted)
    assert [slot.label for slot in log.tried] == ["Weekday evening (17:00 to 21:00)"]
    assert log.suggestions[0].label == "Weekday morning (8:00 to 12:00)"
    assert len(log.suggestions) == 5


def test_overdue_referrals_for_the_police(draft, officer, outsider):
    late = when("2026-03-10T00:01:00+00:00")
    assert list(selectors.referrals_overdue(viewer=officer, now=late)) == [draft]
    assert list(selectors.referrals_overdue(viewer=outsider, now=late)) == []
    assert list(selectors.referrals_overdue(viewer=officer, now=draft.due_at)) == []


def test_unread_alerts(sent, caseworker, officer):
    services.breach_report(actor=caseworker, referral=sent, details="P outside.")
    (alert,) = selectors.alerts_unread(viewer=officer)
    services.alert_read(actor=officer, alert=alert)
    assert list(selectors.alerts_unread(viewer=officer)) == []
