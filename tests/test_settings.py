"""Production settings refuse to start without their secrets and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dvpo.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_KEY = "test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
SERVICES = {
    "DATABASE_URL": "postgresql://nobody@localhost:1/none",
    "DATABASE_OWNER_URL": "",
    "REDIS_URL": "redis://localhost:1/0",
}


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "dvpo.settings", **SERVICES, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


IMPORT_SETTINGS = "import django; django.setup()"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "x"}, "SECRET_KEY must be set"),
        (
            {"SECRET_KEY": "django-insecure-" + "a" * 60, "ALLOWED_HOSTS": "x"},
            "SECRET_KEY must be set",
        ),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "x"}, "at least 50 characters"),
        ({"SECRET_KEY": "ab" * 40, "ALLOWED_HOSTS": "x"}, "at least 5 different characters"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must name"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "DEBUG": "maybe"}, "not a yes/no value"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "SESSION_IDLE_MINUTES": "ten"},
            "not a whole number",
        ),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", "DATABASE_URL": "sqlite:///x.db"},
            "must point at PostgreSQL",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "x",
                "DATABASE_OWNER_URL": "mysql://o@h/none",
            },
            "must point at PostgreSQL",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "x",
                "DATABASE_OWNER_URL": "postgresql://owner@localhost:1/other",
            },
            "DATABASE_OWNER_URL must name the same database as DATABASE_URL ('none').",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "x",
                "DATABASE_OWNER_URL": "postgresql://nobody:pw@otherhost:1/none",
            },
            "DATABASE_OWNER_URL must name another role than DATABASE_URL (both use 'nobody').",
        ),
    ],
)
def test_production_settings_refuse_bad_configuration(env, message):
    result = run_python(IMPORT_SETTINGS, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_pass_check_deploy():
    env = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "dvpo.example.org"}
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_runs_with_no_secret_key():
    result = run_python(
        IMPORT_SETTINGS + "; from django.conf import settings; print(settings.SECRET_KEY)",
        {"DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert "django-insecure-local-development-only" in result.stdout


ROLES = (
    "; from django.conf import settings as s; "
    "print(s.DATABASES['default']['USER'], s.DATABASE_OWNER and s.DATABASE_OWNER['USER'], "
    "repr(s.DATABASE_APP_ROLE))"
)


def test_two_database_roles_the_app_connects_as_database_url():
    owner = "postgresql://dvpo_owner:secret@localhost:1/none"
    result = run_python(IMPORT_SETTINGS + ROLES, {"DEBUG": "true", "DATABASE_OWNER_URL": owner})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["nobody", "dvpo_owner", "'nobody'"]


def test_one_database_role_without_database_owner_url():
    result = run_python(IMPORT_SETTINGS + ROLES, {"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["nobody", "None", "''"]


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "7")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL", False) is True
    assert env_bool("X_MISSING", True) is True
    assert env_int("X_INT", 1, minimum=1) == 7
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_str("X_MISSING", "d") == "d"
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="must be set"):
        env_str("X_MISSING")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("X_INT", 1, minimum=10)


# --- E-mail: encrypted SMTP in production ----------------------------------------------------

PRINT_EMAIL = (
    IMPORT_SETTINGS + "; from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND.rsplit('.', 2)[-2], s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_PORT)"
)
PRODUCTION = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x"}


@pytest.mark.parametrize(
    ("env", "printed"),
    [
        ({}, "smtp True False 587"),  # STARTTLS by default
        ({"EMAIL_USE_SSL": "true"}, "smtp False True 465"),
        ({"EMAIL_PORT": "2525"}, "smtp True False 2525"),
        ({"EMAIL_USE_TLS": "false", "EMAIL_ALLOW_PLAINTEXT": "true"}, "smtp False False 25"),
        ({"DEBUG": "true"}, "console False False 25"),  # local runs print mail
    ],
)
def test_production_smtp_is_encrypted_by_default(env, printed):
    result = run_python(PRINT_EMAIL, {**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_USE_TLS": "false"}, "E-mail would be sent over plain SMTP"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "Set only one of EMAIL_USE_TLS"),
    ],
)
def test_plaintext_smtp_is_refused_unless_allowed(env, message):
    result = run_python(IMPORT_SETTINGS, {**PRODUCTION, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
