"""Pages for the people on a case: adding someone (with repeat-victim matching) and safe contact."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from cases import services
from cases.forms.people import CHOOSE_MATCH, DOB_INVALID, DOB_NEEDED
from cases.models import CaseEvent, Party, Person, SafeContact
from dvpo.errors import EditConflict

pytestmark = pytest.mark.django_db


def add_url(case):
    return reverse("party_add", kwargs={"case_id": case.pk})


def contact_url(case, party):
    return reverse("safe_contact", kwargs={"case_id": case.pk, "party_id": party.pk})


def case_url(case):
    return reverse("case_detail", kwargs={"case_id": case.pk})


def details(**overrides):
    data = {
        "role": "victim",
        "first_name": "Alice",
        "last_name": "Example",
        "date_of_birth_day": "14",
        "date_of_birth_month": "2",
        "date_of_birth_year": "1992",
        "gender": "female",
        "ethnicity": "W1",
        "address": "3 Sample Street",
        "relationship_to_p": "Partner",
        "lives_with_p": "yes",
    }
    data.update(overrides)
    return data


def text(response):
    return response.content.decode()


# --- Adding a person -------------------------------------------------------------


def test_the_add_page_shows_the_form(client, officer, case):
    client.force_login(officer)
    response = client.get(add_url(case) + "?role=perpetrator")
    assert response.status_code == 200
    page = text(response)
    assert "Add a person to the case" in page
    assert 'value="perpetrator" checked' in page
    assert 'name="date_of_birth_day"' in page
    assert "Not stated" in page  # ethnicity and gender both offer it


def test_adding_a_new_victim(client, officer, case):
    client.force_login(officer)
    response = client.post(add_url(case), details())
    assert response.status_code == 302 and response.url == case_url(case)
    party = case.parties.get()
    person = party.person
    assert (party.role, party.relationship_to_p, party.lives_with_p) == ("victim", "Partner", True)
    assert (person.first_name, person.last_name, person.date_of_birth) == (
        "Alice",
        "Example",
        date(1992, 2, 14),
    )
    assert (person.gender, person.ethnicity, person.force) == ("female", "W1", case.force)
    assert case.events.filter(kind=CaseEvent.Kind.PERSON_ADDED).exists()
    follow = client.get(add_url(case))
    assert "Alice Example added as victim." in text(follow)


def test_a_child_may_be_added_without_a_date_of_birth(client, dvpo_officer, case):
    client.force_login(dvpo_officer)
    data = details(
        role="child",
        first_name="Kid",
        date_of_birth_day="",
        date_of_birth_month="",
        date_of_birth_year="",
        lives_with_p="",
    )
    response = client.post(add_url(case), data)
    assert response.status_code == 302
    party = case.parties.get()
    assert party.role == "child" and party.person.date_of_birth is None
    assert party.lives_with_p is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_name": ""}, "Enter their first name"),
        ({"role": ""}, "Choose their part in the incident"),
        (
            {"date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": ""},
            DOB_NEEDED,
        ),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, DOB_INVALID),
        ({"date_of_birth_month": ""}, "Date of birth must include a day, month and year"),
        ({"date_of_birth_year": "2999"}, "Date of birth must be in the past"),
    ],
)
def test_bad_details_show_the_error_and_add_nobody(client, officer, case, overrides, message):
    client.force_login(officer)
    response = client.post(add_url(case), details(**overrides))
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page and message in page
    assert "govuk-form-group--error" in page
    assert not case.parties.exists() and not Person.objects.exists()


def test_p_under_18_is_refused(client, officer, case):
    client.force_login(officer)
    data = details(role="perpetrator", date_of_birth_year="2010", relationship_to_p="")
    response = client.post(add_url(case), data)
    assert response.status_code == 200
    assert "P must be 18 or over for a DVPN (s.24(1)); Alice Example was 16" in text(response)
    assert not case.parties.exists() and not Person.objects.exists()


def test_a_second_p_is_refused(client, officer, case, perpetrator):
    client.force_login(officer)
    response = client.post(add_url(case), details(role="perpetrator"))
    assert response.status_code == 200
    assert services.SECOND_PERPETRATOR in text(response)
    assert case.parties.count() == 1 and Person.objects.count() == 1


@pytest.fixture
def known_people(force, other_force, officer, bcu, team):
    """Alice Example, born 14 Feb 1992, in this force's records (the victim on an earlier
    case the officer can see) and in another force's."""
    earlier = services.case_create(
        actor=officer,
        crime_reference="7654321/25",
        reported_at=datetime.fromisoformat("2025-06-01T12:00:00+00:00"),
        bcu=bcu,
        team=team,
        location="9 Ourside Lane",
        summary="An earlier fictional incident.",
    )
    ours = services.party_add(
        actor=officer,
        case=earlier,
        role="victim",
        first_name="Alice",
        last_name="Example",
        date_of_birth=date(1992, 2, 14),
        address="9 Ourside Lane",
    ).person
    theirs = Person.objects.create(
        force=other_force,
        first_name="Alice",
        last_name="Example",
        date_of_birth=date(1992, 2, 14),
        address="7 Elsewhere Road",
    )
    return ours, theirs


def test_a_person_known_to_the_force_is_offered_but_never_another_forces(
    client, officer, case, known_people
):
    ours, theirs = known_people
    client.force_login(officer)
    response = client.post(add_url(case), details(first_name="Ally"))  # same last name and DOB
    assert response.status_code == 200
    page = text(response)
    assert "Is this someone the force already knows?" in page
    assert f'name="match" type="radio" value="{ours.pk}"' in page
    assert "Recorded as: victim." in page
    assert "9 Ourside Lane" not in page  # no address: it may be a refuge
    assert "Elsewhere Road" not in page
    assert f'value="{theirs.pk}"' not in page
    assert 'value="new"' in page
    # The typed details travel in hidden fields; nothing is saved yet.
    assert '<input type="hidden" name="first_name" value="Ally">' in page
    assert '<input type="hidden" name="date_of_birth_year" value="1992">' in page
    assert not case.parties.exists()


def test_same_first_and_last_name_is_offered_even_with_another_birth_date(
    client, officer, case, known_people
):
    ours, _ = known_people
    client.force_login(officer)
    response = client.post(add_url(case), details(date_of_birth_year="1993"))
    assert f'value="{ours.pk}"' in text(response)


def test_choosing_the_existing_record_adds_that_person(client, officer, case, known_people):
    ours, _ = known_people
    client.force_login(officer)
    data = details(step="match", match=str(ours.pk), address="Somewhere new")
    response = client.post(add_url(case), data)
    assert response.status_code == 302 and response.url == case_url(case)
    party = case.parties.get()
    assert party.person == ours and party.role == "victim" and party.lives_with_p
    assert Person.objects.count() == 2  # no new record
    ours.refresh_from_db()
    assert ours.address == "9 Ourside Lane"  # the existing record is kept


def test_saying_it_is_a_different_person_creates_a_new_record(client, officer, case, known_people):
    ours, _ = known_people
    client.force_login(officer)
    response = client.post(add_url(case), details(step="match", match="new"))
    assert response.status_code == 302
    party = case.parties.get()
    assert party.person != ours and party.person.force == case.force
    assert Person.objects.count() == 3


def test_no_choice_on_the_matches_page_is_an_error(client, officer, case, known_people):
    client.force_login(officer)
    response = client.post(add_url(case), details(step="match"))
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page and CHOOSE_MATCH in page
    assert not case.parties.exists()


def test_another_forces_person_cannot_be_chosen_by_editing_the_form(
    client, officer, case, known_people
):
    _, theirs = known_people
    client.force_login(officer)
    response = client.post(add_url(case), details(step="match", match=str(theirs.pk)))
    assert response.status_code == 200
    assert CHOOSE_MATCH in text(response)
    assert not case.parties.exists() and theirs.parties.count() == 0


def test_change_the_details_goes_back_with_what_was_typed(client, officer, case, known_people):
    client.force_login(officer)
    response = client.post(add_url(case), details(step="edit", first_name="Ally"))
    page = text(response)
    assert "Add a person to the case" in page and 'value="Ally"' in page
    assert "govuk-error-summary" not in page
    assert not case.parties.exists()


def test_a_person_already_on_the_case_is_refused(client, officer, case, victim):
    client.force_login(officer)
    data = details(first_name="Vicky", last_name="Testperson", date_of_birth_year="1990")
    data.update(date_of_birth_day="2", date_of_birth_month="1")
    response = client.post(add_url(case), data)
    assert f'value="{victim.person.pk}"' in text(response)
    response = client.post(add_url(case), {**data, "step": "match", "match": victim.person.pk})
    assert response.status_code == 200
    assert "Vicky Testperson is already on this case." in text(response)
    assert case.parties.count() == 1


# --- Safe contact ------------------------------------------------------------------


def test_recording_safe_contact(client, officer, case, victim):
    client.force_login(officer)
    response = client.get(contact_url(case, victim))
    assert response.status_code == 200
    page = text(response)
    assert "How to contact Vicky safely" in page
    assert 'name="expected_version" value="0"' in page
    response = client.post(
        contact_url(case, victim),
        {
            "expected_version": "0",
            "safe_phone": "07700 900123",
            "text_ok": "on",
            "safe_times": "Weekdays 9 to 3",
            "language": "Polish",
            "interpreter_needed": "on",
        },
    )
    assert response.status_code == 302 and response.url == case_url(case)
    contact = victim.safe_contact
    assert contact.safe_phone == "07700 900123" and contact.text_ok and not contact.voicemail_ok
    assert contact.interpreter_needed and contact.language == "Polish"
    assert case.events.filter(kind=CaseEvent.Kind.SAFE_CONTACT).exists()


def test_no_safe_number_but_another_way(client, dvpo_officer, case, victim):
    client.force_login(dvpo_officer)
    response = client.post(
        contact_url(case, victim),
        {"expected_version": "0", "no_safe_number": "on", "contact_through": "Her sister"},
    )
    assert response.status_code == 302
    assert SafeContact.objects.get(party=victim).contact_through == "Her sister"


def test_safe_contact_needs_a_number_or_another_way(client, officer, case, victim):
    client.force_login(officer)
    for data in ({"expected_version": "0"}, {"expected_version": "0", "no_safe_number": "on"}):
        response = client.post(contact_url(case, victim), data)
        assert response.status_code == 200
        page = text(response)
        assert "<title>Error: " in page and services.SAFE_NUMBER_NEEDED in page
        assert "govuk-input--error" in page
    assert not SafeContact.objects.exists()


def test_safe_contact_records_the_other_ways_and_the_confirmation(client, officer, case, victim):
    client.force_login(officer)
    page = text(client.get(contact_url(case, victim)))
    for name in ("email_ok", "email", "letter_ok", "visit_ok", "permissions_confirmed"):
        assert f'name="{name}"' in page
    assert "I have confirmed these with the victim" in page
    response = client.post(
        contact_url(case, victim),
        {
            "expected_version": "0",
            "safe_phone": "07700 900123",
            "email_ok": "on",
            "email": "safe@example.org",
            "letter_ok": "on",
            "permissions_confirmed": "on",
            "safe_times": "Weekdays 9 to 3",
        },
    )
    assert response.status_code == 302
    contact = SafeContact.objects.get(party=victim)
    assert (contact.email_ok, contact.email, contact.letter_ok) == (True, "safe@example.org", True)
    assert contact.permissions_confirmed and not contact.visit_ok and not contact.voicemail_ok


def test_safe_email_needs_an_address(client, officer, case, victim):
    from cases.forms.people import EMAIL_NEEDED

    client.force_login(officer)
    for data, message in (
        ({"email_ok": "on"}, EMAIL_NEEDED),
        ({"email_ok": "on", "email": "not an address"}, "Enter a valid email address."),
    ):
        response = client.post(
            contact_url(case, victim),
            {"expected_version": "0", "safe_phone": "07700 900123", **data},
        )
        assert response.status_code == 200
        page = text(response)
        assert "<title>Error: " in page and message in page
        assert 'href="#id_email"' in page
    assert not SafeContact.objects.exists()


def test_safe_contact_edit_shows_the_saved_details(client, officer, case, victim):
    services.safe_contact_save(
        actor=officer, party=victim, expected_version=None, safe_phone="07700 900999"
    )
    client.force_login(officer)
    page = text(client.get(contact_url(case, victim)))
    assert 'value="07700 900999"' in page and 'name="expected_version" value="1"' in page


def test_safe_contact_conflict_on_a_stale_version(client, officer, dvpo_officer, case, victim):
    services.safe_contact_save(
        actor=officer, party=victim, expected_version=None, safe_phone="07700 900111"
    )
    services.safe_contact_save(
        actor=dvpo_officer, party=victim, expected_version=1, safe_phone="07700 900222"
    )
    client.force_login(officer)
    response = client.post(
        contact_url(case, victim), {"expected_version": "1", "safe_phone": "07700 900333"}
    )
    assert response.status_code == 200
    assert EditConflict.MESSAGE in text(response)
    assert SafeContact.objects.get(party=victim).safe_phone == "07700 900222"


def test_safe_contact_is_for_victims_of_this_case_only(
    client, officer, case, victim, perpetrator, bcu, team
):
    other = services.case_create(
        actor=officer,
        crime_reference="7654321/26",
        reported_at=case.reported_at,
        bcu=bcu,
        team=team,
        location="x",
        summary="y",
    )
    client.force_login(officer)
    assert client.get(contact_url(case, perpetrator)).status_code == 404
    assert client.get(contact_url(other, victim)).status_code == 404
    response = client.post(contact_url(other, victim), {"safe_phone": "1"})
    assert response.status_code == 404
    assert not SafeContact.objects.exists()


# --- Who may do what -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "dvpo_officer"])
def test_officers_may_add_people_and_safe_contact(client, request, case, victim, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(add_url(case)).status_code == 200
    assert client.get(contact_url(case, victim)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervisor", 403),
        ("superintendent", 403),
        ("court_coordinator", 403),
        ("outsider", 404),
        ("caseworker", 404),
        ("administrator", 404),
    ],
)
def test_others_may_not_add_people(client, request, case, victim, who, status):
    client.force_login(request.getfixturevalue(who))
    before = (Party.objects.count(), Person.objects.count())
    assert client.get(add_url(case)).status_code == status
    assert client.post(add_url(case), details()).status_code == status
    assert client.post(add_url(case), details(step="match", match="new")).status_code == status
    assert client.get(contact_url(case, victim)).status_code == status
    response = client.post(contact_url(case, victim), {"safe_phone": "07700 900123"})
    assert response.status_code == status
    assert (Party.objects.count(), Person.objects.count()) == before
    assert not SafeContact.objects.exists()


def test_outsiders_get_404_for_a_party_too(client, outsider, case, victim):
    client.force_login(outsider)
    assert client.get(contact_url(case, victim)).status_code == 404
    assert client.get(reverse("party_add", kwargs={"case_id": 999999})).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, case, victim):
    for url in (add_url(case), contact_url(case, victim)):
        for response in (client.get(url), client.post(url, {"safe_phone": "1"})):
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
    assert case.parties.count() == 1 and not SafeContact.objects.exists()
