"""The s.62 access log, break-glass grants and the record of retention erasures.

The log stands on its own: its links to users and cases are plain ids (no database
constraint, nothing cascades), and a PostgreSQL trigger refuses UPDATE and DELETE
(migration 0001), so neither the app nor an erasure can change what was logged. The
log never holds the erased values themselves, only which fields were erased.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Named on a list or in search results"
    CHANGE = "change", "Changed"
    PRINT = "print", "Printed"
    DOWNLOAD = "download", "Downloaded a PDF"
    EXPORT = "export", "Exported"
    REPORT = "report", "Viewed a report"
    DISCLOSE = "disclose", "Disclosed (subject access request)"
    BREAK_GLASS = "break_glass", "Broke the glass"
    SEARCH = "search", "Searched the access log"
    ERASE = "erase", "Erased (retention)"


class Basis(models.TextChoices):
    """Why the person could see the record: the rule that let them in."""

    OWNER = "owner", "Their own case"
    TEAM = "team", "A case of their team"
    BCU = "bcu", "A case of their BCU"
    FORCE = "force", "Force-wide role"
    SERVICE = "service", "Referred to their service"
    BREAK_GLASS = "break_glass", "Break glass"
    ADMINISTRATOR = "administrator", "Administrator"
    RETENTION = "retention", "Retention schedule"
    OTHER = "", "Not recorded"


class AccessLog(models.Model):
    """One consultation, disclosure, change or erasure: who, when, what and why."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        USER, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "dvpo.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    people = ArrayField(models.BigIntegerField(), default=list, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    basis = models.CharField(max_length=20, choices=Basis, blank=True, default="")
    reason = models.TextField(blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["case", "at"]),
            models.Index(fields=["user", "at"]),
            GinIndex(fields=["people"], name="accesslog_people_gin"),
        ]

    def __str__(self):
        who = self.username or "system"
        return f"{who}: {self.get_action_display().lower()} at {self.at:%Y-%m-%d %H:%M}"


class BreakGlass(models.Model):
    """A police user opened a case outside their BCU or team, giving a reason."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # The BCUs involved when it happened, for the supervisors' review of either side.
    case_bcu = models.ForeignKey("dvpo.BCU", on_delete=models.PROTECT, related_name="+")
    user_bcu = models.ForeignKey(
        "dvpo.BCU", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass accesses"
        indexes = [
            models.Index(fields=["user", "case", "expires_at"]),
            models.Index(fields=["case_bcu", "reviewed_at", "granted_at"]),
            models.Index(fields=["user_bcu", "reviewed_at", "granted_at"]),
        ]

    def __str__(self):
        return f"Break glass by {self.user} on {self.case} at {self.granted_at:%Y-%m-%d %H:%M}"


class CaseErasure(models.Model):
    """A case anonymised by the retention command (one row per case: re-runs do nothing)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    erased_at = models.DateTimeField()
    erased_by = models.CharField(max_length=200)
    last_activity = models.DateTimeField()
    fields_erased = models.PositiveIntegerField()
    people_erased = models.PositiveIntegerField()

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self):
        return f"Case {self.case_id} anonymised at {self.erased_at:%Y-%m-%d}"
