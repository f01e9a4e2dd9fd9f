"""The admin's sign-in attempts (dvpo/lockout_admin.py): an organisation's administrator sees
and clears its own people's, never another organisation's; a superuser sees all."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from dvpo.models import User
from dvpo.roles import Role
from tests.test_lockout import START, WRONG, assert_waiting, attempt, lock

pytestmark = pytest.mark.django_db

LIST = "admin:axes_accessattempt_changelist"


@pytest.fixture(autouse=True)
def clock():
    import time_machine

    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def other_administrator(make_user, other_force):
    return make_user("admin.other", role=Role.ADMINISTRATOR, organisation=other_force)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("platform", password="x" * 20)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def locked_officer(client, officer):
    lock(client, officer)
    attempt(Client(), "nobody-at-all", WRONG)  # a username that belongs to no one
    return officer


def test_an_administrator_sees_the_wait_and_clears_it(client, locked_officer, administrator):
    row = AccessAttempt.objects.get(username=locked_officer.username)
    admin = signed_in(administrator)
    listing = admin.get(reverse(LIST))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert locked_officer.username in html
    assert "1 minute" in html  # the wait column
    assert "nobody-at-all" not in html  # nobody's username: the platform administrator's
    assert admin.get(reverse("admin:axes_accessattempt_change", args=[row.pk])).status_code == 200
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=locked_officer.username).exists()
    assert attempt(client, locked_officer.username).status_code == 302


def test_an_administrator_clears_several_at_once(locked_officer, administrator, supervisor):
    attempt(Client(), supervisor.username, WRONG)
    mine = list(
        AccessAttempt.objects.exclude(username="nobody-at-all").values_list("pk", flat=True)
    )
    response = signed_in(administrator).post(
        reverse(LIST), {"action": "delete_selected", ACTION_CHECKBOX_NAME: mine, "post": "yes"}
    )
    assert response.status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["nobody-at-all"]


def test_another_organisations_administrator_sees_and_clears_none(
    client, locked_officer, other_administrator
):
    row = AccessAttempt.objects.get(username=locked_officer.username)
    admin = signed_in(other_administrator)
    listing = admin.get(reverse(LIST))
    assert listing.status_code == 200
    assert locked_officer.username not in listing.content.decode()
    for name in ("admin:axes_accessattempt_change", "admin:axes_accessattempt_delete"):
        assert admin.get(reverse(name, args=[row.pk])).status_code == 404
    delete = reverse("admin:axes_accessattempt_delete", args=[row.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 404
    admin.post(
        reverse(LIST), {"action": "delete_selected", ACTION_CHECKBOX_NAME: [row.pk], "post": "yes"}
    )
    assert AccessAttempt.objects.filter(pk=row.pk).exists()
    assert_waiting(attempt(client, locked_officer.username), "1 minute")


def test_successful_sign_ins_are_scoped_too(officer, administrator, other_administrator):
    attempt(Client(), officer.username)
    row = AccessLog.objects.get(username=officer.username)
    url = reverse("admin:axes_accesslog_changelist")
    assert officer.username in signed_in(administrator).get(url).content.decode()
    other = signed_in(other_administrator)
    assert officer.username not in other.get(url).content.decode()
    assert other.get(reverse("admin:axes_accesslog_change", args=[row.pk])).status_code == 404
    # An administrator may not delete the record of a sign-in, even their own organisation's.
    response = signed_in(administrator).post(
        reverse("admin:axes_accesslog_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_the_failure_log_is_scoped(officer, administrator, other_administrator):
    AccessFailureLog.objects.create(username=officer.username, ip_address="127.0.0.1")
    url = reverse("admin:axes_accessfailurelog_changelist")
    assert officer.username in signed_in(administrator).get(url).content.decode()
    assert officer.username not in signed_in(other_administrator).get(url).content.decode()


def test_the_superuser_sees_every_attempt_including_unknown_usernames(locked_officer, superuser):
    html = signed_in(superuser).get(reverse(LIST)).content.decode()
    assert locked_officer.username in html
    assert "nobody-at-all" in html


def test_an_administrator_cannot_change_an_attempt(locked_officer, administrator):
    row = AccessAttempt.objects.get(username=locked_officer.username)
    response = signed_in(administrator).post(
        reverse("admin:axes_accessattempt_change", args=[row.pk]), {"failures_since_start": "0"}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.get(pk=row.pk).failures_since_start == 5


def test_people_without_the_admin_cannot_see_or_clear(client, locked_officer, supervisor):
    row = AccessAttempt.objects.get(username=locked_officer.username)
    other = signed_in(supervisor)
    assert other.get(reverse(LIST)).status_code == 302  # to the admin sign-in: not staff
    other.post(reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"})
    assert AccessAttempt.objects.filter(pk=row.pk).exists()
