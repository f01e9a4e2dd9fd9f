"""Forms for the police side of a referral to support: start it, complete it, the victim's
consent, sending it, and a MARAC meeting's outcome."""

from django import forms

from dvpo.forms import RELOAD, TEXT_MAX, DateField, PlainTextForm, Radios, too_long
from dvpo.models import Organisation
from referrals import rules
from referrals.models import Referral

CHOOSE_VICTIM = "Choose the victim to refer"
CHOOSE_KIND = "Choose the kind of referral"
CHOOSE_SERVICE = "Choose a support service"
CHOOSE_CONSENT = "Choose whether the victim gave or declined consent"
MEETING_DATE_NEEDED = "Enter the date of the MARAC meeting, for example 20 3 2026"
OUTCOME_NEEDED = "Enter the outcome of the MARAC meeting"

WHAT_DONE_HINT = (
    "For example the arrest, the DVPN, safeguarding, other referrals. The support service "
    "sees this."
)


class VersionedForm(PlainTextForm):
    """A form that edits an existing referral: it carries the version it was shown at."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )


def support_services():
    return Organisation.objects.filter(kind=Organisation.Kind.SUPPORT_SERVICE).order_by("name")


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _service_field(required: bool) -> ServiceChoiceField:
    return ServiceChoiceField(
        label="Support service",
        queryset=support_services(),
        required=required,
        empty_label="Choose a support service",
        help_text="The service sees the referral once it is sent, and only what it carries.",
        error_messages={"required": CHOOSE_SERVICE, "invalid_choice": CHOOSE_SERVICE},
    )


class ReferralNewForm(PlainTextForm):
    victim = forms.ChoiceField(
        label="Who is being referred?",
        widget=Radios,
        error_messages={"required": CHOOSE_VICTIM, "invalid_choice": CHOOSE_VICTIM},
    )
    kind = forms.ChoiceField(
        label="Kind of referral",
        choices=Referral.Kind.choices,
        initial=rules.VICTIMS_CODE,
        widget=Radios,
        help_text="Victims' Code: within 2 working days of the report. Support during the "
        "DVPN/DVPO: within 2 working days of the DVPN's authorisation. MARAC: high-risk cases.",
        error_messages={"required": CHOOSE_KIND, "invalid_choice": CHOOSE_KIND},
    )
    service = _service_field(required=False)
    what_done = forms.CharField(
        label="What has been done so far",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=WHAT_DONE_HINT,
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("What has been done so far")},
    )

    def __init__(self, *args, victims, **kwargs):
        super().__init__(*args, **kwargs)
        self.victims = {str(party.pk): party for party in victims}
        self.fields["victim"].choices = [(pk, str(p.person)) for pk, p in self.victims.items()]
        self.fields["service"].queryset = support_services()
        if len(self.victims) == 1 and not self.is_bound:
            self.initial.setdefault("victim", next(iter(self.victims)))
        self.fields["service"].help_text = (
            "You can choose it later. " + self.fields["service"].help_text
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "victim": self.victims[data["victim"]],
            "kind": data["kind"],
            "service": data["service"],
            "what_done": data["what_done"].strip(),
        }


class ReferralEditForm(VersionedForm):
    service = _service_field(required=False)
    what_done = forms.CharField(
        label="What has been done so far",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=WHAT_DONE_HINT,
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("What has been done so far")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = support_services()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"service": data["service"], "what_done": data["what_done"].strip()}


class ConsentForm(VersionedForm):
    consent = forms.ChoiceField(
        label="Does the victim agree to the referral?",
        choices=[
            (rules.GIVEN, "Yes, they agree to be referred"),
            (rules.DECLINED, "No, they decline the referral"),
        ],
        widget=Radios,
        help_text="Ask the victim when P is not present. Their explicit consent is needed "
        "(Victims' Code). If you could not ask yet, go back: the referral stays a draft.",
        error_messages={"required": CHOOSE_CONSENT, "invalid_choice": CHOOSE_CONSENT},
    )
    self_referral_explained = forms.BooleanField(
        label="I have told the victim how they can refer themselves to support at any time",
        required=False,
        help_text="Needed when the victim declines.",
    )


class SendForm(VersionedForm):
    """Sending carries only the version the officer saw."""


class MaracOutcomeForm(VersionedForm):
    meeting_date = DateField(
        label="Date of the MARAC meeting",
        name="date of the MARAC meeting",
        min_year=2000,
        help_text="For example, 20 3 2026",
        error_messages={"required": MEETING_DATE_NEEDED},
    )
    marac_outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The actions the meeting agreed, and who does each.",
        max_length=TEXT_MAX,
        error_messages={"max_length": too_long("The outcome"), "required": OUTCOME_NEEDED},
    )
