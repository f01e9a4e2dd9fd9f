"""Who may see and change a case: one place, used by every view, selector and export.

Outsiders (another force, a support service, an administrator) never learn that a
case exists: `access_case` raises Http404 for them. A police officer, DVPO officer or
supervisor of the same force opening a case outside their BCU or team is asked why
first (break glass, audit/breakglass.py); every case opened is noted for the s.62
access log (audit/log.py), written once per request.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from audit import log
from audit.breakglass import BreakGlassRequired, active_grant, may_break_glass
from cases.models import Case
from dvpo.roles import Rank, Role

FORCE_WIDE = {Role.AUTHORISING_OFFICER, Role.COURT_COORDINATOR}
BCU_WIDE = {Role.DVPO_OFFICER, Role.SUPERVISOR}


def visibility_scopes(user) -> list[dict[str, int]]:
    """The cases this user may see, as alternatives of one column's value each, all within
    the user's force: [{"force_id": f}] for the whole force, else some of owner_id, bcu_id
    and team_id ({"owner_id": the user} always). Empty: none. Matches `can_view_case`."""
    if not user.is_authenticated or not user.organisation_id or not user.organisation.is_police:
        return []
    roles = user.roles
    if roles & FORCE_WIDE:
        return [{"force_id": user.organisation_id}]
    scopes = [{"owner_id": user.pk}]
    if roles & BCU_WIDE and user.bcu_id:
        scopes.append({"bcu_id": user.bcu_id})
    if Role.OFFICER in roles and user.team_id:
        scopes.append({"team_id": user.team_id})
    return scopes


def case_visibility(user) -> Q:
    """The cases this user may see, as a filter (matches `can_view_case`)."""
    return scopes_visibility(visibility_scopes(user), user.organisation_id)


def scopes_visibility(scopes: list[dict[str, int]], force_id: int | None) -> Q:
    """`visibility_scopes` as a filter on cases, within the force."""
    if not scopes:
        return Q(pk__in=[])
    visible = Q()
    for scope in scopes:
        visible |= Q(**scope)
    return visible if "force_id" in scopes[0] else Q(force_id=force_id) & visible


def view_basis(user, case: Case) -> str | None:
    """Which rule lets this user see the case (for the access log), or None."""
    if not user.is_authenticated or user.organisation_id != case.force_id:
        return None
    if not user.organisation.is_police:
        return None
    roles = user.roles
    if roles & FORCE_WIDE:
        return log.Basis.FORCE
    if case.owner_id == user.pk:
        return log.Basis.OWNER
    if roles & BCU_WIDE and user.bcu_id and user.bcu_id == case.bcu_id:
        return log.Basis.BCU
    if Role.OFFICER in roles and user.team_id and user.team_id == case.team_id:
        return log.Basis.TEAM
    return None


def can_view_case(user, case: Case) -> bool:
    return view_basis(user, case) is not None


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


def access_case(user, case_id: int, *, work: bool = False, change: bool = False) -> Case:
    """The case; 404 for anyone who may not see it, 403 for work they may not do on it.

    Same-force police users outside the case's BCU or team get BreakGlassRequired (a 403
    that the audit middleware turns into the "why do you need it?" page on a GET) until
    they give a reason; then they may read the case, not work on it. `change` marks a page
    that changes the case without being officers' work (a supervisor's DASH review): it needs
    ordinary access too, never break glass."""
    case = get_object_or_404(
        Case.objects.select_related("force", "bcu", "team", "owner"), pk=case_id
    )
    basis = view_basis(user, case)
    if basis is None:
        if not may_break_glass(user, case):
            raise Http404
        grant = active_grant(user, case)
        if grant is None:
            raise BreakGlassRequired(case)
        if work or change:
            raise PermissionDenied
        log.note_access(case=case, basis=log.Basis.BREAK_GLASS, reason=grant.reason)
        return case
    if work and not can_work_on_case(user, case):
        raise PermissionDenied
    log.note_access(case=case, basis=basis)
    return case
