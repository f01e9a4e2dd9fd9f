"""Who may do what in the court half. Each rule is a plain function of the user and, where
it is about one case, the case (first: can the user see it at all, cases.permissions).
Re-exported from courts.services and courts.selectors, where callers found them before."""

from cases.models import Case
from cases.permissions import can_view_case
from dvpo.roles import Role

HEARING_LIST_ROLES = {Role.COURT_COORDINATOR, Role.DVPO_OFFICER, Role.SUPERVISOR}


def can_record_court_work(user, case: Case) -> bool:
    """Court coordinators (list_hearing) and officers (apply_to_court) who can see the case."""
    return bool(
        can_view_case(user, case)
        and (user.has_perm("dvpo.list_hearing") or user.has_perm("dvpo.apply_to_court"))
    )


def can_record_court_outcome(user, case: Case) -> bool:
    """Hearing outcomes, variations and discharges: court coordinators (list_hearing) only.
    Officers who apply to court list and change the application."""
    return bool(can_view_case(user, case) and user.has_perm("dvpo.list_hearing"))


def can_record_breach(user, case: Case) -> bool:
    return bool(can_view_case(user, case) and user.has_perm("dvpo.record_breach"))


def can_see_hearing_list(user) -> bool:
    """Court coordinators, DVPO officers and supervisors of a police force."""
    return bool(
        user.is_authenticated
        and user.organisation_id
        and user.organisation.is_police
        and user.roles & HEARING_LIST_ROLES
    )
