"""The incident form: what happened, when it was reported, and where the case belongs."""

import re
from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from cases.services import BCU_OTHER_FORCE, TEAM_OTHER_BCU
from dvpo.models import BCU, Team

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
YES_NO = [("yes", "Yes"), ("no", "No")]


class DateWidget(forms.MultiWidget):
    """The three boxes of a GOV.UK date input: name_day, name_month, name_year."""

    def __init__(self, attrs=None):
        super().__init__(
            {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}, attrs
        )

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_):
        # The error summary links to the day box.
        return f"{id_}_day" if id_ else ""


class GovDateField(forms.MultiValueField):
    """A GOV.UK date input, with its messages ("must include a month", "must be a real date")."""

    widget = DateWidget

    def __init__(self, *, label_text: str, **kwargs):
        self.label_text = label_text
        parts = [forms.CharField(required=False) for _ in range(3)]
        super().__init__(parts, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {label_text}"

    def clean(self, value):
        day, month, year = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not (day or month or year):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise forms.ValidationError(
                f"The {self.label_text} must include a {' and a '.join(missing)}", code="incomplete"
            )
        try:
            if len(year) != 4:
                raise ValueError
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                f"The {self.label_text} must be a real date", code="invalid"
            ) from None

    def compress(self, data_list):  # clean() above does the work
        return data_list


class Radios(forms.RadioSelect):
    """Radios whose error-summary link goes to the first radio (Django gives none)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


def parse_time(text: str) -> time | None:
    """'21:30', '9:05' or '21.30' as a time of day; None when it is not one."""
    match = TIME_PATTERN.match(text or "")
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class CaseForm(forms.Form):
    """Record or change an incident. `reported_at` is the date part; the view reads
    `cleaned_data["reported_at"]` as the full instant once the form is valid."""

    crime_reference = forms.CharField(
        max_length=40, error_messages={"required": "Enter the crime reference"}
    )
    reported_at = GovDateField(label_text="date the incident was reported")
    reported_time = forms.CharField(
        max_length=5,
        error_messages={
            "required": "Enter the time the incident was reported, for example 21:30",
            "max_length": "Enter the time the incident was reported, for example 21:30",
        },
    )
    bcu = forms.ModelChoiceField(
        queryset=BCU.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the BCU the incident happened in",
            "invalid_choice": BCU_OTHER_FORCE,
        },
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": TEAM_OTHER_BCU},
    )
    location = forms.CharField(
        max_length=300, error_messages={"required": "Enter where the incident happened"}
    )
    summary = forms.CharField(
        widget=forms.Textarea, error_messages={"required": "Enter a summary of the incident"}
    )
    p_arrested = forms.ChoiceField(
        choices=YES_NO,
        widget=Radios,
        error_messages={"required": "Select yes if P was arrested"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        force_id = user.organisation_id
        self.fields["bcu"].queryset = BCU.objects.filter(force_id=force_id)
        self.fields["team"].queryset = Team.objects.filter(bcu__force_id=force_id).select_related(
            "bcu"
        )

    def clean_crime_reference(self):
        return self.cleaned_data["crime_reference"].strip()

    def clean_reported_time(self):
        value = parse_time(self.cleaned_data["reported_time"])
        if value is None:
            raise forms.ValidationError(
                "Enter the time the incident was reported as hours and minutes, for example 21:30"
            )
        return value

    def clean(self):
        data = super().clean()
        day, moment = data.get("reported_at"), data.get("reported_time")
        if isinstance(day, date) and isinstance(moment, time):
            data["reported_at"] = timezone.make_aware(datetime.combine(day, moment))
        return data

    def date_parts(self) -> dict:
        """The day, month and year boxes as typed (or as stored, when not yet posted)."""
        value = self["reported_at"].value()
        if isinstance(value, datetime):
            value = timezone.localtime(value).date()
        if isinstance(value, date):
            return {"day": value.day, "month": value.month, "year": value.year}
        day, month, year = (list(value) + ["", "", ""])[:3] if value else ("", "", "")
        return {"day": day or "", "month": month or "", "year": year or ""}

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
            "reported_time": reported.strftime("%H:%M"),
            "bcu": case.bcu_id,
            "team": case.team_id,
            "location": case.location,
            "summary": case.summary,
            "p_arrested": "yes" if case.p_arrested else "no",
            "expected_version": case.lock_version,
        }
