"""Request and response plumbing shared by every page."""

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from two_factor.utils import default_device

from dvpo.signin import IDENTITY_CONFIRMED_AT


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
