"""The police record flags (domain.md §6) stored once, when each first becomes true, so that
freedom-of-information answers and annual returns are counts in SQL over a small table, and
historical records imported from an older system count the same way as live ones.

Live flags are written by the services that make them true (reports.services.flag_record,
called from cases/services.py and courts/services/); imported ones by `import_flags`.
"""

from django.db import models


class Flag(models.Model):
    """One flag on one incident's record: when it first became true, and where it came from."""

    class Code(models.TextChoices):
        FP = "FP", "DVPN authorised"
        FQ = "FQ", "DVPN served"
        FT = "FT", "DVPN breached"
        FS = "FS", "DVPO issued"
        FU = "FU", "DVPO breached"

    class Source(models.TextChoices):
        LIVE = "live", "Recorded in this system"
        IMPORTED = "imported", "Imported historical record"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="record_flags")
    code = models.CharField(max_length=2, choices=Code)
    flagged_at = models.DateTimeField(help_text="When the flag first became true (UTC).")
    source = models.CharField(max_length=10, choices=Source, default=Source.LIVE)

    class Meta:
        ordering = ["case", "code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="one_flag_per_case_and_code")
        ]
        indexes = [models.Index(fields=["code", "flagged_at"])]

    def __str__(self):
        return f"{self.code} on case {self.case_id} at {self.flagged_at:%Y-%m-%d %H:%M}"


class ImportedCase(models.Model):
    """Marks a case made by `import_flags` as a historical record: closed, owned by an inactive
    import account, with no DVPN rows, so it is in no working list, queue or reminder."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="historical_import"
    )
    imported_at = models.DateTimeField()
    file_name = models.CharField(max_length=255, blank=True)

    def __str__(self):
        return f"Historical record {self.case_id} imported {self.imported_at:%Y-%m-%d}"
