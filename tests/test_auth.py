from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from dvpo.roles import Rank, Role
from tests.signin import give_authenticator, sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_page_renders_with_the_shell(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert "moj-header" in html and "govuk-footer" in html
    assert "GDS Transport" not in html and "govuk-header__logotype" not in html


def test_sign_in_and_out(client, officer):
    give_authenticator(officer)
    response = sign_in(client, officer.username)  # the password, then the code
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[DEVICE_ID_SESSION_KEY]
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Your cases" in home.content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    # Signing out ends the verified state with the session.
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error_summary_and_signs_nobody_in(client, officer):
    response = sign_in(client, officer.username, "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Please enter a correct username and password" in html
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_post(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_ends_after_inactivity(client, officer, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(officer)
        assert client.get(reverse("home")).status_code == 200
        # Activity keeps the session alive (sliding expiry).
        traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
        assert client.get(reverse("home")).status_code == 200
        # Then silence for longer than the idle period ends it.
        traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "org", "rank", "expected"),
    [
        (Role.OFFICER, "force", Rank.CONSTABLE, "Your cases"),
        (Role.DVPO_OFFICER, "force", Rank.CONSTABLE, "Hearings due"),
        (Role.SUPERVISOR, "force", Rank.SERGEANT, "Overdue and due soon"),
        (Role.AUTHORISING_OFFICER, "force", Rank.SUPERINTENDENT, "DVPNs awaiting your decision"),
        (Role.COURT_COORDINATOR, "force", None, "Hearings due"),
        (Role.CASEWORKER, "service", None, "No referrals have been sent to Test Support"),
        (Role.SERVICE_MANAGER, "service", None, "Service queues"),
        (Role.ADMINISTRATOR, "force", None, "Administration"),
    ],
)
def test_each_role_has_a_home_page(client, make_user, force, service, role, org, rank, expected):
    user = make_user(
        role.value, role=role, organisation={"force": force, "service": service}[org], rank=rank
    )
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert expected in html
    assert role.label in html


def test_a_user_without_a_role_is_told_so(client, make_user, force):
    client.force_login(make_user("norole", organisation=force))
    assert "You have no role yet" in client.get(reverse("home")).content.decode()


def test_only_administrators_reach_the_admin(client, officer, make_user, force):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302
    admin_user = make_user("administrator", role=Role.ADMINISTRATOR, organisation=force)
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/dvpo/user/").status_code == 200
