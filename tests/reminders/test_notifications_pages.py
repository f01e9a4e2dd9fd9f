"""The notifications page and the unread count in the header: own alerts only, newest first,
unread marked, "mark all as read", paginated, an empty state, a bounded number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from referrals.models import Alert
from tests.helpers import when

URL = reverse("notifications")
READ_URL = reverse("notifications_mark_read")


def alert(user, case, message, minutes=0, read=False):
    at = when("2026-03-06T09:00:00+00:00") + dt.timedelta(minutes=minutes)
    return Alert.objects.create(
        recipient=user,
        case=case,
        kind="reminder",
        message=message,
        created_at=at,
        read_at=at if read else None,
    )


def test_the_header_shows_the_unread_count(client, officer, case):
    alert(officer, case, "first")
    alert(officer, case, "second", 1)
    alert(officer, case, "old", -5, read=True)
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="notifications-link"' in page
    assert "Notifications (2" in page


def test_the_page_lists_own_alerts_newest_first_with_unread_marked(client, officer, case):
    alert(officer, case, "older, read", -5, read=True)
    alert(officer, case, "newest, unread", 5)
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert page.index("newest, unread") < page.index("older, read")
    assert page.count("govuk-tag--blue") == 1
    assert f"/cases/{case.pk}/" in page
    assert "Mark all as read" in page


def test_mark_all_read_marks_only_own_alerts(client, officer, outsider, case):
    mine = alert(officer, case, "mine")
    theirs = alert(outsider, case, "theirs")
    client.force_login(officer)
    response = client.post(READ_URL)
    assert response.status_code == 302 and response.url == URL
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    page = client.get(URL).content.decode()
    assert "All notifications marked as read" in page and "Notifications (0" in page
    assert "Mark all as read" not in page


def test_an_outsider_sees_only_their_own_alerts(client, officer, outsider, case):
    alert(officer, case, "1234567/26: the DVPO application must be heard by ...")
    client.force_login(outsider)
    page = client.get(URL).content.decode()
    assert "1234567/26" not in page
    assert "You have no notifications." in page
    assert "Notifications (0" in page


def test_the_page_is_paginated_with_bounded_queries(
    client, officer, case, django_assert_max_num_queries
):
    for n in range(60):
        alert(officer, case, f"alert number {n}", n)
    client.force_login(officer)
    # +1: the two-factor device; +2: the people of the cases listed, and the access-log row
    with django_assert_max_num_queries(15):
        page = client.get(URL).content.decode()
    assert "alert number 59" in page and "alert number 34" not in page
    assert "Page 1 of 3" in page
    with django_assert_max_num_queries(15):
        page = client.get(URL, {"page": 3}).content.decode()
    assert "alert number 0" in page


def test_a_caseworker_opens_the_referral_not_the_case(client, caseworker, case):
    alert(caseworker, case, "a follow-up call is due")
    client.force_login(caseworker)
    page = client.get(URL).content.decode()
    assert f"/cases/{case.pk}/" not in page


@pytest.mark.parametrize("method,url", [("get", URL), ("post", READ_URL)])
def test_anonymous_users_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_mark_all_read_needs_a_post(client, officer):
    client.force_login(officer)
    assert client.get(READ_URL).status_code == 405
    assert client.post(URL).status_code == 405
