"""Two database roles: an owner that runs migrations, and the app's role that may not alter the log.

The owner (``DATABASE_OWNER_URL``) owns every table, sequence, function and trigger; `migrate`
and tooling such as `generate_data` connect as it. The web app, Celery worker and beat connect
as the app's role (``DATABASE_URL``), which owns nothing and is no superuser, so it cannot
TRUNCATE a table, disable or drop a trigger, drop a table, or
``SET session_replication_role``. After every `migrate` the owner grants it the rows of every
table (SELECT, INSERT, UPDATE, DELETE) and the sequences (USAGE, SELECT), but on an append-only
table (the s.62 access log: audit.apps registers it) only SELECT and INSERT.

With no ``DATABASE_OWNER_URL`` everything runs as ``DATABASE_URL``, as before (one role).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

# What the owner's connection replaces in the app's: who connects and where, never which
# database (the test runner renames that to the test database).
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
BAD_ROLE_NAME = (
    "A database role, schema or table name must be lower-case letters, digits and _ (got {name!r})."
)
SAME_ROLE = "DATABASE_OWNER_URL must name another role than DATABASE_URL (both use {name!r})."
OTHER_DATABASE = "DATABASE_OWNER_URL must name the same database as DATABASE_URL ({name!r})."


def roles_check(*, app: dict, owner: dict | None) -> None:
    """Refuse an owner connection that could not own the app's database (settings call this)."""
    if owner is None:
        return
    for user in (app["USER"], owner["USER"]):
        if not ROLE_NAME.fullmatch(user or ""):
            raise ImproperlyConfigured(BAD_ROLE_NAME.format(name=user))
    if app["USER"] == owner["USER"]:
        raise ImproperlyConfigured(SAME_ROLE.format(name=app["USER"]))
    if app["NAME"] != owner["NAME"]:
        raise ImproperlyConfigured(OTHER_DATABASE.format(name=app["NAME"]))


def privileges_sql(*, app_role: str, schema: str, append_only: Iterable[str]) -> list[str]:
    """The statements the owner runs to give the app's role what it needs and no more.

    Idempotent: re-granting changes nothing, and an append-only table first loses every
    privilege (a broader grant made earlier included) before it gets SELECT and INSERT back.
    """
    append_only = tuple(append_only)
    for name in (app_role, schema, *append_only):
        if not ROLE_NAME.fullmatch(name):
            raise ImproperlyConfigured(BAD_ROLE_NAME.format(name=name))
    statements = [
        f'GRANT USAGE ON SCHEMA "{schema}" TO "{app_role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{app_role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{app_role}"',
    ]
    for table in append_only:
        statements += [
            f'REVOKE ALL ON "{schema}"."{table}" FROM "{app_role}"',
            f'GRANT SELECT, INSERT ON "{schema}"."{table}" TO "{app_role}"',
        ]
    return statements


def privileges_grant(cursor, *, app_role: str, append_only: Iterable[str]) -> None:
    """Run privileges_sql on a DB-API cursor connected as the owner, in the current schema."""
    cursor.execute("SELECT current_schema()")
    schema = cursor.fetchone()[0]
    for statement in privileges_sql(app_role=app_role, schema=schema, append_only=append_only):
        cursor.execute(statement)


@contextmanager
def connected_as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Inside the block the connection (and any a thread opens) logs in as the owner.

    Does nothing when no owner is configured. Django's connections share the settings dict,
    so swapping its credentials reaches every thread; the connection is closed on the way in
    and out so that no session of one role is reused as the other.
    """
    owner = settings.DATABASE_OWNER
    if not owner or alias != DEFAULT_DB_ALIAS:
        yield
        return
    connection = connections[alias]
    saved = {key: connection.settings_dict[key] for key in CREDENTIALS}
    connection.close()
    # Django fills in missing keys for DATABASES only, not for this dict: the same defaults.
    connection.settings_dict.update(
        {key: owner.get(key) or ({} if key == "OPTIONS" else "") for key in CREDENTIALS}
    )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def grant_after_migrate(*, using: str, append_only: Iterable[str]) -> bool:
    """After `migrate` (a post_migrate receiver): grant the app's role its privileges.

    Returns False, doing nothing, with a single role."""
    if not settings.DATABASE_OWNER:
        return False
    with connections[using].cursor() as cursor:
        privileges_grant(cursor, app_role=settings.DATABASE_APP_ROLE, append_only=append_only)
    return True
