from django import forms

from audit.breakglass import reason_problem, reason_text
from audit.models import Action
from dvpo.forms import DateField, PlainTextForm

REVIEW_NOTE_REQUIRED = "Enter a note about this access"
DATES_REVERSED = "The end date must be the same as or after the start date"
NAME_OR_DATE_REQUIRED = "Enter a name or a person number"


class BreakGlassForm(PlainTextForm):
    reason = forms.CharField(
        label="Why do you need to open this case?",
        help_text="For example, the victim called your station, or P was arrested in your "
        "area. Do not name anyone: the reason is kept in the access log, which is never "
        "changed. Supervisors of both BCUs will see it.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def clean_reason(self):
        reason = reason_text(self.cleaned_data["reason"])
        problem = reason_problem(reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason


class ReviewForm(PlainTextForm):
    note = forms.CharField(
        label="Review note",
        help_text="For example, 'Checked with the officer: victim called their station.'",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REVIEW_NOTE_REQUIRED},
    )


class LogSearchForm(PlainTextForm):
    username = forms.CharField(label="Username", required=False, max_length=150)
    crime_reference = forms.CharField(label="Crime reference", required=False, max_length=40)
    person = forms.IntegerField(
        label="Person number",
        required=False,
        min_value=1,
        max_value=2**62,
        error_messages={"invalid": "Enter the person number as digits, like 1234"},
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *Action.choices]
    )
    date_from = DateField(name="start date", required=False, min_year=2000)
    date_to = DateField(name="end date", required=False, min_year=2000)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATES_REVERSED)
        return cleaned


class PersonSearchForm(PlainTextForm):
    q = forms.CharField(
        label="Name or person number",
        help_text="Last name, first and last name, or the person number",
        max_length=200,
        error_messages={"required": NAME_OR_DATE_REQUIRED},
    )
