"""Forms for the support service's pages: accept, decline, unable to contact, close, a contact
attempt, a suspected breach and follow-ups. The services in referrals/services.py apply the rules
(method safety, times, statuses); these forms only check what was typed."""

from datetime import datetime

from django import forms

from dvpo.forms import (
    TEXT_MAX,
    DateField,
    PlainTextForm,
    Radios,
    TimeField,
    check_local_instant,
    too_long,
)
from referrals.models import ContactAttempt, Referral

RELOAD = "Reload the page and try again"
TIME_HINT = "UK time on the 24-hour clock, for example 14:30."

STATUS_FILTERS = [
    ("", "Open (new and accepted)"),
    (Referral.Status.SENT, "New"),
    (Referral.Status.ACCEPTED, "Accepted"),
    (Referral.Status.RETURNED, "Returned to the police"),
    (Referral.Status.CLOSED, "Closed"),
]


def _date_messages(what: str, example: str) -> dict:
    return {
        "required": f"Enter the date {what}, for example {example}",
        "incomplete": f"The date {what} must include a {{missing}}",
        "invalid": f"The date {what} must be a real date, for example {example}",
    }


def _time_messages(what: str) -> dict:
    return {
        "required": f"Enter the time {what}, for example 14:30",
        "invalid": f"Enter the time {what} as hours and minutes on the 24-hour clock, "
        "for example 14:30",
    }


class InstantMixin:
    """A GOV.UK date plus a time box read as one UK instant (refusing a time the clocks
    skipped or repeated without BST/GMT)."""

    def instant(self, date_name: str, time_name: str) -> datetime | None:
        data = self.cleaned_data
        day, moment = data.get(date_name), data.get(time_name)
        if day is None or moment is None:
            return None
        try:
            return check_local_instant(day, moment)
        except forms.ValidationError as problem:
            self.add_error(time_name, problem)
            return None


class StatusFilterForm(PlainTextForm):
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)


class VersionForm(PlainTextForm):
    """Forms that change a referral carry the version the person saw (optimistic locking)."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )


class ReturnForm(VersionForm):
    """Decline the referral, or return it as unable to contact: the reason goes to the police."""

    reason = forms.CharField(
        label="Why is it going back to the police?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        error_messages={
            "max_length": too_long("The reason"),
            "required": "Give the reason the referral goes back to the police",
        },
        help_text="The police see this reason. Do not include anything the victim told you "
        "in confidence.",
    )


class AttemptForm(InstantMixin, PlainTextForm):
    at_date = DateField(
        label="Date of the attempt",
        help_text="For example, 9 3 2026.",
        name="date of the attempt",
        error_messages=_date_messages("of the attempt", "9 3 2026"),
    )
    at_time = TimeField(
        label="Time of the attempt",
        help_text=TIME_HINT,
        error_messages=_time_messages("of the attempt"),
    )
    method = forms.ChoiceField(
        label="How did you try to make contact?",
        choices=ContactAttempt.Method.choices,
        widget=Radios,
        error_messages={
            "required": "Choose how you tried to make contact",
            "invalid_choice": "Choose how you tried to make contact",
        },
    )
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=ContactAttempt.Outcome.choices,
        widget=Radios,
        error_messages={
            "required": "Choose what happened",
            "invalid_choice": "Choose what happened",
        },
        help_text="P present or unsafe to talk tells the police at once: it may be a breach.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The notes")},
    )
    call_near_expiry = forms.BooleanField(
        label="The victim declined support but agreed to a call near the order's expiry",
        required=False,
    )

    def clean(self):
        data = super().clean()
        data["at"] = self.instant("at_date", "at_time")
        return data


class BreachForm(InstantMixin, PlainTextForm):
    details = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX,
        error_messages={
            "max_length": too_long("What happened"),
            "required": "Say what suggests a breach: this goes to the police",
        },
        help_text="The police see this at once. Say what you know of the breach only.",
    )
    occurred_date = DateField(
        label="Date it happened (optional)",
        help_text="Leave blank if it is happening now. For example, 9 3 2026.",
        name="date it happened",
        required=False,
        error_messages=_date_messages("it happened", "9 3 2026"),
    )
    occurred_time = TimeField(
        label="Time it happened (optional)",
        help_text=TIME_HINT,
        required=False,
        error_messages=_time_messages("it happened"),
    )

    def clean(self):
        data = super().clean()
        day, moment = data.get("occurred_date"), data.get("occurred_time")
        if "occurred_date" in data and "occurred_time" in data:
            if day is not None and moment is None:
                self.add_error("occurred_time", _time_messages("it happened")["required"])
            elif day is None and moment is not None:
                self.add_error(
                    "occurred_date", _date_messages("it happened", "9 3 2026")["required"]
                )
        data["occurred_at"] = self.instant("occurred_date", "occurred_time")
        return data


class FollowUpForm(InstantMixin, PlainTextForm):
    due_date = DateField(
        label="Date of the call",
        help_text="For example, 20 3 2026. Support can go on after the order ends.",
        name="date of the call",
        error_messages=_date_messages("of the call", "20 3 2026"),
    )
    due_time = TimeField(
        label="Time of the call",
        help_text=TIME_HINT + " Choose one of the victim's safe times.",
        error_messages=_time_messages("of the call"),
    )

    def clean(self):
        data = super().clean()
        data["due_at"] = self.instant("due_date", "due_time")
        return data


class FollowUpDoneForm(VersionForm):
    outcome = forms.CharField(
        label="What happened on the follow-up?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX,
        error_messages={
            "max_length": too_long("What happened on the follow-up"),
            "required": "Say what happened on the follow-up",
        },
    )
