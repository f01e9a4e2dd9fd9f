import pytest
from django.urls import reverse

from dvpo import health


@pytest.mark.django_db
def test_healthz_ok_when_database_and_redis_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_names_redis_when_it_does_not_answer(client, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/no-such-redis.sock"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "failed": {"redis": "ConnectionError"}}


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_does_not_answer(client, monkeypatch, tmp_path):
    import psycopg

    def unreachable_database():
        # A real connection attempt to a server that is not there.
        psycopg.connect(host=str(tmp_path), dbname="none", connect_timeout=1)

    monkeypatch.setitem(health.CHECKS, "database", unreachable_database)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == {"database": "OperationalError"}


def test_healthz_needs_no_login_and_is_not_cached(client, db):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
