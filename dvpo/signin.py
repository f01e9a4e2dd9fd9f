"""Two-factor sign-in (django-two-factor-auth on django-otp), "Confirm it's you" and the
administrator's reset of a person's second factor.

Every account signs in with a password and then a code: the 6-digit TOTP code an
authenticator app shows, or one of the person's single-use backup codes. Someone without an
authenticator set up is sent to set-up straight after the password
(dvpo.middleware.RequireTwoFactorMiddleware) and can use nothing else until they have
confirmed a code. Each wrong code doubles the wait before the next one is checked
(django-otp's throttling, OTP_TOTP_THROTTLE_FACTOR).

Authorising or refusing a DVPN needs the password and a current code given within the last
REAUTH_MINUTES; signing in counts as such a confirmation. So do the changes to the second
factor itself ("step-up", `step_up_required`): replacing the authenticator app, showing or
replacing the backup codes, and removing a device (dvpo/account_views.py). Each of those is
recorded and e-mailed to the account (dvpo/account.py). The first set-up, when the account
has no authenticator yet, needs only the password, as before.
"""

from datetime import timedelta
from functools import wraps

import django_otp
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor import views as two_factor_views
from two_factor.utils import USER_DEFAULT_DEVICE_ATTR_NAME, default_device, get_otpauth_url

from dvpo.account import (
    AUTHENTICATOR_ADDED,
    AUTHENTICATOR_REPLACED,
    BACKUP_CODES_REPLACED,
    BACKUP_CODES_SHOWN,
    account_change_record,
    account_lock,
)

# When the person last gave their password and a current code (seconds since the epoch).
IDENTITY_CONFIRMED_AT = "dvpo_identity_confirmed_at"
# What a superintendent typed into a decision that had to wait for "Confirm it's you".
STASHED_FORM = "dvpo_stashed_form"
# Set-up has just finished in this session: its last page shows the new backup codes once.
JUST_SET_UP = "dvpo_just_set_up"

CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "The code must be 6 digits, like 123456"
CODE_WRONG = "That code is not right or has expired. Enter the code your app shows now"
BACKUP_REQUIRED = "Enter one of your backup codes"
BACKUP_WRONG = "That backup code is not right or has already been used"
CODE_THROTTLED = (
    "Codes are paused for this account after %(failure_count)d wrong codes in a row. "
    "Wait a minute, then enter the code your app shows"
)
PASSWORD_REQUIRED = "Enter your password"  # noqa: S105 - a message, not a password
PASSWORD_WRONG = "Your password is not right"  # noqa: S105 - a message, not a password

_TOKEN_MESSAGES = dict(
    OTPAuthenticationFormMixin.otp_error_messages,
    token_required=CODE_REQUIRED,
    invalid_token=CODE_WRONG,
    n_failed_attempts=CODE_THROTTLED,
)
_BACKUP_MESSAGES = dict(_TOKEN_MESSAGES, token_required=BACKUP_REQUIRED, invalid_token=BACKUP_WRONG)


# --- Recent confirmation of identity -------------------------------------------------------


def identity_confirmed(request) -> None:
    """Record that the person has just given their password and a current code."""
    request.session[IDENTITY_CONFIRMED_AT] = timezone.now().timestamp()


def identity_confirmed_recently(request) -> bool:
    """True when the password and a code were given within the last REAUTH_MINUTES."""
    at = request.session.get(IDENTITY_CONFIRMED_AT)
    if at is None or not request.user.is_verified():
        return False
    age = timezone.now().timestamp() - float(at)
    return 0 <= age <= timedelta(minutes=settings.REAUTH_MINUTES).total_seconds()


def require_recent_identity(request, *, keep_form: bool = True):
    """None when the identity was confirmed recently; otherwise the redirect to "Confirm it's
    you", which comes back here. With `keep_form`, what a POST carried is kept in the
    session (not the CSRF token) so that the page can show it again: see `stashed_form`."""
    if identity_confirmed_recently(request):
        return None
    if keep_form and request.method == "POST":
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        request.session[STASHED_FORM] = {"path": request.path, "data": data}
    return redirect_to_login(request.path, reverse("confirm_identity"))


def step_up_required(view):
    """A view that changes or shows the second factor: signed in, and the password and a
    current code given within the last REAUTH_MINUTES (else "Confirm it's you", which comes
    back here with a GET; nothing posted is kept)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return require_recent_identity(request, keep_form=False) or view(request, *args, **kwargs)

    return wrapped


def stashed_form(request) -> dict | None:
    """What the person typed on this page before being asked to confirm it's them (once)."""
    stash = request.session.get(STASHED_FORM)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[STASHED_FORM]
    return stash["data"]


# --- Devices ---------------------------------------------------------------------------------


def backup_codes_replace(*, user, count: int | None = None) -> list[str]:
    """Replace the person's backup codes with `count` new single-use ones and return them."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count or settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def authenticator_set_up(*, user, save) -> None:
    """Set-up's last step: `save()` stores the new, confirmed authenticator (the package's
    wizard); any earlier one is then removed (a replacement), the backup codes are replaced,
    and the change is recorded and e-mailed. All or nothing."""
    account_lock(user=user)
    earlier = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    save()
    TOTPDevice.objects.filter(pk__in=earlier).delete()
    if hasattr(user, USER_DEFAULT_DEVICE_ATTR_NAME):
        delattr(user, USER_DEFAULT_DEVICE_ATTR_NAME)  # default_device() caches on the user
    backup_codes_replace(user=user)
    change = AUTHENTICATOR_REPLACED if earlier else AUTHENTICATOR_ADDED
    account_change_record(user=user, actor=user, change=change)


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """New backup codes at the person's request, recorded and e-mailed."""
    account_lock(user=user)
    codes = backup_codes_replace(user=user)
    account_change_record(user=user, actor=user, change=BACKUP_CODES_REPLACED)
    return codes


@transaction.atomic
def backup_codes_show(*, user) -> list[str]:
    """The person's unused backup codes; showing them is recorded and e-mailed."""
    codes = list(
        StaticToken.objects.filter(device__user=user).order_by("pk").values_list("token", flat=True)
    )
    if codes:
        account_change_record(user=user, actor=user, change=BACKUP_CODES_SHOWN)
    return codes


@transaction.atomic
def second_factor_reset(*, user) -> int:
    """Remove every authenticator and backup code of `user` (an administrator's action when a
    phone is lost). Sessions that passed the second step with a removed device are signed
    out at their next request; the person must then sign in and set up again. Returns how
    many devices were removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        count, _ = model.objects.filter(user=user).delete()
        removed += count
    return removed


# --- Sign-in and set-up ----------------------------------------------------------------------


class LoginView(two_factor_views.LoginView):
    """The package's wizard (password, then code, or a backup code) with our messages and
    the sign-in recorded as a confirmation of identity."""

    template_name = "two_factor/core/login.html"

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        step = step or self.steps.current
        if step in (self.TOKEN_STEP, self.BACKUP_STEP):
            backup = step == self.BACKUP_STEP
            form.otp_error_messages = _BACKUP_MESSAGES if backup else _TOKEN_MESSAGES
            field = form.fields["otp_token"]
            field.label = "Backup code" if backup else "Code from your authenticator app"
            field.error_messages.update(
                required=BACKUP_REQUIRED if backup else CODE_REQUIRED,
                invalid=CODE_FORMAT,
                min_length=CODE_FORMAT,
                max_length=CODE_FORMAT,
            )
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        return context

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        if self.request.session.get(DEVICE_ID_SESSION_KEY):
            identity_confirmed(self.request)
        return response


def _issuer() -> str:
    return getattr(settings, "OTP_TOTP_ISSUER", "dvpo")


class SetupView(two_factor_views.SetupView):
    """Set-up: an introduction, then the QR code and key with a code to confirm; then the
    backup codes (SetupCompleteView)."""

    qrcode_url = "two_factor:qr"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if "secret_key" in context:
            username = self.request.user.get_username()
            context["otpauth_url"] = get_otpauth_url(username, context["secret_key"], _issuer())
            context["secret_key_groups"] = [
                context["secret_key"][i : i + 4] for i in range(0, len(context["secret_key"]), 4)
            ]
        context["cancel_url"] = None
        context["replacing"] = default_device(self.request.user) is not None
        return context

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        if "token" in form.fields:
            form.fields["token"].label = "Code from your authenticator app"
            form.fields["token"].error_messages.update(
                required=CODE_REQUIRED,
                invalid=CODE_FORMAT,
                min_value=CODE_FORMAT,
                max_value=CODE_FORMAT,
            )
            form.error_messages = {"invalid_token": CODE_WRONG}
        return form

    def dispatch(self, request, *args, **kwargs):
        # Replacing an authenticator needs the password and a current code from the old one;
        # the first set-up, with none yet, needs only the password given at sign-in.
        if request.user.is_authenticated and default_device(request.user) is not None:
            refused = require_recent_identity(request, keep_form=False)
            if refused:
                return refused
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        # The package sends someone who has an authenticator away; here they replace it.
        return super(two_factor_views.SetupView, self).get(request, *args, **kwargs)

    def done(self, form_list, **kwargs):
        def save():  # the package's last step: the new device, the session verified with it
            super(SetupView, self).done(form_list, **kwargs)

        authenticator_set_up(user=self.request.user, save=save)
        identity_confirmed(self.request)
        self.request.session[JUST_SET_UP] = True
        url = reverse("two_factor:setup_complete")
        next_url = self.get_redirect_url()
        return redirect(f"{url}?next={next_url}" if next_url else url)


class QRGeneratorView(two_factor_views.QRGeneratorView):
    def get_issuer(self):
        return _issuer()


class SetupCompleteView(two_factor_views.SetupCompleteView):
    """Shows the backup codes made at set-up, and where to go next."""

    def get(self, request, *args, **kwargs):
        # Only straight after set-up: showing the codes later is a step-up action of its own
        # (backup_codes), recorded and e-mailed.
        if not request.session.pop(JUST_SET_UP, False):
            return redirect("two_factor:backup_tokens")
        # The package sends the person on at once when a "next" is in the session; we show
        # the backup codes first.
        return super(two_factor_views.SetupCompleteView, self).get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["backup_codes"] = list(
            StaticToken.objects.filter(device__user=self.request.user).values_list(
                "token", flat=True
            )
        )
        context["next_url"] = _safe_next(self.request) or resolve_url(settings.LOGIN_REDIRECT_URL)
        return context


@sensitive_variables("codes")
@never_cache
@require_http_methods(["GET", "POST"])
@step_up_required
def backup_codes(request):
    """The person's unused backup codes (GET), or new ones in their place (POST), shown on
    this response only. Either needs a recent "Confirm it's you" and is recorded and
    e-mailed."""
    user = request.user
    if request.method == "POST":
        codes, made = backup_codes_renew(user=user), True
    else:
        codes, made = backup_codes_show(user=user), False
    return render(
        request, "two_factor/core/backup_tokens.html", {"backup_codes": codes, "made": made}
    )


def _safe_next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


# --- "Confirm it's you" ----------------------------------------------------------------------


class ConfirmIdentityForm(forms.Form):
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": PASSWORD_REQUIRED},
    )
    code = forms.CharField(
        label="Code from your authenticator app, or a backup code",
        max_length=16,
        error_messages={"required": CODE_REQUIRED, "max_length": CODE_WRONG},
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.device = None

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) is None:
            raise forms.ValidationError(PASSWORD_WRONG)
        return password

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if "password" not in self.cleaned_data:
            # A wrong password: the code is neither checked (no answer to guess from) nor
            # used up, so the person can enter the same code again with the right password.
            return code
        user = self.request.user
        if len(code) == 6 and code.isdigit():
            device, wrong = default_device(user), CODE_WRONG
        else:
            device, wrong = StaticDevice.objects.filter(user=user).first(), BACKUP_WRONG
        if device is None:
            raise forms.ValidationError(wrong)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            if extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                raise forms.ValidationError(CODE_THROTTLED % extra)
            raise forms.ValidationError(wrong)
        if not device.verify_token(code):
            raise forms.ValidationError(wrong)
        self.device = device
        return code


@sensitive_post_parameters("password", "code")
@never_cache
@login_required
def confirm_identity(request):
    """Ask for the password and a current code again, then go back to where the person was."""
    if default_device(request.user) is None:
        return redirect_to_login(_safe_next(request) or "/", reverse("two_factor:setup"))
    if request.method == "POST":
        form = ConfirmIdentityForm(request.POST, request=request)
        if form.is_valid():
            django_otp.login(request, form.device)
            identity_confirmed(request)
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    else:
        form = ConfirmIdentityForm(request=request)
    return render(
        request,
        "registration/confirm_identity.html",
        {"form": form, "next": _safe_next(request), "minutes": settings.REAUTH_MINUTES},
    )
