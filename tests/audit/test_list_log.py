"""Lists and searches that name people are in the s.62 access log too: one row per page with
the people named and the page's address (so the search typed), and a subject access request
shows them. A page that names nobody writes nothing."""

from django.urls import reverse

from audit.models import AccessLog, Action


def listed(user):
    return list(AccessLog.objects.filter(user=user, action=Action.LIST))


def test_the_case_list_logs_the_people_it_names(client, officer, victim, perpetrator):
    client.force_login(officer)
    assert client.get(reverse("case_list")).status_code == 200
    (entry,) = listed(officer)
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])
    assert (entry.reason, entry.case_id) == ("case list", None)


def test_a_search_is_logged_with_what_was_typed(client, officer, victim, perpetrator):
    client.force_login(officer)
    client.get(reverse("case_list"), {"q": victim.person.last_name})
    (entry,) = listed(officer)
    assert entry.reason == "case search"
    assert f"q={victim.person.last_name}" in entry.path
    assert victim.person_id in entry.people


def test_a_list_naming_nobody_writes_nothing(client, officer, outsider, case):
    client.force_login(officer)
    client.get(reverse("case_list"), {"q": "Nobody-By-This-Name"})
    client.get(reverse("case_list"))  # the case has no people yet
    assert not listed(officer)


def test_the_dash_review_queue_logs_the_victims(client, supervisor, risk):
    client.force_login(supervisor)
    assert client.get(reverse("risk_review_queue")).status_code == 200
    (entry,) = listed(supervisor)
    assert entry.people == [risk.victim.person_id]


def test_the_services_lists_and_home_page_log_the_victims(client, caseworker, sent):
    client.force_login(caseworker)
    for name in ("referral_inbox", "home"):
        assert client.get(reverse(name)).status_code == 200
    reasons = sorted(entry.reason for entry in listed(caseworker))
    assert reasons == ["home page", "referral inbox"]
    assert all(entry.people == [sent.victim.person_id] for entry in listed(caseworker))


def test_a_subject_access_request_shows_the_lists(client, officer, administrator, victim):
    client.force_login(officer)
    client.get(reverse("case_list"))
    client.force_login(administrator)
    page = client.get(reverse("sar_person", args=[victim.person_id])).content.decode()
    assert "Named on a list or in search results" in page
