"""GOV.UK form plumbing shared by every form: the date input (day, month and year boxes), a time
of day typed as text, UK date + time as one instant, and radios and checkboxes whose error-summary
link goes to the first option. The markup is in templates/includes/fields/."""

import re
from datetime import date, datetime, time

from django import forms
from django.forms.boundfield import BoundField
from django.utils import timezone

DATE_PARTS = ("day", "month", "year")
YES_NO = [("yes", "Yes"), ("no", "No")]
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.]?(\d{2})\s*$")


# --- Radios and checkboxes -----------------------------------------------------------


class FirstOptionLabelMixin:
    """Django gives a radio or checkbox group no id for its label, so the error summary has
    nothing to link to. Point it at the first option instead."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class Radios(FirstOptionLabelMixin, forms.RadioSelect):
    """GOV.UK radios (templates/includes/fields/radios.html)."""


class Checkboxes(FirstOptionLabelMixin, forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes (templates/includes/fields/checkboxes.html)."""


# --- Dates ---------------------------------------------------------------------------


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: boxes named FIELD_day, FIELD_month and FIELD_year."""

    def __init__(self, attrs=None):
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def id_for_label(self, id_):
        # The error summary links to the day box.
        return f"{id_}_day" if id_ else ""


class DateBoundField(BoundField):
    @property
    def parts(self) -> dict:
        """What to show in the day, month and year boxes: as typed, or from the initial date."""
        value = self.value()
        if not isinstance(value, list | tuple):
            value = self.field.widget.decompress(value)
        value = (list(value) + ["", "", ""])[:3]
        return {part: ("" if v is None else v) for part, v in zip(DATE_PARTS, value, strict=True)}

    @property
    def boxes(self) -> list[dict]:
        """The three boxes for templates/includes/fields/date.html: name, label, width, value."""
        parts = self.parts
        return [
            {"name": part, "label": part.capitalize(), "width": width, "value": parts[part]}
            for part, width in zip(DATE_PARTS, (2, 2, 4), strict=True)
        ]


class DateField(forms.MultiValueField):
    """A GOV.UK date input with the Design System's messages. `name` is how the messages speak
    of the date ("date the incident was reported"); `error_messages` may replace any of them:

    required    nothing typed                 "Enter the {name}"
    incomplete  a box left empty              "The {name} must include a {missing}"
    invalid     not a real date (or a year    "The {name} must be a real date"
                not of four digits)
    too_early   year before min_year          "The {name} must be after {min_year}"
    in_future   after today, when past_only   "The {name} must be in the past"

    Messages may use {name}, {missing} ("day and a month") and {min_year}."""

    widget = DateInput
    bound_field_class = DateBoundField
    default_error_messages = {
        "required": "Enter the {name}",
        "incomplete": "The {name} must include a {missing}",
        "invalid": "The {name} must be a real date",
        "too_early": "The {name} must be after {min_year}",
        "in_future": "The {name} must be in the past",
    }

    def __init__(self, *, name="date", min_year=None, past_only=False, **kwargs):
        self.name, self.min_year, self.past_only = name, min_year, past_only
        parts = [forms.CharField(required=False) for _ in DATE_PARTS]
        super().__init__(parts, require_all_fields=False, **kwargs)

    def error(self, code: str, **values) -> forms.ValidationError:
        message = self.error_messages[code].format(name=self.name, min_year=self.min_year, **values)
        return forms.ValidationError(message, code=code)

    def clean(self, value):
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        day, month, year = (str(part or "").strip() for part in (list(value) + ["", "", ""])[:3])
        if not (day or month or year):
            if self.required:
                raise self.error("required")
            return None
        missing = [
            name for name, part in zip(DATE_PARTS, (day, month, year), strict=True) if not part
        ]
        if missing:
            raise self.error("incomplete", missing=" and a ".join(missing))
        try:
            if len(year) != 4:
                raise ValueError
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise self.error("invalid") from None
        if self.min_year and value.year < self.min_year:
            raise self.error("too_early")
        if self.past_only and value > timezone.localdate():
            raise self.error("in_future")
        return value

    def compress(self, data_list):  # clean() above does the work
        return data_list


# --- Times ---------------------------------------------------------------------------


def parse_time(text: str) -> time | None:
    """'14:30', '14.30', '1430' or '9:05' as a time of day; None when it is not one."""
    match = TIME_PATTERN.match(text or "")
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


class TimeField(forms.CharField):
    """A time of day typed in one box (templates/includes/fields/time.html). The form gives the
    messages: "required" when nothing is typed, "invalid" when it is not a time and, with
    max_length, "max_length" when more was typed (else "invalid")."""

    default_error_messages = {
        "invalid": "Enter the time as hours and minutes on the 24-hour clock, for example 14:30"
    }

    def __init__(self, *, max_length=None, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
        )
        # Checked on the text in to_python(): CharField's validator would get a time.
        self.text_max_length = max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if self.text_max_length and len(text) > self.text_max_length:
            code = "max_length" if "max_length" in self.error_messages else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code)
        parsed = parse_time(text)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def local_instant(day: date, moment: time) -> datetime:
    """A date and time typed in the UK (Europe/London, the TIME_ZONE) as an aware instant."""
    return timezone.make_aware(datetime.combine(day, moment))
