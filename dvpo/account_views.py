"""The person's own account: their sign-in devices (and removing one), and changing their
password. Every change is recorded and e-mailed (dvpo/account.py); removing a device needs a
recent "Confirm it's you" (dvpo/signin.py), changing the password the current password."""

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, password_validation, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from two_factor.utils import default_device

from dvpo import account as account_services
from dvpo.forms import PlainTextMixin
from dvpo.signin import require_recent_identity

OLD_PASSWORD_REQUIRED = "Enter your current password"  # noqa: S105 - a message
OLD_PASSWORD_WRONG = "Your current password is not right"  # noqa: S105 - a message
NEW_PASSWORD_REQUIRED = "Enter a new password"  # noqa: S105 - a message
NEW_PASSWORD_AGAIN_REQUIRED = "Enter the new password again"  # noqa: S105 - a message
NEW_PASSWORDS_DIFFERENT = "The two new passwords are not the same"  # noqa: S105 - a message
DEVICE_REMOVED = "{what} removed. We have e-mailed you about it."


@never_cache
@require_GET
@login_required
def account(request):
    """What the person signs in with, and the links to change it."""
    return render(
        request,
        "account/account.html",
        {**account_services.devices_of(request.user), "minutes": settings.REAUTH_MINUTES},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def device_remove(request, kind: str, device_id: int):
    """Remove one of one's own devices, after a confirmation page. Another person's device,
    or one that does not exist, is 404 before anything else is asked."""
    device = account_services.access_device(request.user, kind=kind, device_id=device_id)
    if device is None:
        raise Http404
    refused = require_recent_identity(request, keep_form=False)
    if refused:
        return refused
    error = None
    if account_services.signs_in_with(request.user, device):
        error = account_services.CANNOT_REMOVE_SIGN_IN_AUTHENTICATOR
    elif request.method == "POST":
        removed_id = device.persistent_id  # gone with the row's primary key
        try:
            account_services.device_remove(user=request.user, device=device)
        except account_services.DeviceError as problem:
            error = str(problem)
        else:
            _keep_session_verified(request, removed_id)
            messages.success(request, DEVICE_REMOVED.format(what=_device_label(kind)))
            return redirect("account")
    context = {"device": device, "kind": kind, "what": _device_label(kind), "error": error}
    return render(request, "account/device_remove.html", context)


def _device_label(kind: str) -> str:
    return "Backup codes" if kind == "backup-codes" else "Authenticator app"


def _keep_session_verified(request, removed_id: str) -> None:
    """A session verified with the removed device (a backup code, say) stays verified with
    the authenticator the person signs in with: they have just confirmed it's them."""
    if request.session.get(DEVICE_ID_SESSION_KEY) == removed_id:
        django_otp.login(request, default_device(request.user))


# --- Password -------------------------------------------------------------------------------


class PasswordChangeForm(PlainTextMixin, BasePasswordChangeForm):
    """Django's form (its password validators) with our messages; the current password is
    checked through authenticate(), so django-axes counts wrong ones as it does at sign-in."""

    error_messages = {
        **BasePasswordChangeForm.error_messages,
        "password_incorrect": OLD_PASSWORD_WRONG,
        "password_mismatch": NEW_PASSWORDS_DIFFERENT,
    }

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        fields = self.fields
        fields["old_password"].label = "Current password"
        fields["old_password"].widget.attrs.pop("autofocus", None)
        fields["new_password1"].label = "New password"
        fields["new_password2"].label = "New password again"
        for name, message in (
            ("old_password", OLD_PASSWORD_REQUIRED),
            ("new_password1", NEW_PASSWORD_REQUIRED),
            ("new_password2", NEW_PASSWORD_AGAIN_REQUIRED),
        ):
            fields[name].error_messages["required"] = message

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=old_password) is None:
            raise forms.ValidationError(OLD_PASSWORD_WRONG, code="password_incorrect")
        return old_password


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    """Current password, new password twice. The other sessions of the account are signed
    out (their session hash no longer matches); this one stays signed in."""
    form = PasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        account_services.user_password_change(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        return redirect("password_change_done")
    return render(
        request,
        "account/password_change.html",
        {"form": form, "password_rules": password_validation.password_validators_help_texts()},
    )


@never_cache
@require_GET
@login_required
def password_change_done(request):
    return render(request, "account/password_change_done.html")
