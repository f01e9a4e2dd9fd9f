from datetime import datetime

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task
def heartbeat() -> str:
    """Beat runs this every minute; /healthz could show its age to spot a stuck beat."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp


@shared_task
def reminders_scan(now: str | None = None) -> dict[str, int]:
    """Beat runs this every minute: find due reminders from the database state and send each
    once (dvpo/reminders.py). `now` (ISO 8601) lets tests drive a real worker's clock."""
    from dvpo.reminders import reminders_send

    instant = datetime.fromisoformat(now) if now else timezone.now()
    return reminders_send(now=instant)
