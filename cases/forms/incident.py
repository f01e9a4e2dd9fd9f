"""The incident form: what happened, when it was reported, and where the case belongs."""

from datetime import date, time

from django import forms
from django.utils import timezone

from cases.services import BCU_OTHER_FORCE, TEAM_OTHER_BCU
from dvpo.forms import (
    TEXT_MAX,
    YES_NO,
    DateField,
    PlainTextForm,
    Radios,
    TimeField,
    check_local_instant,
    time_as_typed,
    too_long,
)
from dvpo.models import BCU, Team

CRIME_REFERENCE_HINT = "The force's crime or incident reference"
SEARCH_MAX = 100  # characters of the search box that are used


def search_text(raw: str) -> str:
    """The search box as typed, made safe to query: white space runs as one space, NUL
    characters dropped (PostgreSQL text cannot hold them: searching for one was a 500), at
    most SEARCH_MAX characters."""
    return " ".join(raw.replace("\x00", " ").split())[:SEARCH_MAX]


class CaseForm(PlainTextForm):
    """Record or change an incident. `reported_at` is the date part; the view reads
    `cleaned_data["reported_at"]` as the full instant once the form is valid."""

    crime_reference = forms.CharField(
        label="Crime reference",
        max_length=40,
        error_messages={
            "max_length": too_long("The crime reference", 40),
            "required": "Enter the crime reference",
        },
    )
    reported_at = DateField(
        label="Date the incident was reported",
        help_text="For example, 5 3 2026",
        name="date the incident was reported",
    )
    reported_time = TimeField(
        label="Time the incident was reported",
        help_text="UK time, 24-hour clock, for example 21:30",
        max_length=9,  # "01:30 GMT" on the night the clocks go back
        error_messages={
            "required": "Enter the time the incident was reported, for example 21:30",
            "max_length": "Enter the time the incident was reported, for example 21:30",
            "invalid": "Enter the time the incident was reported as hours and minutes, "
            "for example 21:30",
        },
    )
    bcu = forms.ModelChoiceField(
        label="BCU",
        help_text="The basic command unit the incident happened in",
        queryset=BCU.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the BCU the incident happened in",
            "invalid_choice": BCU_OTHER_FORCE,
        },
    )
    team = forms.ModelChoiceField(
        label="Team (optional)",
        help_text="Officers in this team can see and work on the case. It must be a team of the "
        "BCU chosen above.",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": TEAM_OTHER_BCU},
    )
    location = forms.CharField(
        label="Location",
        help_text="The address or place where the incident happened",
        max_length=300,
        error_messages={
            "max_length": too_long("The location", 300),
            "required": "Enter where the incident happened",
        },
    )
    summary = forms.CharField(
        label="Summary of the incident",
        help_text="What happened, in a few sentences. Do not include a safe contact number or "
        "address here.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX,
        error_messages={
            "max_length": too_long("The summary"),
            "required": "Enter a summary of the incident",
        },
    )
    p_arrested = forms.ChoiceField(
        label="Was P (the perpetrator) arrested?",
        choices=YES_NO,
        widget=Radios,
        error_messages={"required": "Select yes if P was arrested"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        force_id = user.organisation_id
        self.fields["crime_reference"].help_text = (
            getattr(user.organisation, "crime_reference_hint", "") or CRIME_REFERENCE_HINT
        )
        self.fields["bcu"].queryset = BCU.objects.filter(force_id=force_id)
        self.fields["team"].queryset = Team.objects.filter(bcu__force_id=force_id).select_related(
            "bcu"
        )

    def clean_crime_reference(self):
        return self.cleaned_data["crime_reference"].strip()

    def clean(self):
        data = super().clean()
        day, moment = data.get("reported_at"), data.get("reported_time")
        if isinstance(day, date) and isinstance(moment, time):
            try:
                data["reported_at"] = check_local_instant(day, moment)
            except forms.ValidationError as problem:
                self.add_error("reported_time", problem)
        return data

    def service_fields(self) -> dict:
        """The cleaned values as the keyword arguments of case_create / case_update."""
        data = self.cleaned_data
        return {
            "crime_reference": data["crime_reference"],
            "reported_at": data["reported_at"],
            "bcu": data["bcu"],
            "team": data["team"],
            "location": data["location"].strip(),
            "summary": data["summary"].strip(),
            "p_arrested": data["p_arrested"] == "yes",
        }


class CaseEditForm(CaseForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(case) -> dict:
        reported = timezone.localtime(case.reported_at)
        return {
            "crime_reference": case.crime_reference,
            "reported_at": reported.date(),
            "reported_time": time_as_typed(case.reported_at),
            "bcu": case.bcu_id,
            "team": case.team_id,
            "location": case.location,
            "summary": case.summary,
            "p_arrested": "yes" if case.p_arrested else "no",
            "expected_version": case.lock_version,
        }
