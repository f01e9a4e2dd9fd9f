"""Who may use the audit pages: supervisors review break glass; administrators search the log."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from dvpo.roles import Role


def can_review_break_glass(user) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id
        and user.organisation.is_police
        and user.bcu_id
        and Role.SUPERVISOR in user.roles
    )


def is_log_administrator(user) -> bool:
    return bool(user.is_authenticated and user.organisation_id and Role.ADMINISTRATOR in user.roles)


def can_answer_sar(user) -> bool:
    """Subject access requests about people a police force holds (people belong to a force)."""
    return is_log_administrator(user) and user.organisation.is_police


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def break_glass_scope(user) -> Q:
    """Break glass into a case of the supervisor's BCU, or by someone of their BCU."""
    return Q(case__force_id=user.organisation_id) & (
        Q(case_bcu_id=user.bcu_id) | Q(user_bcu_id=user.bcu_id)
    )


def log_scope(user) -> Q:
    """An administrator sees what their organisation's people did, and what anyone did to
    their force's cases."""
    return Q(organisation_id=user.organisation_id) | Q(case__force_id=user.organisation_id)
