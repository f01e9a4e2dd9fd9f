"""Forms for the DVPN pages: one question page per step of the application, the
authorising officer's decision and the record of service (Crime and Security Act 2010
s.24-s.25). The services in cases/services.py apply the rules; these forms only check
that what was typed makes sense."""

import re
from datetime import date, datetime, time

from django import forms

from dvpo.forms import (
    ADDRESS_MAX,
    TEXT_MAX,
    YES_NO,
    Checkboxes,
    DateField,
    PlainTextForm,
    Radios,
    TimeField,
    check_local_instant,
    too_long,
)

RELOAD = "Reload the page and try again"

SHARES_PREMISES_NEEDED = "Say whether the victim and P live in the same premises"
DISTANCE_NEEDED = "Enter the distance P must not come within, in metres, for example 100"
DISTANCE_INVALID = "The distance must be a whole number of metres, for example 100"
PREMISES_ADDRESS_NEEDED = "Enter the address of the premises the provisions cover"
DECISION_NEEDED = "Choose whether to authorise or refuse the DVPN"
SERVED_DATE_NEEDED = "Enter the date the DVPN was served, for example 6 3 2026"
SERVED_DATE_INCOMPLETE = "The date the DVPN was served must include a day, month and year"
SERVED_DATE_INVALID = "The date the DVPN was served must be a real date, for example 6 3 2026"
SERVED_TIME_NEEDED = "Enter the time the DVPN was served, for example 14:30"
SERVED_TIME_INVALID = (
    "Enter the time the DVPN was served as hours and minutes on the 24-hour clock, "
    "for example 14:30"
)


def textarea(rows=5):
    return forms.Textarea(attrs={"rows": rows, "class": "govuk-textarea"})


class VersionForm(PlainTextForm):
    """Every form that changes a DVPN carries the version the person saw (optimistic locking)."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": RELOAD, "invalid": RELOAD},
    )

    @classmethod
    def initial_from(cls, dvpn) -> dict:
        """What the page shows first: the answers saved so far."""
        initial = {"expected_version": dvpn.lock_version}
        for name in cls.base_fields:
            if name != "expected_version" and hasattr(dvpn, name):
                initial[name] = getattr(dvpn, name)
        return initial

    def service_kwargs(self) -> dict:
        """The DVPN fields to save, as the service takes them."""
        return {
            name: value.strip() if isinstance(value, str) else value
            for name, value in self.cleaned_data.items()
            if name != "expected_version"
        }


# --- The application, one step a page ----------------------------------------


class GroundsForm(VersionForm):
    grounds = forms.CharField(
        label="What are the grounds for the DVPN?",
        required=False,
        widget=textarea(8),
        help_text="The violence, or threat of violence, by P towards the victim, and why a notice "
        "is necessary to protect them from P (Crime and Security Act 2010 s.24(2)).",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The grounds")},
    )


class ProhibitionsForm(VersionForm):
    shares_premises = forms.ChoiceField(
        label="Do the victim and P live in the same premises?",
        choices=YES_NO,
        widget=Radios,
        error_messages={"required": SHARES_PREMISES_NEEDED},
        help_text="Premises provisions can only be included when they do (s.24(8)).",
    )
    premises = forms.MultipleChoiceField(
        label="What else must the notice prohibit?",
        required=False,
        widget=Checkboxes,
        choices=[
            ("premises_no_evict", "P must not evict or exclude the victim from the premises"),
            ("premises_no_enter", "P must not enter the premises"),
            ("premises_leave", "P must leave the premises"),
            ("exclusion", "P must not come within a stated distance of the premises"),
        ],
        help_text="Only when the victim and P share premises (s.24(8)). Select all that apply. "
        "Leave all unticked if none are needed.",
    )
    exclusion_distance_m = forms.CharField(
        label="Distance, in metres",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="For example 100.",
    )
    premises_address = forms.CharField(
        label="Address of the premises",
        required=False,
        widget=textarea(3),
        help_text="Only when the notice includes any of these provisions: the premises they "
        "cover, usually where the victim and P live together. It is printed on the notice.",
        max_length=ADDRESS_MAX,
        error_messages={"max_length": too_long("The address of the premises", ADDRESS_MAX)},
    )

    @classmethod
    def initial_from(cls, dvpn) -> dict:
        chosen = [
            name
            for name in ("premises_no_evict", "premises_no_enter", "premises_leave")
            if getattr(dvpn, name)
        ]
        if dvpn.exclusion_distance_m:
            chosen.append("exclusion")
        return {
            "expected_version": dvpn.lock_version,
            "shares_premises": "yes" if dvpn.shares_premises else "no",
            "premises": chosen,
            "exclusion_distance_m": dvpn.exclusion_distance_m or "",
            "premises_address": dvpn.premises_address,
        }

    def clean(self):
        data = super().clean()
        distance = None
        if "exclusion" in data.get("premises", []):
            text = (data.get("exclusion_distance_m") or "").strip()
            if not text:
                self.add_error("exclusion_distance_m", DISTANCE_NEEDED)
            elif not re.fullmatch(r"[0-9]{1,6}", text) or int(text) < 1:
                self.add_error("exclusion_distance_m", DISTANCE_INVALID)
            else:
                distance = int(text)
        data["distance"] = distance
        address = (data.get("premises_address") or "").strip()
        if data.get("premises") and not address:
            self.add_error("premises_address", PREMISES_ADDRESS_NEEDED)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        chosen = set(data["premises"])
        return {
            "shares_premises": data["shares_premises"] == "yes",
            "premises_no_evict": "premises_no_evict" in chosen,
            "premises_no_enter": "premises_no_enter" in chosen,
            "premises_leave": "premises_leave" in chosen,
            "exclusion_distance_m": data["distance"],
            # Kept only while premises provisions are sought.
            "premises_address": data["premises_address"].strip() if chosen else "",
        }


class ChildrenForm(VersionForm):
    child_welfare = forms.CharField(
        label="How have you considered the welfare of any child?",
        required=False,
        widget=textarea(),
        help_text="Any person under 18 whose interests you consider relevant, such as children "
        "living at the address, and how the notice affects them (s.24(3)(a)). If there are none, "
        "say so.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("What you say about the welfare of children")},
    )


class VictimForm(VersionForm):
    victim_opinion = forms.CharField(
        label="What is the victim's opinion about the notice?",
        required=False,
        widget=textarea(),
        help_text="The notice can be given without the victim's consent (s.24(4)).",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The victim's opinion")},
    )
    victim_opinion_steps = forms.CharField(
        label="If you could not find it out, what steps did you take?",
        required=False,
        widget=textarea(3),
        help_text="Only when the victim's opinion is not known (s.24(3)(b)).",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The steps you took")},
    )


class PRepresentationsForm(VersionForm):
    p_representations = forms.CharField(
        label="What representations did P make about the notice?",
        required=False,
        widget=textarea(),
        help_text="What P said when told about the notice, or that P made none (s.24(3)(c)).",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("P's representations")},
    )


class OtherOccupantsForm(VersionForm):
    occupants_opinion = forms.CharField(
        label="What is the opinion of anyone else associated with P who lives at the premises?",
        required=False,
        widget=textarea(),
        help_text="Needed because the notice includes premises provisions (s.24(3)(d)). If you "
        "could not find it out, say what steps you took; if nobody else lives there, say so.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The opinion of others living at the premises")},
    )


class OtherMeansForm(VersionForm):
    why_other_means_insufficient = forms.CharField(
        label="Why are other means, such as bail conditions, not enough?",
        required=False,
        widget=textarea(),
        help_text="For example P was released without charge or conditions.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("Why other means are not enough")},
    )


class SubmitForm(VersionForm):
    pass


# --- Decision ------------------------------------------------------------------


class DecideForm(VersionForm):
    decision = forms.ChoiceField(
        label="Do you authorise this DVPN?",
        choices=[
            ("authorise", "Yes, authorise it"),
            ("refuse", "No, refuse it"),
        ],
        widget=Radios,
        error_messages={"required": DECISION_NEEDED},
    )
    reasons = forms.CharField(
        label="Your reasons",
        required=False,
        widget=textarea(),
        help_text="Why the conditions of s.24 are or are not met. The applicant will see these.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("Your reasons")},
    )


# --- Service -------------------------------------------------------------------


class ServeForm(VersionForm):
    served_at = DateField(
        label="Date served",
        help_text="For example, 6 3 2026.",
        name="date the DVPN was served",
        error_messages={
            "required": SERVED_DATE_NEEDED,
            "incomplete": SERVED_DATE_INCOMPLETE,
            "invalid": SERVED_DATE_INVALID,
        },
    )
    served_time = TimeField(
        label="Time served",
        help_text="UK time on the 24-hour clock, for example 14:30.",
        error_messages={"required": SERVED_TIME_NEEDED, "invalid": SERVED_TIME_INVALID},
    )
    p_notice_address = forms.CharField(
        label="Address P gave for notice of the hearing",
        required=False,
        widget=textarea(3),
        help_text="Ask P for an address where they can be given notice of the DVPO hearing "
        "(s.25(2)).",
        max_length=ADDRESS_MAX,
        error_messages={"max_length": too_long("The address P gave", ADDRESS_MAX)},
    )
    p_gave_no_address = forms.BooleanField(label="P gave no address", required=False)

    def clean(self):
        data = super().clean()
        day, moment = data.get("served_at"), data.get("served_time")
        if isinstance(day, date) and isinstance(moment, time):
            try:
                data["served_instant"] = check_local_instant(day, moment)
            except forms.ValidationError as problem:
                self.add_error("served_time", problem)
        return data

    def served_instant(self) -> datetime:
        """The date and time typed, as UK (Europe/London) time."""
        return self.cleaned_data["served_instant"]
