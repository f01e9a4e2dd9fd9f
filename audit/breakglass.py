"""Break glass: a police user of the case's force opens a case outside their BCU or team.

They are asked why; with a reason they may read that case for BREAK_GLASS_HOURS, each
read logged as break glass with their reason, and their supervisors review it. Lists and
search stay limited to normal visibility (cases.permissions.case_visibility); work on
the case (recording, applying) stays with the people whose case it is.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit import log
from audit.models import BreakGlass
from dvpo.errors import ActionRefused
from dvpo.roles import Role

# Roles that work on cases by BCU or team; force-wide roles never need the glass, and
# support services, administrators and other forces are never offered it.
BREAK_GLASS_ROLES = {Role.OFFICER, Role.DVPO_OFFICER, Role.SUPERVISOR}
REASON_MIN_WORDS = 3
REASON_MIN_CHARS = 15
# Of which letters (any alphabet), in words that have at least one.
REASON_MIN_LETTERS = 10
REASON_TOO_SHORT = (
    "Say why you need to open this case, in a few words (at least 3 words, 15 characters)"
)
REASON_NOT_WORDS = (
    "Say why you need to open this case in words: punctuation, numbers or symbols on "
    "their own are not a reason"
)
ALREADY_REVIEWED = "This access has already been reviewed"
OWN_ACCESS = "You cannot review your own break-glass access"


class BreakGlassRequired(PermissionDenied):
    """The case exists in the user's force but outside their BCU or team."""

    def __init__(self, case):
        super().__init__("This case is outside your BCU or team.")
        self.case = case


def may_break_glass(user, case) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id == case.force_id
        and user.organisation.is_police
        and user.roles & BREAK_GLASS_ROLES
    )


def active_grant(user, case) -> BreakGlass | None:
    return (
        BreakGlass.objects.filter(user=user, case=case, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def reason_text(reason: str) -> str:
    """The reason as kept in the log: invisible characters (zero-width spaces, direction
    marks and other format or control characters) removed, whitespace made single spaces."""
    visible = "".join(
        ch for ch in reason if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Co")
    )
    return " ".join(visible.split())


def reason_problem(reason: str) -> str | None:
    """Why this break-glass reason is not enough (None when it is): it must have at least
    REASON_MIN_CHARS visible characters and REASON_MIN_WORDS words, counting only words
    with a letter in them, and REASON_MIN_LETTERS letters, so that "... ... ...",
    "123 456 789" or zero-width characters are refused."""
    reason = reason_text(reason)
    if len(reason) < REASON_MIN_CHARS or len(reason.split()) < REASON_MIN_WORDS:
        return REASON_TOO_SHORT
    words = [token for token in reason.split() if any(ch.isalpha() for ch in token)]
    letters = sum(ch.isalpha() for ch in reason)
    if len(words) < REASON_MIN_WORDS or letters < REASON_MIN_LETTERS:
        return REASON_NOT_WORDS
    return None


@transaction.atomic
def break_glass_open(*, user, case, reason: str, path: str = "") -> BreakGlass:
    """Grant `user` read access to `case` for BREAK_GLASS_HOURS and log it."""
    if not may_break_glass(user, case):
        raise PermissionDenied
    reason = reason_text(reason)
    problem = reason_problem(reason)
    if problem:
        raise ActionRefused(problem, field="reason")
    now = timezone.now()
    grant = BreakGlass.objects.create(
        user=user,
        case=case,
        case_bcu_id=case.bcu_id,
        user_bcu_id=user.bcu_id,
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    log.write(
        user=user,
        action=log.Action.BREAK_GLASS,
        case=case,
        obj=grant,
        basis=log.Basis.BREAK_GLASS,
        reason=reason,
        method="POST",
        path=path,
    )
    return grant


@transaction.atomic
def break_glass_review(*, grant_id: int, reviewer, note: str) -> BreakGlass:
    grant = BreakGlass.objects.select_for_update().get(pk=grant_id)
    if grant.reviewed_at is not None:
        raise ActionRefused(ALREADY_REVIEWED)
    if grant.user_id == reviewer.pk:
        raise ActionRefused(OWN_ACCESS)
    grant.reviewed_by = reviewer
    grant.reviewed_at = timezone.now()
    grant.review_note = note.strip()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return grant
