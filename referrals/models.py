"""Referral to support (domain.md §3 steps 9-11): the Victims' Code referral with the
victim's consent, the support service's contact attempts and follow-ups, and the alerts
a suspected breach raises for the police.

Writes go through referrals/services.py; pure rules are in referrals/rules.py. A
caseworker's notes (ContactAttempt.notes, FollowUp.outcome) are confidential to the
service: police-side selectors never load them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dvpo.roles import SUPPORT
from referrals import rules

USER = settings.AUTH_USER_MODEL


class Referral(models.Model):
    """One referral of one victim in one case to one support service (or to MARAC)."""

    class Kind(models.TextChoices):
        VICTIMS_CODE = rules.VICTIMS_CODE, "Victims' Code referral"
        DVPO_SUPPORT = rules.DVPO_SUPPORT, "Support during the DVPN/DVPO"
        MARAC = rules.MARAC, "MARAC (high risk)"

    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, "Draft"
        SENT = rules.SENT, "Sent"
        ACCEPTED = rules.ACCEPTED, "Accepted"
        RETURNED = rules.RETURNED, "Returned to the police"
        CLOSED = rules.CLOSED, "Closed"

    class Consent(models.TextChoices):
        NOT_ASKED = rules.NOT_ASKED, "Not asked yet"
        GIVEN = rules.GIVEN, "Given"
        DECLINED = rules.DECLINED, "Declined"

    class ReturnKind(models.TextChoices):
        NONE = "", "Not returned"
        DECLINED = "declined", "Declined by the service"
        UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact the victim"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    victim = models.ForeignKey("cases.Party", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        "dvpo.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        limit_choices_to={"kind": SUPPORT},
        help_text="Chosen before sending; a referral the victim declined goes to no service.",
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.VICTIMS_CODE)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    consent = models.CharField(max_length=12, choices=Consent, default=Consent.NOT_ASKED)
    consent_recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    self_referral_explained = models.BooleanField(
        "the victim was told how to refer themselves", default=False
    )
    due_at = models.DateTimeField("referral due by", db_index=True)
    duty_met_at = models.DateTimeField(
        null=True, blank=True, help_text="Sent, or the victim's refusal recorded."
    )
    what_done = models.TextField("what has been done so far", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_contact_due_at = models.DateTimeField(
        "first contact attempt due by",
        null=True,
        blank=True,
        db_index=True,
        help_text="One working day after sending (rules.first_contact_due).",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_kind = models.CharField(max_length=20, choices=ReturnKind, blank=True, default="")
    return_reason = models.TextField(blank=True, help_text="Shared with the police.")
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Put in the service manager's queue."
    )
    call_near_expiry_ok = models.BooleanField(
        "the victim agreed to a call near the order's expiry", default=False
    )
    meeting_date = models.DateField("MARAC meeting date", null=True, blank=True)
    marac_outcome = models.TextField("MARAC outcome", blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "kind"],
                condition=models.Q(status__in=rules.ACTIVE),
                name="one_active_referral_per_victim_and_kind",
            )
        ]
        indexes = [
            models.Index(fields=["service", "status", "due_at"]),
            # The caseworker's inbox: the service's open referrals, soonest due first, read
            # in order (a status IN (...) on the index above needs a sort of all of them).
            models.Index(
                fields=["service", "due_at"],
                condition=Q(status__in=rules.WITH_SERVICE),
                name="referral_service_open_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.case}"


class ContactAttempt(models.Model):
    """A caseworker's attempt to reach the victim. The notes stay with the service."""

    class Method(models.TextChoices):
        PHONE_WITHHELD = rules.PHONE_WITHHELD, "Phone call from a withheld number"
        PHONE_SHOWN = rules.PHONE_SHOWN, "Phone call showing the service's number"
        VOICEMAIL = rules.VOICEMAIL, "Voicemail"
        TEXT = rules.TEXT, "Text message"
        EMAIL = rules.EMAIL, "E-mail"
        LETTER = rules.LETTER, "Letter"
        VISIT = rules.VISIT, "Visit"
        AGREED_ROUTE = rules.AGREED_ROUTE, "Through the agreed contact route"

    class Outcome(models.TextChoices):
        SPOKE = rules.SPOKE, "Spoke to the victim"
        NO_ANSWER = rules.NO_ANSWER, "No answer"
        ENGAGED = rules.ENGAGED, "Engaged"
        WRONG_NUMBER = rules.WRONG_NUMBER, "Wrong number"
        UNSAFE_TO_TALK = rules.UNSAFE_TO_TALK, "Unsafe to talk"
        P_PRESENT = rules.P_PRESENT, "P was present"
        DECLINED_SUPPORT = rules.DECLINED_SUPPORT, "Declined support"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField("attempted at")
    method = models.CharField(max_length=20, choices=Method, default=Method.PHONE_WITHHELD)
    outcome = models.CharField(max_length=20, choices=Outcome)
    notes = models.TextField(blank=True, help_text="Confidential to the support service.")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["referral", "at", "pk"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self):
        return f"{self.get_method_display()}: {self.get_outcome_display()}"

    @property
    def failed(self) -> bool:
        return rules.attempt_failed(self.outcome)


class FollowUp(models.Model):
    """A call the service owes the victim: near the order's expiry, after it, or ongoing."""

    class Kind(models.TextChoices):
        NEAR_EXPIRY = rules.NEAR_EXPIRY, "Call near the order's expiry"
        AFTER_EXPIRY = rules.AFTER_EXPIRY, "Safety check after the order ends"
        ONGOING = rules.ONGOING, "Ongoing support"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="followups")
    kind = models.CharField(max_length=20, choices=Kind)
    due_at = models.DateTimeField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True, help_text="Confidential to the support service.")
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = "follow-up"
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind"],
                condition=models.Q(kind__in=rules.SCHEDULED_FOLLOWUPS),
                name="one_scheduled_followup_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({'done' if self.done_at else 'to do'})"


class Alert(models.Model):
    """Something a police user must know at once. The message never carries a
    caseworker's notes or victim details beyond the crime reference."""

    class Kind(models.TextChoices):
        SUSPECTED_BREACH = "suspected_breach", "Suspected breach"
        REFERRAL_RETURNED = "referral_returned", "Referral returned"
        REMINDER = "reminder", "Reminder"

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="alerts")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="alerts")
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    message = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} on {self.case}"
