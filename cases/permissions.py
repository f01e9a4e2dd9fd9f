"""Who may see and change a case: one place, used by every view, selector and export.

Outsiders (another force, a support service, an administrator) never learn that a
case exists: `access_case` raises Http404 for them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import Case
from dvpo.roles import Rank, Role

FORCE_WIDE = {Role.AUTHORISING_OFFICER, Role.COURT_COORDINATOR}
BCU_WIDE = {Role.DVPO_OFFICER, Role.SUPERVISOR}


def case_visibility(user) -> Q:
    """The cases this user may see, as a filter (matches `can_view_case`)."""
    if not user.is_authenticated or not user.organisation_id or not user.organisation.is_police:
        return Q(pk__in=[])
    roles = user.roles
    in_force = Q(force_id=user.organisation_id)
    if roles & FORCE_WIDE:
        return in_force
    visible = Q(owner_id=user.pk)
    if roles & BCU_WIDE and user.bcu_id:
        visible |= Q(bcu_id=user.bcu_id)
    if Role.OFFICER in roles and user.team_id:
        visible |= Q(team_id=user.team_id)
    return in_force & visible


def can_view_case(user, case: Case) -> bool:
    if not user.is_authenticated or user.organisation_id != case.force_id:
        return False
    if not user.organisation.is_police:
        return False
    roles = user.roles
    return bool(
        roles & FORCE_WIDE
        or case.owner_id == user.pk
        or (roles & BCU_WIDE and user.bcu_id and user.bcu_id == case.bcu_id)
        or (Role.OFFICER in roles and user.team_id and user.team_id == case.team_id)
    )


def can_work_on_case(user, case: Case) -> bool:
    """Record people, DASH, DVPN applications and service (officers and DVPO officers)."""
    return can_view_case(user, case) and user.has_perm("dvpo.record_incident")


def can_authorise(user) -> bool:
    """CSA 2010 s.24(1): a superintendent or above (the applicant check is per DVPN)."""
    return bool(
        user.is_authenticated
        and user.has_perm("dvpo.authorise_dvpn")
        and user.rank is not None
        and user.rank >= Rank.SUPERINTENDENT
    )


def access_case(user, case_id: int, *, work: bool = False) -> Case:
    """The case; 404 for anyone who may not see it, 403 for work they may not do on it."""
    case = get_object_or_404(
        Case.objects.select_related("force", "bcu", "team", "owner"), pk=case_id
    )
    if not can_view_case(user, case):
        raise Http404
    if work and not can_work_on_case(user, case):
        raise PermissionDenied
    return case
