"""Forms for the breach pages: recording a breach of a DVPN or DVPO, the arrest, and what the
court did about it (Crime and Security Act 2010 s.26, s.29). The services in courts/services/
apply the rules (times, prohibitions, sanctions); these forms only check what was typed."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms

from courts.models import Breach
from dvpo.forms import (
    TEXT_MAX,
    YES_NO,
    DateField,
    PlainTextForm,
    Radios,
    TimeField,
    clock_problem,
    local_instant,
    too_long,
)

RELOAD = "Reload the page and try again"

BREACHED_NEEDED = "Choose the DVPN or the DVPO that was breached"
OCCURRED_DATE_NEEDED = "Enter the date of the breach, for example 7 3 2026"
OCCURRED_DATE_INCOMPLETE = "The date of the breach must include a {missing}"
OCCURRED_DATE_INVALID = "The date of the breach must be a real date, for example 7 3 2026"
OCCURRED_TIME_NEEDED = "Enter the time of the breach, for example 14:30"
OCCURRED_TIME_INVALID = (
    "Enter the time of the breach as hours and minutes on the 24-hour clock, for example 14:30"
)
PROHIBITION_NEEDED = "Choose which prohibition P breached"
REPORTED_BY_NEEDED = "Choose who reported the breach"
DESCRIPTION_NEEDED = "Describe what happened"
ARREST_DATE_NEEDED = "Enter the date of the arrest, for example 7 3 2026"
ARREST_DATE_INCOMPLETE = "The date of the arrest must include a {missing}"
ARREST_DATE_INVALID = "The date of the arrest must be a real date, for example 7 3 2026"
ARREST_TIME_NEEDED = "Enter the time of the arrest, for example 14:30"
ARREST_TIME_INVALID = (
    "Enter the time of the arrest as hours and minutes on the 24-hour clock, for example 14:30"
)
OUTCOME_NEEDED = "Choose what the court decided"
FINE_INVALID = "Enter the fine in pounds, for example 250 or 250.50"
COMMITTAL_INVALID = "Enter the committal as a whole number of days, for example 28"
HEARING_DATE_NEEDED = "Enter the date of the breach hearing, for example 16 3 2026"
HEARING_DATE_INCOMPLETE = "The date of the breach hearing must include a {missing}"
HEARING_DATE_INVALID = "The date of the breach hearing must be a real date, for example 16 3 2026"
CHARGE_NEEDED = "Say whether a criminal charge was also brought"

TIME_HINT = "UK time on the 24-hour clock, for example 14:30."


def _date_messages(needed, incomplete, invalid) -> dict:
    return {"required": needed, "incomplete": incomplete, "invalid": invalid}


class VersionForm(PlainTextForm):
    """Forms that change a breach carry the version the person saw (optimistic locking)."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": RELOAD, "invalid": RELOAD},
    )


class ArrestFieldsMixin:
    def check_clock(self, data, date_name: str, time_name: str) -> None:
        """Refuse a time the clocks skipped, or one they repeated without BST/GMT."""
        day, moment = data.get(date_name), data.get(time_name)
        if day is not None and moment is not None:
            problem = clock_problem(day, moment)
            if problem:
                self.add_error(time_name, problem)

    def clean(self):
        data = super().clean()
        self.check_clock(data, "arrested_at", "arrested_time")
        if "occurred_at" in self.fields:
            self.check_clock(data, "occurred_at", "occurred_time")
        return data

    def arrest_instant(self) -> datetime | None:
        data = self.cleaned_data
        if data.get("arrested_at") is None or data.get("arrested_time") is None:
            return None
        return local_instant(data["arrested_at"], data["arrested_time"])


class BreachForm(ArrestFieldsMixin, PlainTextForm):
    """A new breach. `breached` and `prohibitions` are the case's choices (built by the view);
    the service checks again that the notice or order is the case's and has the prohibition."""

    breached = forms.ChoiceField(
        label="What did P breach?",
        widget=Radios,
        error_messages={"required": BREACHED_NEEDED, "invalid_choice": BREACHED_NEEDED},
        help_text="A served DVPN (s.26) or a DVPO (s.29) on this case.",
    )
    occurred_at = DateField(
        label="Date of the breach",
        help_text="For example, 7 3 2026.",
        name="date of the breach",
        error_messages=_date_messages(
            OCCURRED_DATE_NEEDED, OCCURRED_DATE_INCOMPLETE, OCCURRED_DATE_INVALID
        ),
    )
    occurred_time = TimeField(
        label="Time of the breach",
        help_text=TIME_HINT,
        error_messages={"required": OCCURRED_TIME_NEEDED, "invalid": OCCURRED_TIME_INVALID},
    )
    prohibition = forms.ChoiceField(
        label="Which prohibition did P breach?",
        widget=Radios,
        error_messages={"required": PROHIBITION_NEEDED, "invalid_choice": PROHIBITION_NEEDED},
    )
    reported_by = forms.ChoiceField(
        label="Who reported the breach?",
        widget=Radios,
        choices=Breach.ReportedBy.choices,
        error_messages={"required": REPORTED_BY_NEEDED, "invalid_choice": REPORTED_BY_NEEDED},
    )
    description = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("What happened"), "required": DESCRIPTION_NEEDED},
        help_text="Where and how P breached it, and what evidence there is.",
    )
    arrested_at = DateField(
        label="Date of the arrest (optional)",
        help_text="Leave blank if P has not been arrested. You can record the arrest later.",
        name="date of the arrest",
        required=False,
        error_messages=_date_messages(
            ARREST_DATE_NEEDED, ARREST_DATE_INCOMPLETE, ARREST_DATE_INVALID
        ),
    )
    arrested_time = TimeField(
        label="Time of the arrest (optional)",
        help_text=TIME_HINT,
        required=False,
        error_messages={"required": ARREST_TIME_NEEDED, "invalid": ARREST_TIME_INVALID},
    )

    def __init__(self, *args, breached_choices=(), prohibition_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breached"].choices = list(breached_choices)
        self.fields["prohibition"].choices = list(prohibition_choices)

    def clean(self):
        data = super().clean()
        # An arrest needs both its date and its time (unless one of them is already in error).
        if "arrested_at" in data and "arrested_time" in data:
            if data["arrested_at"] is not None and data["arrested_time"] is None:
                self.add_error("arrested_time", ARREST_TIME_NEEDED)
            elif data["arrested_at"] is None and data["arrested_time"] is not None:
                self.add_error("arrested_at", ARREST_DATE_NEEDED)
        return data

    def occurred_instant(self) -> datetime:
        data = self.cleaned_data
        return local_instant(data["occurred_at"], data["occurred_time"])


class ArrestForm(ArrestFieldsMixin, VersionForm):
    arrested_at = DateField(
        label="Date of the arrest",
        help_text="For example, 7 3 2026.",
        name="date of the arrest",
        error_messages=_date_messages(
            ARREST_DATE_NEEDED, ARREST_DATE_INCOMPLETE, ARREST_DATE_INVALID
        ),
    )
    arrested_time = TimeField(
        label="Time of the arrest",
        help_text=TIME_HINT,
        error_messages={"required": ARREST_TIME_NEEDED, "invalid": ARREST_TIME_INVALID},
    )


OUTCOME_CHOICES = [
    (value, label) for value, label in Breach.Outcome.choices if value != Breach.Outcome.PENDING
]


class OutcomeForm(VersionForm):
    """What the court did. The amount and days are read only for a fine or a committal; the
    service checks the limits (£5,000, 60 days) and that a DVPN breach gets no sanction."""

    outcome = forms.ChoiceField(
        label="What did the court decide?",
        widget=Radios,
        choices=OUTCOME_CHOICES,
        error_messages={"required": OUTCOME_NEEDED, "invalid_choice": OUTCOME_NEEDED},
        help_text="A fine or committal is only for breaching a DVPO (s.29): a DVPN breach is "
        "dealt with when the DVPO application is heard.",
    )
    fine_pounds = forms.CharField(
        label="Fine, in pounds",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        help_text="Up to £5,000.",
    )
    committal_days = forms.CharField(
        label="Committal, in days",
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="Up to 2 months (60 days).",
    )
    outcome_on = DateField(
        label="Date of the breach hearing",
        help_text="For example, 16 3 2026.",
        name="date of the breach hearing",
        error_messages=_date_messages(
            HEARING_DATE_NEEDED, HEARING_DATE_INCOMPLETE, HEARING_DATE_INVALID
        ),
    )
    criminal_charge = forms.ChoiceField(
        label="Was a criminal charge also brought?",
        widget=Radios,
        choices=YES_NO,
        error_messages={"required": CHARGE_NEEDED, "invalid_choice": CHARGE_NEEDED},
        help_text="For example, assault or criminal damage arising from the same events.",
    )

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        fine = committal = None
        if outcome == Breach.Outcome.FINE:
            text = (data.get("fine_pounds") or "").strip().lstrip("£").replace(",", "")
            if text:
                try:
                    fine = Decimal(text)
                except InvalidOperation:
                    fine = None
                if fine is None or not fine.is_finite() or fine.as_tuple().exponent < -2:
                    self.add_error("fine_pounds", FINE_INVALID)
                    fine = None
        if outcome == Breach.Outcome.COMMITTAL:
            text = (data.get("committal_days") or "").strip()
            if text:
                if re.fullmatch(r"[0-9]{1,4}", text):
                    committal = int(text)
                else:
                    self.add_error("committal_days", COMMITTAL_INVALID)
        data["fine"], data["committal"] = fine, committal
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "outcome_on": data["outcome_on"],
            "fine_pounds": data["fine"],
            "committal_days": data["committal"],
            "criminal_charge": data["criminal_charge"] == "yes",
            "expected_version": data["expected_version"],
        }
