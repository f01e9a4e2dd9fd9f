"""The app's database role cannot alter the access log (DPA 2018 s.62), as a real login.

The suite creates and migrates its test database as the owner (the superuser); these tests log
in to that database as the app's role, which the owner granted what dvpo.dbroles grants after
every migrate, and try each way of changing or hiding the log. Every attempt runs in a
transaction that is rolled back, so nothing an attempt might have done outlives the test.
"""

import contextlib

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.test import override_settings

from audit.models import AccessLog, Action
from dvpo.dbroles import (
    BAD_ROLE_NAME,
    OTHER_DATABASE,
    SAME_ROLE,
    connected_as_owner,
    grant_after_migrate,
    privileges_grant,
    privileges_sql,
    roles_check,
)

APP_ROLE = "dvpo_test_app"
OWNER_ROLE = "dvpo_test_owner"
# Spelled out in the SQL below; the model and the trigger's migration name them so.
LOG = "audit_accesslog"
TRIGGER = "audit_accesslog_append_only"
assert AccessLog._meta.db_table == LOG


def role_ensure(cursor, name: str) -> None:
    """Roles belong to the whole server (shared by test databases), so create once, race-safe."""
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    if cursor.fetchone() is None:
        # Another run may create it in between: what we wanted anyway.
        with contextlib.suppress(DatabaseError):
            cursor.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker):
    """The app's role on the test database, granted what the owner grants after a migrate
    (committed, so the role's own connection sees it)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        role_ensure(cursor, APP_ROLE)
        role_ensure(cursor, OWNER_ROLE)
        privileges_grant(cursor, app_role=APP_ROLE, append_only=[LOG])
    return APP_ROLE


def login(user: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=user,
    )


@pytest.fixture
def app(app_role):
    """A connection to the test database as the app's role; rolled back afterwards."""
    conn = login(app_role)
    yield conn
    conn.rollback()
    conn.close()


def log_row_insert(conn) -> int:
    """INSERT one row as the app writes it, every column from the model (defaults included)."""
    row = AccessLog(username="role-test", action=Action.VIEW, method="GET", path="/roles/")
    fields = [f for f in AccessLog._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return conn.execute(
        # The model's own column names, and placeholders for every value.
        f"INSERT INTO audit_accesslog ({columns}) VALUES ({placeholders}) RETURNING id",  # noqa: S608
        values,
    ).fetchone()[0]


def test_the_app_role_may_insert_and_read_the_log(app):
    row_id = log_row_insert(app)
    assert app.execute(
        "SELECT username FROM audit_accesslog WHERE id = %s", [row_id]
    ).fetchone() == ("role-test",)


REFUSED = {
    "update": "UPDATE audit_accesslog SET reason = 'changed'",
    "delete": "DELETE FROM audit_accesslog",
    "truncate": "TRUNCATE audit_accesslog",
    "disable the trigger": (
        "ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only"
    ),
    "disable every trigger": "ALTER TABLE audit_accesslog DISABLE TRIGGER ALL",
    "drop the trigger": "DROP TRIGGER audit_accesslog_append_only ON audit_accesslog",
    "replace the trigger function": (
        "CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger"
        " AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
    ),
    "add a trigger": (
        "CREATE TRIGGER sneaky BEFORE INSERT ON audit_accesslog"
        " FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only()"
    ),
    "drop the table": "DROP TABLE audit_accesslog",
    "rename the table": "ALTER TABLE audit_accesslog RENAME TO old_log",
    "session_replication_role": "SET session_replication_role = replica",
    "session_replication_role in a transaction": "SET LOCAL session_replication_role = replica",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_app_role_cannot_alter_or_hide_the_log(app, statement):
    log_row_insert(app)  # a row to change, for the statements that would change one
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(statement)


def test_the_app_role_still_reads_and_writes_an_ordinary_table(app):
    """Sessions: a table the app inserts, updates and deletes on every sign-in and sign-out."""
    app.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date)"
        " VALUES ('role-test', 'a', now())"
    )
    app.execute("UPDATE django_session SET session_data = 'b' WHERE session_key = 'role-test'")
    row = app.execute("SELECT session_data FROM django_session WHERE session_key = 'role-test'")
    assert row.fetchone() == ("b",)
    app.execute("DELETE FROM django_session WHERE session_key = 'role-test'")
    assert app.execute("SELECT nextval(pg_get_serial_sequence('dvpo_organisation', 'id'))")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute("TRUNCATE django_session")


def test_the_app_role_owns_nothing_and_is_no_superuser(app, app_role):
    assert app.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles"
        " WHERE rolname = current_user"
    ).fetchone() == (False, False, False, False)
    owned = app.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles"
        " WHERE rolname = current_user)"
    ).fetchone()[0]
    assert owned == 0


def test_the_log_keeps_no_row_the_app_role_tried_to_change(app):
    row_id = log_row_insert(app)
    for statement in (
        "UPDATE audit_accesslog SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_accesslog WHERE id = %s",
    ):
        # A savepoint each: the row stays in this (rolled back at the end) transaction.
        with pytest.raises(psycopg.errors.InsufficientPrivilege), app.transaction():
            app.execute(statement, [row_id])
    assert app.execute("SELECT reason FROM audit_accesslog WHERE id = %s", [row_id]).fetchone() == (
        "",
    )


# --- Granting after migrate, and the owner's connection -----------------------------------


def test_privileges_sql_gives_the_log_only_select_and_insert():
    statements = privileges_sql(app_role="dvpo_app", schema="public", append_only=[LOG])
    assert statements[-2:] == [
        f'REVOKE ALL ON "public"."{LOG}" FROM "dvpo_app"',
        f'GRANT SELECT, INSERT ON "public"."{LOG}" TO "dvpo_app"',
    ]
    assert not any("TRUNCATE" in s or "TRIGGER" in s or "REFERENCES" in s for s in statements)


def test_privileges_sql_refuses_a_name_it_would_have_to_quote():
    with pytest.raises(ImproperlyConfigured) as error:
        privileges_sql(app_role='app"; DROP TABLE x; --', schema="public", append_only=[])
    assert str(error.value) == BAD_ROLE_NAME.format(name='app"; DROP TABLE x; --')


@pytest.mark.django_db
def test_grant_after_migrate_grants_the_app_role_its_privileges(app_role):
    owner = {**connection.settings_dict}
    with override_settings(DATABASE_OWNER=owner, DATABASE_APP_ROLE=app_role):
        assert grant_after_migrate(using="default", append_only=[LOG]) is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, %s, 'INSERT'), has_table_privilege(%s, %s, 'UPDATE'),"
            " has_table_privilege(%s, 'dvpo_organisation', 'UPDATE')",
            [app_role, LOG, app_role, LOG, app_role],
        )
        assert cursor.fetchone() == (True, False, True)


@pytest.mark.django_db
def test_grant_after_migrate_does_nothing_with_one_role():
    with override_settings(DATABASE_OWNER=None):
        assert grant_after_migrate(using="default", append_only=[LOG]) is False


@pytest.mark.django_db(transaction=True)
def test_connected_as_owner_logs_in_as_the_owner_then_back(app_role):
    def current_user():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            return cursor.fetchone()[0]

    before = current_user()
    owner = {**connection.settings_dict, "USER": OWNER_ROLE, "PASSWORD": ""}
    with override_settings(DATABASE_OWNER=owner):
        with connected_as_owner():
            assert current_user() == OWNER_ROLE
        assert current_user() == before


def test_connected_as_owner_does_nothing_with_one_role():
    with override_settings(DATABASE_OWNER=None), connected_as_owner():
        pass  # no connection touched: this test has no database access at all


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ({"USER": "dvpo_app", "NAME": "dvpo"}, SAME_ROLE.format(name="dvpo_app")),
        ({"USER": "dvpo_owner", "NAME": "other"}, OTHER_DATABASE.format(name="dvpo")),
        ({"USER": "Dvpo-Owner", "NAME": "dvpo"}, BAD_ROLE_NAME.format(name="Dvpo-Owner")),
    ],
)
def test_settings_refuse_an_owner_that_cannot_own_the_app_database(owner, message):
    with pytest.raises(ImproperlyConfigured) as error:
        roles_check(app={"USER": "dvpo_app", "NAME": "dvpo"}, owner=owner)
    assert str(error.value) == message


def test_one_role_needs_no_check():
    roles_check(app={"USER": "Anything-Goes", "NAME": "dvpo"}, owner=None)
