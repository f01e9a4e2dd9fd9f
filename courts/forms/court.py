"""Forms for the court pages: the DVPO application and its listing, a hearing's outcome,
varying and discharging the order (Crime and Security Act 2010 s.27-s.28).

The services in courts/services/ apply the rules; these forms check only that what was
typed makes sense. Field names match the services' error fields (listed_for, held_at,
adjourned_to, order_days, reason, ...) so that a refusal is shown on the right field.
"""

import re
from datetime import datetime

from django import forms
from django.utils.text import capfirst

from courts import rules
from courts.models import DVPOApplication
from dvpo.deadlines import ORDER_MAX_DAYS, ORDER_MIN_DAYS
from dvpo.forms import (
    TEXT_MAX,
    Checkboxes,
    DateField,
    PlainTextForm,
    Radios,
    TimeField,
    check_local_instant,
    time_as_typed,
    too_long,
)

RELOAD = "Reload the page and try again"

COURT_NEEDED = "Choose the magistrates' court"
LISTED_DATE = {
    "required": "Enter the date the hearing is listed for, for example 9 3 2026",
    "incomplete": "The date the hearing is listed for must include a day, month and year",
    "invalid": "The date the hearing is listed for must be a real date, for example 9 3 2026",
}
LISTED_TIME = {
    "required": "Enter the time the hearing is listed for, for example 10:00",
    "invalid": "Enter the time the hearing is listed for as hours and minutes on the 24-hour "
    "clock, for example 10:00",
}
FEE_NEEDED = "Choose the court fee"
OUTCOME_NEEDED = "Choose what the court decided"
HELD_DATE = {
    "required": "Enter the date the hearing started, for example 9 3 2026",
    "incomplete": "The date the hearing started must include a day, month and year",
    "invalid": "The date the hearing started must be a real date, for example 9 3 2026",
}
HELD_TIME = {
    "required": "Enter the time the hearing started, for example 10:00",
    "invalid": "Enter the time the hearing started as hours and minutes on the 24-hour clock, "
    "for example 10:00",
}
DECIDED_DATE = {
    "required": "Enter the date the court decided, for example 9 3 2026",
    "incomplete": "The date the court decided must include a day, month and year",
    "invalid": "The date the court decided must be a real date, for example 9 3 2026",
}
DECIDED_TIME = {
    "required": "Enter the time the court decided, for example 11:15",
    "invalid": "Enter the time the court decided as hours and minutes on the 24-hour clock, "
    "for example 11:15",
}
ADJOURNED_DATE = {
    "required": "Enter the date the hearing was adjourned to, for example 10 3 2026",
    "incomplete": "The date the hearing was adjourned to must include a day, month and year",
    "invalid": "The date the hearing was adjourned to must be a real date, for example 10 3 2026",
}
ADJOURNED_TIME_NEEDED = "Enter the time the hearing was adjourned to, for example 10:00"
ADJOURNED_TIME_INVALID = (
    "Enter the time the hearing was adjourned to as hours and minutes on the 24-hour clock, "
    "for example 10:00"
)
ADJOURNMENT_REASON_NEEDED = "Give the reason the hearing was adjourned"
ORDER_DAYS_NEEDED = "Enter how many days the order lasts, from 14 to 28"
ORDER_DAYS_RANGE = "The order must last from 14 to 28 days (s.28(10))"
DISTANCE_NEEDED = "Enter the distance P must not come within, in metres, for example 100"
DISTANCE_INVALID = "The distance must be a whole number of metres, for example 100"
VARY_REASON_NEEDED = "Give the reason the court varied the order"
VARIED_DATE = {
    "incomplete": "The date the order was varied must include a day, month and year",
    "invalid": "The date the order was varied must be a real date, for example 20 3 2026",
}
DISCHARGE_DATE = {
    "required": "Enter the date the order was discharged, for example 20 3 2026",
    "incomplete": "The date the order was discharged must include a day, month and year",
    "invalid": "The date the order was discharged must be a real date, for example 20 3 2026",
}
DISCHARGE_TIME = {
    "required": "Enter the time the order was discharged, for example 14:30",
    "invalid": "Enter the time the order was discharged as hours and minutes on the 24-hour "
    "clock, for example 14:30",
}
DISCHARGE_REASON_NEEDED = "Give the reason the court discharged the order"
CONFIRM_NEEDED = "Confirm that the court discharged the order"

PAPERWORK_CHOICES = [
    (name, capfirst(DVPOApplication._meta.get_field(name).verbose_name))
    for name, _ in rules.PAPERWORK
]
PREMISES_CHOICES = [
    ("premises_no_evict", "P must not evict or exclude the victim from the premises"),
    ("premises_no_enter", "P must not enter the premises"),
    ("premises_leave", "P must leave the premises"),
    ("exclusion", "P must not come within a stated distance of the premises"),
]
PREMISES_FLAGS = ("premises_no_evict", "premises_no_enter", "premises_leave")


def textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows, "class": "govuk-textarea"})


def officer_field(label, help_text, empty_label):
    return forms.ModelChoiceField(
        label=label,
        help_text=help_text,
        queryset=None,  # set per case: the police users of its force
        required=False,
        empty_label=empty_label,
        error_messages={"invalid_choice": "Choose an officer from the list"},
    )


class InstantMixin:
    """A GOV.UK date plus a time box read as one UK instant; a time that did not exist or
    happened twice (the clocks changing) is refused on the time box."""

    def instant(self, date_field: str, time_field: str) -> datetime | None:
        day, moment = self.cleaned_data.get(date_field), self.cleaned_data.get(time_field)
        if day is None or moment is None:
            return None
        try:
            return check_local_instant(day, moment)
        except forms.ValidationError as error:
            self.add_error(time_field, error)
            return None


class VersionForm(PlainTextForm):
    """Forms that change an existing row carry the version the person saw."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )


class PremisesMixin:
    """The premises provisions (s.28(8)), offered only when the victim and P share premises."""

    def add_premises_fields(self, shares_premises: bool):
        self.shares_premises = shares_premises
        if not shares_premises:
            return
        self.fields["premises"] = forms.MultipleChoiceField(
            label="What else does the order prohibit?",
            required=False,
            widget=Checkboxes,
            choices=PREMISES_CHOICES,
            help_text="The victim and P share premises (s.28(8)). Select all that apply.",
        )
        self.fields["exclusion_distance_m"] = forms.CharField(
            label="Distance, in metres",
            required=False,
            max_length=6,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            help_text="For example 100.",
        )

    @staticmethod
    def premises_initial(row) -> dict:
        chosen = [name for name in PREMISES_FLAGS if getattr(row, name)]
        if row.exclusion_distance_m:
            chosen.append("exclusion")
        return {"premises": chosen, "exclusion_distance_m": row.exclusion_distance_m or ""}

    def clean_premises_fields(self, data, *, check: bool = True):
        if not self.shares_premises or not check:
            return
        if "exclusion" in data.get("premises", []):
            text = (data.get("exclusion_distance_m") or "").strip()
            if not text:
                self.add_error("exclusion_distance_m", DISTANCE_NEEDED)
            elif not re.fullmatch(r"[0-9]{1,6}", text) or int(text) < 1:
                self.add_error("exclusion_distance_m", DISTANCE_INVALID)

    def prohibitions(self) -> dict:
        """The premises provisions as the services take them ({} when they cannot apply)."""
        if not self.shares_premises:
            return {}
        chosen = set(self.cleaned_data.get("premises") or [])
        distance = None
        if "exclusion" in chosen:
            distance = int(self.cleaned_data["exclusion_distance_m"].strip())
        return {
            **{name: name in chosen for name in PREMISES_FLAGS},
            "exclusion_distance_m": distance,
        }


def order_days_field(**kwargs):
    return forms.IntegerField(
        label="How many days does the order last?",
        help_text="From 14 to 28 days, beginning with the day the order is made (s.28(10)).",
        min_value=ORDER_MIN_DAYS,
        max_value=ORDER_MAX_DAYS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": ORDER_DAYS_NEEDED,
            "invalid": ORDER_DAYS_RANGE,
            "min_value": ORDER_DAYS_RANGE,
            "max_value": ORDER_DAYS_RANGE,
        },
        **kwargs,
    )


# --- The application (s.27) ----------------------------------------------------------


class ApplicationForm(InstantMixin, PlainTextForm):
    """Apply for a DVPO and record the listing; also changes an undecided application."""

    court = forms.ModelChoiceField(
        label="Magistrates' court",
        queryset=None,
        empty_label="Choose the court",
        error_messages={"required": COURT_NEEDED, "invalid_choice": COURT_NEEDED},
    )
    listed_for = DateField(
        label="Date the hearing is listed for",
        help_text="For example, 9 3 2026.",
        name="date the hearing is listed for",
        error_messages=LISTED_DATE,
    )
    listed_time = TimeField(
        label="Time the hearing is listed for",
        help_text="UK time on the 24-hour clock, for example 10:00.",
        error_messages=LISTED_TIME,
    )
    fee = forms.ChoiceField(
        label="Court fee",
        choices=DVPOApplication.Fee.choices,
        widget=Radios,
        help_text="The police pay the fee: about £500 uncontested, £700 contested.",
        error_messages={"required": FEE_NEEDED},
    )
    fee_paid = forms.BooleanField(label="The court fee has been paid", required=False)
    presenting_officer = officer_field(
        "Presenting officer",
        "The officer or lawyer presenting the application in court.",
        "Not decided yet",
    )
    paperwork = forms.MultipleChoiceField(
        label="Paperwork ready for the court",
        required=False,
        widget=Checkboxes,
        choices=PAPERWORK_CHOICES,
        help_text="Select all that are ready. What is missing is shown on the case page.",
    )

    def __init__(self, *args, courts, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["presenting_officer"].queryset = officers

    @staticmethod
    def initial_from(application: DVPOApplication) -> dict:
        return {
            "expected_version": application.lock_version,
            "court": application.court_id,
            "listed_for": application.listed_for,
            "listed_time": time_as_typed(application.listed_for),
            "fee": application.fee,
            "fee_paid": application.fee_paid,
            "presenting_officer": application.presenting_officer_id,
            "paperwork": [name for name, _ in PAPERWORK_CHOICES if getattr(application, name)],
        }

    def clean(self):
        data = super().clean()
        data["listed_at"] = self.instant("listed_for", "listed_time")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        chosen = set(data["paperwork"])
        return {
            "court": data["court"],
            "listed_for": data["listed_at"],
            "fee": data["fee"],
            "fee_paid": data["fee_paid"],
            "presenting_officer": data["presenting_officer"],
            **{name: name in chosen for name, _ in PAPERWORK_CHOICES},
        }


class ApplicationEditForm(VersionForm, ApplicationForm):
    pass


# --- A hearing and its outcome ---------------------------------------------------------


class HearingForm(InstantMixin, PremisesMixin, VersionForm):
    """One page for every outcome. Each outcome's own questions sit under its radio (GOV.UK
    conditional reveal); without JavaScript they are all shown, and only the chosen
    outcome's are checked and used."""

    outcome = forms.ChoiceField(
        label="What did the court decide?",
        choices=[
            (rules.GRANTED, "Granted: the court made a DVPO"),
            (rules.REFUSED, "Refused"),
            (rules.ADJOURNED, "Adjourned"),
            (rules.WITHDRAWN, "Withdrawn by the police"),
        ],
        widget=Radios,
        error_messages={"required": OUTCOME_NEEDED},
    )
    held_at = DateField(
        label="Date the hearing started",
        help_text="For example, 9 3 2026.",
        name="date the hearing started",
        error_messages=HELD_DATE,
    )
    held_time = TimeField(
        label="Time the hearing started",
        help_text="UK time on the 24-hour clock. The DVPN lapses if no hearing started by "
        "the deadline (s.27(3)).",
        error_messages=HELD_TIME,
    )
    decided_at = DateField(
        label="Date the court decided",
        help_text="For example, 9 3 2026. Leave as the start of the hearing if the court decided "
        "then.",
        name="date the court decided",
        required=False,
        error_messages=DECIDED_DATE,
    )
    decided_time = TimeField(
        label="Time the court decided",
        help_text="UK time on the 24-hour clock. The DVPN ends, and an order is in force, from "
        "this moment. Not needed for an adjournment.",
        required=False,
        error_messages=DECIDED_TIME,
    )
    p_attended = forms.BooleanField(label="P attended", required=False)
    victim_attended = forms.BooleanField(label="The victim attended", required=False)
    contested = forms.BooleanField(label="P contested the application", required=False)
    presented_by = officer_field(
        "Who presented the application?", "", "Not recorded (or not a police officer)"
    )
    reasons = forms.CharField(
        label="The court's reasons",
        required=False,
        widget=textarea(),
        help_text="As the bench gave them, briefly.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The court's reasons")},
    )
    # Adjourned
    adjournment_reason = forms.CharField(
        label="Why was the hearing adjourned?",
        required=False,
        widget=textarea(3),
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("Why the hearing was adjourned")},
    )
    adjourned_to = DateField(
        label="Date of the adjourned hearing",
        help_text="For example, 10 3 2026.",
        name="date the hearing was adjourned to",
        required=False,
        error_messages=ADJOURNED_DATE,
    )
    adjourned_time = TimeField(
        label="Time of the adjourned hearing",
        help_text="UK time on the 24-hour clock.",
        required=False,
        error_messages={"invalid": ADJOURNED_TIME_INVALID},
    )
    # Granted
    order_days = order_days_field(required=False)

    def __init__(self, *args, officers, shares_premises: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presented_by"].queryset = officers
        self.add_premises_fields(shares_premises)

    def clean(self):
        data = super().clean()
        data["held"] = self.instant("held_at", "held_time")
        outcome = data.get("outcome")
        if outcome == rules.ADJOURNED:
            if not (data.get("adjournment_reason") or "").strip():
                self.add_error("adjournment_reason", ADJOURNMENT_REASON_NEEDED)
            if data.get("adjourned_to") is None and "adjourned_to" not in self.errors:
                self.add_error("adjourned_to", ADJOURNED_DATE["required"])
            if data.get("adjourned_time") is None and "adjourned_time" not in self.errors:
                self.add_error("adjourned_time", ADJOURNED_TIME_NEEDED)
            data["adjourned"] = self.instant("adjourned_to", "adjourned_time")
        else:
            # Another outcome's answers are ignored, including any mistakes in them.
            for name in ("adjourned_to", "adjourned_time"):
                self.errors.pop(name, None)
        data["decided"] = None
        if outcome == rules.ADJOURNED:
            for name in ("decided_at", "decided_time"):
                self.errors.pop(name, None)
        elif outcome:
            day, moment = data.get("decided_at"), data.get("decided_time")
            if day is not None and moment is None and "decided_time" not in self.errors:
                self.add_error("decided_time", DECIDED_TIME["required"])
            elif day is None and moment is not None and "decided_at" not in self.errors:
                self.add_error("decided_at", DECIDED_DATE["required"])
            else:
                data["decided"] = self.instant("decided_at", "decided_time")
        if outcome == rules.GRANTED:
            if data.get("order_days") is None and "order_days" not in self.errors:
                self.add_error("order_days", ORDER_DAYS_NEEDED)
        else:
            self.errors.pop("order_days", None)
        self.clean_premises_fields(data, check=outcome == rules.GRANTED)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        outcome = data["outcome"]
        kwargs = {
            "outcome": outcome,
            "held_at": data["held"],
            "expected_version": data["expected_version"],
            "p_attended": data["p_attended"],
            "victim_attended": data["victim_attended"],
            "contested": data["contested"],
            "presented_by": data["presented_by"],
            "reasons": data["reasons"].strip(),
        }
        if outcome != rules.ADJOURNED and data.get("decided") is not None:
            kwargs["decided_at"] = data["decided"]
        if outcome == rules.ADJOURNED:
            kwargs["adjournment_reason"] = data["adjournment_reason"].strip()
            kwargs["adjourned_to"] = data["adjourned"]
        if outcome == rules.GRANTED:
            kwargs["order_days"] = data["order_days"]
            kwargs.update(self.prohibitions())
        return kwargs


# --- The order (s.28) -------------------------------------------------------------


class VaryForm(PremisesMixin, VersionForm):
    reason = forms.CharField(
        label="Why did the court vary the order?",
        required=False,
        widget=textarea(),
        max_length=TEXT_MAX,
        error_messages={
            "max_length": too_long("Why the court varied the order"),
            "required": VARY_REASON_NEEDED,
        },
    )
    varied_on = DateField(
        label="Date the court varied the order",
        help_text="Leave blank for today. For example, 20 3 2026.",
        name="date the order was varied",
        required=False,
        error_messages=VARIED_DATE,
    )
    order_days = order_days_field(required=False)

    def __init__(self, *args, shares_premises: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "order_days"
        ].help_text = "Still 14 to 28 days, beginning with the day the order was made (s.28(10))."
        self.add_premises_fields(shares_premises)

    @classmethod
    def initial_from(cls, order) -> dict:
        return {
            "expected_version": order.lock_version,
            "order_days": order.days,
            **cls.premises_initial(order),
        }

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip():
            self.add_error("reason", VARY_REASON_NEEDED)
        self.clean_premises_fields(data)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"].strip(),
            "varied_on": data["varied_on"],
            "days": data["order_days"],
            "expected_version": data["expected_version"],
            **self.prohibitions(),
        }


class DischargeForm(InstantMixin, VersionForm):
    discharged_at = DateField(
        label="Date the court discharged the order",
        help_text="For example, 20 3 2026.",
        name="date the order was discharged",
        error_messages=DISCHARGE_DATE,
    )
    discharged_time = TimeField(
        label="Time the court discharged the order",
        help_text="UK time on the 24-hour clock, for example 14:30.",
        error_messages=DISCHARGE_TIME,
    )
    reason = forms.CharField(
        label="Why did the court discharge the order?",
        required=False,
        widget=textarea(),
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("Why the court discharged the order")},
    )
    confirm = forms.BooleanField(
        label="I confirm the court discharged this order. It stops protecting the victim now "
        "and must be removed from the PNC.",
        error_messages={"required": CONFIRM_NEEDED},
    )

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip():
            self.add_error("reason", DISCHARGE_REASON_NEEDED)
        data["discharged"] = self.instant("discharged_at", "discharged_time")
        return data
