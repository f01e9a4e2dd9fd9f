"""Periodic court jobs. Each finds what is due from the database state, so nothing is lost
when a worker was down, and is idempotent: a second run changes nothing."""

from celery import shared_task
from django.utils import timezone

from courts import services


@shared_task
def lapse_and_expire() -> dict[str, int]:
    """DVPNs with no hearing by their deadline lapse (s.27); orders past their last day expire
    (s.28(10)). Both open a PNC-removal task. Beat runs this every minute."""
    now = timezone.now()
    return {
        "lapsed": services.dvpns_lapse(now=now),
        "expired": services.orders_expire(now=now),
    }
