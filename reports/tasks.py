"""Periodic work for the reports (the schedule is CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from dvpo.models import Organisation
from dvpo.roles import POLICE
from reports import figures
from reports.forms import default_period


@shared_task
def warm_dashboards() -> int:
    """Work out each police force's default reports page (the financial year so far, all BCUs,
    by recorded month) and keep it, so the first viewer after the figures expire does not wait.
    Returns the number of forces done."""
    if not settings.REPORT_CACHE_SECONDS:
        return 0
    period = figures.Period(*default_period(timezone.localdate()))
    done = 0
    for force in Organisation.objects.filter(kind=POLICE).order_by("pk"):
        bcus = list(force.bcus.order_by("name"))
        scope = figures.Scope(force.pk, period, None)
        figures.dashboard(scope, bcus, by_flag_date=False, refresh=True)
        done += 1
    return done
