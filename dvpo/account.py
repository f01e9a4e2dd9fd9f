"""Changes to how a person signs in (password, authenticator app, backup codes): each one is
recorded and e-mailed to the account's own address.

The record is the admin's LogEntry (actor, the account changed, when, what): that is where an
administrator's "Reset two-factor sign-in" was already written, so one table lists every
change to an account's sign-in, whoever made it, with no new model. The s.62 access log
(audit/) is for personal data in cases, not for account security.

The e-mail goes after the transaction commits (never for a change that was rolled back),
in plain text, and never carries a code, key or password: it says what changed, when, and
what to do if it was not the person.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.utils import default_device

from dvpo.deadlines import format_instant
from dvpo.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountChange:
    summary: str  # the e-mail's subject and the log's change message
    sentence: str  # what happened, the e-mail's first line


PASSWORD_CHANGED = AccountChange(
    "Your password was changed", "The password of your account was changed."
)
AUTHENTICATOR_ADDED = AccountChange(
    "Two-factor sign-in was set up",
    "An authenticator app was set up for signing in to your account, and backup codes were made.",
)
AUTHENTICATOR_REPLACED = AccountChange(
    "Your authenticator app was replaced",
    "A new authenticator app was set up for signing in to your account; the old one no "
    "longer works. New backup codes were made; the old ones no longer work.",
)
AUTHENTICATOR_REMOVED = AccountChange(
    "An authenticator app was removed",
    "An authenticator app was removed from your account. It can no longer be used to sign in.",
)
BACKUP_CODES_SHOWN = AccountChange(
    "Your backup codes were shown", "The backup codes of your account were shown on screen."
)
BACKUP_CODES_REPLACED = AccountChange(
    "You have new backup codes",
    "New backup codes were made for your account; the old ones no longer work.",
)
BACKUP_CODES_REMOVED = AccountChange(
    "Your backup codes were removed",
    "The backup codes of your account were removed. None of them can be used to sign in.",
)
SECOND_FACTOR_RESET = AccountChange(
    "Your two-factor sign-in was reset",
    "An administrator reset the two-factor sign-in of your account: your authenticator app "
    "and backup codes no longer work. You will set up a new authenticator app when you next "
    "sign in.",
)

MAIL_SUBJECT = "{service}: {summary}"
MAIL_BODY = """{sentence}

Account: {username}
When: {at} (UK time)

If this was you, you do not need to do anything.

If it was not you, someone else may know your password. Contact your system administrator
straight away: they can lock the account and reset its two-factor sign-in.

This is an automatic message from {service}. Do not reply to it.
"""

CANNOT_REMOVE_SIGN_IN_AUTHENTICATOR = (
    "You cannot remove the authenticator app you sign in with. Replace it with a new one "
    "instead, or ask your system administrator to reset your two-factor sign-in"
)

NOT_THEIR_DEVICE = "That device is not one of yours"

# The devices a person may see and remove, by the name their address uses.
DEVICE_KINDS = {"authenticator": TOTPDevice, "backup-codes": StaticDevice}


def account_lock(*, user) -> None:
    """One change to a person's sign-in at a time (two tabs, a double click): lock the
    user's row until the transaction ends."""
    User.objects.select_for_update().only("pk").get(pk=user.pk)


class DeviceError(Exception):
    """A change to a device that is not allowed; the message is for the person."""


def account_change_mail(*, user, change: AccountChange) -> None:
    """E-mail `user` about `change` once the current transaction commits (at once outside
    one). A failure to send is logged; the change stands."""
    if not user.email:
        log.warning("No e-mail address to tell %s: %s", user.get_username(), change.summary)
        return
    values = {
        "service": settings.SERVICE_NAME,
        "summary": change.summary,
        "sentence": change.sentence,
        "username": user.get_username(),
        "at": format_instant(timezone.now()),
    }
    address = user.email
    transaction.on_commit(lambda: _mail(address, values))


def _mail(address: str, values: dict) -> None:
    try:
        send_mail(MAIL_SUBJECT.format(**values), MAIL_BODY.format(**values), None, [address])
    except Exception:  # the change is made; say so loudly
        log.exception("Account change e-mail to %s failed: %s", address, values["summary"])


def account_change_record(*, user, actor, change: AccountChange) -> None:
    """Record `change` to `user`'s sign-in (made by `actor`) in the admin log and e-mail
    `user` about it after commit."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=change.summary,
        single_object=True,
    )
    account_change_mail(user=user, change=change)


def devices_of(user) -> dict:
    """The person's own authenticator apps and backup-code sets, and which one they sign in
    with (django-two-factor-auth's default device)."""
    return {
        "authenticators": list(TOTPDevice.objects.filter(user=user).order_by("pk")),
        "backup_devices": list(StaticDevice.objects.filter(user=user).order_by("pk")),
        "sign_in_device": default_device(user),
    }


def access_device(user, *, kind: str, device_id: int):
    """`user`'s own device of that kind, or None (the view answers 404: another person's
    device is not theirs to know about)."""
    model = DEVICE_KINDS.get(kind)
    if model is None:
        return None
    return model.objects.filter(user=user, pk=device_id).first()


def signs_in_with(user, device) -> bool:
    """Whether `device` is the authenticator `user` signs in with (which can only be replaced)."""
    sign_in_device = default_device(user)
    return sign_in_device is not None and device.persistent_id == sign_in_device.persistent_id


@transaction.atomic
def device_remove(*, user, device) -> AccountChange:
    """Remove one of `user`'s own devices, record it and e-mail them. The authenticator they
    sign in with stays: without one, knowing the password would be enough to set up a new
    one (dvpo/middleware.py), so it can only be replaced."""
    account_lock(user=user)
    if device.user_id != user.pk:
        raise DeviceError(NOT_THEIR_DEVICE)
    if signs_in_with(user, device):
        raise DeviceError(CANNOT_REMOVE_SIGN_IN_AUTHENTICATOR)
    change = AUTHENTICATOR_REMOVED if isinstance(device, TOTPDevice) else BACKUP_CODES_REMOVED
    device.delete()
    account_change_record(user=user, actor=user, change=change)
    return change


@transaction.atomic
def user_password_change(*, user, new_password: str) -> None:
    """Set `user`'s new password (already checked against the validators), record it and
    e-mail them. Their other sessions end at their next request (Django's session hash)."""
    account_lock(user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account_change_record(user=user, actor=user, change=PASSWORD_CHANGED)
