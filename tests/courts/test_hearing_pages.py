"""Hearings across cases: the day's hearing list and an officer's calendar feed (RFC 5545).

`application` (from tests/courts/conftest.py) is listed at Testtown Magistrates' Court for
Sat 7 Mar 2026 10:00 (GMT); the clock stands at Fri 6 Mar 2026 09:00."""

import hashlib
import re
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import Party
from courts import selectors, services
from courts.models import CalendarFeed, Court
from courts.views.hearings import ics_escape, ics_fold
from tests.helpers import authorised_dvpn_for, text, when

pytestmark = pytest.mark.django_db

SATURDAY = "2026-03-07"


def hearing_list(client, **params):
    return client.get(reverse("hearing_list"), params)


def served_case(*, reference, officer, superintendent, bcu, team, victim_name="Alice Second"):
    """Another case of the force with a served DVPN (at the fixture's 09:00 Fri 6 Mar)."""
    case = case_services.case_create(
        actor=officer,
        crime_reference=reference,
        reported_at=when("2026-03-05T20:00:00+00:00"),
        bcu=bcu,
        team=team,
        location="Somewhere",
        summary="Another fictional incident.",
    )
    first, last = victim_name.split()
    case_services.party_add(
        actor=officer, case=case, role=Party.Role.VICTIM, first_name=first, last_name=last
    )
    case_services.party_add(
        actor=officer,
        case=case,
        role=Party.Role.PERPETRATOR,
        first_name="Bob",
        last_name="Other",
        date_of_birth=date(1980, 1, 1),
    )
    dvpn = authorised_dvpn_for(case, officer=officer, superintendent=superintendent)
    return case_services.dvpn_serve(
        actor=officer,
        dvpn=dvpn,
        served_at=when("2026-03-06T09:00:00+00:00"),
        p_gave_no_address=True,
        expected_version=dvpn.lock_version,
    )


# --- The hearing list ------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client):
    for name in ("hearing_list", "hearing_calendar_subscribe"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["officer", "superintendent", "caseworker", "administrator"])
def test_the_list_is_for_court_coordinators_dvpo_officers_and_supervisors(
    client, request, application, who
):
    client.force_login(request.getfixturevalue(who))
    assert hearing_list(client, day=SATURDAY).status_code == 403


def test_the_days_hearings(client, court_coordinator, application):
    client.force_login(court_coordinator)
    response = hearing_list(client, day=SATURDAY)
    body = text(response)
    assert response.status_code == 200
    assert "DVPO hearings, Saturday 7 March 2026" in body
    assert "Testtown Magistrates' Court" in body
    assert ">10:00<" in body
    assert "1234567/26" in body
    assert reverse("case_detail", args=[application.case.pk]) in body
    assert "Peter Placeholder" in body and "Vicky Testperson" in body
    assert "Missing" in body and "the officer's statement" in body
    assert "Not paid" in body
    assert "Listed after the hearing deadline" not in body
    assert "?day=2026-03-06" in body and "?day=2026-03-08" in body  # previous / next day


@pytest.mark.parametrize("who", ["dvpo_officer", "supervisor"])
def test_dvpo_officers_and_supervisors_see_the_list(client, request, application, who):
    client.force_login(request.getfixturevalue(who))
    assert "1234567/26" in text(hearing_list(client, day=SATURDAY))


def test_today_by_default_with_an_empty_state(client, court_coordinator, application):
    client.force_login(court_coordinator)
    body = text(hearing_list(client))
    assert "Friday 6 March 2026 (today)" in body
    assert "No DVPO hearings are listed on Friday 6 March 2026." in body
    assert "1234567/26" not in body


def test_a_bad_day_means_today(client, court_coordinator, application):
    client.force_login(court_coordinator)
    assert "Friday 6 March 2026" in text(hearing_list(client, day="not-a-day"))


def test_by_court(client, court_coordinator, application):
    other = Court.objects.create(name="Othertown Magistrates' Court", code="othertown")
    client.force_login(court_coordinator)
    body = text(hearing_list(client, day=SATURDAY, court=other.pk))
    assert "No DVPO hearings are listed at Othertown Magistrates' Court" in body
    assert f"?court={other.pk}&day=2026-03-08" in body
    body = text(hearing_list(client, day=SATURDAY, court=application.court.pk))
    assert "1234567/26" in body


def test_a_late_listing_is_flagged(client, court_coordinator, served_dvpn, court, officer):
    services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-10T10:00:00+00:00")
    )
    client.force_login(court_coordinator)
    body = text(hearing_list(client, day="2026-03-10"))
    assert "Listed after the hearing deadline" in body


def test_only_cases_the_viewer_may_see(client, outsider, application, make_user, other_bcu):
    from dvpo.roles import Rank, Role

    client.force_login(outsider)
    body = text(hearing_list(client, day=SATURDAY))
    assert "1234567/26" not in body and "No DVPO hearings" in body
    west = make_user(
        "west.dvpo",
        role=Role.DVPO_OFFICER,
        organisation=other_bcu.force,
        rank=Rank.CONSTABLE,
        bcu=other_bcu,
    )
    client.force_login(west)  # another BCU of the same force
    assert "1234567/26" not in text(hearing_list(client, day=SATURDAY))


def test_the_list_runs_a_fixed_number_of_queries(
    client, court_coordinator, application, court, officer, superintendent, bcu, team
):
    client.force_login(court_coordinator)
    hearing_list(client, day=SATURDAY)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        hearing_list(client, day=SATURDAY)
    for number in range(3):
        dvpn = served_case(
            reference=f"99{number}/26",
            officer=officer,
            superintendent=superintendent,
            bcu=bcu,
            team=team,
        )
        services.application_create(
            actor=officer,
            dvpn=dvpn,
            court=court,
            listed_for=when(f"2026-03-07T1{number}:30:00+00:00"),
        )
    with CaptureQueriesContext(connection) as four:
        body = text(hearing_list(client, day=SATURDAY))
    assert body.count('data-testid="hearing-row"') == 4
    assert "Alice Second" in body
    assert len(four) == len(one)


def test_the_selector(court_coordinator, application, court):
    day = datetime.fromisoformat(SATURDAY).date()
    assert list(selectors.hearings_listed(viewer=court_coordinator, day=day)) == [application]
    assert list(selectors.hearings_listed(viewer=court_coordinator, court=court, day=day)) == [
        application
    ]
    assert not selectors.hearings_listed(viewer=court_coordinator)  # today: Friday


# --- The calendar ----------------------------------------------------------------------


def feed_url(user):
    """A new calendar address for the user (replacing any old one)."""
    return reverse("hearing_calendar_feed", args=[selectors.calendar_token_new(user)])


FEED_URL = re.compile(r'id="feed-url" type="text" readonly value="http://testserver([^"]+)"')


def shown_feed_url(response) -> str | None:
    match = FEED_URL.search(text(response))
    return match.group(1) if match else None


def test_the_subscribe_page_shows_a_new_address_once(client, officer, application):
    client.force_login(officer)
    response = client.get(reverse("hearing_calendar_subscribe"))
    body = text(response)
    assert "Your hearings calendar" in body
    assert "no-store" in response["Cache-Control"]
    url = shown_feed_url(response)
    assert url and url.startswith("/hearings/calendar/") and url.endswith(".ics")
    assert "webcal://testserver" + url in body
    assert "1234567/26" in body and "Sat 7 Mar 2026, 10:00" in body
    token = url.removeprefix("/hearings/calendar/").removesuffix(".ics")
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    # Only its hash is kept.
    feed = CalendarFeed.objects.get(user=officer)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash and feed.last_used_at is None
    assert client.get(url).status_code == 200
    feed.refresh_from_db()
    assert feed.last_used_at is not None  # its use is recorded
    # Shown once: the next visit says it exists and offers a reset, and keeps it working.
    response = client.get(reverse("hearing_calendar_subscribe"))
    assert shown_feed_url(response) is None
    body = text(response)
    assert "For your safety the address is shown only when it is made" in body
    assert "Reset the address" in body and "The old address stops working at once" in body
    assert client.get(url).status_code == 200


def test_resetting_the_address_replaces_it(client, officer, application):
    client.force_login(officer)
    old = shown_feed_url(client.get(reverse("hearing_calendar_subscribe")))
    response = client.post(reverse("hearing_calendar_subscribe"))
    assert response.status_code == 200
    new = shown_feed_url(response)
    assert new and new != old
    assert "Your calendar has a new address. The old address no longer works." in text(response)
    assert client.get(old).status_code == 404
    assert "BEGIN:VEVENT" in client.get(new).content.decode()
    assert CalendarFeed.objects.filter(user=officer).count() == 1


def test_support_services_have_no_calendar(client, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("hearing_calendar_subscribe")).status_code == 403


def test_the_feed(client, officer, application):
    response = client.get(feed_url(officer))  # no sign-in: calendar apps cannot
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.endswith("\r\n")
    lines = body[:-2].split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in "".join(lines)  # every line ends CRLF, no bare newlines
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert f"UID:dvpo-application-{application.pk}@testserver" in lines
    assert "DTSTAMP:20260306T090000Z" in lines
    assert "DTSTART:20260307T100000Z" in lines
    assert "DTEND:20260307T110000Z" in lines
    assert "SUMMARY:DVPO hearing: 1234567/26" in lines
    assert "LOCATION:Testtown Magistrates' Court" in lines
    unfolded = body.replace("\r\n ", "")
    for name in ("Vicky", "Testperson", "Peter", "Placeholder"):
        assert name not in unfolded


def test_the_feed_in_summer_time_is_in_utc(client, officer, application):
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        listed_for=datetime.fromisoformat("2026-04-01T10:00:00+01:00"),
    )
    body = client.get(feed_url(officer)).content.decode()
    assert "DTSTART:20260401T090000Z\r\n" in body


def test_the_presenting_officer_sees_the_hearing_too(
    client, officer, dvpo_officer, supervisor, application
):
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        presenting_officer=dvpo_officer,
    )
    assert "BEGIN:VEVENT" in client.get(feed_url(dvpo_officer)).content.decode()
    # Neither presenting nor owning the case: nothing.
    assert "BEGIN:VEVENT" not in client.get(feed_url(supervisor)).content.decode()


def test_decided_hearings_leave_the_feed(client, officer, order):
    assert "BEGIN:VEVENT" not in client.get(feed_url(officer)).content.decode()


def test_a_bad_token_is_404(client, officer, caseworker, application):
    url = feed_url(officer)
    token = url.removeprefix("/hearings/calendar/").removesuffix(".ics")
    signed = f"{officer.pk}:" + "x" * 27  # the old signed form is no longer accepted
    for bad in ("nonsense", token + "x", token[:-1], signed, f"{officer.pk}"):
        assert client.get(reverse("hearing_calendar_feed", args=[bad])).status_code == 404
    assert client.get(url).status_code == 200
    # A genuine token of someone who is not police, or no longer active.
    assert client.get(feed_url(caseworker)).status_code == 404
    officer.is_active = False
    officer.save()
    assert client.get(url).status_code == 404


def test_ics_escaping_and_folding():
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ics_fold("SUMMARY:" + "é" * 60)
    parts = folded.split("\r\n")
    assert len(parts) == 2 and parts[1].startswith(" ")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 60
