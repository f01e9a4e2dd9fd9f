"""Who may see and act on a referral: one place, used by every view, selector and export.

Organisations are real boundaries (domain.md §2). A support service sees a referral
once it has been sent to it, and only the referral's fields; everyone else (police
included, another service, an administrator) gets 404 from `access_referral`. The
police read referrals through `access_case` and `selectors.referrals_for_case`, which
never loads a caseworker's notes. Every referral a service opens is noted for the
s.62 access log (audit/log.py; one row per request, with the victim concerned).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from audit import log
from cases.models import Case
from cases.permissions import can_view_case, can_work_on_case
from referrals.models import Referral


def in_support_service(user) -> bool:
    """A caseworker or service manager of a support service."""
    return bool(
        user.is_authenticated
        and user.organisation_id
        and not user.organisation.is_police
        and user.has_perm("dvpo.view_referrals")
    )


def referral_visibility(user) -> Q:
    """The referrals this user's service may see: sent to it (declined-consent and draft
    referrals never reach a service). Matches `can_view_referral`."""
    if not in_support_service(user):
        return Q(pk__in=[])
    return Q(service_id=user.organisation_id, sent_at__isnull=False)


def can_view_referral(user, referral: Referral) -> bool:
    return bool(
        in_support_service(user)
        and referral.service_id == user.organisation_id
        and referral.sent_at is not None
    )


def can_log_contact(user, referral: Referral) -> bool:
    return can_view_referral(user, referral) and user.has_perm("dvpo.log_contact")


def can_report_breach(user, referral: Referral) -> bool:
    return can_view_referral(user, referral) and user.has_perm("dvpo.report_breach")


def can_see_service_queues(user) -> bool:
    return in_support_service(user) and user.has_perm("dvpo.view_service_queues")


def can_manage_referrals(user, case: Case) -> bool:
    """Start, complete and send referrals (officers and DVPO officers on the case)."""
    return can_work_on_case(user, case)


def can_see_case_referrals(user, case: Case) -> bool:
    """Police users who can see the case see its referrals' status and outcomes."""
    return can_view_case(user, case)


def access_referral(user, referral_id: int, *, perm: str | None = None) -> Referral:
    """The referral; 404 for anyone outside the service it was sent to, 403 for an
    action (`perm`, e.g. "dvpo.log_contact") this user may not take."""
    referral = get_object_or_404(
        Referral.objects.select_related("case", "victim__person", "service"), pk=referral_id
    )
    if not can_view_referral(user, referral):
        raise Http404
    if perm and not user.has_perm(perm):
        raise PermissionDenied
    log.note_access(
        case=referral.case,
        basis=log.Basis.SERVICE,
        people=[referral.victim.person_id],
        obj=referral,
    )
    return referral
