"""The pages that listed people or cases without a log row (issue 22 point 2): the hearing
list, the authorisation queue, the subject-access person search, notifications, the
calendar page and feed, the service's CSV and the home panels. One row per page, with the
people shown (or the victims and perpetrators of the cases listed); nothing for a page that
names nobody or a refused request."""

import pytest
from django.urls import reverse

from audit.models import AccessLog, Action
from courts.views.hearings import FEED_REASON
from referrals.models import Alert
from tests.courts.conftest import LISTED_FOR
from tests.helpers import when

HEARING_DAY = LISTED_FOR[:10]


@pytest.fixture
def application(served_dvpn, officer):
    from courts import services
    from courts.models import Court

    court = Court.objects.create(
        name="Testtown Magistrates' Court", code="testtown", sitting_days=[0, 1, 2, 3, 4, 5]
    )
    return services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when(LISTED_FOR)
    )


def the_row(user) -> AccessLog:
    (entry,) = AccessLog.objects.filter(user=user)
    return entry


def test_the_hearing_list_logs_the_victim_and_perpetrator_it_names(
    client, court_coordinator, application, victim, perpetrator
):
    client.force_login(court_coordinator)
    page = client.get(reverse("hearing_list"), {"day": HEARING_DAY}).content.decode()
    assert "Testperson" in page
    entry = the_row(court_coordinator)
    assert (entry.action, entry.reason) == (Action.LIST, "hearing list")
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])
    assert f"day={HEARING_DAY}" in entry.path


def test_a_day_without_hearings_writes_nothing(client, court_coordinator, application):
    client.force_login(court_coordinator)
    assert client.get(reverse("hearing_list"), {"day": "2026-04-01"}).status_code == 200
    assert not AccessLog.objects.exists()


def test_the_authorisation_queue_logs_the_people_it_names(
    client, superintendent, submitted_dvpn, victim, perpetrator
):
    client.force_login(superintendent)
    assert client.get(reverse("authorisation_queue")).status_code == 200
    entry = the_row(superintendent)
    assert (entry.action, entry.reason) == (Action.LIST, "authorisation queue")
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])


def test_an_officer_refused_the_queue_writes_nothing(client, officer, submitted_dvpn):
    client.force_login(officer)
    assert client.get(reverse("authorisation_queue")).status_code == 403
    assert not AccessLog.objects.exists()


def test_the_subject_access_search_logs_the_people_found(client, administrator, victim):
    client.force_login(administrator)
    assert client.get(reverse("sar_person_search"), {"q": "Testperson"}).status_code == 200
    entry = the_row(administrator)
    assert (entry.action, entry.people) == (Action.LIST, [victim.person_id])
    assert entry.reason == "Subject access request: person search"
    assert "q=Testperson" in entry.path
    client.get(reverse("sar_person_search"), {"q": "Nobody"})
    assert AccessLog.objects.count() == 1


def test_notifications_log_the_people_of_the_cases_they_are_about(
    client, officer, case, victim, perpetrator
):
    Alert.objects.create(
        recipient=officer,
        case=case,
        kind=Alert.Kind.REMINDER,
        message="Due.",
        created_at=when("2026-03-06T09:00:00+00:00"),
    )
    client.force_login(officer)
    assert client.get(reverse("notifications")).status_code == 200
    entry = the_row(officer)
    assert (entry.action, entry.reason) == (Action.LIST, "notifications")
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])


def test_no_notifications_write_nothing(client, officer):
    client.force_login(officer)
    assert client.get(reverse("notifications")).status_code == 200
    assert not AccessLog.objects.exists()


def test_the_calendar_feed_is_logged_as_its_owners_export_without_the_token(
    client, officer, application, victim, perpetrator
):
    from courts import selectors

    token = selectors.calendar_token_new(officer)
    response = client.get(reverse("hearing_calendar_feed", args=[token]))  # no session
    assert response.status_code == 200 and "1234567/26" in response.content.decode()
    entry = the_row(officer)
    assert (entry.action, entry.reason) == (Action.EXPORT, FEED_REASON)
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])
    assert token not in entry.path and entry.path.startswith("/hearings/calendar/")
    assert entry.organisation_id == officer.organisation_id


def test_an_empty_feed_and_a_wrong_token_write_nothing(client, officer):
    from courts import selectors

    token = selectors.calendar_token_new(officer)
    assert client.get(reverse("hearing_calendar_feed", args=[token])).status_code == 200
    assert client.get(reverse("hearing_calendar_feed", args=["wrong"])).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_calendar_page_logs_the_hearings_it_lists(client, officer, application, victim):
    client.force_login(officer)
    assert client.get(reverse("hearing_calendar_subscribe")).status_code == 200
    entry = the_row(officer)
    assert entry.reason == "hearings calendar" and victim.person_id in entry.people


def test_the_home_panels_log_the_people_of_the_cases_they_list(
    client, officer, superintendent, court_coordinator, submitted_dvpn, victim, perpetrator
):
    """Your cases (the officer), DVPNs awaiting a decision (the superintendent): crime
    references only, so the cases' victims and perpetrators."""
    for user in (officer, superintendent):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
        entry = the_row(user)
        assert (entry.action, entry.reason) == (Action.LIST, "home page")
        assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])


def test_the_home_hearings_panel_is_logged(client, court_coordinator, application, victim):
    client.force_login(court_coordinator)
    assert "1234567/26" in client.get(reverse("home")).content.decode()
    assert victim.person_id in the_row(court_coordinator).people


def test_the_services_csv_is_logged_as_an_export_with_the_victim(client, caseworker, sent):
    client.force_login(caseworker)
    assert client.get(reverse("service_referral_export")).status_code == 200
    entry = the_row(caseworker)
    assert (entry.action, entry.reason) == (Action.EXPORT, "referral export")
    assert entry.people == [sent.victim.person_id]


def test_a_subject_access_request_finds_the_new_rows(
    client, court_coordinator, administrator, application, victim
):
    client.force_login(court_coordinator)
    client.get(reverse("hearing_list"), {"day": HEARING_DAY})
    client.force_login(administrator)
    page = client.get(reverse("sar_person", args=[victim.person_id])).content.decode()
    assert "court.test" in page


def test_the_deadline_queues_log_the_people_of_the_cases_listed(
    client, supervisor, risk, victim, perpetrator
):
    client.force_login(supervisor)
    page = client.get(reverse("queues"), {"queue": "dash"}).content.decode()
    assert "1234567/26" in page
    entry = the_row(supervisor)
    assert (entry.action, entry.reason) == (Action.LIST, "deadline queues")
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])
