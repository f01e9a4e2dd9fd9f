"""The Celery app: broker is the same Redis the settings use (REDIS_URL)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvpo.settings")

app = Celery("dvpo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
