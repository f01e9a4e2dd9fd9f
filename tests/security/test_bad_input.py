"""Bad input (issue 9 item 7): text is escaped on every page and in the PDFs, over-long text
is refused with a clear message and changes nothing, and what the fuzzing found stays fixed."""

import io

import pytest
from django import forms as django_forms
from django.urls import reverse
from pypdf import PdfReader

from cases.forms import dvpn as dvpn_forms
from cases.forms import incident as incident_forms
from cases.forms import people as people_forms
from cases.forms import risk as risk_forms
from cases.models import Case, Party, Person
from courts.forms import breaches as breach_forms
from courts.forms import court as court_forms
from dvpo.forms import TEXT_MAX
from referrals.forms import police as referral_police_forms
from referrals.forms import service as referral_service_forms
from tests.helpers import text

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def _name_the_perpetrator(perpetrator, name=SCRIPT):
    Person.objects.filter(pk=perpetrator.person_id).update(first_name=name, last_name=name)


# --- Escaped on output ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_named_script_is_text_on_the_case_page_and_in_search(
    client, officer, case, victim, perpetrator
):
    _name_the_perpetrator(perpetrator)
    client.force_login(officer)

    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    found = client.get(reverse("case_list"), {"q": "script"}).content.decode()
    echoed = client.get(reverse("case_list"), {"q": SCRIPT}).content.decode()

    for html in (page, found, echoed):
        assert SCRIPT not in html
        assert ESCAPED in html


@pytest.mark.django_db
def test_script_in_a_crime_reference_and_a_name_is_text_on_the_queues(
    client, officer, served_dvpn, march_6
):
    Case.objects.filter(pk=served_dvpn.case_id).update(crime_reference=SCRIPT)
    type(officer).objects.filter(pk=officer.pk).update(first_name=SCRIPT)
    client.force_login(officer)
    from cases import queues

    shown = 0
    for code in queues.QUEUES:
        html = client.get(reverse("queues"), {"queue": code}).content.decode()
        assert SCRIPT not in html
        shown += ESCAPED in html
    assert shown, "the case is in none of the queues"


@pytest.mark.django_db
def test_a_person_named_script_is_text_in_the_notice_pdf(
    client, officer, authorised_dvpn, perpetrator
):
    _name_the_perpetrator(perpetrator, "Peter" + SCRIPT)
    client.force_login(officer)

    response = client.get(
        reverse("dvpn_notice_pdf", args=[authorised_dvpn.case_id, authorised_dvpn.pk])
    )

    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(response.content))
    words = " ".join(page.extract_text() for page in pdf.pages)
    # Escaped, the name is printed as typed; unescaped, weasyprint would drop the script.
    assert 'alert("x")' in words


# --- Over-long text ------------------------------------------------------------------------

FORM_MODULES = [
    incident_forms,
    people_forms,
    risk_forms,
    dvpn_forms,
    court_forms,
    breach_forms,
    referral_police_forms,
    referral_service_forms,
]


def _text_boxes():
    """(form, field name, field) for every free-text box (a Textarea) of the main forms."""
    for module in FORM_MODULES:
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, django_forms.BaseForm)):
                continue
            for name, field in form.base_fields.items():
                if isinstance(field.widget, django_forms.Textarea):
                    yield pytest.param(form, name, field, id=f"{form.__name__}.{name}")


@pytest.mark.parametrize(("form", "name", "field"), list(_text_boxes()))
def test_every_text_box_has_a_limit_and_says_so_clearly(form, name, field):
    assert field.max_length is not None, f"{form.__name__}.{name} takes text of any length"
    assert field.max_length <= TEXT_MAX
    message = field.error_messages["max_length"] % {"show_value": field.max_length + 1}
    assert f"must be {field.max_length:,} characters or fewer" in message
    assert f"you typed {field.max_length + 1}" in message


@pytest.mark.django_db
def test_an_over_long_summary_is_refused_and_records_nothing(client, officer, bcu):
    client.force_login(officer)
    data = {
        "crime_reference": "LONG/1/26",
        "reported_at_day": "5",
        "reported_at_month": "3",
        "reported_at_year": "2026",
        "reported_time": "21:30",
        "bcu": bcu.pk,
        "location": "1 Example Road",
        "summary": "x" * (TEXT_MAX + 1),
        "p_arrested": "no",
    }

    response = client.post(reverse("case_new"), data)

    assert response.status_code == 200
    assert "The summary must be 10,000 characters or fewer (you typed 10001)" in text(response)
    assert not Case.objects.filter(crime_reference="LONG/1/26").exists()


@pytest.mark.django_db
def test_an_over_long_name_is_refused_and_adds_nobody(client, officer, case):
    client.force_login(officer)
    before = Party.objects.filter(case=case).count()

    response = client.post(
        reverse("party_add", args=[case.pk]),
        {"role": "household", "first_name": "A" * 101, "last_name": "Example"},
    )

    assert response.status_code == 200
    assert "Their first name must be 100 characters or fewer (you typed 101)" in text(response)
    assert Party.objects.filter(case=case).count() == before


@pytest.mark.django_db
def test_over_long_grounds_are_refused_on_the_dvpn_question_page(
    client, officer, case, victim, perpetrator
):
    from cases import services

    dvpn = services.dvpn_start(actor=officer, case=case)
    client.force_login(officer)

    response = client.post(
        reverse("dvpn_step", args=[case.pk, dvpn.pk, "grounds"]),
        {"grounds": "g" * (TEXT_MAX + 1), "expected_version": dvpn.lock_version},
    )

    assert response.status_code == 200
    assert "The grounds must be 10,000 characters or fewer" in text(response)
    dvpn.refresh_from_db()
    assert dvpn.grounds == ""


# --- What the fuzzing found ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_search_with_a_nul_character_is_answered(client, officer, case, victim):
    """Was a 500: PostgreSQL text cannot hold NUL, and the query went to it as typed."""
    client.force_login(officer)

    response = client.get(reverse("case_list"), {"q": "Vicky\x00Testperson"})

    assert response.status_code == 200
    assert "1234567/26" in text(response)


def test_search_text_drops_nul_and_keeps_at_most_100_characters():
    assert incident_forms.search_text("  a\x00b   c ") == "a b c"
    assert len(incident_forms.search_text("x" * 500)) == incident_forms.SEARCH_MAX
