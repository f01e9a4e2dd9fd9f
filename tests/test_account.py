"""Step-up for the second factor and the person's own account (dvpo/account.py,
dvpo/account_views.py, dvpo/signin.py): replacing the authenticator, showing or replacing
backup codes and removing a device need the password and a current code within the last
REAUTH_MINUTES; each change is recorded (the admin's LogEntry) and e-mailed once, after
commit, with no secret in it; the password-change page."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dvpo import account, account_views, signin
from dvpo.deadlines import format_instant
from dvpo.demo import DEMO_PASSWORD, totp_token
from tests.helpers import text
from tests.signin import current_code, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-4"  # noqa: S105 - a test password
CONFIRM = reverse("confirm_identity")
BACKUP = reverse("two_factor:backup_tokens")
SETUP = reverse("two_factor:setup")


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def person(officer):
    officer.email = "pc.test@police.example"
    officer.save()
    return officer


@pytest.fixture
def signed_in(client, person, clock):
    """The person signed in (their authenticator and two backup codes), the sign-in's
    confirmation of identity now."""
    client.force_login(person)
    static = StaticDevice.objects.create(user=person, name="backup")
    for code in ("backupaa", "backupbb"):
        static.token_set.create(token=code)
    return client


@pytest.fixture
def stale(signed_in, clock):
    """The same session REAUTH_MINUTES and a second later: step-up needed again."""
    clock.shift(timedelta(minutes=settings.REAUTH_MINUTES, seconds=1))
    return signed_in


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run each request's after-commit work (the e-mails) as a committed transaction would."""

    def run(request, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(*args, **kwargs)

    return run


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, name="default")


def backup_codes(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def backup_device(user) -> StaticDevice:
    return StaticDevice.objects.get(user=user)


def remove_url(kind, device) -> str:
    return reverse("device_remove", args=[kind, device.pk])


def confirm(client, code, *, password=DEMO_PASSWORD, next_url="/"):
    return client.post(CONFIRM, {"password": password, "code": code, "next": next_url})


def sent_to_confirm(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(CONFIRM + "?next=")


def log_messages(user) -> list[str]:
    return list(
        LogEntry.objects.filter(object_id=str(user.pk)).values_list("change_message", flat=True)
    )


def assert_one_mail(mailoutbox, user, change, *secrets):
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert mail.subject == f"{settings.SERVICE_NAME}: {change.summary}"
    assert change.sentence in mail.body
    assert "If it was not you" in mail.body and "(UK time)" in mail.body
    assert not mail.alternatives  # plain text only
    for secret in (DEMO_PASSWORD, NEW_PASSWORD, *secrets):
        assert secret not in mail.body and secret not in mail.subject


# --- Each action needs a recent "Confirm it's you" ----------------------------------------------


def actions(user):
    """Each step-up action as (method, url), for a person with an authenticator and backup
    codes."""
    return [
        ("get", BACKUP),
        ("post", BACKUP),
        ("get", SETUP),
        ("post", SETUP),
        ("get", remove_url("backup-codes", backup_device(user))),
        ("post", remove_url("backup-codes", backup_device(user))),
    ]


@pytest.mark.parametrize("index", range(6))
def test_each_action_is_refused_without_a_recent_confirmation_and_changes_nothing(
    stale, person, mailoutbox, commits, index
):
    method, url = actions(person)[index]
    device, codes = authenticator(person), backup_codes(person)
    response = commits(getattr(stale, method), url, {"setup_view-current_step": "welcome"})
    assert sent_to_confirm(response), response.get("Location")
    assert urlparse_next(response) == url
    assert authenticator(person) == device and backup_codes(person) == codes
    assert mailoutbox == [] and log_messages(person) == []
    assert signin.STASHED_FORM not in stale.session  # nothing posted is kept


def urlparse_next(response) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_the_window_is_reauth_minutes_from_the_confirmation(signed_in, person, clock):
    clock.shift(timedelta(minutes=settings.REAUTH_MINUTES))
    assert signed_in.get(BACKUP).status_code == 200
    clock.shift(timedelta(seconds=1))
    assert sent_to_confirm(signed_in.get(BACKUP))


def test_a_wrong_password_is_refused_and_the_action_stays_closed(stale, person, mailoutbox):
    response = confirm(
        stale, current_code(authenticator(person)), password="not-it", next_url=BACKUP
    )
    assert response.status_code == 200
    assert signin.PASSWORD_WRONG in text(response)
    assert sent_to_confirm(stale.get(BACKUP))
    assert mailoutbox == []


def test_a_wrong_password_does_not_use_up_the_code(stale, person):
    code = current_code(authenticator(person))
    confirm(stale, code, password="not-it")
    assert confirm(stale, code).status_code == 302
    assert stale.get(BACKUP).status_code == 200


@pytest.mark.parametrize("code", ["000000", "nosuchcd"])
def test_a_wrong_code_is_refused_and_the_action_stays_closed(stale, person, code):
    if code == current_code(authenticator(person)):
        code = "111111"
    response = confirm(stale, code, next_url=BACKUP)
    assert response.status_code == 200
    assert (signin.CODE_WRONG if code.isdigit() else signin.BACKUP_WRONG) in text(response)
    assert sent_to_confirm(stale.get(BACKUP))


def test_a_code_already_used_is_refused(stale, person, clock):
    """The same code in another session of the account (a replay) does not confirm it."""
    code = current_code(authenticator(person))
    other = Client()
    other.force_login(person)
    session = other.session
    session[signin.IDENTITY_CONFIRMED_AT] = (timezone.now() - timedelta(hours=1)).timestamp()
    session.save()
    assert confirm(stale, code).status_code == 302
    clock.shift(timedelta(seconds=2))
    response = confirm(other, code, next_url=BACKUP)
    assert signin.CODE_WRONG in text(response)
    assert sent_to_confirm(other.get(BACKUP))


def test_a_used_backup_code_is_refused(stale, person, clock):
    assert confirm(stale, "backupaa").status_code == 302
    clock.shift(timedelta(minutes=settings.REAUTH_MINUTES, seconds=1))
    response = confirm(stale, "backupaa", next_url=BACKUP)
    assert signin.BACKUP_WRONG in text(response)
    assert sent_to_confirm(stale.get(BACKUP))


def test_the_password_and_a_current_code_open_the_action(stale, person, mailoutbox, commits):
    response = confirm(stale, current_code(authenticator(person)), next_url=BACKUP)
    assert response.status_code == 302 and response["Location"] == BACKUP
    page = commits(stale.get, BACKUP)
    assert page.status_code == 200
    assert "backupaa" in text(page) and "backupbb" in text(page)
    assert_one_mail(mailoutbox, person, account.BACKUP_CODES_SHOWN, "backupaa", "backupbb")
    assert log_messages(person) == [account.BACKUP_CODES_SHOWN.summary]


def test_a_backup_code_confirms_too(stale, person):
    assert confirm(stale, "backupbb", next_url=BACKUP)["Location"] == BACKUP
    assert stale.get(BACKUP).status_code == 200


# --- Backup codes -------------------------------------------------------------------------------


def test_new_backup_codes_are_shown_once_and_e_mailed_without_them(
    signed_in, person, mailoutbox, commits
):
    response = commits(signed_in.post, BACKUP)
    assert response.status_code == 200
    codes = backup_codes(person)
    assert len(codes) == settings.BACKUP_CODE_COUNT and not codes & {"backupaa", "backupbb"}
    assert all(code in text(response) for code in codes)
    assert "Your old backup codes no longer work" in text(response)
    assert_one_mail(mailoutbox, person, account.BACKUP_CODES_REPLACED, *codes)
    assert log_messages(person) == [account.BACKUP_CODES_REPLACED.summary]


def test_the_set_up_complete_page_does_not_show_codes_later(signed_in):
    response = signed_in.get(reverse("two_factor:setup_complete"))
    assert response.status_code == 302 and response["Location"] == BACKUP


# --- Replacing the authenticator ------------------------------------------------------------------


def set_up_new_authenticator(client, commits) -> str:
    """The set-up wizard to its end with a new key; returns the key (hex)."""
    welcome = client.get(SETUP)
    assert welcome.status_code == 200
    client.post(SETUP, {"setup_view-current_step": "welcome"})
    key_b32 = client.session["django_two_factor-qr_secret_key"]
    key_hex = __import__("base64").b32decode(key_b32).hex()
    done = commits(
        client.post,
        SETUP,
        {"setup_view-current_step": "generator", "generator-token": totp_token(key_hex)},
    )
    assert done.status_code == 302, text(done)
    assert done["Location"].startswith(reverse("two_factor:setup_complete"))
    return key_hex


def test_replacing_the_authenticator_after_confirming(stale, person, mailoutbox, commits, clock):
    old = authenticator(person)
    assert sent_to_confirm(stale.get(SETUP))
    confirm(stale, current_code(old), next_url=SETUP)
    assert "Replace your authenticator app" in text(stale.get(SETUP))
    key_hex = set_up_new_authenticator(stale, commits)

    new = authenticator(person)
    assert new.key == key_hex and not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=person).count() == 1
    codes = backup_codes(person)
    assert len(codes) == settings.BACKUP_CODE_COUNT and "backupaa" not in codes
    assert_one_mail(mailoutbox, person, account.AUTHENTICATOR_REPLACED, key_hex, *codes)
    assert log_messages(person) == [account.AUTHENTICATOR_REPLACED.summary]
    # The session goes on, verified with the new device; the codes are shown once.
    assert stale.session[DEVICE_ID_SESSION_KEY] == new.persistent_id
    complete = stale.get(reverse("two_factor:setup_complete"))
    assert all(code in text(complete) for code in codes)
    assert stale.get(reverse("two_factor:setup_complete")).status_code == 302
    assert stale.get("/").status_code == 200


def test_a_first_set_up_needs_no_step_up_and_is_e_mailed(client, person, mailoutbox, commits):
    """No authenticator yet (a new account, or after a reset): the password alone, as before."""
    from tests.signin import password_step

    password_step(client, person.username)
    key_hex = set_up_new_authenticator(client, commits)
    assert authenticator(person).key == key_hex
    assert_one_mail(mailoutbox, person, account.AUTHENTICATOR_ADDED, key_hex)
    assert log_messages(person) == [account.AUTHENTICATOR_ADDED.summary]


def test_a_failed_replacement_keeps_the_old_authenticator(signed_in, person, clock):
    old = authenticator(person)
    signed_in.get(SETUP)
    signed_in.post(SETUP, {"setup_view-current_step": "welcome"})
    response = signed_in.post(
        SETUP, {"setup_view-current_step": "generator", "generator-token": "123456"}
    )
    assert signin.CODE_WRONG in text(response)
    assert authenticator(person) == old and TOTPDevice.objects.filter(user=person).count() == 1
    assert log_messages(person) == []


# --- Removing a device --------------------------------------------------------------------------


def test_removing_the_backup_codes_asks_first_then_removes_and_e_mails(
    signed_in, person, mailoutbox, commits
):
    url = remove_url("backup-codes", backup_device(person))
    page = signed_in.get(url)
    assert page.status_code == 200 and "Remove your backup codes?" in text(page)
    assert backup_codes(person)  # nothing removed by looking
    response = commits(signed_in.post, url)
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert not StaticDevice.objects.filter(user=person).exists()
    assert_one_mail(mailoutbox, person, account.BACKUP_CODES_REMOVED, "backupaa")
    assert log_messages(person) == [account.BACKUP_CODES_REMOVED.summary]
    assert "Backup codes removed" in text(signed_in.get(reverse("account")))


def test_removing_the_device_the_session_was_verified_with_keeps_it_signed_in(
    stale, person, commits
):
    confirm(stale, "backupaa")  # now verified with the backup-code device
    device = backup_device(person)
    assert stale.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    commits(stale.post, remove_url("backup-codes", device))
    assert stale.session[DEVICE_ID_SESSION_KEY] == authenticator(person).persistent_id
    assert stale.get("/").status_code == 200


def test_another_authenticator_can_be_removed(signed_in, person, mailoutbox, commits):
    extra = TOTPDevice.objects.create(user=person, name="old phone")
    assert "Remove" in text(signed_in.get(reverse("account")))
    response = commits(signed_in.post, remove_url("authenticator", extra))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=extra.pk).exists()
    assert authenticator(person)
    assert_one_mail(mailoutbox, person, account.AUTHENTICATOR_REMOVED, extra.key)


def test_the_authenticator_one_signs_in_with_cannot_be_removed(
    signed_in, person, mailoutbox, commits
):
    url = remove_url("authenticator", authenticator(person))
    for request in (signed_in.get, signed_in.post):
        response = commits(request, url)
        assert response.status_code == 200
        assert account.CANNOT_REMOVE_SIGN_IN_AUTHENTICATOR in text(response)
    assert authenticator(person)
    assert mailoutbox == [] and log_messages(person) == []


def test_the_service_refuses_the_sign_in_authenticator_and_another_persons_device(
    person, signed_in, outsider
):
    with pytest.raises(account.DeviceError, match="cannot remove the authenticator"):
        account.device_remove(user=person, device=authenticator(person))
    theirs = StaticDevice.objects.create(user=outsider, name="backup")
    with pytest.raises(account.DeviceError, match=account.NOT_THEIR_DEVICE):
        account.device_remove(user=person, device=theirs)
    assert StaticDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("kind", ["authenticator", "backup-codes"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_can_remove_another_persons_device(
    client, person, outsider, supervisor, clock, kind, method
):
    """404 for another person's device (of this force or another), before any step-up is
    asked, and nothing is removed."""
    client.force_login(person)
    StaticDevice.objects.create(user=person, name="backup")
    extra = TOTPDevice.objects.create(user=person, name="old phone")
    device = extra if kind == "authenticator" else backup_device(person)
    clock.shift(timedelta(minutes=settings.REAUTH_MINUTES + 1))  # their step-up is stale
    for intruder in (outsider, supervisor):
        other = Client()
        other.force_login(intruder)
        clock.shift(timedelta(minutes=settings.REAUTH_MINUTES + 1))
        assert getattr(other, method)(remove_url(kind, device)).status_code == 404
        other.force_login(intruder)  # a fresh step-up changes nothing
        assert getattr(other, method)(remove_url(kind, device)).status_code == 404
    assert type(device).objects.filter(pk=device.pk).exists()


def test_an_unknown_kind_of_device_is_not_found(signed_in, person):
    url = reverse("device_remove", args=["phone", authenticator(person).pk])
    assert signed_in.get(url).status_code == 404


# --- The account page and the header ----------------------------------------------------------


def test_the_account_page_lists_ones_own_devices(signed_in, person, outsider):
    TOTPDevice.objects.create(user=outsider, name="default")
    home = text(signed_in.get("/"))
    assert f'href="{reverse("account")}"' in home
    page = text(signed_in.get(reverse("account")))
    assert "Authenticator app (the one you sign in with)" in page
    assert "Backup codes (2 unused)" in page
    assert person.email in page
    assert f'href="{reverse("password_change")}"' in page
    assert f'href="{SETUP}"' in page
    assert remove_url("backup-codes", backup_device(person)) in page
    assert "backupaa" not in page  # the codes themselves only on their own page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", reverse("account")),
        ("get", reverse("password_change")),
        ("post", reverse("password_change")),
        ("get", reverse("password_change_done")),
        ("get", BACKUP),
        ("post", BACKUP),
        ("get", reverse("device_remove", args=["backup-codes", 1])),
        ("post", reverse("device_remove", args=["backup-codes", 1])),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")), url


# --- Changing one's password -------------------------------------------------------------------


def change(client, old=DEMO_PASSWORD, new=NEW_PASSWORD, again=None):
    url = reverse("password_change")
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(url, data)


def test_changing_the_password_signs_out_the_other_sessions_and_e_mails(
    signed_in, person, mailoutbox, commits
):
    elsewhere = Client()
    elsewhere.force_login(person)
    assert elsewhere.get("/").status_code == 200
    page = signed_in.get(reverse("password_change"))
    assert page.status_code == 200 and "Change your password" in text(page)

    response = commits(change, signed_in)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "Password changed" in text(signed_in.get(response["Location"]))
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert signed_in.get("/").status_code == 200  # this session stays
    signed_out = elsewhere.get("/")
    assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("login"))
    assert_one_mail(mailoutbox, person, account.PASSWORD_CHANGED)
    assert f"When: {format_instant(timezone.now())} (UK time)" in mailoutbox[0].body
    assert f"Account: {person.username}" in mailoutbox[0].body
    assert log_messages(person) == [account.PASSWORD_CHANGED.summary]
    assert sign_in(Client(), person.username, NEW_PASSWORD).status_code in (200, 302)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old": "not-the-password"}, account_views.OLD_PASSWORD_WRONG),
        ({"old": ""}, account_views.OLD_PASSWORD_REQUIRED),
        ({"new": ""}, account_views.NEW_PASSWORD_REQUIRED),
        ({"again": "something-else-entirely"}, account_views.NEW_PASSWORDS_DIFFERENT),
        ({"new": "short"}, "This password is too short"),
        ({"new": "123456789012345"}, "This password is entirely numeric"),
    ],
)
def test_a_bad_password_change_changes_nothing(signed_in, person, mailoutbox, data, message):
    response = change(signed_in, **data)
    assert response.status_code == 200
    page = text(response)
    assert message in page and "There is a problem" in page
    assert NEW_PASSWORD not in page and DEMO_PASSWORD not in page  # nothing typed is echoed
    person.refresh_from_db()
    assert person.check_password(DEMO_PASSWORD)
    assert mailoutbox == [] and log_messages(person) == []


def test_wrong_current_passwords_count_towards_the_lockout(signed_in, person):
    from axes.models import AccessAttempt

    change(signed_in, old="not-the-password")
    attempt = AccessAttempt.objects.get(username=person.username)
    assert attempt.failures_since_start == 1


def test_the_admins_own_password_change_page_sends_people_to_ours(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


# --- Records and e-mails ------------------------------------------------------------------------


def test_the_administrators_reset_e_mails_the_person(
    client, person, administrator, mailoutbox, commits
):
    client.force_login(administrator)
    commits(
        client.post,
        reverse("admin:dvpo_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [person.pk]},
    )
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert_one_mail(mailoutbox, person, account.SECOND_FACTOR_RESET)


def test_no_e_mail_for_a_change_that_was_rolled_back(person, mailoutbox, commits):
    def failing():
        with transaction.atomic():
            account.user_password_change(user=person, new_password=NEW_PASSWORD)
            raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        commits(failing)
    person.refresh_from_db()
    assert person.check_password(DEMO_PASSWORD)
    assert mailoutbox == [] and log_messages(person) == []


def test_no_e_mail_address_logs_a_warning_and_the_change_stands(officer, mailoutbox, caplog):
    account.user_password_change(user=officer, new_password=NEW_PASSWORD)
    assert mailoutbox == []
    assert "No e-mail address" in caplog.text
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_a_failed_e_mail_is_logged_and_the_change_stands(person, monkeypatch, caplog, commits):
    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(account, "send_mail", broken)
    commits(account.user_password_change, user=person, new_password=NEW_PASSWORD)
    assert "Account change e-mail to pc.test@police.example failed" in caplog.text
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
