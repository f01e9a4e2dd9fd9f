"""Fictional demo data: one force with two BCUs, a support service, a court,
one account for each role and two cases (see demo_cases.py). Passwords are for demonstration only.

Loading it twice changes nothing: every row is found by its natural key and
only written when it differs.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from datetime import datetime

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from courts.models import Court
from dvpo.demo_accounts import (
    ACCOUNTS,
    BCUS,
    COURT,
    DEMO_BACKUP_CODES,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    FORCE,
    PLATFORM_ADMIN,
    SERVICE,
)
from dvpo.demo_cases import demo_cases_load
from dvpo.models import BCU, Organisation, Team, User
from dvpo.services import user_set_roles

# --- DEMO ONLY: the two-factor key every demo account shares ---------------------------------
TOTP_STEP_SECONDS = 30


def demo_totp_key_base32() -> str:
    """The demo key as authenticator apps take it (base32)."""
    return b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


def totp_token(key_hex: str, at: datetime | float | None = None) -> str:
    """The 6-digit TOTP code for a hex key at `at` (default: now, which time-machine moves)."""
    totp = TOTP(unhexlify(key_hex), step=TOTP_STEP_SECONDS, t0=0, digits=6, drift=0)
    if isinstance(at, datetime):
        at = at.timestamp()
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def demo_totp_token(at: datetime | float | None = None) -> str:
    """The demo accounts' current two-factor code, for browser tests and load scripts.

    A code is accepted once per account per 30-second step (django-otp refuses a replay), so
    a script signing in as the same demo account twice must wait for the next step."""
    return totp_token(DEMO_TOTP_KEY, at)


def demo_seconds_left(at: float | None = None) -> int:
    """Seconds until the current demo code changes."""
    now = time.time() if at is None else at
    return TOTP_STEP_SECONDS - int(now) % TOTP_STEP_SECONDS


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
    court = {k: v for k, v in COURT.items() if k != "code"} | {"force": orgs["force"]}
    _, changed = _upsert(Court, {"code": COURT["code"]}, court)
    changes += changed
    for username, (first, last, org, bcu, team, rank, role) in ACCOUNTS.items():
        changes += _demo_user(
            username, first, last, orgs[org], bcus.get(bcu), teams.get(team), rank, role
        )
    changes += _demo_platform_admin()
    changes += demo_cases_load()
    return changes


def _demo_user(username, first, last, organisation, bcu, team, rank, role) -> int:
    user, changed = _demo_account(
        username,
        first_name=first,
        last_name=last,
        organisation=organisation,
        bcu=bcu,
        team=team,
        rank=rank,
    )
    if user.roles != {role}:
        user_set_roles(user=user, roles=[role])
        changed = True
    return int(changed)


def _demo_platform_admin() -> int:
    """The platform administrator: a superuser of no organisation."""
    username = PLATFORM_ADMIN["username"]
    names = {k: v for k, v in PLATFORM_ADMIN.items() if k != "username"}
    _, changed = _demo_account(username, **names, is_superuser=True, is_staff=True)
    return int(changed)


def _demo_account(username, **values):
    """A demo account with these values, the demo password and the demo second factor;
    (user, whether anything changed)."""
    values["email"] = f"{username}@example.invalid"
    user, changed = _upsert(User, {"username": username}, values)
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        changed = True
    return user, _demo_second_factor(user) or changed


def _demo_second_factor(user) -> bool:
    """The demo TOTP device (DEMO_TOTP_KEY) and the demo backup codes; True if anything changed."""
    totp, changed = TOTPDevice.objects.get_or_create(
        user=user, name="default", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    if totp.key != DEMO_TOTP_KEY or not totp.confirmed:
        totp.key, totp.confirmed = DEMO_TOTP_KEY, True
        totp.save(update_fields=["key", "confirmed"])
        changed = True
    others, _ = TOTPDevice.objects.filter(user=user).exclude(pk=totp.pk).delete()
    changed = changed or bool(others)
    backup, created = StaticDevice.objects.get_or_create(user=user, name="backup")
    have = set(backup.token_set.values_list("token", flat=True))
    if have != set(DEMO_BACKUP_CODES):
        backup.token_set.all().delete()
        for code in DEMO_BACKUP_CODES:
            backup.token_set.create(token=code)
        changed = True
    return changed or created
