"""Sign-in lockout (dvpo/lockout.py on django-axes): growing waits per address and per
username, the client address behind trusted proxies only, and the settings."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from dvpo.demo import DEMO_PASSWORD
from dvpo.lockout import forwarded_client, growing_delay, trusted_proxy_networks, wait_words
from tests.signin import STEP, code_step, current_code

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
WRONG = "not-the-password"  # noqa: S105 - a wrong password on purpose
BAD_PASSWORD = "Please enter a correct username and password"  # noqa: S105 - Django's message


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def attempt(client, username, password=DEMO_PASSWORD, *, address="127.0.0.1", **headers):
    """The password step of sign-in from `address`; with the right password, the code too."""
    response = client.post(
        reverse("login"),
        {STEP: "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    device = TOTPDevice.objects.filter(user__username=username, name="default").first()
    if response.status_code == 200 and device and "token-otp_token" in response.content.decode():
        response = code_step(client, current_code(device))
    return response


def assert_refused(response):
    assert response.status_code == 200
    assert BAD_PASSWORD in response.content.decode()


def assert_waiting(response, wait: str):
    assert response.status_code == 429
    html = response.content.decode()
    assert "<title>Sign-in locked" in html
    assert "You cannot sign in at the moment" in html
    assert f"Wait {wait}, then try again." in html
    assert "contact your system administrator" in html


def fail(client, user, times, **kwargs):
    for _ in range(times):
        assert_refused(attempt(client, user.username, WRONG, **kwargs))


def lock(client, user):
    """Four wrong passwords get the usual message; the fifth starts a one-minute wait."""
    fail(client, user, 4)
    assert_waiting(attempt(client, user.username, WRONG), "1 minute")


# --- Pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(0, 0), (4, 0), (5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (50, 900), (10**6, 900)],
)
def test_the_wait_doubles_after_the_free_failures_up_to_the_cap(failures, wait):
    delay = growing_delay(
        failures=failures,
        free_failures=5,
        first_delay=timedelta(seconds=60),
        max_delay=timedelta(minutes=15),
    )
    assert delay == timedelta(seconds=wait)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (30.2, "31 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
    ],
)
def test_the_wait_in_words_is_rounded_up(seconds, words):
    assert wait_words(timedelta(seconds=seconds)) == words


PROXIES = ["10.0.0.0/8", "192.0.2.7"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client_address"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        # A client that is not a trusted proxy cannot choose its address with the header.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ("203.0.113.9", "10.0.0.1", "203.0.113.9"),
        # Through the proxy: the address the proxy was called from.
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),
        # What the client put in front of the proxy's entry is not believed.
        ("10.1.2.3", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # Two trusted proxies in a row.
        ("10.1.2.3", "1.1.1.1, 198.51.100.1, 192.0.2.7", "198.51.100.1"),
        # Rubbish where an address should be: the last address a trusted proxy vouched for.
        ("10.1.2.3", "198.51.100.1, not-an-address", "10.1.2.3"),
        ("10.1.2.3", "", "10.1.2.3"),
        ("2001:db8::1", "198.51.100.1", "2001:db8::1"),
    ],
)
def test_the_forwarded_address_is_read_only_from_trusted_proxies(remote, forwarded, client_address):
    with override_settings(TRUSTED_PROXIES=PROXIES):
        trusted = trusted_proxy_networks()
    assert forwarded_client(remote_addr=remote, forwarded_for=forwarded, trusted=trusted) == (
        client_address
    )


# --- Per username, across addresses --------------------------------------------------------


def test_the_right_password_is_refused_unchecked_while_waiting(client, officer, clock):
    fail(client, officer, 4)
    assert_waiting(attempt(client, officer.username, WRONG), "1 minute")
    response = attempt(client, officer.username)
    assert_waiting(response, "1 minute")
    assert "_auth_user_id" not in client.session
    row = AccessAttempt.objects.get(username=officer.username)
    assert row.failures_since_start == 5  # the refused attempt was not counted
    assert row.ip_address == "127.0.0.1"


def test_each_further_failure_doubles_the_wait_up_to_the_cap(client, officer, clock):
    fail(client, officer, 4)
    assert_waiting(attempt(client, officer.username, WRONG), "1 minute")
    for wait in ("2 minutes", "4 minutes", "8 minutes", "15 minutes", "15 minutes"):
        clock.shift(timedelta(minutes=15, seconds=1))
        assert_waiting(attempt(client, officer.username, WRONG), wait)


def test_attempts_while_waiting_do_not_lengthen_the_wait(client, officer, clock):
    lock(client, officer)
    for _ in range(10):
        assert_waiting(attempt(client, officer.username, WRONG), "1 minute")
    clock.shift(timedelta(seconds=30))
    assert_waiting(attempt(client, officer.username), "30 seconds")
    clock.shift(timedelta(seconds=31))
    assert attempt(client, officer.username).status_code == 302


def test_the_wait_ends_and_the_right_password_signs_in_and_forgets(client, officer, clock):
    lock(client, officer)
    clock.shift(timedelta(seconds=61))
    response = attempt(client, officer.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert AccessLog.objects.filter(username=officer.username).count() == 1


def test_four_failures_then_the_right_password_signs_in(client, officer, clock):
    fail(client, officer, 4)
    assert attempt(client, officer.username).status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()


def test_failures_are_forgotten_a_day_after_the_last(client, officer, clock):
    fail(client, officer, 4)
    clock.shift(timedelta(hours=24, seconds=1))
    fail(client, officer, 4)  # a fresh count: no wait yet
    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 4


def test_a_username_is_counted_across_addresses(client, officer, clock):
    for n in range(4):
        assert_refused(attempt(client, officer.username, WRONG, address=f"198.51.100.{n}"))
    assert_waiting(attempt(client, officer.username, WRONG, address="198.51.100.4"), "1 minute")
    assert_waiting(attempt(client, officer.username, address="198.51.100.99"), "1 minute")


def test_the_wait_is_for_that_account_only(client, officer, supervisor, clock):
    lock(client, officer)
    assert attempt(client.__class__(), supervisor.username).status_code == 302


# --- Per address, across usernames (password spraying) -------------------------------------


def test_an_address_spraying_many_usernames_has_to_wait(client, officer, clock):
    for n in range(19):
        assert_refused(attempt(client, f"nobody{n}", WRONG))
    assert_waiting(attempt(client, "nobody19", WRONG), "1 minute")
    # Every account is then refused from that address, whatever the password ...
    assert_waiting(attempt(client, officer.username), "1 minute")
    # ... but not from another one.
    assert attempt(client.__class__(), officer.username, address="198.51.100.5").status_code == (
        302
    )


def test_a_successful_sign_in_does_not_clear_its_address_count(client, officer, supervisor, clock):
    """A sprayer with one real account cannot reset the address count by signing in."""
    for n in range(18):
        assert_refused(attempt(client, f"nobody{n}", WRONG))
    assert attempt(client.__class__(), supervisor.username).status_code == 302
    assert_refused(attempt(client, "nobody18", WRONG))
    assert_waiting(attempt(client, "nobody19", WRONG), "1 minute")


# --- The client address --------------------------------------------------------------------


def test_a_spoofed_forwarded_header_does_not_change_the_counted_address(client, officer, clock):
    for n in range(5):
        attempt(client, officer.username, WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, officer, clock):
    for n in range(19):
        attempt(client, f"nobody{n}", WRONG, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert_waiting(attempt(client, "x", WRONG, HTTP_X_FORWARDED_FOR="198.51.100.7"), "1 minute")
    # Others behind the same proxy are not held up.
    other = client.__class__()
    assert attempt(other, officer.username, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == (
        302
    )


# --- Settings ------------------------------------------------------------------------------


def test_lockout_settings_come_from_the_environment():
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LOCKOUT_USERNAME_FAILURES, s.LOCKOUT_ADDRESS_FAILURES, "
        "s.LOCKOUT_FIRST_DELAY_SECONDS, s.LOCKOUT_MAX_DELAY_MINUTES, "
        "int(s.AXES_COOLOFF_TIME.total_seconds()), s.TRUSTED_PROXIES)",
        {
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "x",
            "LOCKOUT_USERNAME_FAILURES": "3",
            "LOCKOUT_ADDRESS_FAILURES": "50",
            "LOCKOUT_FIRST_DELAY_SECONDS": "10",
            "LOCKOUT_MAX_DELAY_MINUTES": "30",
            "LOCKOUT_FORGET_HOURS": "2",
            "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "3",
        "50",
        "10",
        "30",
        "7200",
        "['10.0.0.0/8',",
        "'192.0.2.7']",
    ]


def test_the_defaults_trust_no_proxy():
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.TRUSTED_PROXIES, s.LOCKOUT_USERNAME_FAILURES, s.LOCKOUT_ADDRESS_FAILURES)",
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "5", "20"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, "'proxy.local' is not an IP address"),
        (
            {"LOCKOUT_MAX_DELAY_MINUTES": "120", "LOCKOUT_FORGET_HOURS": "1"},
            "LOCKOUT_MAX_DELAY_MINUTES must not be longer than LOCKOUT_FORGET_HOURS",
        ),
    ],
)
def test_bad_lockout_settings_are_refused(env, message):
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup()", {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", **env}
    )
    assert result.returncode != 0
    assert message in result.stderr
