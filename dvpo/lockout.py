"""Sign-in lockout that slows guessing without letting anyone lock an officer out for long.

django-axes records every failed password (one AccessAttempt row per username, address and
browser). Two counts are kept apart, as the issue asks:

- per client address, across usernames (password spraying: one address, many accounts);
- per username, across addresses (one account, many addresses).

Each count allows some failures free; after that, every further failure doubles the wait
before the next password is checked (LOCKOUT_FIRST_DELAY_SECONDS, then twice that, ...),
capped at LOCKOUT_MAX_DELAY_MINUTES. Attempts made while waiting are refused without
checking the password and are not counted, so hammering does not lengthen the wait. A
successful sign-in (password and code) forgets that username's failures; a count is
forgotten LOCKOUT_FORGET_HOURS after its last failure.

The client address is REMOTE_ADDR, or, when the request comes from one of TRUSTED_PROXIES,
the nearest address in X-Forwarded-For that is not itself a trusted proxy: a client cannot
choose which address is counted by sending the header itself.
"""

import ipaddress
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone

# --- Pure rules ------------------------------------------------------------------------------


def growing_delay(
    *, failures: int, free_failures: int, first_delay: timedelta, max_delay: timedelta
) -> timedelta:
    """How long to wait after the latest of `failures` failed sign-ins: nothing for the first
    `free_failures - 1`, then `first_delay` after the free_failures-th, doubling with each
    further failure, never more than `max_delay`."""
    if failures < free_failures:
        return timedelta(0)
    doublings = min(failures - free_failures, 32)  # 2**32 minutes is past any cap
    return min(first_delay * 2**doublings, max_delay)


def wait_words(wait: timedelta) -> str:
    """'45 seconds', '1 minute', '8 minutes': how long, rounded up, for the locked page."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _parse_address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def trusted_proxy_networks() -> list:
    """TRUSTED_PROXIES as networks ('10.0.0.5' is 10.0.0.5/32)."""
    return [ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def forwarded_client(*, remote_addr: str, forwarded_for: str, trusted: list) -> str:
    """The client's address: REMOTE_ADDR unless that is a trusted proxy; then, reading
    X-Forwarded-For from the right (each proxy appends the address it was called from), the
    first address that is not a trusted proxy. An entry that is not an address stops the walk
    at the last address a trusted proxy vouched for."""

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    remote = _parse_address(remote_addr or "")
    if remote is None or not is_trusted(remote):
        return remote_addr
    client = remote
    for entry in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _parse_address(entry)
        if address is None:
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)


def client_ip_address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address the lockout counts for this request."""
    return forwarded_client(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted=trusted_proxy_networks(),
    )


# --- Reading the counts ----------------------------------------------------------------------


def _delay(failures: int, *, free_failures: int) -> timedelta:
    return growing_delay(
        failures=failures,
        free_failures=free_failures,
        first_delay=timedelta(seconds=settings.LOCKOUT_FIRST_DELAY_SECONDS),
        max_delay=timedelta(minutes=settings.LOCKOUT_MAX_DELAY_MINUTES),
    )


def _wait_for(condition: Q, *, free_failures: int, now: datetime) -> timedelta:
    since = now - timedelta(hours=settings.LOCKOUT_FORGET_HOURS)
    counts = AccessAttempt.objects.filter(condition, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if not counts["failures"]:
        return timedelta(0)
    ends = counts["last"] + _delay(counts["failures"], free_failures=free_failures)
    return max(ends - now, timedelta(0))


def lockout_wait(*, ip_address: str | None, username: str | None) -> timedelta:
    """How long this address and this username must still wait before a password is checked
    (zero when it may be checked now): the longer of the address's and the username's wait."""
    now = timezone.now()
    waits = [timedelta(0)]
    if ip_address:
        waits.append(
            _wait_for(
                Q(ip_address=ip_address),
                free_failures=settings.LOCKOUT_ADDRESS_FAILURES,
                now=now,
            )
        )
    if username:
        waits.append(
            _wait_for(
                Q(username=username),
                free_failures=settings.LOCKOUT_USERNAME_FAILURES,
                now=now,
            )
        )
    return max(waits)


def request_wait(request, credentials=None) -> timedelta:
    return lockout_wait(
        ip_address=getattr(request, "axes_ip_address", None),
        username=get_client_username(request, credentials),
    )


# --- django-axes plumbing ------------------------------------------------------------------


class GrowingDelayHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, with `is_locked` meaning "still has to wait"
    rather than "reached the failure limit", and a successful sign-in forgetting only that
    username's failures (not every failure from its address, which a sprayer with one real
    account could otherwise clear)."""

    def is_locked(self, request, credentials=None) -> bool:
        return request_wait(request, credentials) > timedelta(0)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        # The failure just recorded may have started a wait: say so now.
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the locked page, saying how long to wait."""
    wait = request_wait(request, credentials)
    context = {
        "wait": wait_words(wait if wait > timedelta(0) else timedelta(seconds=1)),
        "username": get_client_username(request, credentials) or "",
    }
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
