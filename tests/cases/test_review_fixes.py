"""Fixes from the review of the case pages: each test failed before its fix."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.forms import dvpn as dvpn_forms
from cases.models import DVPN, Case, CaseEvent, Party, RiskAssessment, RiskGrade, SafeContact
from dvpo import forms as dvpo_forms
from dvpo import pdf
from dvpo.errors import ActionRefused
from dvpo.roles import Rank, Role
from dvpo.services import user_set_roles
from tests.conftest import COMPLETE_APPLICATION
from tests.helpers import decide, flash, text

pytestmark = pytest.mark.django_db

SPRING_GAP = (
    "There was no 01:30 on Sun 29 Mar 2026: the clocks went forward an hour at 01:00. "
    "Enter the time as the clock showed it."
)
AUTUMN_TWICE = (
    "01:30 happened twice on Sun 25 Oct 2026 (the clocks went back). "
    "Enter 01:30 BST for the first time or 01:30 GMT for the second."
)


def page(name, dvpn):
    return reverse(name, args=[dvpn.case_id, dvpn.pk])


def refreshed(obj):
    return type(obj).objects.get(pk=obj.pk)


def with_roles(user, *roles):
    user_set_roles(user=user, roles=list(roles))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def draft(case, victim, perpetrator, officer):
    return services.dvpn_start(actor=officer, case=case)


@pytest.fixture
def refused_dvpn(submitted_dvpn, superintendent):
    return decide(submitted_dvpn, by=superintendent, authorise=False, reasons="Say more.")


@pytest.fixture
def hidden_case(make_user, force, other_bcu):
    """A case in another BCU, owned by an officer outside the `officer`'s team."""
    west = make_user(
        "pc.west", role=Role.OFFICER, organisation=force, rank=Rank.CONSTABLE, bcu=other_bcu
    )
    case = services.case_create(
        actor=west,
        crime_reference="5555555/25",
        reported_at=datetime.fromisoformat("2025-05-01T12:00:00+00:00"),
        bcu=other_bcu,
        location="Somewhere west",
        summary="A fictional incident in the west.",
    )
    case.west_officer = west
    return case


# --- 1. Possible matches only from cases the viewer may see -------------------------


def add_person(**overrides):
    data = {
        "role": "victim",
        "first_name": "Alice",
        "last_name": "Example",
        "date_of_birth_day": "14",
        "date_of_birth_month": "2",
        "date_of_birth_year": "1992",
        "gender": "female",
        "ethnicity": "NS",
        "address": "",
        "relationship_to_p": "Partner",
        "lives_with_p": "yes",
    }
    data.update(overrides)
    return data


def test_matches_come_only_from_cases_the_viewer_may_see(client, officer, case, hidden_case):
    hidden = services.party_add(
        actor=hidden_case.west_officer,
        case=hidden_case,
        role=Party.Role.VICTIM,
        first_name="Alice",
        last_name="Example",
        date_of_birth=date(1992, 2, 14),
        address="Refuge, 1 Secret Street",
    ).person
    client.force_login(officer)
    url = reverse("party_add", args=[case.pk])
    response = client.post(url, add_person())
    # Nobody on a visible case matches: no matches page, a new record is made.
    assert response.status_code == 302
    added = case.parties.get().person
    assert added.pk != hidden.pk
    # Choosing the hidden person by hand is refused, and nothing is added.
    case.parties.all().delete()
    response = client.post(url, add_person(step="match", match=str(hidden.pk)))
    assert response.status_code == 200
    body = text(response)
    assert "Secret Street" not in body and f'value="{hidden.pk}"' not in body
    assert not case.parties.exists()


def test_a_match_shows_name_birth_date_and_roles_only(client, officer, case, bcu, team):
    earlier = services.case_create(
        actor=officer,
        crime_reference="7654321/25",
        reported_at=datetime.fromisoformat("2025-06-01T12:00:00+00:00"),
        bcu=bcu,
        team=team,
        location="9 Ourside Lane",
        summary="An earlier fictional incident.",
    )
    known = services.party_add(
        actor=officer,
        case=earlier,
        role=Party.Role.VICTIM,
        first_name="Alice",
        last_name="Example",
        date_of_birth=date(1992, 2, 14),
        address="Refuge, 1 Secret Street",
    ).person
    client.force_login(officer)
    body = text(client.post(reverse("party_add", args=[case.pk]), add_person()))
    assert f'value="{known.pk}"' in body
    assert "Born 14 February 1992." in body and "Recorded as: victim." in body
    assert "Secret Street" not in body
    assert "On 1 case" not in body and "Not on any case" not in body
    assert 'data-prevent-double-click="true"' in body


# --- 2. The premises on the notice ---------------------------------------------------


def test_premises_provisions_need_the_premises_address(client, officer, draft):
    client.force_login(officer)
    url = reverse("dvpn_step", args=[draft.case_id, draft.pk, "prohibitions"])
    data = {
        "shares_premises": "yes",
        "premises": ["premises_leave"],
        "expected_version": draft.lock_version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert dvpn_forms.PREMISES_ADDRESS_NEEDED in text(response)
    assert refreshed(draft).premises_leave is False
    response = client.post(url, {**data, "premises_address": "Flat 1, 2 Example Road"})
    assert response.status_code == 302
    saved = refreshed(draft)
    assert saved.premises_leave and saved.premises_address == "Flat 1, 2 Example Road"
    body = text(client.get(page("dvpn_check", saved)))
    assert "The premises" in body and "Flat 1, 2 Example Road" in body


def test_the_notice_prints_the_premises_address_never_the_victims(
    client, officer, victim, superintendent, served_dvpn
):
    victim.person.address = "Refuge, 1 Secret Street"
    victim.person.save()
    DVPN.objects.filter(pk=served_dvpn.pk).update(
        shares_premises=True, premises_leave=True, premises_address="Flat 1, 2 Example Road"
    )
    client.force_login(officer)
    body = text(client.get(page("dvpn_notice", served_dvpn)))
    assert "Flat 1, 2 Example Road" in body
    assert "Secret Street" not in body
    client.force_login(superintendent)
    assert "Flat 1, 2 Example Road" in text(client.get(page("dvpn_decide", served_dvpn)))


def test_a_revision_keeps_the_premises_address(officer, refused_dvpn):
    DVPN.objects.filter(pk=refused_dvpn.pk).update(
        shares_premises=True, premises_leave=True, premises_address="Flat 1, 2 Example Road"
    )
    revised = services.dvpn_revise(actor=officer, dvpn=refreshed(refused_dvpn))
    assert revised.premises_address == "Flat 1, 2 Example Road"


# --- 3. Clock changes ------------------------------------------------------------------


def test_clock_problems():
    gap, twice = date(2026, 3, 29), date(2026, 10, 25)
    parse = dvpo_forms.parse_time
    assert dvpo_forms.clock_problem(gap, parse("01:30")) == SPRING_GAP
    assert dvpo_forms.clock_problem(gap, parse("02:00")) is None
    assert dvpo_forms.clock_problem(twice, parse("01:30")) == AUTUMN_TWICE
    first = dvpo_forms.check_local_instant(twice, parse("01:30 BST"))
    second = dvpo_forms.check_local_instant(twice, parse("01:30 gmt"))
    assert first == datetime.fromisoformat("2026-10-25T00:30:00+00:00")
    assert second == datetime.fromisoformat("2026-10-25T01:30:00+00:00")
    assert dvpo_forms.clock_problem(date(2026, 7, 6), parse("14:30 GMT")).startswith(
        "There was no 14:30 GMT on Mon 6 Jul 2026"
    )
    assert parse("²:30") is None


def incident(**overrides):
    data = {
        "crime_reference": "2222222/26",
        "reported_at_day": "29",
        "reported_at_month": "3",
        "reported_at_year": "2026",
        "reported_time": "01:30",
        "location": "1 Example Road",
        "summary": "A fictional incident.",
        "p_arrested": "no",
    }
    data.update(overrides)
    return data


def test_incident_times_at_the_clock_changes(client, officer, bcu):
    client.force_login(officer)
    with time_machine.travel(datetime.fromisoformat("2026-11-01T12:00:00+00:00")):
        response = client.post(reverse("case_new"), incident(bcu=bcu.pk))
        assert SPRING_GAP in text(response)
        autumn = incident(bcu=bcu.pk, reported_at_day="25", reported_at_month="10")
        response = client.post(reverse("case_new"), autumn)
        assert AUTUMN_TWICE in text(response)
        assert not Case.objects.exists()
        response = client.post(reverse("case_new"), {**autumn, "reported_time": "01:30 GMT"})
        assert response.status_code == 302
    assert Case.objects.get().reported_at == datetime.fromisoformat("2026-10-25T01:30:00+00:00")


def test_an_unchanged_edit_in_the_repeated_hour_keeps_the_instant(client, officer, case):
    instant = datetime.fromisoformat("2025-10-26T01:30:00+00:00")  # 01:30 GMT, the second one
    Case.objects.filter(pk=case.pk).update(reported_at=instant)
    client.force_login(officer)
    url = reverse("case_edit", args=[case.pk])
    form = client.get(url).context["form"]
    assert form["reported_time"].value() == "01:30 GMT"
    data = {
        "crime_reference": case.crime_reference,
        "reported_at_day": "26",
        "reported_at_month": "10",
        "reported_at_year": "2025",
        "reported_time": form["reported_time"].value(),
        "bcu": case.bcu_id,
        "team": case.team_id,
        "location": case.location,
        "summary": case.summary,
        "p_arrested": "no",
        "expected_version": refreshed(case).lock_version,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert refreshed(case).reported_at == instant
    assert not case.events.filter(kind=CaseEvent.Kind.CASE_UPDATED).exists()


def test_a_time_of_service_that_never_was_is_refused(client, officer, authorised_dvpn, march_6):
    march_6.move_to(datetime.fromisoformat("2026-04-02T12:00:00+00:00"))
    client.force_login(officer)
    response = client.post(
        page("dvpn_serve", authorised_dvpn),
        {
            "served_at_day": "29",
            "served_at_month": "3",
            "served_at_year": "2026",
            "served_time": "01:30",
            "p_notice_address": "1 Example Street",
            "expected_version": authorised_dvpn.lock_version,
        },
    )
    assert response.status_code == 200 and SPRING_GAP in text(response)
    assert refreshed(authorised_dvpn).status == DVPN.Status.AUTHORISED


# --- 4. Nobody decides an application they drafted, edited or submitted ---------------


@pytest.fixture
def acting_superintendent(make_user, force, bcu, team):
    both = make_user("supt.applicant", organisation=force, rank=Rank.SUPERINTENDENT, bcu=bcu)
    both.team = team
    both.save()
    return with_roles(both, Role.AUTHORISING_OFFICER, Role.OFFICER)


def test_a_superintendent_cannot_decide_what_they_drafted_and_a_colleague_submitted(
    client, acting_superintendent, officer, case, victim, perpetrator
):
    dvpn = services.dvpn_start(actor=acting_superintendent, case=case)
    dvpn = services.dvpn_update(
        actor=acting_superintendent,
        dvpn=dvpn,
        expected_version=dvpn.lock_version,
        **COMPLETE_APPLICATION,
    )
    dvpn = services.dvpn_submit(actor=officer, dvpn=dvpn, expected_version=dvpn.lock_version)
    assert dvpn.applicant == acting_superintendent  # submitting does not change the applicant
    with pytest.raises(ActionRefused, match=services.OWN_APPLICATION):
        services.dvpn_decide(
            actor=acting_superintendent,
            dvpn=dvpn,
            authorise=True,
            reasons="Fine.",
            expected_version=dvpn.lock_version,
        )
    client.force_login(acting_superintendent)
    assert "another authorising officer must decide it" in text(
        client.get(page("dvpn_decide", dvpn))
    )
    assert refreshed(dvpn).status == DVPN.Status.SUBMITTED


def test_a_superintendent_who_edited_or_submitted_cannot_decide(
    acting_superintendent, officer, draft
):
    dvpn = services.dvpn_update(
        actor=acting_superintendent,
        dvpn=draft,
        expected_version=draft.lock_version,
        **COMPLETE_APPLICATION,
    )
    dvpn = services.dvpn_submit(
        actor=acting_superintendent, dvpn=dvpn, expected_version=dvpn.lock_version
    )
    assert dvpn.applicant == officer
    with pytest.raises(ActionRefused, match=services.OWN_APPLICATION):
        services.dvpn_decide(
            actor=acting_superintendent,
            dvpn=dvpn,
            authorise=True,
            reasons="Fine.",
            expected_version=dvpn.lock_version,
        )


# --- 5. A refused application is revised, never started again --------------------------


def test_start_is_refused_while_the_latest_version_is_refused(client, officer, refused_dvpn):
    with pytest.raises(ActionRefused, match="Revise it"):
        services.dvpn_start(actor=officer, case=refused_dvpn.case)
    client.force_login(officer)
    response = client.post(reverse("dvpn_start", args=[refused_dvpn.case_id]))
    assert flash(response) == [services.USE_REVISE]
    assert DVPN.objects.count() == 1


def test_only_the_latest_version_can_be_revised(client, officer, refused_dvpn):
    # Data from before the fix: a new version was started beside the refused one.
    DVPN.objects.create(case=refused_dvpn.case, version=2, applicant=officer)
    client.force_login(officer)
    response = client.post(page("dvpn_revise", refused_dvpn))
    assert response.status_code == 302
    assert flash(response) == [services.NOT_LATEST_VERSION]
    assert refreshed(refused_dvpn).status == DVPN.Status.REFUSED
    assert DVPN.objects.count() == 2


# --- 6. Digits only from 0 to 9 ----------------------------------------------------------


def test_a_superscript_distance_is_refused_not_a_crash(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        reverse("dvpn_step", args=[draft.case_id, draft.pk, "prohibitions"]),
        {
            "shares_premises": "yes",
            "premises": ["exclusion"],
            "exclusion_distance_m": "²",
            "premises_address": "Flat 1",
            "expected_version": draft.lock_version,
        },
    )
    assert response.status_code == 200
    assert dvpn_forms.DISTANCE_INVALID in text(response)


# --- 7 and 8. Safe contact and DASH review versions -------------------------------------


def test_safe_contact_needs_the_expected_version(client, officer, case, victim):
    client.force_login(officer)
    url = reverse("safe_contact", args=[case.pk, victim.pk])
    response = client.post(url, {"safe_phone": "07700 900123"})
    assert response.status_code == 200 and dvpo_forms.RELOAD in text(response)
    assert not SafeContact.objects.exists()


def test_safe_contact_save_locks_the_party_first(officer, victim):
    with CaptureQueriesContext(connection) as queries:
        services.safe_contact_save(
            actor=officer, party=victim, expected_version=0, safe_phone="07700 900123"
        )
    first = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    assert 'FROM "cases_party"' in first and "FOR UPDATE" in first


def test_a_second_first_save_of_safe_contact_is_a_conflict(officer, victim):
    services.safe_contact_save(
        actor=officer, party=victim, expected_version=0, safe_phone="07700 900123"
    )
    with pytest.raises(ActionRefused, match="Someone else changed this record"):
        services.safe_contact_save(
            actor=officer, party=victim, expected_version=0, safe_phone="07700 900999"
        )


def answers(instrument, yes):
    numbers = instrument.questions.values_list("number", flat=True)
    return {str(n): ("yes" if n <= yes else "no") for n in numbers}


def test_the_dash_review_needs_the_expected_version(
    client, officer, supervisor, case, victim, instrument
):
    risk = services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=answers(instrument, 3),
        grade=RiskGrade.MEDIUM,
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("risk_review", args=[case.pk, risk.pk]), {"grade": RiskGrade.MEDIUM}
    )
    assert response.status_code == 200 and dvpo_forms.RELOAD in text(response)
    assert refreshed(risk).review == RiskAssessment.Review.AWAITING


# --- 11. Nobody quality-assures their own DASH ----------------------------------------------


def test_a_supervisor_cannot_review_their_own_assessment(
    client, supervisor, case, victim, instrument
):
    sergeant = with_roles(supervisor, Role.SUPERVISOR, Role.OFFICER)
    risk = services.risk_assess(
        actor=sergeant,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=answers(instrument, 3),
        grade=RiskGrade.MEDIUM,
    )
    client.force_login(sergeant)
    response = client.post(
        reverse("risk_review", args=[case.pk, risk.pk]),
        {"grade": RiskGrade.MEDIUM, "expected_version": risk.lock_version},
    )
    assert services.OWN_ASSESSMENT in text(response)
    assert refreshed(risk).review == RiskAssessment.Review.AWAITING


# --- 9 and 18. Crime references --------------------------------------------------------------


def test_a_crime_reference_race_is_refused_not_a_500(monkeypatch, officer, case, bcu, team):
    # The other case was saved after the check and before the insert.
    monkeypatch.setattr(services, "_check_case_fields", lambda **kwargs: None)
    with pytest.raises(ActionRefused) as refusal:
        services.case_create(
            actor=officer,
            crime_reference=case.crime_reference,
            reported_at=case.reported_at,
            bcu=bcu,
            team=team,
            location="Elsewhere",
            summary="Another fictional incident.",
        )
    assert refusal.value.message == services.REFERENCE_TAKEN.format(ref=case.crime_reference)
    assert Case.objects.count() == 1


def test_a_hidden_case_is_not_revealed_by_its_crime_reference(officer, hidden_case, bcu, team):
    with pytest.raises(ActionRefused) as refusal:
        services.case_create(
            actor=officer,
            crime_reference=hidden_case.crime_reference,
            reported_at=hidden_case.reported_at,
            bcu=bcu,
            team=team,
            location="Elsewhere",
            summary="Another fictional incident.",
        )
    assert refusal.value.message == (
        f"Crime reference {hidden_case.crime_reference} cannot be used. "
        "Check it, or ask your supervisor."
    )


def test_the_dash_and_add_person_buttons_prevent_double_clicks(
    client, officer, case, victim, instrument
):
    client.force_login(officer)
    for url in (reverse("risk_new", args=[case.pk]), reverse("party_add", args=[case.pk])):
        body = text(client.get(url))
        assert 'type="submit" class="govuk-button" data-module="govuk-button" ' in body
        assert 'data-prevent-double-click="true"' in body, url


# --- 13 and 14. Ended and lapsed notices, deadlines on the list ---------------------------


@pytest.mark.parametrize("status", [DVPN.Status.ENDED, DVPN.Status.LAPSED])
def test_the_notice_of_an_ended_or_lapsed_dvpn_can_be_read(client, officer, served_dvpn, status):
    DVPN.objects.filter(pk=served_dvpn.pk).update(status=status)
    client.force_login(officer)
    assert client.get(page("dvpn_notice", served_dvpn)).status_code == 200
    body = text(client.get(reverse("case_list")))
    assert "No DVPN served" not in body
    assert served_dvpn.hearing_deadline.isoformat() in body


# --- 19 and 20. Caching and the PDF ---------------------------------------------------------


def test_signed_in_pages_and_the_pdf_are_not_stored(client, officer, served_dvpn):
    anonymous = client.get(reverse("case_detail", args=[served_dvpn.case_id]))
    assert anonymous.status_code == 302 and "Cache-Control" not in anonymous
    client.force_login(officer)
    for url in (
        reverse("case_detail", args=[served_dvpn.case_id]),
        page("dvpn_notice_pdf", served_dvpn),
    ):
        assert client.get(url)["Cache-Control"] == "no-store, private", url


def test_the_pdf_fetches_nothing_and_ignores_the_host(
    client, monkeypatch, settings, officer, served_dvpn
):
    import weasyprint

    calls = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    settings.ALLOWED_HOSTS = ["*"]
    client.force_login(officer)
    response = client.get(page("dvpn_notice_pdf", served_dvpn), HTTP_HOST="evil.example")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert calls[0]["url_fetcher"] is pdf.refuse_url
    assert calls[0]["base_url"] == str(settings.BASE_DIR)
    with pytest.raises(ValueError):
        pdf.refuse_url("file:///etc/passwd")
