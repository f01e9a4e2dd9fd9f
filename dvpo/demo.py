"""Fictional demo data: one force with two BCUs, a support service, a court,
one account for each role and two cases (see demo_cases.py). Passwords are for demonstration only.

Loading it twice changes nothing: every row is found by its natural key and
only written when it differs.
"""

from django.db import transaction

from courts.models import Court
from dvpo.demo_accounts import ACCOUNTS, BCUS, COURT, DEMO_PASSWORD, FORCE, SERVICE
from dvpo.demo_cases import demo_cases_load
from dvpo.models import BCU, Organisation, Team, User
from dvpo.services import user_set_roles


def _upsert(model, lookup: dict, values: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
    return obj, created or bool(changed)


@transaction.atomic
def demo_load() -> int:
    """Load the demo data; returns how many rows were created or changed."""
    changes = 0
    orgs = {}
    for key, spec in (("force", FORCE), ("service", SERVICE)):
        orgs[key], changed = _upsert(
            Organisation, {"code": spec["code"]}, {"name": spec["name"], "kind": spec["kind"]}
        )
        changes += changed
    bcus, teams = {}, {}
    for code, (name, team_names) in BCUS.items():
        bcus[code], changed = _upsert(BCU, {"force": orgs["force"], "code": code}, {"name": name})
        changes += changed
        for team_name in team_names:
            teams[team_name], changed = _upsert(Team, {"bcu": bcus[code], "name": team_name}, {})
            changes += changed
    _, changed = _upsert(
        Court, {"code": COURT["code"]}, {k: v for k, v in COURT.items() if k != "code"}
    )
    changes += changed
    for username, (first, last, org, bcu, team, rank, role) in ACCOUNTS.items():
        changes += _demo_user(
            username, first, last, orgs[org], bcus.get(bcu), teams.get(team), rank, role
        )
    changes += demo_cases_load()
    return changes


def _demo_user(username, first, last, organisation, bcu, team, rank, role) -> int:
    user, changed = _upsert(
        User,
        {"username": username},
        {
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.invalid",
            "organisation": organisation,
            "bcu": bcu,
            "team": team,
            "rank": rank,
        },
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        changed = True
    if user.roles != {role}:
        user_set_roles(user=user, roles=[role])
        changed = True
    return int(changed)
