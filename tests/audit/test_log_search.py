"""Administrators search the access log and answer subject access requests: everything about
one person (their records across cases and the log rows about them), as a page and as CSV.
Only administrators, and only for their own organisation."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit import log
from audit.forms import DATES_REVERSED
from audit.models import AccessLog, Action
from dvpo.models import Organisation
from dvpo.roles import Role
from tests.helpers import text

SEARCH = reverse("access_log_search")


@pytest.fixture
def viewed(client, officer, dvpo_officer, case, victim):
    """The officer opened the case; the DVPO officer opened the victim's safe-contact page."""
    client.force_login(officer)
    client.get(reverse("case_detail", args=[case.pk]))
    client.force_login(dvpo_officer)
    client.get(reverse("safe_contact", args=[case.pk, victim.pk]))
    client.logout()
    return case


@pytest.fixture
def other_admin(make_user, other_force):
    return make_user("admin.elsewhere", role=Role.ADMINISTRATOR, organisation=other_force)


def rows(response):
    return list(response.context["page"].object_list)


def test_the_search_page_asks_for_something_first(client, administrator):
    client.force_login(administrator)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "Enter at least one thing to search for" in text(response)
    assert not AccessLog.objects.exists()


def test_search_by_user_case_action_and_person(client, administrator, viewed, victim):
    client.force_login(administrator)
    by_user = rows(client.get(SEARCH, {"username": "pc.test"}))
    assert [entry.username for entry in by_user] == ["pc.test"]
    by_case = rows(client.get(SEARCH, {"crime_reference": "1234567/26"}))
    assert {entry.username for entry in by_case} == {"pc.test", "dvpo.test"}
    by_action = rows(client.get(SEARCH, {"action": Action.VIEW}))
    assert len(by_action) == 2
    by_person = rows(client.get(SEARCH, {"person": victim.person_id}))
    assert {entry.username for entry in by_person} == {"pc.test", "dvpo.test"}
    nobody = client.get(SEARCH, {"username": "nobody"})
    assert 'data-testid="log-empty"' in text(nobody)


def test_searches_are_logged_themselves(client, administrator, viewed):
    client.force_login(administrator)
    client.get(SEARCH, {"username": "pc.test"})
    entry = AccessLog.objects.latest("pk")
    assert (entry.action, entry.username) == (Action.SEARCH, "admin.test")
    assert "username=pc.test" in entry.path


def test_search_by_date_range(client, administrator, officer, case):
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        log.write(user=officer, action=Action.VIEW, case=case)
    log.write(user=officer, action=Action.VIEW, case=case)
    client.force_login(administrator)
    today = timezone.localdate()
    since = today - timedelta(days=1)
    found = rows(
        client.get(
            SEARCH,
            {
                "date_from_day": since.day,
                "date_from_month": since.month,
                "date_from_year": since.year,
                "username": "pc.test",
            },
        )
    )
    assert len(found) == 1
    reversed_dates = client.get(
        SEARCH,
        {
            "date_from_day": today.day,
            "date_from_month": today.month,
            "date_from_year": today.year,
            "date_to_day": since.day,
            "date_to_month": since.month,
            "date_to_year": since.year,
        },
    )
    assert DATES_REVERSED in text(reversed_dates)
    bad = client.get(
        SEARCH, {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}
    )
    assert bad.status_code == 200 and "must be a real date" in text(bad)


def test_the_results_are_paginated(client, administrator, officer, case):
    for _ in range(30):
        log.write(user=officer, action=Action.VIEW, case=case)
    client.force_login(administrator)
    first = client.get(SEARCH, {"username": "pc.test"})
    assert len(rows(first)) == 25 and "Page 1 of 2" in text(first)
    assert len(rows(client.get(SEARCH, {"username": "pc.test", "page": 2}))) == 5


def test_another_forces_administrator_sees_none_of_it(client, other_admin, viewed):
    client.force_login(other_admin)
    assert rows(client.get(SEARCH, {"crime_reference": "1234567/26"})) == []
    assert rows(client.get(SEARCH, {"username": "pc.test"})) == []


@pytest.mark.parametrize("who", ["officer", "supervisor", "superintendent", "caseworker"])
def test_only_administrators_search_the_log(client, request, who, victim):
    client.force_login(request.getfixturevalue(who))
    assert client.get(SEARCH).status_code == 403
    assert client.get(reverse("sar_person_search")).status_code == 403
    assert client.get(reverse("sar_person", args=[victim.person_id])).status_code == 403
    assert client.get(reverse("sar_person_csv", args=[victim.person_id])).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, victim):
    for url in (SEARCH, reverse("sar_person_csv", args=[victim.person_id])):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


# --- Subject access requests -----------------------------------------------------------------


def test_find_the_person_by_name_or_number(client, administrator, victim):
    client.force_login(administrator)
    url = reverse("sar_person_search")
    assert client.get(url).status_code == 200
    for query in ("testperson", "Vicky Testperson", str(victim.person_id)):
        found = client.get(url, {"q": query})
        assert reverse("sar_person", args=[victim.person_id]) in text(found), query
    assert 'data-testid="people-empty"' in text(client.get(url, {"q": "Nobody"}))
    assert "Enter a name or a person number" in text(client.get(url, {"q": ""}))


def test_everything_about_one_person_with_who_looked(client, administrator, viewed, victim):
    client.force_login(administrator)
    response = client.get(reverse("sar_person", args=[victim.person_id]))
    assert response.status_code == 200
    body = text(response)
    assert "Vicky Testperson" in body and "1234567/26: Victim" in body
    assert {entry.username for entry in rows(response)} == {"pc.test", "dvpo.test"}
    entry = AccessLog.objects.latest("pk")
    assert (entry.action, entry.people, entry.reason) == (
        Action.VIEW,
        [victim.person_id],
        "Subject access request",
    )


def test_the_sar_csv_is_downloadable_and_its_disclosure_logged(
    client, administrator, viewed, victim
):
    client.force_login(administrator)
    response = client.get(reverse("sar_person_csv", args=[victim.person_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["Section", "Item", "Detail", "When", "By"]
    assert ["Person", "First name", "Vicky", "", ""] in table
    assert any(row[0] == "Case" and row[1] == "1234567/26" for row in table)
    log_rows = [row for row in table if row[0] == "Access log"]
    assert {row[4] for row in log_rows} == {
        "pc.test (Testshire Police)",
        "dvpo.test (Testshire Police)",
    }
    entry = AccessLog.objects.latest("pk")
    assert (entry.action, entry.people, entry.username) == (
        Action.DISCLOSE,
        [victim.person_id],
        "admin.test",
    )


def test_the_sar_csv_cells_cannot_run_as_formulas(client, administrator, viewed, victim):
    from cases.models import Person

    Person.objects.filter(pk=victim.person_id).update(
        first_name="=HYPERLINK(1)", last_name="\uff0b1", address="\uff0dcmd|' /C calc'!A0"
    )
    client.force_login(administrator)
    response = client.get(reverse("sar_person_csv", args=[victim.person_id]))
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Person", "First name", "'=HYPERLINK(1)", "", ""] in table
    assert ["Person", "Last name", "'\uff0b1", "", ""] in table
    assert ["Person", "Address", "'\uff0dcmd|' /C calc'!A0", "", ""] in table


def test_the_sar_of_another_forces_person_is_404(client, other_admin, victim):
    client.force_login(other_admin)
    assert client.get(reverse("sar_person", args=[victim.person_id])).status_code == 404
    assert client.get(reverse("sar_person_csv", args=[victim.person_id])).status_code == 404
    assert not AccessLog.objects.filter(action=Action.DISCLOSE).exists()


def test_a_support_service_administrator_searches_only_their_service(
    client, service_admin, caseworker, sent, victim
):
    client.force_login(caseworker)
    client.get(reverse("service_referral", args=[sent.pk]))
    client.force_login(service_admin)
    found = rows(client.get(SEARCH, {"username": "cw.test"}))
    assert [entry.organisation_name for entry in found] == ["Test Support"]
    assert rows(client.get(SEARCH, {"username": "pc.test"})) == []
    assert client.get(reverse("sar_person", args=[victim.person_id])).status_code == 403
    assert Organisation.objects.get(pk=service_admin.organisation_id).is_police is False
