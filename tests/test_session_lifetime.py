"""A session ends SESSION_ABSOLUTE_HOURS (12) after it signed in, however active it is,
besides the idle timeout (dvpo.middleware.AbsoluteSessionLifetimeMiddleware)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from dvpo.middleware import SIGNED_IN_AT
from tests.signin import give_authenticator, sign_in

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 6, 7, 0, tzinfo=UTC)
HOME = reverse("home")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_busy_session_ends_twelve_hours_after_signing_in(client, officer, clock):
    give_authenticator(officer)
    assert sign_in(client, officer.username).status_code == 302
    # A request every 25 minutes: the idle timeout (30 minutes) never ends it.
    for _ in range(28):  # 11 h 40 min
        clock.shift(timedelta(minutes=25))
        assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=19, seconds=59))  # 11 h 59 min 59 s after signing in
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(seconds=2))
    response = client.get(HOME)
    assert signed_out(response)
    assert "_auth_user_id" not in client.session
    # Signed out for good: the next request is not signed in either.
    assert signed_out(client.get(HOME))


def test_signing_in_again_starts_a_new_lifetime(client, officer, clock):
    client.force_login(officer)
    clock.shift(timedelta(hours=12, minutes=1))
    assert signed_out(client.get(HOME))
    client.force_login(officer)
    assert client.session[SIGNED_IN_AT] == (START + timedelta(hours=12, minutes=1)).timestamp()
    assert client.get(HOME).status_code == 200


@override_settings(SESSION_ABSOLUTE_HOURS=2, SESSION_COOKIE_AGE=3 * 3600)  # idle: 3 hours
def test_the_lifetime_is_configurable(client, officer, clock):
    client.force_login(officer)
    clock.shift(timedelta(hours=1, minutes=59))
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=2))
    assert signed_out(client.get(HOME))


def test_a_session_without_a_sign_in_time_is_signed_out(client, officer, clock):
    client.force_login(officer)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert signed_out(client.get(HOME))


def test_pages_open_to_all_still_work_after_the_end(client, officer, clock):
    client.force_login(officer)
    clock.shift(timedelta(hours=13))
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get(reverse("login")).status_code == 200


def test_the_lifetime_comes_from_the_environment():
    from tests.test_settings import GOOD_KEY, run_python

    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.SESSION_ABSOLUTE_HOURS)"
    base = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"}
    assert run_python(code, base).stdout.split() == ["12"]
    assert run_python(code, {**base, "SESSION_ABSOLUTE_HOURS": "8"}).stdout.split() == ["8"]
    refused = run_python(code, {**base, "SESSION_ABSOLUTE_HOURS": "0"})
    assert refused.returncode != 0 and "SESSION_ABSOLUTE_HOURS=0 is below the minimum" in (
        refused.stderr
    )
