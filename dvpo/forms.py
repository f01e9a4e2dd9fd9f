"""GOV.UK form plumbing shared by every form: the base forms whose text boxes refuse hidden
characters, the date input (day, month and year boxes), a time of day typed as text, UK
date + time as one instant, and radios and checkboxes whose error-summary link goes to the
first option. The markup is in templates/includes/fields/."""

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as fixed_zone

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone

DATE_PARTS = ("day", "month", "year")
YES_NO = [("yes", "Yes"), ("no", "No")]
# A hidden expected_version (optimistic locking) that is missing or altered.
RELOAD = "Reload the page and try again"
# 14:30, 14.30, 1430 or 9:05, optionally followed by BST or GMT (the clock-change hour).
TIME_PATTERN = re.compile(r"^\s*([0-9]{1,2})[:.]?([0-9]{2})(?:\s*(BST|GMT))?\s*$", re.IGNORECASE)
# What the suffix says about the UK offset from UTC.
SUFFIX_ZONES = {
    "BST": fixed_zone(timedelta(hours=1), "BST"),
    "GMT": fixed_zone(timedelta(0), "GMT"),
}


# Free text: room for any account an officer or caseworker writes, but nobody pastes a document
# (or a megabyte) into a box. Addresses are shorter. Forms give these as max_length with
# too_long() as the "max_length" message.
TEXT_MAX = 10_000
ADDRESS_MAX = 500


def too_long(what: str, limit: int = TEXT_MAX) -> str:
    """'{what} must be 10,000 characters or fewer (you typed 10,250)': Django gives the count."""
    return f"{what} must be {limit:,} characters or fewer (you typed %(show_value)s)"


# --- Hidden characters ---------------------------------------------------------------
# Every text box of the app's forms (PlainTextForm, PlainTextModelForm) refuses characters
# nobody can see: control characters (C0, C1: escape sequences, backspaces) and invisible
# format characters (U+202E, which shows text backwards; zero-width spaces; the byte-order
# mark; soft hyphens). One-line boxes refuse line breaks and tabs too; boxes of several
# lines keep them. Zero-width (non-)joiners stay allowed: some alphabets need them. The null
# character is refused by Django itself.

SINGLE_LINE_HIDDEN = (
    "Remove the hidden characters, such as line breaks, tabs or text direction marks: "
    "this box takes one line of plain text"
)
MULTI_LINE_HIDDEN = (
    "Remove the hidden characters, such as control characters or text direction marks, "
    "which copying and pasting can bring in"
)
ALLOWED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})  # zero-width non-joiner, joiner
MULTI_LINE_WHITESPACE = frozenset("\t\n\r")


def has_hidden_characters(text: str, *, multi_line: bool) -> bool:
    """True when `text` holds a control or invisible format character (beyond tabs and line
    breaks in a box of several lines)."""
    if text.isprintable():  # the common case, in C: no Cc, Cf, Zl or Zp at all
        return False
    for character in text:
        if character == "\0" or (multi_line and character in MULTI_LINE_WHITESPACE):
            continue
        category = unicodedata.category(character)
        if category == "Cc" or (category == "Cf" and character not in ALLOWED_FORMAT_CHARACTERS):
            return True
        if not multi_line and category in ("Zl", "Zp"):  # U+2028, U+2029: line breaks
            return True
    return False


def refuse_hidden_single_line(value) -> None:
    if isinstance(value, str) and has_hidden_characters(value, multi_line=False):
        raise ValidationError(SINGLE_LINE_HIDDEN, code="hidden_characters")


def refuse_hidden_multi_line(value) -> None:
    if isinstance(value, str) and has_hidden_characters(value, multi_line=True):
        raise ValidationError(MULTI_LINE_HIDDEN, code="hidden_characters")


def hidden_character_validator(field):
    """The check for this field, or None: text boxes only (not passwords, which are compared,
    never shown, and not hidden inputs, which the page itself fills in)."""
    if not isinstance(field, forms.CharField):
        return None
    if isinstance(field.widget, forms.PasswordInput | forms.HiddenInput):
        return None
    if isinstance(field.widget, forms.Textarea):
        return refuse_hidden_multi_line
    return refuse_hidden_single_line


class PlainTextMixin:
    """Adds the hidden-character check to every text box when the form is cleaned (so that
    fields a form adds in its own __init__ are covered too)."""

    def full_clean(self):
        for field in self.fields.values():
            validator = hidden_character_validator(field)
            if validator is not None and validator not in field.validators:
                field.validators.append(validator)
        super().full_clean()


class PlainTextForm(PlainTextMixin, forms.Form):
    """The base of every form in the app."""


class PlainTextModelForm(PlainTextMixin, forms.ModelForm):
    """The base of every model form in the app."""


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
    """'14:30', '14.30', '1430' or '9:05' as a time of day; None when it is not one.
    With 'BST' or 'GMT' after it ('01:30 GMT') the time carries that offset as its tzinfo,
    which says which 01:30 is meant on the night the clocks go back."""
    match = TIME_PATTERN.match(text or "")
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    zone = SUFFIX_ZONES[match[3].upper()] if match[3] else None
    return time(hours, minutes, tzinfo=zone)


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


def _both_readings(day: date, moment: time) -> tuple[datetime, datetime]:
    """The wall-clock time read with fold=0 and fold=1 in the current zone (Europe/London):
    they differ only around a clock change."""
    naive = datetime.combine(day, moment.replace(tzinfo=None))
    zone = timezone.get_current_timezone()
    return naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)


def _exists(reading: datetime) -> bool:
    """False for a wall-clock time skipped when the clocks went forward."""
    back = reading.astimezone(UTC).astimezone(reading.tzinfo)
    return back.replace(tzinfo=None) == reading.replace(tzinfo=None)


def _long_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _clock_words(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes == 60:
        return "an hour"
    return f"{minutes} minutes"


def clock_problem(day: date, moment: time) -> str | None:
    """Why this date and time typed in the UK is not one instant, or None when it is:
    it did not exist (the clocks went forward), it happened twice (the clocks went back)
    and BST or GMT was not given, or the BST/GMT given was not in use then."""
    first, second = _both_readings(day, moment)
    typed = f"{moment:%H:%M}"
    if not _exists(first):
        # The clocks changed at some minute between the two readings' instants (UTC).
        before, after = first.utcoffset(), second.utcoffset()
        naive = first.replace(tzinfo=None)
        change, end = (naive - after).replace(tzinfo=UTC), (naive - before).replace(tzinfo=UTC)
        while change < end and change.astimezone(first.tzinfo).utcoffset() == before:
            change += timedelta(minutes=1)
        start = change.replace(tzinfo=None) + before
        return (
            f"There was no {typed} on {_long_day(day)}: the clocks went forward "
            f"{_clock_words(after - before)} at {start:%H:%M}. "
            "Enter the time as the clock showed it."
        )
    ambiguous = first.utcoffset() != second.utcoffset()
    if moment.tzinfo is not None:
        offset = moment.utcoffset()
        if offset not in (first.utcoffset(), second.utcoffset()):
            shown = first.tzname()
            return (
                f"There was no {typed} {moment.tzname()} on {_long_day(day)}: "
                f"UK clocks showed {shown}. Enter the time as the clock showed it."
            )
        return None
    if ambiguous:
        return (
            f"{typed} happened twice on {_long_day(day)} (the clocks went back). "
            f"Enter {typed} {first.tzname()} for the first time or {typed} {second.tzname()} "
            "for the second."
        )
    return None


def local_instant(day: date, moment: time) -> datetime:
    """A date and time typed in the UK (Europe/London, the TIME_ZONE) as an aware instant.
    A time given with BST or GMT (see parse_time) is read at that offset on the night the
    clocks go back. Forms should refuse what `clock_problem` finds before calling this;
    without that, a time in the repeated hour is the first (BST) one."""
    first, second = _both_readings(day, moment)
    if first.utcoffset() == second.utcoffset():
        return first
    # The repeated hour: as UTC, because an aware datetime whose offset depends on `fold` is
    # never == one in another zone (PEP 495), so it would never equal the stored instant.
    if moment.tzinfo is not None and second.utcoffset() == moment.utcoffset():
        return second.astimezone(UTC)
    return first.astimezone(UTC)


def check_local_instant(day: date, moment: time) -> datetime:
    """local_instant, refusing (ValidationError, code "clock_change") a time that did not
    exist or that happened twice without BST or GMT to say which."""
    problem = clock_problem(day, moment)
    if problem:
        raise forms.ValidationError(problem, code="clock_change")
    return local_instant(day, moment)


def time_as_typed(instant: datetime) -> str:
    """An instant's UK time as a time box should show it: '14:30', or '01:30 GMT' when that
    wall-clock time happened twice (so that saving the form unchanged keeps the instant)."""
    local = timezone.localtime(instant)
    first, second = _both_readings(local.date(), local.time())
    if first.utcoffset() != second.utcoffset():
        return f"{local:%H:%M} {local.tzname()}"
    return f"{local:%H:%M}"
