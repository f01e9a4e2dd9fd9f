"""Two-factor sign-in (dvpo/signin.py, dvpo/middleware.py): the password alone gets nothing,
codes and backup codes, set-up, every page closed to an unverified session, the
administrator's reset, throttled wrong codes, the demo code, and "Confirm it's you" before a
DVPN decision."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import DVPN
from dvpo import signin
from dvpo.demo import (
    DEMO_BACKUP_CODES,
    DEMO_PASSWORD,
    demo_load,
    demo_totp_token,
    totp_token,
)
from tests.helpers import text
from tests.signin import (
    backup_step,
    code_step,
    current_code,
    give_authenticator,
    password_step,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def unverify(client):
    """A signed-in session that never passed the second step."""
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    del session[signin.IDENTITY_CONFIRMED_AT]
    session.save()


# --- Signing in -----------------------------------------------------------------------------


def test_the_password_alone_gets_nothing(client, officer, clock):
    give_authenticator(officer)
    response = password_step(client, officer.username)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app" in text(response)
    assert not signed_in(client)
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("login"))


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(client, officer, clock):
    device = give_authenticator(officer)
    password_step(client, officer.username)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = code_step(client, wrong)
    assert response.status_code == 200
    assert signin.CODE_WRONG in text(response)
    assert "There is a problem" in text(response)
    assert not signed_in(client)

    clock.shift(timedelta(seconds=30))  # past the 1-second pause after one wrong code
    response = code_step(client, current_code(device))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200


def test_a_code_that_is_not_six_digits_gets_a_clear_message(client, officer, clock):
    give_authenticator(officer)
    password_step(client, officer.username)
    assert signin.CODE_FORMAT in text(code_step(client, "12ab"))
    assert signin.CODE_REQUIRED in text(code_step(client, ""))
    assert not signed_in(client)


def test_a_code_cannot_be_used_twice(client, officer, clock):
    device = give_authenticator(officer)
    assert sign_in(client, officer.username).status_code == 302
    client.post(reverse("logout"))
    password_step(client, officer.username)
    response = code_step(client, current_code(device))  # the same 30 seconds: a replay
    assert signin.CODE_WRONG in text(response)
    assert not signed_in(client)


def test_a_backup_code_works_once(client, officer, clock):
    give_authenticator(officer, backup_codes=("onceonly", "another1"))
    password_step(client, officer.username)
    response = backup_step(client, "onceonly")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert not StaticToken.objects.filter(token="onceonly").exists()

    client.post(reverse("logout"))
    clock.shift(timedelta(minutes=1))
    password_step(client, officer.username)
    response = backup_step(client, "onceonly")
    assert response.status_code == 200
    assert signin.BACKUP_WRONG in text(response)
    assert not signed_in(client)


def test_repeated_wrong_codes_are_throttled_with_a_clear_message(client, officer, clock):
    device = give_authenticator(officer)
    password_step(client, officer.username)
    for _ in range(3):
        code_step(client, "000000" if current_code(device) != "000000" else "111111")
        clock.shift(timedelta(seconds=5))
    # Three wrong codes: the next is not even checked for 4 seconds; the right code is refused.
    clock.shift(timedelta(seconds=-4))
    response = code_step(client, current_code(device))
    assert response.status_code == 200
    assert "Codes are paused for this account after 3 wrong codes in a row" in text(response)
    assert not signed_in(client)
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 3
    # Once the pause is over, the code the app shows then signs in.
    clock.shift(timedelta(seconds=31))
    response = code_step(client, current_code(device))
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 0


def test_failed_passwords_still_lock_the_account_with_two_factor(client, officer, clock):
    """django-axes counts the password step of the wizard (tests/test_security.py has more)."""
    give_authenticator(officer)
    for _ in range(4):
        assert password_step(client, officer.username, "wrong").status_code == 200
    assert password_step(client, officer.username, "wrong").status_code == 429
    response = password_step(client, officer.username)
    assert response.status_code == 429
    assert "Enter the code" not in text(response)


# --- Set-up ---------------------------------------------------------------------------------


def test_a_user_without_an_authenticator_is_sent_to_set_up_and_can_use_nothing_else(
    client, officer, clock
):
    response = password_step(client, officer.username, next_url="/cases/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    setup = reverse("two_factor:setup")
    assert response.status_code == 302 and response["Location"].startswith(setup)
    for path in ("/", "/cases/", "/notifications/", "/admin/"):
        redirect = client.get(path)
        assert redirect.status_code == 302 and redirect["Location"].startswith(setup), path

    # The introduction, then the QR code and key.
    welcome = client.get(response["Location"])
    assert "Set up two-factor sign-in" in text(welcome)
    step = client.post(response["Location"], {"setup_view-current_step": "welcome"})
    page = text(step)
    assert "Add this account to your authenticator app" in page
    qr = client.get(reverse("two_factor:qr"))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
    key_b32 = client.session["django_two_factor-qr_secret_key"]
    key_hex = __import__("base64").b32decode(key_b32).hex()
    assert " ".join(key_b32[i : i + 4] for i in range(0, 8, 4)) in page

    # A wrong code is refused; the right one finishes set-up.
    wrong = f"{(int(totp_token(key_hex)) + 1) % 1_000_000:06d}"
    refused = client.post(
        response["Location"], {"setup_view-current_step": "generator", "generator-token": wrong}
    )
    assert signin.CODE_WRONG in text(refused)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    done = client.post(
        response["Location"],
        {"setup_view-current_step": "generator", "generator-token": totp_token(key_hex)},
    )
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("two_factor:setup_complete"))
    assert TOTPDevice.objects.filter(user=officer, name="default", confirmed=True).exists()

    # Then the backup codes, and on to where the person was going.
    complete = client.get(done["Location"])
    codes = list(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in text(complete) for code in codes)
    assert 'href="/cases/"' in complete.content.decode()
    assert client.get("/cases/").status_code == 200


def test_a_verified_person_can_replace_their_backup_codes(client, officer):
    client.force_login(officer)
    StaticDevice.objects.create(user=officer, name="backup").token_set.create(token="oldcode1")
    assert "oldcode1" in text(client.get(reverse("two_factor:backup_tokens")))
    client.post(reverse("two_factor:backup_tokens"))
    tokens = StaticToken.objects.filter(device__user=officer)
    assert tokens.count() == 10 and not tokens.filter(token="oldcode1").exists()


# --- Every page is closed to an unverified session ------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cases/",
        "/queues/",
        "/notifications/",
        "/hearings/",
        "/authorisations/",
        "/admin/",
        "/admin/dvpo/user/",
        "/two-factor/backup-codes/",
    ],
)
def test_an_unverified_session_is_sent_to_the_second_step_from_every_page(
    client, administrator, path
):
    client.force_login(administrator)  # has an authenticator
    unverify(client)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("confirm_identity")), path


def test_an_unverified_session_cannot_act(client, officer, case):
    client.force_login(officer)
    unverify(client)
    response = client.post(reverse("notifications_mark_read"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("confirm_identity"))
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 302


def test_pages_open_without_the_second_step(client, officer):
    client.force_login(officer)
    unverify(client)
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get(reverse("confirm_identity")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert not signed_in(client)


def test_an_unverified_session_confirms_and_goes_on(client, officer, clock):
    client.force_login(officer)
    device = TOTPDevice.objects.get(user=officer)
    unverify(client)
    response = client.get("/cases/")
    response = client.post(
        response["Location"],
        {"password": DEMO_PASSWORD, "code": current_code(device), "next": "/cases/"},
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_the_admin_sign_in_page_sends_people_to_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/"


# --- The administrator's reset ---------------------------------------------------------------


def reset(admin_client, user):
    return admin_client.post(
        reverse("admin:dvpo_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )


def test_an_administrator_resets_a_second_factor(client, officer, administrator, clock):
    client.force_login(officer)
    StaticDevice.objects.create(user=officer, name="backup").token_set.create(token="lostphn1")
    assert client.get("/").status_code == 200

    admin = Client()
    admin.force_login(administrator)
    response = reset(admin, officer)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    entry = LogEntry.objects.get(object_id=str(officer.pk), user=administrator)
    assert "Reset two-factor sign-in" in entry.get_change_message()

    # The officer's session is signed out at once; after the password comes set-up.
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    password_step(client, officer.username)
    response = client.get("/")
    assert response["Location"].startswith(reverse("two_factor:setup"))


def test_only_administrators_can_reset(client, officer, supervisor):
    client.force_login(officer)
    admin = Client()
    admin.force_login(supervisor)
    response = reset(admin, officer)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert TOTPDevice.objects.filter(user=officer).exists()


# --- The demo accounts -----------------------------------------------------------------------


def test_demo_code_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_code")


def test_demo_code_refuses_without_the_demo_data(settings, db):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_demo"):
        call_command("demo_code")


def test_the_demo_accounts_sign_in_with_the_printed_code(client, settings, roles, clock, capsys):
    demo_load()
    settings.DEBUG = True
    call_command("demo_code")
    out = capsys.readouterr().out
    code = out.splitlines()[0]
    assert re.fullmatch(r"\d{6}", code) and code == demo_totp_token()
    assert "demo1111" in out

    password_step(client, "superintendent")
    response = code_step(client, code)
    assert response.status_code == 302 and response["Location"] == reverse("home")

    # The published backup codes work too (once each, until load_demo runs again).
    other = Client()
    password_step(other, "officer")
    assert backup_step(other, DEMO_BACKUP_CODES[0]).status_code == 302
    demo_load()
    assert StaticToken.objects.filter(
        device__user__username="officer", token=DEMO_BACKUP_CODES[0]
    ).exists()


# --- "Confirm it's you" before a DVPN decision --------------------------------------------


def decide_url(dvpn):
    return reverse("dvpn_decide", args=[dvpn.case_id, dvpn.pk])


def decision(dvpn, choice="authorise"):
    return {
        "decision": choice,
        "reasons": "Grounds and necessity are made out.",
        "expected_version": dvpn.lock_version,
    }


@pytest.mark.parametrize("choice", ["authorise", "refuse"])
def test_a_decision_soon_after_signing_in_needs_nothing_more(
    client, superintendent, submitted_dvpn, choice
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(superintendent)
        traveller.shift(timedelta(minutes=4))
        response = client.post(decide_url(submitted_dvpn), decision(submitted_dvpn, choice))
    assert response.status_code == 302 and response["Location"] == reverse("authorisation_queue")
    submitted_dvpn.refresh_from_db()
    expected = DVPN.Status.AUTHORISED if choice == "authorise" else DVPN.Status.REFUSED
    assert submitted_dvpn.status == expected


@pytest.mark.parametrize("choice", ["authorise", "refuse"])
def test_a_late_decision_asks_who_it_is_and_changes_nothing_until_then(
    client, superintendent, submitted_dvpn, choice
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(superintendent)
        device = TOTPDevice.objects.get(user=superintendent)
        traveller.shift(timedelta(minutes=6))
        page = client.get(decide_url(submitted_dvpn))
        assert "we will ask for your password and a code" in text(page)

        response = client.post(decide_url(submitted_dvpn), decision(submitted_dvpn, choice))
        confirm = reverse("confirm_identity")
        assert response.status_code == 302 and response["Location"].startswith(confirm)
        submitted_dvpn.refresh_from_db()
        assert submitted_dvpn.status == DVPN.Status.SUBMITTED  # nothing changed

        # A wrong password or code is refused with a clear message.
        page = client.get(response["Location"])
        assert "Confirm it’s you" in text(page)
        wrong = client.post(
            response["Location"],
            {"password": "nope", "code": current_code(device), "next": decide_url(submitted_dvpn)},
        )
        assert signin.PASSWORD_WRONG in text(wrong)
        traveller.shift(timedelta(seconds=30))
        back = client.post(
            response["Location"],
            {
                "password": DEMO_PASSWORD,
                "code": current_code(device),
                "next": decide_url(submitted_dvpn),
            },
        )
        assert back.status_code == 302 and back["Location"] == decide_url(submitted_dvpn)

        # Back on the decision page with what was typed; recording it now works.
        page = text(client.get(decide_url(submitted_dvpn)))
        assert "You confirmed it’s you" in page
        assert "Grounds and necessity are made out." in page
        assert re.search(rf'value="{choice}"[^>]*checked', page)
        response = client.post(decide_url(submitted_dvpn), decision(submitted_dvpn, choice))
        assert response.status_code == 302
        assert response["Location"] == reverse("authorisation_queue")
    submitted_dvpn.refresh_from_db()
    assert submitted_dvpn.status != DVPN.Status.SUBMITTED


def test_confirming_with_a_backup_code(client, superintendent, submitted_dvpn):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(superintendent)
        StaticDevice.objects.create(user=superintendent, name="backup").token_set.create(
            token="backup77"
        )
        traveller.shift(timedelta(minutes=10))
        confirm = reverse("confirm_identity")
        response = client.post(confirm, {"password": DEMO_PASSWORD, "code": "x"})
        assert signin.BACKUP_WRONG in text(response)
        traveller.shift(timedelta(seconds=2))  # the pause after one wrong code
        response = client.post(
            reverse("confirm_identity"), {"password": DEMO_PASSWORD, "code": "backup77"}
        )
        assert response.status_code == 302
        response = client.post(decide_url(submitted_dvpn), decision(submitted_dvpn))
        assert response["Location"] == reverse("authorisation_queue")


def test_outsiders_are_refused_before_any_confirmation(client, outsider, submitted_dvpn):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(outsider)
        traveller.shift(timedelta(minutes=10))
        response = client.post(decide_url(submitted_dvpn), decision(submitted_dvpn))
    assert response.status_code == 404
    submitted_dvpn.refresh_from_db()
    assert submitted_dvpn.status == DVPN.Status.SUBMITTED


def test_confirm_its_you_needs_a_signed_in_person(client):
    response = client.get(reverse("confirm_identity"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reauth_minutes_comes_from_the_environment():
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REAUTH_MINUTES)",
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "REAUTH_MINUTES": "2"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2"]


def test_knowing_the_password_never_adds_a_second_authenticator(client, officer, clock):
    """A session that passed only the password step while the account had no authenticator
    (a new account, or after a reset) cannot set one up once the owner has: it must confirm
    with the existing one first, and set-up answers nothing on GET or POST."""
    response = password_step(client, officer.username)
    assert response.status_code == 302  # no device yet: on to set-up
    give_authenticator(officer)  # meanwhile, the real owner sets up
    setup = reverse("two_factor:setup")
    for answer in (
        client.get(setup),
        client.get(reverse("two_factor:qr")),
        client.post(setup, {"setup_view-current_step": "welcome"}),
        client.post(setup, {"setup_view-current_step": "generator", "generator-token": "123456"}),
    ):
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("confirm_identity"))
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_administrators_get_the_lockout_log_but_not_the_unscoped_access_log(client, administrator):
    assert administrator.has_perm("axes.view_accesslog")
    assert not administrator.has_perm("audit.view_accesslog")
    client.force_login(administrator)
    assert client.get(reverse("admin:audit_accesslog_changelist")).status_code == 403
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 200
