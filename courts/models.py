"""The court half of the lifecycle (domain.md §3 steps 6-8): the DVPO application and its
hearings, the order, and breaches of the notice or the order.

Writes go through courts/services/; pure rules are in courts/rules.py.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords

from courts import rules
from dvpo.roles import POLICE

USER = settings.AUTH_USER_MODEL


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def weekdays():
    return [0, 1, 2, 3, 4]


class Court(models.Model):
    """A magistrates' court that hears DVPO applications."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    force = models.ForeignKey(
        "dvpo.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courts",
        limit_choices_to={"kind": POLICE},
        help_text="The police force whose administrators keep this court's details. "
        "Blank: a court shared by every force, kept by the platform administrator.",
    )
    address = models.TextField(blank=True)
    specialist_dv_court = models.BooleanField("specialist domestic violence court", default=False)
    sitting_days = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday),
        default=weekdays,
        blank=True,
        help_text="The days of the week the court sits for DVPO applications.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def sits_on(self, day) -> bool:
        return day.weekday() in self.sitting_days

    def sitting_days_display(self) -> str:
        return ", ".join(Weekday(d).label for d in sorted(self.sitting_days))


class DVPOApplication(models.Model):
    """The complaint to a magistrates' court for a DVPO (s.27), one per served DVPN."""

    class Status(models.TextChoices):
        LISTED = rules.LISTED, "Listed"
        ADJOURNED = rules.ADJOURNED, "Adjourned"
        GRANTED = rules.GRANTED, "Granted"
        REFUSED = rules.REFUSED, "Refused"
        WITHDRAWN = rules.WITHDRAWN, "Withdrawn"
        LAPSED = rules.APPLICATION_LAPSED, "Lapsed: no hearing by the deadline"

    class Fee(models.TextChoices):
        UNCONTESTED = "uncontested", "Uncontested"
        CONTESTED = "contested", "Contested"

    dvpn = models.OneToOneField(
        "cases.DVPN", on_delete=models.PROTECT, related_name="dvpo_application"
    )
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="applications")
    listed_for = models.DateTimeField("listed for", db_index=True)
    listed_late = models.BooleanField(
        "listed after the hearing deadline", default=False, editable=False
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.LISTED)
    fee = models.CharField(max_length=12, choices=Fee, default=Fee.UNCONTESTED)
    fee_paid = models.BooleanField("court fee paid", default=False)
    presenting_officer = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The paperwork for the court (rules.PAPERWORK lists these in order).
    has_dvpn_copy = models.BooleanField("copy of the DVPN", default=False)
    has_complaint = models.BooleanField("complaint (application)", default=False)
    has_officer_statement = models.BooleanField("officer's statement", default=False)
    has_dash = models.BooleanField("DASH risk assessment", default=False)
    has_victim_view = models.BooleanField("victim's view", default=False)
    has_p_address = models.BooleanField("P's address for notice", default=False)
    has_evidence = models.BooleanField("evidence", default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["listed_for"]
        verbose_name = "DVPO application"
        indexes = [models.Index(fields=["court", "status", "listed_for"])]

    def __str__(self):
        return f"DVPO application for {self.dvpn.case}"

    @property
    def case(self):
        return self.dvpn.case

    @property
    def decided(self) -> bool:
        return self.status in rules.DECIDED

    def paperwork_missing(self) -> list[str]:
        return rules.paperwork_missing(
            {field: getattr(self, field) for field, _ in rules.PAPERWORK}
        )


class Hearing(models.Model):
    """One hearing of a DVPO application and what the court decided."""

    class Outcome(models.TextChoices):
        GRANTED = rules.GRANTED, "Granted: DVPO made"
        REFUSED = rules.REFUSED, "Refused"
        ADJOURNED = rules.ADJOURNED, "Adjourned"
        WITHDRAWN = rules.WITHDRAWN, "Withdrawn"

    application = models.ForeignKey(
        DVPOApplication, on_delete=models.CASCADE, related_name="hearings"
    )
    held_at = models.DateTimeField("hearing started at", db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome)
    reasons = models.TextField("the court's reasons", blank=True)
    adjournment_reason = models.TextField(blank=True)
    adjourned_to = models.DateTimeField("adjourned to", null=True, blank=True)
    p_attended = models.BooleanField("P attended", default=False)
    victim_attended = models.BooleanField("victim attended", default=False)
    contested = models.BooleanField(default=False)
    presented_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "held_at"]

    def __str__(self):
        return f"Hearing at {self.held_at:%Y-%m-%d %H:%M}: {self.get_outcome_display()}"


class DVPO(models.Model):
    """A domestic violence protection order (s.28), made when an application is granted."""

    class Status(models.TextChoices):
        IN_FORCE = rules.IN_FORCE, "In force"
        VARIED = rules.VARIED, "In force (varied)"
        EXPIRED = rules.EXPIRED, "Expired"
        DISCHARGED = rules.DISCHARGED, "Discharged"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dvpos")
    application = models.OneToOneField(
        DVPOApplication, on_delete=models.PROTECT, related_name="order"
    )
    hearing = models.OneToOneField(Hearing, on_delete=models.PROTECT, related_name="order")
    made_on = models.DateField()
    made_at = models.DateTimeField(
        "made at",
        null=True,
        help_text="When the court decided (the order is in force from then); made_on is its "
        "local date, from which the days are counted.",
    )
    days = models.PositiveSmallIntegerField(help_text="14 to 28 days (s.28(10)).")
    last_day = models.DateField(db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.IN_FORCE)
    # Prohibitions (s.28(6)-(8)): molestation always; premises provisions when they share.
    no_molestation = models.BooleanField("P must not molest the victim", default=True)
    premises_no_evict = models.BooleanField("P must not evict or exclude the victim", default=False)
    premises_no_enter = models.BooleanField("P must not enter the premises", default=False)
    premises_leave = models.BooleanField("P must leave the premises", default=False)
    exclusion_distance_m = models.PositiveIntegerField(
        "P must not come within (metres)", null=True, blank=True
    )
    varied_on = models.DateField(null=True, blank=True)
    variation_reason = models.TextField(blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_reason = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on"]
        verbose_name = "DVPO"
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"DVPO for {self.case}, made {self.made_on:%-d %b %Y}"

    @property
    def starts_at(self):
        """When the order came into force: the court's decision."""
        return self.made_at or rules.order_starts_at(self.made_on)

    @property
    def ends_at(self):
        return rules.order_ends_at(expires_at=self.expires_at, discharged_at=self.discharged_at)

    @property
    def in_force(self) -> bool:
        return self.status in rules.ORDER_LIVE


class Breach(models.Model):
    """A breach of a DVPN or a DVPO: exactly one of the two."""

    class Prohibition(models.TextChoices):
        MOLESTATION = "molestation", "Molested the victim"
        EVICT = "no_evict", "Evicted or excluded the victim"
        ENTER = "no_enter", "Entered the premises"
        LEAVE = "leave", "Did not leave the premises"
        DISTANCE = "distance", "Came within the stated distance"

    class ReportedBy(models.TextChoices):
        POLICE = "police", "Police"
        VICTIM = "victim", "Victim"
        CASEWORKER = "caseworker", "Caseworker"
        THIRD_PARTY = "third_party", "Third party"

    class Outcome(models.TextChoices):
        PENDING = "", "Not dealt with yet"
        NO_ACTION = rules.NO_ACTION, "No action"
        FINE = rules.FINE, "Fine"
        COMMITTAL = rules.COMMITTAL, "Committal to custody"
        ADJOURNED = "adjourned", "Adjourned"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="breaches")
    dvpn = models.ForeignKey(
        "cases.DVPN", on_delete=models.PROTECT, null=True, blank=True, related_name="breaches"
    )
    order = models.ForeignKey(
        DVPO, on_delete=models.PROTECT, null=True, blank=True, related_name="breaches"
    )
    occurred_at = models.DateTimeField()
    prohibition = models.CharField(max_length=12, choices=Prohibition)
    reported_by = models.CharField(max_length=12, choices=ReportedBy)
    description = models.TextField(blank=True)
    arrested_at = models.DateTimeField(null=True, blank=True)
    production_deadline = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome, blank=True, default="")
    outcome_on = models.DateField(null=True, blank=True)
    fine_pounds = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    committal_days = models.PositiveSmallIntegerField(null=True, blank=True)
    criminal_charge = models.BooleanField("a criminal charge was also brought", default=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "occurred_at"]
        verbose_name_plural = "breaches"
        indexes = [
            # The breaches awaiting court: a few among thousands, which the planner's
            # statistics cannot tell (most breaches have a deadline, few are still pending).
            models.Index(
                fields=["production_deadline"],
                condition=models.Q(arrested_at__isnull=False, outcome=""),
                name="breach_awaiting_court",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dvpn__isnull=False, order__isnull=True)
                | models.Q(dvpn__isnull=True, order__isnull=False),
                name="breach_of_dvpn_or_dvpo",
            ),
            models.CheckConstraint(
                condition=models.Q(fine_pounds__isnull=True)
                | models.Q(fine_pounds__gt=0, fine_pounds__lte=rules.MAX_FINE),
                name="breach_fine_range",
            ),
            models.CheckConstraint(
                condition=models.Q(committal_days__isnull=True)
                | models.Q(committal_days__gte=1, committal_days__lte=rules.MAX_COMMITTAL_DAYS),
                name="breach_committal_range",
            ),
        ]

    def __str__(self):
        return (
            f"Breach of {'DVPO' if self.order_id else 'DVPN'} at {self.occurred_at:%Y-%m-%d %H:%M}"
        )

    @property
    def is_order(self) -> bool:
        return self.order_id is not None


class CalendarFeed(models.Model):
    """The secret address of a user's hearings calendar (iCalendar feed). Only a hash of the
    token is kept: the address is shown once, when it is made, and can be reset."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Hearings calendar of {self.user}"
