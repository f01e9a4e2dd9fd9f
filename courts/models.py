from django.db import models
from simple_history.models import HistoricalRecords


class Court(models.Model):
    """A magistrates' court that hears DVPO applications."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    address = models.TextField(blank=True)
    specialist_dv_court = models.BooleanField("specialist domestic violence court", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
