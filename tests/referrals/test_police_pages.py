"""The police side of a referral to support: the case page's referral section, starting,
completing (what is missing), consent, sending, MARAC outcome, and the alerts page.

Police users never see a caseworker's notes; caseworkers and outsiders get 404 on every
police-side URL."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import DVPN
from dvpo.errors import EditConflict
from referrals import rules, services
from referrals.forms.police import CHOOSE_CONSENT, MEETING_DATE_NEEDED
from referrals.models import Alert, Referral
from tests.helpers import decide
from tests.referrals.conftest import SAFE_CONTACT, assess

pytestmark = pytest.mark.django_db

NOTES = "She said P keeps a spare key under the mat."
FOLLOWUP_NOTE = "Talked about moving to her sister's flat."


def text(response):
    return response.content.decode()


def case_url(case):
    return reverse("case_detail", args=[case.pk])


def url(name, referral):
    return reverse(name, args=[referral.case_id, referral.pk])


def new_url(case):
    return reverse("referral_new", args=[case.pk])


def shows(page, message):
    return escape(message) in page


# --- The "Done when" path: refused first, then sent ------------------------------------------


def test_an_officer_refers_a_victim_refused_first_then_sent(
    client, officer, case, victim, service, served_dvpn, instrument
):
    client.force_login(officer)
    page = text(client.get(case_url(case)))
    assert "Support referrals" in page and "No referrals to support yet." in page
    assert new_url(case) in page and "Refer to a support service" in page

    response = client.post(
        new_url(case),
        {
            "victim": victim.pk,
            "kind": "victims_code",
            "service": service.pk,
            "what_done": "P arrested; DVPN served.",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == url("referral_detail", referral)
    assert (referral.status, referral.service, referral.created_by) == ("draft", service, officer)

    page = text(client.get(response.url))
    assert "Before you can send this referral" in page
    for message in (
        rules.CONSENT_NEEDED,
        rules.SAFE_NUMBER_NEEDED,
        rules.PERMISSIONS_NEEDED,
        rules.SAFE_TIMES_NEEDED,
        rules.RISK_GRADE_NEEDED,
    ):
        assert shows(page, message)
    assert "Tue 10 Mar 2026, 00:00" in page  # the due time (deadline tag)

    # Sending now is refused, listing every missing item with a link to put it right.
    version = str(referral.lock_version)
    response = client.post(url("referral_send", referral), {"expected_version": version})
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page and "The referral cannot be sent yet" in page
    for message in (
        rules.CONSENT_NEEDED,
        rules.SAFE_NUMBER_NEEDED,
        rules.PERMISSIONS_NEEDED,
        rules.SAFE_TIMES_NEEDED,
        rules.RISK_GRADE_NEEDED,
    ):
        assert shows(page, message)
    contact = reverse("safe_contact", args=[case.pk, victim.pk])
    assert f'href="{contact}#id_safe_phone"' in page
    assert f'href="{reverse("risk_new", args=[case.pk])}?victim={victim.pk}"' in page
    assert f'href="{url("referral_consent", referral)}"' in page
    referral.refresh_from_db()
    assert referral.status == "draft" and referral.sent_at is None

    # Put each right, then send.
    client.post(contact, {"expected_version": "0", **SAFE_CONTACT, "permissions_confirmed": "on"})
    assess(officer, case, victim, instrument, yes=4, grade="medium")
    response = client.post(
        url("referral_consent", referral), {"expected_version": version, "consent": "given"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    page = text(client.get(url("referral_detail", referral)))
    assert "Before you can send this referral" not in page
    response = client.post(
        url("referral_send", referral),
        {"expected_version": str(referral.lock_version)},
        follow=True,
    )
    page = text(response)
    assert "Referral sent to Test Support. It was due by Tue 10 Mar 2026, 00:00." in page
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.sent_by == officer and referral.duty_met_at

    page = text(client.get(case_url(case)))
    assert "Sent" in page and "Test Support" in page
    assert 'data-testid="attempts">0' in page


# --- Each missing item, with its link ------------------------------------------------------


def test_every_missing_item_shows_on_the_page_with_its_link(client, officer, case, victim):
    referral = services.referral_create(actor=officer, case=case, victim=victim)
    client.force_login(officer)
    page = text(client.get(url("referral_detail", referral)))
    expected = {
        rules.SERVICE_NEEDED: url("referral_edit", referral) + "#id_service",
        rules.CONSENT_NEEDED: url("referral_consent", referral),
        rules.SAFE_NUMBER_NEEDED: reverse("safe_contact", args=[case.pk, victim.pk])
        + "#id_safe_phone",
        rules.PERMISSIONS_NEEDED: reverse("safe_contact", args=[case.pk, victim.pk])
        + "#id_permissions_confirmed",
        rules.SAFE_TIMES_NEEDED: reverse("safe_contact", args=[case.pk, victim.pk])
        + "#id_safe_times",
        rules.RISK_GRADE_NEEDED: reverse("risk_new", args=[case.pk]) + f"?victim={victim.pk}",
        rules.WHAT_DONE_NEEDED: url("referral_edit", referral) + "#id_what_done",
    }
    for message, link in expected.items():
        assert f'<a href="{link}">{escape(message)}</a>' in page, message
    assert not shows(page, rules.ORDER_UNKNOWN)  # a Victims' Code referral needs no DVPN yet


def test_an_authorised_dvpn_not_yet_served_asks_for_service(
    client, march_6, officer, superintendent, submitted_dvpn, victim, service
):

    dvpn = decide(submitted_dvpn, by=superintendent)
    assert dvpn.status == DVPN.Status.AUTHORISED
    referral = services.referral_create(
        actor=officer, case=dvpn.case, victim=victim, service=service, what_done="DVPN."
    )
    client.force_login(officer)
    page = text(client.get(url("referral_detail", referral)))
    message = rules.ORDER_EXPIRY_NEEDED.format(kind="DVPN")
    link = reverse("dvpn_serve", args=[dvpn.case_id, dvpn.pk])
    assert f'<a href="{link}">{escape(message)}</a>' in page


def test_a_complete_referral_shows_what_the_service_will_see(client, complete, officer):
    client.force_login(officer)
    page = text(client.get(url("referral_detail", complete)))
    assert "Before you can send this referral" not in page
    assert "07700 900123" in page and "Weekdays after 18:00" in page
    assert "Medium" in page and "P must not molest the victim" in page
    assert "P arrested; DVPN." in page
    assert "A fictional incident." not in page  # the incident summary stays with the police
    assert "Send the referral to Test Support" in page


# --- Consent -------------------------------------------------------------------------------


def test_consent_given_records_who_and_when(client, draft, officer):
    client.force_login(officer)
    page = text(client.get(url("referral_consent", draft)))
    assert "Does Vicky agree to the referral?" in page
    response = client.post(
        url("referral_consent", draft),
        {"expected_version": str(draft.lock_version), "consent": "given"},
        follow=True,
    )
    page = text(response)
    assert "Consent recorded: the victim agrees to the referral" in page
    draft.refresh_from_db()
    assert (draft.consent, draft.consent_recorded_by, draft.status) == ("given", officer, "draft")
    assert draft.consent_recorded_at == timezone.now()
    assert "Recorded by" in page and "Fri 6 Mar 2026, 09:00" in page


def test_consent_declined_needs_the_self_referral_advice(client, draft, officer):
    client.force_login(officer)
    response = client.post(
        url("referral_consent", draft),
        {"expected_version": str(draft.lock_version), "consent": "declined"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page and shows(page, services.SELF_REFERRAL_NEEDED)
    assert "govuk-form-group--error" in page
    draft.refresh_from_db()
    assert (draft.consent, draft.status) == ("not_asked", "draft")


def test_consent_declined_closes_it_and_meets_the_duty(client, draft, officer):
    client.force_login(officer)
    response = client.post(
        url("referral_consent", draft),
        {
            "expected_version": str(draft.lock_version),
            "consent": "declined",
            "self_referral_explained": "on",
        },
        follow=True,
    )
    page = text(response)
    assert "The victim&#x27;s refusal is recorded at Fri 6 Mar 2026, 09:00" in page
    assert "the Victims&#x27; Code duty is met" in page
    draft.refresh_from_db()
    assert (draft.consent, draft.status) == ("declined", "closed")
    assert draft.duty_met_at == timezone.now() and draft.self_referral_explained
    assert "Send the referral" not in page  # closed: no actions
    assert url("referral_consent", draft) not in page
    # Nothing more can be done with it.
    response = client.get(url("referral_consent", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    version = str(draft.lock_version)
    response = client.post(url("referral_send", draft), {"expected_version": version})
    assert shows(text(response), "This referral is closed, so it cannot be sent.")


def test_consent_not_asked_yet(client, draft, officer):
    client.force_login(officer)
    page = text(client.get(url("referral_detail", draft)))
    assert "Not asked yet" in page and shows(page, rules.CONSENT_NEEDED)
    response = client.post(
        url("referral_consent", draft), {"expected_version": str(draft.lock_version)}
    )
    page = text(response)
    assert "<title>Error: " in page and CHOOSE_CONSENT in page
    draft.refresh_from_db()
    assert draft.consent == "not_asked" and draft.consent_recorded_at is None


# --- Edit ------------------------------------------------------------------------------------


def test_editing_a_draft(client, march_6, officer, case, victim, service):
    referral = services.referral_create(actor=officer, case=case, victim=victim)
    client.force_login(officer)
    page = text(client.get(url("referral_edit", referral)))
    assert "Test Support" in page
    assert f'name="expected_version" value="{referral.lock_version}"' in page
    response = client.post(
        url("referral_edit", referral),
        {
            "expected_version": str(referral.lock_version),
            "service": service.pk,
            "what_done": "  Safeguarding visit. ",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.service, referral.what_done) == (service, "Safeguarding visit.")


def test_a_sent_referral_cannot_be_edited(client, sent, officer):
    client.force_login(officer)
    response = client.get(url("referral_edit", sent), follow=True)
    assert "Only a draft referral can be changed; this one is sent." in text(response)
    response = client.post(url("referral_edit", sent), {"expected_version": "3", "what_done": "x"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.what_done == "P arrested; DVPN."


def test_a_stale_version_is_a_conflict_on_edit(client, draft, officer, dvpo_officer, service):
    seen = draft.lock_version
    services.referral_update(
        actor=dvpo_officer, referral=draft, expected_version=seen, what_done="Changed by someone."
    )
    client.force_login(officer)
    response = client.post(
        url("referral_edit", draft), {"expected_version": str(seen), "what_done": "Mine."}
    )
    assert response.status_code == 200 and shows(text(response), EditConflict.MESSAGE)
    draft.refresh_from_db()
    assert draft.what_done == "Changed by someone."


def test_a_stale_version_is_a_conflict_on_consent_and_send(client, complete, officer):
    client.force_login(officer)
    stale = str(complete.lock_version - 1)
    response = client.post(
        url("referral_consent", complete), {"expected_version": stale, "consent": "declined"}
    )
    assert shows(text(response), EditConflict.MESSAGE)
    response = client.post(url("referral_send", complete), {"expected_version": stale})
    assert response.status_code == 200 and shows(text(response), EditConflict.MESSAGE)
    complete.refresh_from_db()
    assert (complete.status, complete.consent) == ("draft", "given")


# --- MARAC ---------------------------------------------------------------------------------


def test_a_marac_referral_and_its_outcome(
    client, march_6, officer, case, victim, service, instrument
):
    assess(officer, case, victim, instrument, yes=14, grade="high")
    client.force_login(officer)
    response = client.post(
        new_url(case),
        {"victim": victim.pk, "kind": "marac", "service": service.pk, "what_done": "DASH high."},
    )
    referral = Referral.objects.get(kind="marac")
    assert response.status_code == 302
    page = text(client.get(url("referral_detail", referral)))
    assert "MARAC meeting" in page and "Not recorded yet" in page
    assert url("marac_outcome", referral) in page
    assert not shows(page, rules.ORDER_UNKNOWN)  # MARAC does not need a notice or order

    version = str(referral.lock_version)
    response = client.post(url("marac_outcome", referral), {"expected_version": version})
    page = text(response)
    assert "<title>Error: " in page and MEETING_DATE_NEEDED in page
    response = client.post(
        url("marac_outcome", referral),
        {
            "expected_version": version,
            "meeting_date_day": "19",
            "meeting_date_month": "3",
            "meeting_date_year": "2026",
            "marac_outcome": "IDVA allocated; police marker on the address.",
        },
        follow=True,
    )
    page = text(response)
    assert "MARAC meeting and outcome recorded" in page
    assert "Thu 19 Mar 2026" in page and "IDVA allocated" in page
    referral.refresh_from_db()
    assert referral.meeting_date.isoformat() == "2026-03-19"


def test_marac_needs_a_high_grade(client, march_6, officer, case, victim, service, risk):
    client.force_login(officer)
    response = client.post(
        new_url(case), {"victim": victim.pk, "kind": "marac", "service": service.pk}
    )
    assert response.status_code == 200
    assert shows(text(response), services.MARAC_NEEDS_HIGH.format(grade="medium"))
    assert not Referral.objects.exists()


def test_only_a_marac_referral_has_an_outcome_page(client, draft, officer):
    client.force_login(officer)
    assert client.get(url("marac_outcome", draft)).status_code == 404


def test_new_referral_bad_input(client, march_6, officer, case, victim):
    client.force_login(officer)
    response = client.post(new_url(case), {"kind": "nonsense"})
    page = text(response)
    assert "<title>Error: " in page and "Choose the victim to refer" in page
    assert "Choose the kind of referral" in page
    assert not Referral.objects.exists()
    # A second open referral of the same kind is refused.
    services.referral_create(actor=officer, case=case, victim=victim)
    response = client.post(new_url(case), {"victim": victim.pk, "kind": "victims_code"})
    assert "already has an open" in text(response)
    assert Referral.objects.count() == 1


# --- Confidentiality: the police never see notes ------------------------------------------------


@pytest.fixture
def worked(accepted, caseworker, supervisor):
    """An accepted referral with attempts (one with P present), notes and a follow-up done."""
    now = timezone.now()
    services.contact_attempt_log(
        actor=caseworker, referral=accepted, at=now, outcome="no_answer", notes=NOTES
    )
    services.contact_attempt_log(
        actor=caseworker, referral=accepted, at=now, outcome="p_present", notes=NOTES
    )
    services.followup_add(actor=caseworker, referral=accepted, due_at=now - timedelta(minutes=1))
    followup = accepted.followups.get(kind="ongoing")
    services.followup_done(
        actor=caseworker, followup=followup, outcome=FOLLOWUP_NOTE, expected_version=None
    )
    accepted.refresh_from_db()
    return accepted


def test_the_police_see_attempts_and_outcomes_never_notes(client, worked, officer, supervisor):
    pages = [case_url(worked.case), url("referral_detail", worked), reverse("notifications")]
    for user in (officer, supervisor):
        client.force_login(user)
        for page_url in pages:
            page = text(client.get(page_url))
            assert escape(NOTES) not in page and NOTES not in page, page_url
            assert escape(FOLLOWUP_NOTE) not in page, page_url
    client.force_login(officer)
    page = text(client.get(case_url(worked.case)))
    assert 'data-testid="attempts">2' in page
    assert "no answer" in page and "p was present" in page
    words = re.sub(r"<[^>]+>", "", page)
    assert "Suspected breach reported by Test Support at Fri 6 Mar 2026, 09:00" in words
    assert page.count('data-testid="suspected-breach"') == 1  # one breach, two recipients
    assert "Ongoing support" not in page  # only scheduled follow-ups show to the police
    detail = text(client.get(url("referral_detail", worked)))
    assert "The caseworker's notes stay with the service." in detail


def test_a_returned_referral_shows_the_reason(client, sent, caseworker, officer):
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Outside our area.", expected_version=None
    )
    client.force_login(officer)
    page = text(client.get(case_url(sent.case)))
    assert "Returned to the police" in page and "Outside our area." in page
    assert "declined by the service" in page


def test_the_case_page_has_a_fixed_query_count(
    client, worked, officer, case, victim, service, caseworker
):
    client.force_login(officer)
    client.get(case_url(case))  # warm caches (permissions, calendar)
    with CaptureQueriesContext(connection) as one:
        client.get(case_url(case))
    # A second referral (MARAC is another kind) with attempts of its own.
    other = Referral.objects.create(
        case=case,
        victim=victim,
        kind="dvpo_support",
        service=service,
        status="closed",
        due_at=timezone.now(),
        created_by=officer,
        created_at=timezone.now(),
        sent_at=timezone.now(),
    )
    other.attempts.create(
        at=timezone.now(), outcome="spoke", by=caseworker, recorded_at=timezone.now()
    )
    with CaptureQueriesContext(connection) as two:
        page = text(client.get(case_url(case)))
    assert page.count('data-testid="referral"') == 2
    assert len(two) == len(one)


# --- Who may do what -------------------------------------------------------------------------


def police_urls(referral):
    return [
        new_url(referral.case),
        url("referral_detail", referral),
        url("referral_consent", referral),
        url("referral_edit", referral),
        url("referral_send", referral),
        url("marac_outcome", referral),
    ]


@pytest.mark.parametrize("who", ["caseworker", "outsider", "administrator", "other_caseworker"])
def test_outsiders_and_caseworkers_get_404_everywhere(client, sent, who, request):
    client.force_login(request.getfixturevalue(who))
    for page_url in police_urls(sent):
        assert client.get(page_url).status_code == 404, page_url
        assert client.post(page_url, {"expected_version": "0"}).status_code == 404, page_url


def test_the_case_page_shows_nothing_of_referrals_to_an_outsider(client, sent, outsider):
    client.force_login(outsider)
    assert client.get(case_url(sent.case)).status_code == 404


@pytest.mark.parametrize("who", ["supervisor", "superintendent", "court_coordinator"])
def test_others_may_view_but_not_act(client, draft, who, request):
    client.force_login(request.getfixturevalue(who))
    page = text(client.get(url("referral_detail", draft)))
    assert "Send the referral" not in page and url("referral_consent", draft) not in page
    case_page = text(client.get(case_url(draft.case)))
    assert "Support referrals" in case_page and new_url(draft.case) not in case_page
    for page_url in police_urls(draft):
        if page_url == url("referral_detail", draft):
            continue
        if page_url != url("referral_send", draft):
            assert client.get(page_url).status_code == 403, page_url
        response = client.post(page_url, {"expected_version": "0", "consent": "given"})
        assert response.status_code == 403, page_url
    draft.refresh_from_db()
    assert draft.consent == "not_asked"


def test_the_dvpo_officer_may_act(client, draft, dvpo_officer):
    client.force_login(dvpo_officer)
    response = client.post(
        url("referral_consent", draft),
        {"expected_version": str(draft.lock_version), "consent": "given"},
    )
    assert response.status_code == 302


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    alert_read = reverse("notification_read", args=[1])
    for page_url in [*police_urls(draft), reverse("notifications"), alert_read]:
        response = client.get(page_url)
        assert response.status_code == 302 and "/sign-in/" in response.url, page_url


def test_a_referral_of_another_case_is_404(client, draft, officer, bcu, team):
    from cases.services import case_create

    other = case_create(
        actor=officer,
        crime_reference="7654321/26",
        reported_at=timezone.now(),
        bcu=bcu,
        team=team,
        location="Elsewhere",
        summary="Another.",
    )
    client.force_login(officer)
    response = client.get(reverse("referral_detail", args=[other.pk, draft.pk]))
    assert response.status_code == 404


def test_send_is_post_only(client, draft, officer):
    client.force_login(officer)
    assert client.get(url("referral_send", draft)).status_code == 405


# --- Alerts ----------------------------------------------------------------------------------


def test_alerts_newest_first_unread_marked_and_read(client, worked, officer, supervisor):
    client.force_login(officer)
    page = text(client.get(reverse("notifications")))
    assert 'data-testid="alert"' in page and 'data-testid="unread"' in page
    assert "1 unread" in page and "Suspected breach on case 1234567/26" in page
    assert NOTES not in page
    alert = Alert.objects.get(recipient=officer)
    response = client.post(reverse("notification_read", args=[alert.pk]), {"page": "1"})
    assert response.status_code == 302 and response.url == reverse("notifications") + "?page=1"
    alert.refresh_from_db()
    assert alert.read_at == timezone.now()
    page = text(client.get(reverse("notifications")))
    assert 'data-testid="unread"' not in page and "Read" in page
    # The supervisor's copy is theirs to read, not the officer's.
    theirs = Alert.objects.get(recipient=supervisor)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_alerts_are_paginated_newest_first(client, march_6, sent, officer, caseworker):
    for minute in range(27):
        march_6.move_to(timezone.now() + timedelta(minutes=1))
        services.breach_report(actor=caseworker, referral=sent, details=f"Call {minute:02d}.")
    client.force_login(officer)
    page = text(client.get(reverse("notifications")))
    assert page.count('data-testid="alert"') == 25
    assert page.index("Call 26") < page.index("Call 25")
    assert "Call 01" not in page and "Page 1 of 2" in page
    page = text(client.get(reverse("notifications") + "?page=2"))
    assert page.count('data-testid="alert"') == 2 and "Call 00" in page


def test_no_alerts_is_an_empty_state(client, db, officer):
    client.force_login(officer)
    page = text(client.get(reverse("notifications")))
    assert "You have no notifications." in page


def test_a_returned_referral_alerts_the_owner(client, sent, caseworker, officer):
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Outside our area.", expected_version=None
    )
    client.force_login(officer)
    page = text(client.get(reverse("notifications")))
    assert "Referral returned" in page and "Referral on case 1234567/26 returned" in page


def test_a_caseworker_sees_none_of_the_polices_alerts(client, worked, caseworker, officer):
    client.force_login(caseworker)
    page = text(client.get(reverse("notifications")))
    assert "Suspected breach on case 1234567/26" not in page
    alert = Alert.objects.get(recipient=officer)
    assert client.post(reverse("notification_read", args=[alert.pk])).status_code == 404


def test_an_outsider_cannot_read_someone_elses_alert(client, worked, outsider, officer):
    client.force_login(outsider)
    alert = Alert.objects.get(recipient=officer)
    assert client.post(reverse("notification_read", args=[alert.pk])).status_code == 404
    page = text(client.get(reverse("notifications")))
    assert "You have no notifications." in page and "1234567/26" not in page
