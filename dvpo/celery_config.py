"""Pure helpers shared by settings and the Celery app."""


def celery_redis_url(redis_url: str) -> str:
    """Celery (kombu) spells a Redis Unix socket ``redis+socket://``; redis-py ``unix://``."""
    if redis_url.startswith("unix://"):
        path, _, query = redis_url.removeprefix("unix://").partition("?")
        db = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("db", "0")
        return f"redis+socket://{path}?virtual_host={db}"
    return redis_url
