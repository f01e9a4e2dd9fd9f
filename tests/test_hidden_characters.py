"""Text boxes refuse control and invisible format characters (dvpo.forms.PlainTextForm):
one-line boxes refuse line breaks and tabs too; boxes of several lines keep them."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

from cases.models import Case
from dvpo.forms import (
    MULTI_LINE_HIDDEN,
    SINGLE_LINE_HIDDEN,
    PlainTextForm,
    PlainTextMixin,
    has_hidden_characters,
)
from tests.cases.test_incident_pages import NEW, incident_post
from tests.helpers import text

HIDDEN_EVERYWHERE = [
    "\x1b[31m",  # ESC: a terminal escape sequence
    "\x08",  # backspace
    "\x7f",  # delete
    "\x85",  # C1: next line
    "\x9b",  # C1: control sequence introducer
    "\u202e",  # right-to-left override: shows the text backwards
    "\u202a",  # left-to-right embedding
    "\u2066",  # left-to-right isolate
    "\u200e",  # left-to-right mark
    "\u200b",  # zero-width space
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\U000e0041",  # tag character
]
LINE_BREAKS = ["\n", "\r", "\t", "\u2028", "\u2029"]
ALLOWED = [
    "O'Brien-Smith",
    "Siân Jones",
    "José Núñez",
    "Zoë Łukasiewicz",
    "محمد",
    "मनीषा",
    "کتاب\u200cها",  # zero-width non-joiner: Persian needs it
    "Flat 1, 2 Example Road",
    "1234567/26",
    "a\u00a0b",  # no-break space
]


@pytest.mark.parametrize("hidden", HIDDEN_EVERYWHERE)
def test_control_and_format_characters_are_found_in_every_box(hidden):
    assert has_hidden_characters(f"Smith{hidden}", multi_line=False)
    assert has_hidden_characters(f"Smith{hidden}", multi_line=True)


@pytest.mark.parametrize("line_break", LINE_BREAKS)
def test_line_breaks_are_hidden_characters_only_on_one_line(line_break):
    assert has_hidden_characters(f"one{line_break}two", multi_line=False)
    assert not has_hidden_characters(f"one{line_break}two", multi_line=True)


@pytest.mark.parametrize("value", ALLOWED)
def test_names_and_addresses_in_any_alphabet_are_allowed(value):
    assert not has_hidden_characters(value, multi_line=False)


class Sample(PlainTextForm):
    name = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.CharField(required=False)


def test_the_form_gives_each_box_its_message_and_leaves_passwords_alone():
    form = Sample(
        {
            "name": "Smith\u202e",
            "notes": "line one\nline\ttwo\x1b",
            "secret": "pass\x01word",
            "next": "/x",
            "added_later": "a\tb",
        }
    )
    assert not form.is_valid()
    assert form.errors == {
        "name": [SINGLE_LINE_HIDDEN],
        "notes": [MULTI_LINE_HIDDEN],
        "added_later": [SINGLE_LINE_HIDDEN],
    }
    good = Sample({"name": "Smith", "notes": "line one\r\nline\ttwo", "secret": "pass\x01word"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["notes"] == "line one\r\nline\ttwo"


def test_cleaning_twice_adds_the_check_once():
    form = Sample({"name": "Smith"})
    form.full_clean()
    form.full_clean()
    assert form.fields["name"].validators.count(form.fields["name"].validators[-1]) == 1


def _app_forms():
    for app in ("dvpo", "cases", "courts", "referrals", "reports", "audit"):
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            name = module_info.name
            if ".migrations" in name or ".management" in name or name.endswith("settings"):
                continue
            if name in {"dvpo.settings_test", "dvpo.wsgi", "dvpo.asgi", "dvpo.embedded"}:
                continue
            module = importlib.import_module(name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                    yield cls


# The sign-in's "Confirm it's you", whose password and code are compared, never kept or shown.
NOT_YET = {"dvpo.signin.ConfirmIdentityForm"}


def test_every_form_of_the_app_checks_its_text_boxes():
    found = {f"{cls.__module__}.{cls.__qualname__}": cls for cls in _app_forms()}
    assert len(found) > 20
    unchecked = {
        name
        for name, cls in found.items()
        if not issubclass(cls, PlainTextMixin) and name not in NOT_YET
    }
    assert unchecked == set()


# --- On the pages ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_crime_reference_with_a_direction_override_is_refused(client, officer, bcu):
    client.force_login(officer)
    response = client.post(NEW, incident_post(bcu, crime_reference="7654321\u202e/25"))
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body and SINGLE_LINE_HIDDEN in body
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_one_line_box_refuses_a_line_break_and_a_summary_keeps_them(client, officer, bcu):
    client.force_login(officer)
    response = client.post(NEW, incident_post(bcu, location="3 Sample\u2028Street"))
    assert SINGLE_LINE_HIDDEN in text(response)
    response = client.post(NEW, incident_post(bcu, summary="Shouting.\x1b[2J Pushed."))
    assert MULTI_LINE_HIDDEN in text(response)
    assert not Case.objects.exists()
    summary = "Shouting.\r\n\r\nThe victim was pushed.\tP left."
    response = client.post(NEW, incident_post(bcu, summary=summary))
    assert response.status_code == 302
    assert Case.objects.get().summary == summary
