"""Signing in through the real two-factor sign-in (dvpo/signin.py) in the test client: the
password step, the code step and the backup-code step of the wizard."""

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dvpo.demo import DEMO_PASSWORD, totp_token

STEP = "login_view-current_step"


def password_step(client, username, password=DEMO_PASSWORD, *, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {STEP: "auth", "auth-username": username, "auth-password": password})


def code_step(client, code, *, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {STEP: "token", "token-otp_token": code})


def backup_step(client, code):
    client.post(reverse("login"), {STEP: "token", "wizard_goto_step": "backup"})
    return client.post(reverse("login"), {STEP: "backup", "backup-otp_token": code})


def give_authenticator(user, *, backup_codes=("backupaa", "backupbb")) -> TOTPDevice:
    """A confirmed TOTP device (and backup codes) for user, as set-up would leave them."""
    device = TOTPDevice.objects.create(user=user, name="default")
    static = StaticDevice.objects.create(user=user, name="backup")
    for code in backup_codes:
        static.token_set.create(token=code)
    return device


def current_code(device, at=None) -> str:
    return totp_token(device.key, at)


def sign_in(client, username, password=DEMO_PASSWORD):
    """The password, then (when the user has an authenticator) the current code."""
    response = password_step(client, username, password)
    device = TOTPDevice.objects.filter(user__username=username, name="default").first()
    if response.status_code == 200 and device and "token-otp_token" in response.content.decode():
        response = code_step(client, current_code(device))
    return response
