"""Writes to people, organisations and roles."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from dvpo.models import User
from dvpo.roles import ADMIN_MODEL_PERMISSIONS, ROLE_RULES, Role


def _permissions_for(role: Role) -> set[Permission]:
    rule = ROLE_RULES[role]
    codenames = set(rule.capabilities)
    if rule.staff:
        codenames |= set(ADMIN_MODEL_PERMISSIONS)
    if not codenames:
        return set()
    wanted = Q()
    for name in codenames:  # "codename", or "app_label.codename" where the codename is shared
        app_label, _, codename = name.rpartition(".")
        in_app = Q(content_type__app_label=app_label) if app_label else Q()
        wanted |= Q(codename=codename) & in_app
    found = set(Permission.objects.filter(wanted).select_related("content_type"))
    named = {p.codename for p in found}
    named |= {f"{p.content_type.app_label}.{p.codename}" for p in found}
    missing = codenames - named
    if missing:
        raise LookupError(f"Permissions not in the database (run migrate): {sorted(missing)}")
    return found


@transaction.atomic
def roles_sync() -> list[str]:
    """Make every role's group hold exactly the permissions of ROLE_RULES.

    Returns what changed, one line each; an empty list on a re-run.
    """
    changes = []
    for role in Role:
        group, created = Group.objects.get_or_create(name=role.value)
        if created:
            changes.append(f"created role {role.value}")
        wanted = _permissions_for(role)
        current = set(group.permissions.all())
        if wanted != current:
            group.permissions.set(wanted)
            changes.append(
                f"{role.value}: +{len(wanted - current)} -{len(current - wanted)} permissions"
            )
    return changes


@transaction.atomic
def user_set_roles(*, user: User, roles: list[Role]) -> None:
    groups = Group.objects.filter(name__in=[Role(r).value for r in roles])
    user.groups.set(groups)
    # The platform administrator (a superuser) keeps the admin site whatever their roles.
    user.is_staff = user.is_superuser or any(ROLE_RULES[Role(r)].staff for r in roles)
    user.save(update_fields=["is_staff"])
    for cached in ("roles", "_role_perm_cache", "_perm_cache"):
        user.__dict__.pop(cached, None)
