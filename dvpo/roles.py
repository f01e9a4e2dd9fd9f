"""The roles of domain.md §2, defined in code.

Each role is a Django group holding a fixed set of capability permissions;
`manage.py sync_roles` makes the database match this table (safe to re-run).
Role rules that depend on who the person is (their organisation's kind, their
rank) are checked by `role_problems()` wherever roles are given.
"""

from dataclasses import dataclass

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Officer"
    DVPO_OFFICER = "dvpo_officer", "DVPO officer"
    SUPERVISOR = "supervisor", "Supervisor"
    AUTHORISING_OFFICER = "authorising_officer", "Authorising officer"
    COURT_COORDINATOR = "court_coordinator", "Court coordinator"
    CASEWORKER = "caseworker", "Caseworker"
    SERVICE_MANAGER = "service_manager", "Service manager"
    ADMINISTRATOR = "administrator", "Administrator"


class Rank(models.IntegerChoices):
    """Police ranks, ordered so that `rank >= Rank.SUPERINTENDENT` reads as the law does."""

    CONSTABLE = 10, "Constable"
    SERGEANT = 20, "Sergeant"
    INSPECTOR = 30, "Inspector"
    CHIEF_INSPECTOR = 40, "Chief inspector"
    SUPERINTENDENT = 50, "Superintendent"
    CHIEF_SUPERINTENDENT = 60, "Chief superintendent"
    ASSISTANT_CHIEF_CONSTABLE = 70, "Assistant chief constable / commander"
    DEPUTY_CHIEF_CONSTABLE = 80, "Deputy chief constable / deputy assistant commissioner"
    CHIEF_CONSTABLE = 90, "Chief constable / commissioner"


POLICE = "police_force"
SUPPORT = "support_service"

# Capability permissions: (codename, description). They live on the User model's
# Meta so that Django's permission machinery (user.has_perm) can check them.
CAPABILITIES = [
    ("record_incident", "Record incidents, people and DASH"),
    ("apply_dvpn", "Draft and submit DVPN applications"),
    ("serve_dvpn", "Record service of a DVPN"),
    ("record_breach", "Record breaches and arrests"),
    ("apply_to_court", "Apply to court for a DVPO"),
    ("view_bcu_cases", "Work on every case in the BCU"),
    ("quality_assure_dash", "Quality-assure DASH risk grades"),
    ("view_queues", "See overdue queues for teams and BCU"),
    ("reassign_work", "Reassign cases and tasks"),
    ("authorise_dvpn", "Authorise or refuse a DVPN"),
    ("list_hearing", "List hearings and record outcomes and orders"),
    ("view_referrals", "See cases referred to the service"),
    ("log_contact", "Log contact attempts, support notes and follow-ups"),
    ("report_breach", "Report a suspected breach"),
    ("view_service_queues", "See the service's queues and reports"),
    ("manage_users", "Manage users, organisations, courts and calendars"),
]

_OFFICER = ("record_incident", "apply_dvpn", "serve_dvpn", "record_breach", "apply_to_court")
_CASEWORKER = ("view_referrals", "log_contact", "report_breach")


@dataclass(frozen=True)
class RoleRule:
    organisation_kind: str | None  # None: any organisation
    capabilities: tuple[str, ...]
    min_rank: int | None = None
    staff: bool = False  # may use the Django admin


ROLE_RULES: dict[Role, RoleRule] = {
    Role.OFFICER: RoleRule(POLICE, _OFFICER),
    Role.DVPO_OFFICER: RoleRule(POLICE, (*_OFFICER, "view_bcu_cases")),
    Role.SUPERVISOR: RoleRule(
        POLICE, ("quality_assure_dash", "view_queues", "reassign_work"), Rank.SERGEANT
    ),
    Role.AUTHORISING_OFFICER: RoleRule(POLICE, ("authorise_dvpn",), Rank.SUPERINTENDENT),
    Role.COURT_COORDINATOR: RoleRule(POLICE, ("list_hearing",)),
    Role.CASEWORKER: RoleRule(SUPPORT, _CASEWORKER),
    Role.SERVICE_MANAGER: RoleRule(SUPPORT, (*_CASEWORKER, "view_service_queues")),
    Role.ADMINISTRATOR: RoleRule(None, ("manage_users",), staff=True),
}

# Django model permissions ("app_label.codename") the administrator role gets for the admin
# site. An organisation's administrator manages its own people and places (dvpo/admin.py
# scopes every page to their organisation): users, BCUs, teams and courts, and may look at
# (and set the crime-reference format of) their own organisation. National settings (the
# bank-holiday calendar, the organisations themselves, risk instruments) belong to the
# platform administrator (a superuser), so no role grants them.
ADMIN_MODEL_PERMISSIONS = [
    *(
        f"{app}.{action}_{model}"
        for app, model in (("dvpo", "user"), ("dvpo", "bcu"), ("dvpo", "team"), ("courts", "court"))
        for action in ("add", "change", "view")
    ),
    "dvpo.view_organisation",
    "dvpo.change_organisation",
    # django-axes: see sign-in attempts and failures; deleting an access attempt unlocks it.
    # Named with their app: audit (the s.62 log) has a model called AccessLog too, and its
    # unscoped admin list must not come with this grant.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
]

ROLE_NEEDS_POLICE = "{role} is a police role; this person is not in a police force."
ROLE_NEEDS_SUPPORT = "{role} is a support-service role; this person is not in a support service."
ROLE_NEEDS_RANK = "{role} needs the rank of {rank} or above."


def role_problems(roles, *, organisation_kind: str | None, rank: int | None) -> list[str]:
    """Why this person may not hold these roles (empty when they may)."""
    problems = []
    for role in roles:
        rule = ROLE_RULES[Role(role)]
        label = Role(role).label
        if rule.organisation_kind == POLICE and organisation_kind != POLICE:
            problems.append(ROLE_NEEDS_POLICE.format(role=label))
        elif rule.organisation_kind == SUPPORT and organisation_kind != SUPPORT:
            problems.append(ROLE_NEEDS_SUPPORT.format(role=label))
        elif rule.min_rank and (rank is None or rank < rule.min_rank):
            problems.append(
                ROLE_NEEDS_RANK.format(role=label, rank=Rank(rule.min_rank).label.lower())
            )
    return problems


def role_permissions(roles, *, organisation_kind: str | None, rank: int | None) -> frozenset[str]:
    """The permissions ("app_label.codename") these roles give this person: only from
    ROLE_RULES, and only for the roles the person may hold (role_problems), so neither a
    permission granted to the person or a group directly, nor a role they may not hold
    (a constable left with an authorising officer's group), widens what they may do."""
    granted: set[str] = set()
    for role in roles:
        if role_problems([role], organisation_kind=organisation_kind, rank=rank):
            continue
        rule = ROLE_RULES[Role(role)]
        granted |= {f"dvpo.{codename}" for codename in rule.capabilities}
        if rule.staff:
            granted |= set(ADMIN_MODEL_PERMISSIONS)
    return frozenset(granted)


CAPABILITY_PERMISSIONS = frozenset(f"dvpo.{codename}" for codename, _ in CAPABILITIES)
