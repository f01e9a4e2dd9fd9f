"""Who may see the reports: police supervisors, authorising officers (superintendents) and a
police force's administrators, for their own force only. The figures are counts over the
force's incidents, never case content; caseworkers and service managers never see them
(they get 404, like any police page), nor do officers without those roles (403)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

# The capabilities of the supervisor, authorising officer and administrator roles
# (dvpo/roles.py); permissions are cached per request, so the navigation check is free.
REPORT_CAPABILITIES = ("dvpo.view_queues", "dvpo.authorise_dvpn", "dvpo.manage_users")


def in_police_force(user) -> bool:
    return bool(
        user.is_authenticated and user.organisation_id is not None and user.organisation.is_police
    )


def can_see_reports(user) -> bool:
    return in_police_force(user) and any(user.has_perm(perm) for perm in REPORT_CAPABILITIES)


def access_reports(user):
    """The force whose figures the user may see; 404 outside a police force, 403 without a
    reporting role."""
    if not in_police_force(user):
        raise Http404
    if not can_see_reports(user):
        raise PermissionDenied
    return user.organisation
