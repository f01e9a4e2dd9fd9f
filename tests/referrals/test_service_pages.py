"""The support service's pages: the inbox, the caseworker's referral page, contact attempts,
follow-ups, suspected breaches, the manager's queue, print and CSV export. Confidentiality
both ways: only the service the referral was sent to sees it, and only its facts."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent
from dvpo.errors import EditConflict
from dvpo.exports import csv_safe
from referrals import rules, services
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from tests.helpers import flash, text, when

pytestmark = pytest.mark.django_db

NOTES = "She said P keeps a spare key under the mat."
TEXT_REFUSED = "The victim has not agreed to texts: do not send one."


def url(name, referral=None, *extra):
    if referral is None:
        return reverse(name)
    return reverse(name, args=[referral.pk, *extra])


def date_parts(prefix, at: str) -> dict:
    """GOV.UK date boxes and the time box for an ISO instant (GMT in March = London time)."""
    moment = when(at)
    return {
        f"{prefix}_day": str(moment.day),
        f"{prefix}_month": str(moment.month),
        f"{prefix}_year": str(moment.year),
    }


def attempt_data(at: str, outcome: str, method: str = "phone_withheld", **extra) -> dict:
    return {
        **date_parts("at_date", at),
        "at_time": f"{when(at):%H:%M}",
        "method": method,
        "outcome": outcome,
        "notes": NOTES,
        **extra,
    }


def suggested(response) -> list[str]:
    match = re.search(r'data-testid="suggested-times">(.*?)</ul>', text(response), re.S)
    return re.findall(r"<li>(.*?)</li>", match[1]) if match else []


def post_attempt(client, user, referral, clock, at: str, outcome: str, **extra):
    """Log an attempt made at `at`: the clock moves there (idle sessions expire, so `user`
    signs in again)."""
    clock.move_to(when(at))
    client.force_login(user)
    return client.post(url("contact_attempt_new", referral), attempt_data(at, outcome, **extra))


# --- The inbox ------------------------------------------------------------------------------


def test_the_sent_referral_is_in_the_inbox_with_first_name_and_reference_only(
    client, sent, caseworker, django_assert_max_num_queries
):
    client.force_login(caseworker)
    # +1: the two-factor device; +1: the access log's row for the victims named
    with django_assert_max_num_queries(14):
        response = client.get(url("referral_inbox"))
    page = text(response)
    assert response.status_code == 200
    assert "Vicky" in page and "1234567/26" in page and "New" in page
    assert "Testperson" not in page and "07700" not in page
    assert "0 attempts" in page
    assert url("service_referral", sent) in page


def test_the_inbox_filters_by_status_and_has_an_empty_state(client, sent, caseworker):
    client.force_login(caseworker)
    assert "Vicky" not in text(client.get(url("referral_inbox"), {"status": "returned"}))
    assert "No referrals with this status." in text(
        client.get(url("referral_inbox"), {"status": "closed"})
    )
    services.referral_decline(
        actor=caseworker, referral=sent, reason="Out of our area.", expected_version=None
    )
    assert "No open referrals" in text(client.get(url("referral_inbox")))
    returned = text(client.get(url("referral_inbox"), {"status": "returned"}))
    assert "Vicky" in returned and "Returned to the police" in returned


def test_the_inbox_orders_by_due_time_then_risk(client, sent, caseworker):
    client.force_login(caseworker)
    response = client.get(url("referral_inbox"))
    assert [r.pk for r in response.context["page"]] == [sent.pk]
    assert response.context["page"][0].grade_label == "Medium"


def test_a_draft_or_another_services_referral_is_not_in_the_inbox(
    client, complete, other_caseworker, caseworker
):
    client.force_login(caseworker)
    assert "Vicky" not in text(client.get(url("referral_inbox")))  # still a draft
    services.referral_send(actor=complete.created_by, referral=complete, expected_version=None)
    client.force_login(other_caseworker)
    assert "Vicky" not in text(client.get(url("referral_inbox")))


# --- The caseworker's path ("Done when") ---------------------------------------------------


def test_the_caseworker_path_attempts_escalation_and_p_present_alert(
    client,
    sent,
    caseworker,
    service_manager,
    officer,
    supervisor,
    march_6,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    for user in (officer, supervisor):
        user.email = f"{user.username}@police.example"
        user.save(update_fields=["email"])
    client.force_login(caseworker)
    page = client.get(url("service_referral", sent))
    assert "Weekday morning (8:00 to 12:00)" in suggested(page)

    response = client.post(
        url("service_referral_accept", sent), {"expected_version": sent.lock_version}
    )
    assert response.status_code == 302 and "Referral accepted" in flash(response)
    sent.refresh_from_db()
    assert sent.status == Referral.Status.ACCEPTED

    tries = [
        ("2026-03-06T10:00:00+00:00", "no_answer", "Weekday morning (8:00 to 12:00)"),
        ("2026-03-06T14:00:00+00:00", "engaged", "Weekday afternoon (12:00 to 17:00)"),
        ("2026-03-06T18:30:00+00:00", "no_answer", "Weekday evening (17:00 to 21:00)"),
    ]
    for at, outcome, slot in tries:
        response = post_attempt(client, caseworker, sent, march_6, at, outcome)
        assert response.status_code == 302, text(response)
        page = client.get(url("service_referral", sent))
        assert slot not in suggested(page)
        assert f"{slot}: 1" in text(page)  # times of day tried
    assert "Weekend morning (8:00 to 12:00)" in suggested(page)
    assert any("service manager's queue" in m for m in flash(response))
    assert ContactAttempt.objects.filter(referral=sent).count() == 3

    # Escalated after 3 failures: in the manager's queue
    client.force_login(service_manager)
    queue = text(client.get(url("referral_manager_queue")))
    assert "Vicky" in queue and "Escalated" in queue and "3 failed attempts" in queue

    # Answered with P present: the police owner and the supervisor are told at once
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_attempt(
            client, caseworker, sent, march_6, "2026-03-07T11:00:00+00:00", "p_present"
        )
    assert response.status_code == 302
    assert "The police have been told of a suspected breach" in flash(response)
    alerts = Alert.objects.filter(kind=Alert.Kind.SUSPECTED_BREACH)
    assert {a.recipient for a in alerts} == {officer, supervisor}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "pc.test@police.example",
        "sgt.test@police.example",
    ]
    # The case page shows it to the police, without the caseworker's notes
    client.force_login(officer)
    case_page = text(client.get(reverse("case_detail", args=[sent.case_id])))
    assert CaseEvent.Kind.SUSPECTED_BREACH.label in case_page
    assert "spare key" not in case_page


def test_a_follow_up_after_expiry_appears_for_a_case_with_an_order(client, sent, order, caseworker):
    followup = FollowUp.objects.get(referral=sent, kind=rules.AFTER_EXPIRY)
    assert followup.due_at == order.ends_at
    client.force_login(caseworker)
    page = text(client.get(url("service_referral", sent)))
    assert "Safety check after the order ends" in page
    assert "DVPO" in page and "Protects the victim now" in page
    assert "Sat 4 Apr 2026" in page  # the order's end, kept current on the referral


def test_follow_ups_add_list_and_record(client, accepted, order, caseworker, march_6):
    client.force_login(caseworker)
    response = client.post(
        url("service_followup_new", accepted),
        {**date_parts("due_date", "2026-04-10T10:00:00+00:00"), "due_time": "10:00"},
    )
    assert response.status_code == 302 and "Follow-up added" in flash(response)
    ongoing = FollowUp.objects.get(referral=accepted, kind=rules.ONGOING)
    assert ongoing.due_at == when("2026-04-10T09:00:00+00:00")  # 10:00 BST

    march_6.move_to(when("2026-04-05T09:00:00+00:00"))
    client.force_login(caseworker)
    due = text(client.get(url("referral_followups")))
    assert "Safety check after the order ends" in due and "Ongoing support" not in due

    after = FollowUp.objects.get(referral=accepted, kind=rules.AFTER_EXPIRY)
    done_url = url("service_followup_done", accepted, after.pk)
    bad = client.post(done_url, {"expected_version": after.lock_version, "outcome": ""})
    assert text(bad).count("Say what happened on the follow-up") >= 2
    response = client.post(
        done_url, {"expected_version": after.lock_version, "outcome": "Safe; P moved away."}
    )
    assert response.status_code == 302 and "Follow-up recorded" in flash(response)
    after.refresh_from_db()
    assert after.done_at is not None and after.outcome == "Safe; P moved away."
    stale = client.post(done_url, {"expected_version": 0, "outcome": "Again"})
    assert EditConflict.MESSAGE in text(stale)


def test_a_follow_up_needs_a_real_time(client, accepted, caseworker):
    client.force_login(caseworker)
    response = client.post(
        url("service_followup_new", accepted),
        {**date_parts("due_date", "2026-04-10T10:00:00+00:00"), "due_time": "25:00"},
    )
    assert response.status_code == 200 and "<title>Error:" in response.content.decode()
    assert not FollowUp.objects.filter(kind=rules.ONGOING).exists()


# --- Contact attempts: method safety and bad input -------------------------------------------


def test_methods_the_victim_did_not_allow_are_not_offered_and_say_why(client, accepted, caseworker):
    client.force_login(caseworker)
    page = client.get(url("contact_attempt_new", accepted)).content.decode()
    assert not re.search(r'<input[^>]*value="text"[^>]*>', page)
    assert 'data-testid="methods-not-allowed"' in page
    withheld = re.search(r'<input[^>]*value="phone_withheld"[^>]*>', page)[0]
    assert "disabled" not in withheld and "checked" in withheld
    assert TEXT_REFUSED in html.unescape(page)
    assert "Confidential to Test Support" in html.unescape(page)


def test_the_service_refuses_a_method_the_victim_did_not_allow(
    client, accepted, caseworker, march_6
):
    client.force_login(caseworker)
    response = post_attempt(
        client,
        caseworker,
        accepted,
        march_6,
        "2026-03-06T10:00:00+00:00",
        "no_answer",
        method="text",
    )
    assert response.status_code == 200
    assert text(response).count(TEXT_REFUSED) >= 2  # summary and the field
    assert "<title>Error:" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_an_attempt_needs_a_time_and_an_outcome(client, accepted, caseworker):
    client.force_login(caseworker)
    data = attempt_data("2026-03-06T08:00:00+00:00", "")
    data["at_time"] = ""
    response = client.post(url("contact_attempt_new", accepted), data)
    page = text(response)
    assert "Enter the time of the attempt, for example 14:30" in page
    assert "Choose what happened" in page
    assert not ContactAttempt.objects.exists()


def test_an_attempt_in_the_future_is_refused(client, accepted, caseworker):
    client.force_login(caseworker)
    response = client.post(
        url("contact_attempt_new", accepted),
        attempt_data("2026-03-06T23:00:00+00:00", "no_answer"),
    )
    assert services.ATTEMPT_IN_FUTURE in text(response)
    assert not ContactAttempt.objects.exists()


# --- Decline, unable to contact, close, breach ------------------------------------------------


def test_decline_returns_the_referral_to_the_police_with_the_reason(client, sent, caseworker):
    client.force_login(caseworker)
    page = text(client.get(url("service_referral_decline", sent)))
    assert "This returns the referral to the police" in page
    empty = client.post(
        url("service_referral_decline", sent), {"expected_version": sent.lock_version}
    )
    assert "Give the reason the referral goes back to the police" in text(empty)
    response = client.post(
        url("service_referral_decline", sent),
        {"expected_version": sent.lock_version, "reason": "The victim lives outside our area."},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Referral.Status.RETURNED
    assert sent.return_reason == "The victim lives outside our area."
    assert Alert.objects.filter(kind=Alert.Kind.REFERRAL_RETURNED).count() == 1


def test_stale_versions_on_accept_and_decline_show_the_conflict(client, sent, caseworker):
    client.force_login(caseworker)
    stale = sent.lock_version - 1
    response = client.post(url("service_referral_accept", sent), {"expected_version": stale})
    assert response.status_code == 200 and EditConflict.MESSAGE in text(response)
    response = client.post(
        url("service_referral_decline", sent), {"expected_version": stale, "reason": "No."}
    )
    assert EditConflict.MESSAGE in text(response)
    sent.refresh_from_db()
    assert sent.status == Referral.Status.SENT


def test_accepting_twice_says_why_not(client, accepted, caseworker):
    client.force_login(caseworker)
    response = client.post(
        url("service_referral_accept", accepted), {"expected_version": accepted.lock_version}
    )
    assert "This referral is accepted, so it cannot be accepted." in text(response)


def test_unable_to_contact_and_close(client, accepted, caseworker):
    client.force_login(caseworker)
    response = client.post(
        url("service_referral_unable", accepted),
        {"expected_version": accepted.lock_version, "reason": "Eight attempts over two weeks."},
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.return_kind == Referral.ReturnKind.UNABLE_TO_CONTACT
    page = text(client.get(url("service_referral", accepted)))
    assert "Log a contact attempt" not in page and "Eight attempts over two weeks." in page


def test_close_an_accepted_referral(client, accepted, caseworker):
    client.force_login(caseworker)
    assert "Close the referral?" in text(client.get(url("service_referral_close", accepted)))
    response = client.post(
        url("service_referral_close", accepted), {"expected_version": accepted.lock_version}
    )
    assert response.status_code == 302 and "Referral closed" in flash(response)
    accepted.refresh_from_db()
    assert accepted.status == Referral.Status.CLOSED


def test_a_caseworker_reports_a_suspected_breach(
    client, sent, caseworker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    empty = client.post(url("service_breach_report", sent), {"details": " "})
    assert "Say what suggests a breach" in text(empty)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("service_breach_report", sent),
            {
                "details": "The victim says P is outside.",
                **date_parts("occurred_date", "2026-03-06T08:30:00+00:00"),
                "occurred_time": "08:30",
            },
        )
    assert response.status_code == 302
    alert = Alert.objects.get(kind=Alert.Kind.SUSPECTED_BREACH, recipient=officer)
    assert "P is outside" in alert.message
    event = sent.case.events.get(kind=CaseEvent.Kind.SUSPECTED_BREACH)
    assert event.at == when("2026-03-06T08:30:00+00:00")


# --- Manager's queue ------------------------------------------------------------------------------


def test_the_manager_queue_shows_overdue_referrals_with_no_attempt(
    client, sent, service_manager, caseworker, march_6
):
    client.force_login(service_manager)
    assert "No referrals need a manager" in text(client.get(url("referral_manager_queue")))
    march_6.move_to(when("2026-03-10T09:00:00+00:00"))  # past due, nothing tried
    client.force_login(service_manager)
    queue = text(client.get(url("referral_manager_queue")))
    assert "Vicky" in queue and "No attempt yet" in queue
    client.force_login(caseworker)
    assert client.get(url("referral_manager_queue")).status_code == 403


# --- Confidentiality ------------------------------------------------------------------------------


def service_urls(referral, followup=None) -> list[str]:
    urls = [
        url("referral_inbox"),
        url("referral_manager_queue"),
        url("referral_followups"),
        url("service_referral_export"),
        url("service_referral", referral),
        url("service_referral_accept", referral),
        url("service_referral_decline", referral),
        url("contact_attempt_new", referral),
        url("service_referral_unable", referral),
        url("service_referral_close", referral),
        url("service_breach_report", referral),
        url("service_followup_new", referral),
        url("service_referral_print", referral),
    ]
    if followup is not None:
        urls.append(url("service_followup_done", referral, followup.pk))
    return urls


REFERRAL_URLS = 4  # the first four are lists; the rest name the referral
GET_ONLY = ("/referrals/", "/queue/", "/follow-ups/", "export.csv", "/print/")


def post_status(address: str) -> int:
    """A POST to a page that only shows things is refused (405) for everyone alike, before
    anything is looked up; every page that changes something answers 404."""
    is_view = address.endswith(GET_ONLY) or re.search(r"/referrals/\d+/$", address)
    return 405 if is_view else 404


@pytest.fixture
def police_users(
    officer, dvpo_officer, supervisor, superintendent, court_coordinator, administrator, outsider
):
    return [
        officer,
        dvpo_officer,
        supervisor,
        superintendent,
        court_coordinator,
        administrator,
        outsider,
    ]


def test_police_users_get_404_on_every_service_page(client, sent, order, police_users):
    followup = FollowUp.objects.filter(referral=sent).first()
    for user in police_users:
        client.force_login(user)
        for address in service_urls(sent, followup):
            assert client.get(address).status_code == 404, (user, address)
            response = client.post(address, {"expected_version": 0})
            assert response.status_code == post_status(address), (user, address)


def test_another_services_caseworker_gets_404_on_the_referral(
    client, sent, order, other_caseworker
):
    followup = FollowUp.objects.filter(referral=sent).first()
    client.force_login(other_caseworker)
    for address in service_urls(sent, followup)[REFERRAL_URLS:]:
        assert client.get(address).status_code == 404, address
        response = client.post(address, {"expected_version": 0})
        assert response.status_code == post_status(address), address
    # Their own lists and export answer, empty of the other service's referral
    assert "Vicky" not in text(client.get(url("referral_inbox")))
    assert "1234567/26" not in text(client.get(url("service_referral_export")))
    assert Referral.objects.get(pk=sent.pk).status == Referral.Status.SENT


def test_anonymous_users_are_sent_to_sign_in(client, sent):
    for address in service_urls(sent):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address


def test_the_caseworker_never_sees_dash_answers_or_police_only_content(
    client, accepted, caseworker, instrument, march_6
):
    services.contact_attempt_log(
        actor=caseworker,
        referral=accepted,
        at=when("2026-03-06T09:00:00+00:00"),
        outcome="no_answer",
        notes=NOTES,
    )
    question = instrument.questions.order_by("number").first().text
    client.force_login(caseworker)
    pages = [
        client.get(url("referral_inbox")),
        client.get(url("service_referral", accepted)),
        client.get(url("service_referral_print", accepted)),
        client.get(url("contact_attempt_new", accepted)),
        client.get(url("service_referral_export")),
    ]
    for response in pages:
        content = text(response)
        assert response.status_code == 200
        for secret in (
            "A fictional incident.",  # the incident summary
            "Flat 1, 2 Example Road",  # the incident location
            "The officer's judgement.",  # the DASH rationale
            question,  # a DASH question
            "Placeholder",  # P's surname
            "P punched the victim",  # the DVPN grounds
        ):
            assert secret not in content, (response.request["PATH_INFO"], secret)
    assert "Medium" in text(pages[1])  # the grade only


def test_the_print_carries_the_log_with_notes_and_the_confidential_header(
    client, accepted, caseworker, officer
):
    services.contact_attempt_log(
        actor=caseworker,
        referral=accepted,
        at=when("2026-03-06T09:00:00+00:00"),
        outcome="no_answer",
        notes=NOTES,
    )
    client.force_login(caseworker)
    page = text(client.get(url("service_referral_print", accepted)))
    assert "Confidential to Test Support" in page
    assert NOTES in page and "07700 900123" in page and "Weekdays after 18:00" in page
    # The police never see the notes
    client.force_login(officer)
    assert NOTES not in text(client.get(reverse("case_detail", args=[accepted.case_id])))


# --- CSV export ---------------------------------------------------------------------------------


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_export_has_the_inbox_rows_and_nothing_confidential(
    client, accepted, caseworker, march_6
):
    services.contact_attempt_log(
        actor=caseworker,
        referral=accepted,
        at=when("2026-03-06T09:00:00+00:00"),
        outcome="no_answer",
        notes=NOTES,
    )
    client.force_login(caseworker)
    response = client.get(url("service_referral_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="referrals-2026-03-06.csv"' in response["Content-Disposition"]
    assert rows(response) == [
        ["Crime reference", "Due", "Status", "Risk grade", "Contact attempts"],
        ["1234567/26", "2026-03-10 00:00", "Accepted", "Medium", "1"],
    ]
    content = response.content.decode()
    for secret in ("spare key", "Testperson", "Vicky", "07700", "Weekdays after"):
        assert secret not in content
    closed = client.get(url("service_referral_export"), {"status": "closed"})
    assert len(rows(closed)) == 1


def test_the_export_guards_against_csv_injection(client, sent, caseworker):
    Case.objects.filter(pk=sent.case_id).update(crime_reference='=HYPERLINK("http://x")')
    client.force_login(caseworker)
    data = rows(client.get(url("service_referral_export")))
    assert data[1][0] == '\'=HYPERLINK("http://x")'
    Case.objects.filter(pk=sent.case_id).update(crime_reference="\uff1dHYPERLINK(1)")  # ＝
    assert rows(client.get(url("service_referral_export")))[1][0] == "'\uff1dHYPERLINK(1)"
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert csv_safe(dangerous) == "'" + dangerous
    assert csv_safe("1234567/26") == "1234567/26"
