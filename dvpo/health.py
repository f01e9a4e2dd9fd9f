"""Health probe for load balancers and orchestrators: both backing services must answer."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


CHECKS = {"database": check_database, "redis": check_redis}


@never_cache
@require_GET
def healthz(request):
    failed = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means unhealthy
            failed[name] = type(error).__name__
    if failed:
        return JsonResponse({"status": "unhealthy", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
