"""The Django admin's pages of case data in the access log (audit/admin_log.py): the list,
a record, its history, an old version and a delete confirmation each write one row; an old
version is shown read-only and cannot be saved from the admin."""

import pytest
from django.urls import reverse

from audit.models import AccessLog, Action, Basis
from tests.helpers import when


@pytest.fixture
def platform(db):
    from dvpo.models import User

    return User.objects.create_superuser("platform.test", "", None)


@pytest.fixture
def application(served_dvpn, officer):
    from courts import services
    from courts.models import Court

    court = Court.objects.create(
        name="Testtown Magistrates' Court", code="testtown", sitting_days=[0, 1, 2, 3, 4, 5]
    )
    return services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-07T10:00:00+00:00")
    )


def rows(user):
    return list(AccessLog.objects.filter(user=user).order_by("pk"))


def test_a_list_of_case_records_logs_the_cases_people(
    client, platform, application, victim, perpetrator
):
    client.force_login(platform)
    url = reverse("admin:courts_dvpoapplication_changelist")
    assert "1234567/26" in client.get(url).content.decode()
    (entry,) = rows(platform)
    assert (entry.action, entry.basis) == (Action.LIST, Basis.ADMINISTRATOR)
    assert entry.reason == "admin: DVPO applications"
    assert sorted(entry.people) == sorted([victim.person_id, perpetrator.person_id])


def test_an_empty_list_writes_nothing(client, platform):
    client.force_login(platform)
    assert client.get(reverse("admin:courts_breach_changelist")).status_code == 200
    assert not rows(platform)


@pytest.mark.parametrize("view", ["change", "history"])
def test_a_record_and_its_history_are_logged_with_their_case(client, platform, application, view):
    client.force_login(platform)
    url = reverse(f"admin:courts_dvpoapplication_{view}", args=[application.pk])
    assert client.get(url).status_code == 200
    (entry,) = rows(platform)
    assert (entry.action, entry.case_id) == (Action.VIEW, application.dvpn.case_id)
    assert (entry.object_type, entry.object_id) == ("dvpoapplication", application.pk)


def test_an_old_version_is_logged_and_shown_read_only(client, platform, application, served_dvpn):
    client.force_login(platform)
    version = application.history.earliest("history_id")
    url = reverse(
        "admin:courts_dvpoapplication_simple_history", args=[application.pk, version.history_id]
    )
    page = client.get(url).content.decode()
    assert "<select" not in page  # not every DVPN of every force in a drop-down
    (entry,) = rows(platform)
    assert (entry.action, entry.case_id) == (Action.VIEW, served_dvpn.case_id)


def test_an_old_version_cannot_be_saved_where_the_admin_may_only_look(
    client, platform, application
):
    client.force_login(platform)
    version = application.history.earliest("history_id")
    url = reverse(
        "admin:courts_dvpoapplication_simple_history", args=[application.pk, version.history_id]
    )
    before = application.history.count()
    assert client.post(url, {"court": application.court_id}).status_code == 403
    assert application.history.count() == before
    assert not rows(platform)


def test_a_delete_confirmation_logs_the_people_it_lists(client, platform, force, victim):
    """Deleting a force lists its people (they protect it) by name."""
    client.force_login(platform)
    page = client.get(reverse("admin:dvpo_organisation_delete", args=[force.pk])).content
    assert b"Testperson" in page
    (entry,) = rows(platform)
    assert victim.person_id in entry.people
    assert entry.reason == "admin: deleting organisations"


def test_a_delete_confirmation_listing_nobody_writes_nothing(client, platform, other_force):
    client.force_login(platform)
    url = reverse("admin:dvpo_organisation_delete", args=[other_force.pk])
    assert client.get(url).status_code == 200
    assert not rows(platform)


def test_an_administrator_without_the_permission_is_refused_and_nothing_is_logged(
    client, administrator, application
):
    client.force_login(administrator)
    for url in (
        reverse("admin:courts_dvpoapplication_changelist"),
        reverse("admin:courts_dvpoapplication_change", args=[application.pk]),
    ):
        assert client.get(url).status_code == 403
    assert not AccessLog.objects.exists()
