"""Request and response plumbing shared by every page."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from two_factor.utils import default_device

from dvpo.signin import IDENTITY_CONFIRMED_AT

# When this session signed in (seconds since the epoch), for the absolute lifetime.
SIGNED_IN_AT = "dvpo_signed_in_at"


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person (case details, notices, PDFs) must not be kept by the
    browser or any cache on the way: `Cache-Control: no-store, private` on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class RequireTwoFactorMiddleware:
    """Every page demands a session that passed the second step of sign-in (a code from an
    authenticator app or a backup code), checked on the server for every request.

    A signed-in session that has not is sent to set-up (no authenticator yet) or to
    "Confirm it's you" (password and code again). A session whose device an administrator
    has removed is signed out first, so that only someone who knows the password can set up
    a new authenticator. Open to all: sign-in and sign-out, set-up, /healthz and the
    token-authenticated calendar feed (static files never reach Django's views). Needs
    django_otp.middleware.OTPMiddleware before it."""

    OPEN_VIEWS = frozenset(
        {
            "login",
            "logout",
            "healthz",
            "hearing_calendar_feed",
            "confirm_identity",
            "two_factor:login",
            "two_factor:setup",
            "two_factor:qr",
        }
    )

    SET_UP_VIEWS = frozenset({"two_factor:setup", "two_factor:qr"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        is_open = bool(match) and match.view_name in self.OPEN_VIEWS
        if request.session.get(IDENTITY_CONFIRMED_AT) or request.session.get(DEVICE_ID_SESSION_KEY):
            logout(request)  # the device this session was verified with has been removed
            return None if is_open else redirect_to_login(request.get_full_path(), reverse("login"))
        if is_open and match.view_name in self.SET_UP_VIEWS and default_device(user) is not None:
            # Knowing the password must not let anyone add a second authenticator: an account
            # that has one confirms it first.
            is_open = False
        if is_open:
            return None
        target = "two_factor:setup" if default_device(user) is None else "confirm_identity"
        return redirect_to_login(request.get_full_path(), reverse(target))


def session_signed_in(sender, request, user, **kwargs):
    """user_logged_in receiver (DvpoConfig.ready): the session's sign-in time."""
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()


def session_too_old(session) -> bool:
    """True when the session signed in more than SESSION_ABSOLUTE_HOURS ago, or has no
    sign-in time at all (made before the lifetime existed, or not by signing in)."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return True
    age = timezone.now().timestamp() - float(signed_in_at)
    return age > timedelta(hours=settings.SESSION_ABSOLUTE_HOURS).total_seconds()


class AbsoluteSessionLifetimeMiddleware:
    """Besides the idle timeout (SESSION_IDLE_MINUTES, which activity keeps pushing back), a
    session ends SESSION_ABSOLUTE_HOURS after it signed in, however busy: the next request
    is signed out and carries on as anyone not signed in (so pages send it to sign-in).
    Needs AuthenticationMiddleware before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_too_old(request.session):
            logout(request)
        return self.get_response(request)
