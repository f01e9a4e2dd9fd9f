"""People, organisations and the statutory calendar: the pieces every app shares."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from dvpo.roles import CAPABILITIES, CAPABILITY_PERMISSIONS, POLICE, SUPPORT, Rank, Role


class Organisation(models.Model):
    """A police force or an independent support service: a real data boundary."""

    class Kind(models.TextChoices):
        POLICE_FORCE = POLICE, "Police force"
        SUPPORT_SERVICE = SUPPORT, "Support service"

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    crime_reference_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="A regular expression every crime reference must match, e.g. "
        "^[0-9]{7}/[0-9]{2}$ for a CRIS number. Blank accepts any reference.",
    )
    crime_reference_hint = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown to officers, e.g. 'A CRIS number like 1234567/26'.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == self.Kind.POLICE_FORCE


class BCU(models.Model):
    """A basic command unit (a group of boroughs) of a police force."""

    force = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="bcus",
        limit_choices_to={"kind": POLICE},
    )
    code = models.SlugField(max_length=20)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "BCU"
        ordering = ["force__name", "name"]
        constraints = [models.UniqueConstraint(fields=["force", "code"], name="unique_bcu_code")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.force_id and not self.force.is_police:
            raise ValidationError({"force": "A BCU belongs to a police force."})


class Team(models.Model):
    bcu = models.ForeignKey(BCU, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["bcu__name", "name"]
        constraints = [models.UniqueConstraint(fields=["bcu", "name"], name="unique_team_name")]

    def __str__(self):
        return f"{self.name} ({self.bcu})"


def display_name(*, username: str, first_name: str, last_name: str, rank: int | None) -> str:
    """How a user is named on pages ("Sergeant Alex Zebra"), from the columns alone, for lists
    read with values() rather than as User instances."""
    name = f"{first_name} {last_name}".strip() or username
    return f"{Rank(rank).label} {name}" if rank else name


class User(AbstractUser):
    """Everyone who signs in: officers, caseworkers, administrators."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    bcu = models.ForeignKey(BCU, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(choices=Rank, null=True, blank=True)
    shoulder_number = models.CharField(max_length=20, blank=True)
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        ordering = ["last_name", "first_name"]
        permissions = CAPABILITIES

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(
            username=self.username,
            first_name=self.first_name,
            last_name=self.last_name,
            rank=self.rank,
        )

    @cached_property
    def roles(self) -> frozenset[Role]:
        values = set(Role.values)
        return frozenset(
            Role(name) for name in self.groups.values_list("name", flat=True) if name in values
        )

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def has_perm(self, perm, obj=None):
        """As Django's, except that being a superuser (the platform administrator) grants none
        of the app's capabilities: authorising a DVPN or reading a referral comes from a role
        the person may hold, never from the admin site's superuser flag."""
        if perm in CAPABILITY_PERMISSIONS:
            return self.is_active and perm in self.get_all_permissions(obj)
        return super().has_perm(perm, obj)

    def clean(self):
        super().clean()
        errors = {}
        if self.rank and not (self.organisation and self.organisation.is_police):
            errors["rank"] = "Only police staff have a rank."
        if self.bcu_id and self.bcu.force_id != self.organisation_id:
            errors["bcu"] = "The BCU must belong to this person's force."
        if self.team_id and self.team.bcu_id != self.bcu_id:
            errors["team"] = "The team must belong to this person's BCU."
        if errors:
            raise ValidationError(errors)


STATUTORY_DAYS = ("Sunday", "Christmas Day", "Good Friday")


class CalendarDay(models.Model):
    """An administrator's change to the bank-holiday calendar (a new proclamation).

    The published England and Wales list comes from the `holidays` package;
    these rows add a day to it or remove one, and open cases' stored deadlines
    are recomputed when they change.
    """

    class Change(models.TextChoices):
        ADD = "add", "Add a bank holiday"
        REMOVE = "remove", "Remove a bank holiday"

    date = models.DateField(unique=True)
    change = models.CharField(max_length=10, choices=Change)
    name = models.CharField(max_length=200, help_text="For example: Coronation of King Charles III")
    reason = models.TextField(blank=True, help_text="The proclamation or notice it comes from.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = "bank holiday change"

    def __str__(self):
        return f"{self.get_change_display()}: {self.date:%a %-d %b %Y} ({self.name})"

    def clean(self):
        from dvpo.deadlines import PUBLISHED

        if self.date is None:
            return
        published = PUBLISHED.is_disregarded(self.date)
        if self.change == self.Change.ADD and published:
            raise ValidationError(
                {"date": f"{self.date:%a %-d %b %Y} is already not counted ({published.reason})."}
            )
        if self.change == self.Change.REMOVE and not PUBLISHED.bank_holiday(self.date):
            raise ValidationError(
                {"date": f"{self.date:%a %-d %b %Y} is not a published bank holiday."}
            )
        if self.change == self.Change.REMOVE and published.reason in STATUTORY_DAYS:
            raise ValidationError(
                {"date": f"{published.reason} is named in the statute and is never counted."}
            )


class ReminderDelivery(models.Model):
    """One reminder step delivered to one person: the record that makes the scan idempotent.

    Written in the same transaction as the in-app alert and before the e-mail goes (after
    commit), under a unique constraint, so a retried or doubled scan cannot send twice.
    The deadline is part of the key: a moved deadline (a variation, a calendar change) is
    reminded again.
    """

    kind = models.CharField(max_length=30)
    subject_id = models.BigIntegerField(help_text="The id of the due row (DVPN, breach, ...).")
    step = models.IntegerField(help_text="Minutes before the deadline (negative: after it).")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField()
    due_at = models.DateTimeField(help_text="The step's moment.")
    delivered_at = models.DateTimeField()
    late = models.BooleanField(default=False, help_text="Sent well after its moment.")

    class Meta:
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "deadline", "step", "recipient"],
                name="one_reminder_per_deadline_step",
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.subject_id} step {self.step} to {self.recipient_id}"
