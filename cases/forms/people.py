"""Forms for the people on a case: adding a victim, P, child or household member, and a
victim's safe-contact details."""

from django import forms

from cases.models import Ethnicity, Gender, Party, SafeContact
from dvpo.forms import (
    ADDRESS_MAX,
    RELOAD,
    TEXT_MAX,
    YES_NO,
    DateField,
    PlainTextForm,
    PlainTextModelForm,
    Radios,
    too_long,
)

DOB_NEEDED = "Enter their date of birth, for example 27 3 1990"
DOB_INVALID = "Date of birth must be a real date, for example 27 3 1990"
DOB_INCOMPLETE = "Date of birth must include a day, month and year"
DOB_IN_FUTURE = "Date of birth must be in the past"
DOB_TOO_OLD = "Date of birth must be after 1900"
# Roles whose date of birth must be known when they are added.
DOB_REQUIRED_FOR = {Party.Role.VICTIM, Party.Role.PERPETRATOR}
EMAIL_NEEDED = "Enter the safe e-mail address, or untick that e-mails are safe"


class PartyForm(PlainTextForm):
    """The details of someone being added to a case."""

    role = forms.ChoiceField(
        label="Their part in this incident",
        choices=Party.Role.choices,
        widget=Radios,
        error_messages={"required": "Choose their part in the incident"},
    )
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "max_length": too_long("Their first name", 100),
            "required": "Enter their first name",
        },
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={
            "max_length": too_long("Their last name", 100),
            "required": "Enter their last name",
        },
    )
    date_of_birth = DateField(
        label="Date of birth",
        required=False,
        min_year=1900,
        past_only=True,
        error_messages={
            "incomplete": DOB_INCOMPLETE,
            "invalid": DOB_INVALID,
            "too_early": DOB_TOO_OLD,
            "in_future": DOB_IN_FUTURE,
        },
        help_text="For example, 27 3 1990. Needed for the victim and P (P must be 18 or over, "
        "Crime and Security Act 2010 s.24(1)); leave blank for a child or other household "
        "member if it is not known.",
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        initial=Gender.NOT_STATED,
        widget=Radios,
        required=False,
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity, as they define it",
        choices=Ethnicity.choices,
        initial=Ethnicity.NOT_STATED,
        help_text="Ask the person. Choose 'Not stated' if they prefer not to say.",
        required=False,
    )
    address = forms.CharField(
        label="Address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where they live now.",
        max_length=ADDRESS_MAX,
        error_messages={"max_length": too_long("The address", ADDRESS_MAX)},
    )
    relationship_to_p = forms.CharField(
        label="Relationship to P",
        max_length=100,
        required=False,
        help_text="For example partner, ex-partner, son, mother. Leave blank for P.",
    )
    lives_with_p = forms.ChoiceField(
        label="Do they live with P?",
        choices=YES_NO,
        widget=Radios,
        required=False,
        help_text="Leave blank for P.",
    )

    def clean(self):
        data = super().clean()
        needed = data.get("role") in DOB_REQUIRED_FOR and not data.get("date_of_birth")
        if needed and "date_of_birth" not in self.errors:
            self.add_error("date_of_birth", DOB_NEEDED)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "gender": data["gender"],
            "ethnicity": data["ethnicity"],
            "address": data["address"].strip(),
            "relationship_to_p": data["relationship_to_p"].strip(),
            "lives_with_p": data["lives_with_p"] == "yes",
        }


NEW_PERSON = "new"
CHOOSE_MATCH = "Choose an existing record or say this is a different person"


class MatchForm(PlainTextForm):
    """Step two of adding someone: use a person already known to the force, or a new record."""

    match = forms.ChoiceField(
        label="Is this one of these people?",
        widget=Radios,
        error_messages={"required": CHOOSE_MATCH, "invalid_choice": CHOOSE_MATCH},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        self.fields["match"].choices = [
            *((pk, str(person)) for pk, person in self.people.items()),
            (NEW_PERSON, "No, this is a different person"),
        ]

    def chosen_person(self):
        return self.people.get(self.cleaned_data["match"])


class SafeContactForm(PlainTextModelForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )
    # The model's TextField has no limit: the form gives one.
    accessibility_needs = forms.CharField(
        label="Accessibility needs",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example hearing loss, or needs letters in large print.",
        error_messages={"max_length": too_long("The accessibility needs")},
    )

    class Meta:
        model = SafeContact
        fields = [
            "safe_phone",
            "no_safe_number",
            "contact_through",
            "voicemail_ok",
            "text_ok",
            "identify_ok",
            "email_ok",
            "email",
            "letter_ok",
            "visit_ok",
            "permissions_confirmed",
            "safe_times",
            "language",
            "interpreter_needed",
            "accessibility_needs",
        ]
        labels = {
            "safe_phone": "Safe contact number",
            "no_safe_number": "There is no safe number",
            "contact_through": "How to make contact instead",
            "voicemail_ok": "It is safe to leave a voicemail",
            "text_ok": "It is safe to send a text message",
            "identify_ok": "Callers may say who they are",
            "email_ok": "It is safe to send an e-mail",
            "email": "Safe e-mail address",
            "letter_ok": "It is safe to send a letter to their address",
            "visit_ok": "It is safe to visit them",
            "permissions_confirmed": "I have confirmed these with the victim",
            "safe_times": "Safe times to call",
            "language": "Preferred language",
            "interpreter_needed": "An interpreter is needed",
            "accessibility_needs": "Accessibility needs",
        }
        help_texts = {
            "safe_phone": "A number P does not know or cannot see.",
            "contact_through": "For example through a friend, a support worker or at work. "
            "Only when there is no safe number.",
            "safe_times": "For example weekdays 9am to 3pm while P is at work.",
            "email": "Only an address P cannot read. Needed if e-mails are safe.",
            "permissions_confirmed": "The boxes above start as no. Tick this once the victim "
            "has told you which are safe: a referral cannot be sent without it.",
            "accessibility_needs": "For example hearing loss, or needs letters in large print.",
        }
        widgets = {"accessibility_needs": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("email_ok") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", EMAIL_NEEDED)
        return data

    def service_kwargs(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}
