"""The reports' filters: a GET form (no JavaScript)."""

import datetime as dt

from django import forms
from django.utils import timezone

from dvpo.forms import DateField, PlainTextForm, Radios
from dvpo.models import BCU
from reports import figures

PERIOD_BACKWARDS = "The start date must be on or before the end date"
PERIOD_TOO_LONG = "The period must be 10 years or shorter"
MAX_DAYS = 3660


class ReportFilterForm(PlainTextForm):
    start = DateField(label="From", name="start date", required=False, min_year=2000)
    end = DateField(label="To", name="end date", required=False, min_year=2000)
    bcu = forms.ModelChoiceField(
        label="BCU",
        queryset=BCU.objects.none(),
        required=False,
        empty_label="All BCUs",
        to_field_name="code",
    )
    by = forms.ChoiceField(
        label="Count monthly flags by",
        choices=[
            ("recorded", "The month the incident was recorded"),
            ("flag", "The month of the flag"),
        ],
        required=False,
        widget=Radios,
    )
    suppress = forms.BooleanField(
        label="Show counts from 1 to 4 as * (for publication)", required=False
    )

    def __init__(self, data, *, force):
        data = data.copy()
        data.setdefault("by", "recorded")
        # A period left out entirely is the default one, shown in the date boxes.
        for name, day in zip(("start", "end"), default_period(timezone.localdate()), strict=True):
            parts = {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}
            if not any(data.get(key) for key in parts):
                data.update({key: str(value) for key, value in parts.items()})
        super().__init__(data)
        self.fields["bcu"].queryset = BCU.objects.filter(force=force).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = default_period(timezone.localdate())
        data["start"] = data.get("start") or start
        data["end"] = data.get("end") or end
        if "start" not in self.errors and "end" not in self.errors:
            if data["start"] > data["end"]:
                self.add_error("end", PERIOD_BACKWARDS)
            elif (data["end"] - data["start"]).days > MAX_DAYS:
                self.add_error("start", PERIOD_TOO_LONG)
        return data

    def period(self) -> figures.Period:
        return figures.Period(self.cleaned_data["start"], self.cleaned_data["end"])


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The financial year so far (April to today)."""
    return dt.date(figures.financial_year_of(today), 4, 1), today
