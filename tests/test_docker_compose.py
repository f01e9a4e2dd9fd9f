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


def test_app_services_are_configured_for_production():
    for name in ("web", "worker", "beat", "migrate"):
        env = SERVICES[name]["environment"]
        assert env["DEBUG"] == "false"
        assert ":?" in env["SECRET_KEY"], "no default secret in production"
        db = urlparse(re.sub(r"\$\{[^}]*\}", "password", env["DATABASE_URL"]))
        assert db.scheme == "postgresql" and db.hostname == "postgres"
        assert db.path == "/" + SERVICES["postgres"]["environment"]["POSTGRES_DB"]
        assert db.username == SERVICES["postgres"]["environment"]["POSTGRES_USER"]
        assert urlparse(env["REDIS_URL"]).hostname == "redis"


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
