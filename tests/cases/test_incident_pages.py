"""The incident pages: the case list and search, recording and changing an incident, the case."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cases import services
from cases.models import DVPN, Case, CaseEvent, Party, RiskAssessment, Task
from dvpo.errors import EditConflict
from dvpo.models import BCU, Team
from dvpo.roles import Rank, Role
from dvpo.services import user_set_roles
from tests.conftest import COMPLETE_APPLICATION
from tests.helpers import decide

pytestmark = pytest.mark.django_db

LIST = reverse("case_list")
NEW = reverse("case_new")


def detail(case):
    return reverse("case_detail", args=[case.pk])


def edit(case):
    return reverse("case_edit", args=[case.pk])


@pytest.fixture
def colleague(make_user, force, bcu, team):
    """Another constable in the officer's team."""
    return make_user(
        "pc.colleague",
        role=Role.OFFICER,
        organisation=force,
        rank=Rank.CONSTABLE,
        bcu=bcu,
        team=team,
    )


@pytest.fixture
def other_team_officer(make_user, force, bcu):
    other_team = Team.objects.create(bcu=bcu, name="East Neighbourhood")
    return make_user(
        "pc.other",
        role=Role.OFFICER,
        organisation=force,
        rank=Rank.CONSTABLE,
        bcu=bcu,
        team=other_team,
    )


def page_for(client, user, url=LIST, **params):
    client.force_login(user)
    return client.get(url, params)


def incident_post(home_bcu, **changes):
    data = {
        "crime_reference": "7654321/25",
        "reported_at_day": "1",
        "reported_at_month": "7",
        "reported_at_year": "2025",
        "reported_time": "14:30",
        "bcu": str(home_bcu.pk),
        "team": "",
        "location": "3 Sample Street",
        "summary": "A shouting match; the victim was pushed.",
        "p_arrested": "yes",
    }
    data.update(changes)
    return data


# --- The list of cases ---------------------------------------------------------


def test_the_owner_and_a_colleague_in_the_team_see_the_case(client, case, officer, colleague):
    for user in (officer, colleague):
        response = page_for(client, user)
        assertContains(response, "1234567/26")
        assertContains(response, detail(case))


def test_an_officer_of_another_team_does_not_see_the_case_but_bcu_roles_do(
    client, case, other_team_officer, dvpo_officer, supervisor
):
    assertNotContains(page_for(client, other_team_officer), "1234567/26")
    assertContains(page_for(client, dvpo_officer), "1234567/26")
    assertContains(page_for(client, supervisor), "1234567/26")


def test_an_outsider_and_a_caseworker_see_nothing(client, case, outsider, caseworker):
    for user in (outsider, caseworker):
        response = page_for(client, user)
        assert response.status_code == 200
        assertNotContains(response, "1234567/26")
        assertContains(response, "No cases yet")


def test_the_list_shows_people_status_and_the_hearing_deadline(
    client, served_dvpn, officer, victim, perpetrator
):
    response = page_for(client, officer)
    assertContains(response, "Victim: Vicky Testperson")
    assertContains(response, "P: Peter Placeholder")
    assertContains(response, "Open")
    assertContains(response, "Served")
    assertContains(response, "Mon 9 Mar 2026, 09:00")


def test_no_hearing_deadline_before_service(client, submitted_dvpn, officer):
    response = page_for(client, officer)
    assertContains(response, "Awaiting authorisation")
    assertContains(response, "No DVPN served")


def test_the_record_button_shows_only_to_those_who_may_record(client, officer, superintendent):
    assertContains(page_for(client, officer), "Record an incident")
    response = page_for(client, superintendent)
    assertNotContains(response, "Record an incident")
    assertNotContains(response, NEW)


def test_empty_list(client, officer):
    assertContains(page_for(client, officer), "No cases yet")


@pytest.mark.parametrize(
    "q",
    [
        "1234567/26",  # exact reference
        "1234",  # the start of it
        "vick",  # part of the victim's first name
        "TESTPERSON",  # last name, any case
        "peter placeholder",  # P's full name
        "2/1/1990",  # the victim's date of birth, as typed
        "02/01/1990",
        "1990-01-02",
        "7/6/1988",  # P's date of birth
    ],
)
def test_search_finds_the_case_by_each_key(client, case, victim, perpetrator, officer, q):
    response = page_for(client, officer, q=q)
    assertContains(response, detail(case))
    assertContains(response, "1 case matches")


def test_search_ignores_case_of_the_reference(client, officer, bcu):
    found = services.case_create(
        actor=officer,
        crime_reference="ab123/26",
        reported_at=timezone.now() - timedelta(hours=1),
        bcu=bcu,
        location="x",
        summary="y",
    )
    assertContains(page_for(client, officer, q="Ab1"), detail(found))


@pytest.mark.parametrize("q", ["234567", "Nobody", "3/1/1990", "31/2/1990"])
def test_search_with_no_match(client, case, victim, officer, q):
    response = page_for(client, officer, q=q)
    assertNotContains(response, detail(case))
    assertContains(response, "No cases match")


def test_search_does_not_reach_cases_the_viewer_may_not_see(
    client, case, victim, other_team_officer
):
    response = page_for(client, other_team_officer, q="Vicky")
    assertNotContains(response, detail(case))


def many_cases(officer, bcu, team, count):
    start = datetime.fromisoformat("2026-01-01T12:00:00+00:00")
    return Case.objects.bulk_create(
        Case(
            force=officer.organisation,
            crime_reference=f"{n:07d}/26",
            reported_at=start + timedelta(hours=n),
            bcu=bcu,
            team=team,
            location="x",
            summary="y",
            owner=officer,
        )
        for n in range(count)
    )


def test_the_list_is_paginated_newest_first(client, officer, bcu, team):
    many_cases(officer, bcu, team, 30)
    first = page_for(client, officer)
    assert len(first.context["page"]) == 25
    assert first.context["page"][0].crime_reference == "0000029/26"
    assertContains(first, "Page 1 of 2")
    assertContains(first, "page=2")
    second = page_for(client, officer, page=2)
    assert [c.crime_reference for c in second.context["page"]] == [
        f"{n:07d}/26" for n in range(4, -1, -1)
    ]
    assertContains(page_for(client, officer, q="00000", page=2), "q=00000&amp;page=1")


def test_a_long_list_pages_through_the_newest_cases_only(client, officer, bcu, team, monkeypatch):
    monkeypatch.setattr("cases.views.incident.CASE_LIST_CAP", 30)
    many_cases(officer, bcu, team, 40)
    first = page_for(client, officer)
    assertContains(first, "The newest 30 cases are listed. Search to find an older case.")
    assertContains(first, "Page 1 of 2")
    last = page_for(client, officer, page=2)
    assert [c.crime_reference for c in last.context["page"]] == [
        f"{n:07d}/26" for n in range(14, 9, -1)
    ]
    found = page_for(client, officer, q="00000")  # 0000000/26 to 0000039/26
    assertContains(found, "More than 30 cases match ‘00000’: the newest 30 are listed.")
    # A search reads the matching ids once, in order, then its page's rows by id.
    assert [c.crime_reference for c in found.context["page"]][:3] == [
        "0000039/26",
        "0000038/26",
        "0000037/26",
    ]
    found_last = page_for(client, officer, q="00000", page=2)
    assert [c.crime_reference for c in found_last.context["page"]] == [
        f"{n:07d}/26" for n in range(14, 9, -1)
    ]
    assert page_for(client, officer, q="00000", page=99).context["page"].number == 2
    few = page_for(client, officer, q="000003")
    assertContains(few, "10 cases match ‘000003’.")
    assertNotContains(few, "More than")
    monkeypatch.setattr("cases.views.incident.CASE_LIST_CAP", 40)
    assertNotContains(page_for(client, officer), "The newest")  # exactly the cap: all listed


def test_the_list_runs_a_bounded_number_of_queries(
    client, officer, bcu, team, django_assert_max_num_queries
):
    for case in many_cases(officer, bcu, team, 25):
        for n, role in enumerate((Party.Role.VICTIM, Party.Role.PERPETRATOR)):
            services.party_add(
                actor=officer, case=case, role=role, first_name=f"A{n}", last_name=f"B{case.pk}"
            )
        services.dvpn_start(actor=officer, case=case)
    client.force_login(officer)
    # +1: the two-factor device; +1: the access log's row for the people named
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert len(response.context["page"]) == 25


def test_anonymous_users_are_sent_to_sign_in(client, case):
    for url in (LIST, NEW, detail(case), edit(case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.post(NEW, {})
    assert response.status_code == 302 and Case.objects.count() == 1


# --- Recording an incident -------------------------------------------------------


def test_the_new_incident_form(client, officer, force, bcu, other_bcu, other_force):
    force.crime_reference_hint = "A CRIS number like 1234567/26"
    force.save()
    BCU.objects.create(force=other_force, code="ELSE", name="Elsewhere BCU")
    response = page_for(client, officer, NEW)
    assertContains(response, "A CRIS number like 1234567/26")
    assertContains(response, f'<option value="{bcu.pk}" selected>East BCU</option>', html=True)
    assertContains(response, "West BCU")
    assertNotContains(response, "Elsewhere BCU")
    assertContains(response, 'name="reported_at_day"')


def test_recording_an_incident(client, officer, bcu, team):
    client.force_login(officer)
    response = client.post(NEW, incident_post(bcu, team=str(team.pk)), follow=True)
    case = Case.objects.get(crime_reference="7654321/25")
    assertRedirects(response, detail(case))
    assertContains(response, "Incident 7654321/25 recorded")
    # 14:30 in London on 1 July is 13:30 UTC (British Summer Time).
    assert case.reported_at == datetime.fromisoformat("2025-07-01T13:30:00+00:00")
    assert (case.bcu, case.team, case.owner, case.p_arrested) == (bcu, team, officer, True)
    assert case.location == "3 Sample Street"
    assert [e.kind for e in case.events.all()] == [CaseEvent.Kind.CASE_CREATED]


def refused(client, user, url, data, message):
    client.force_login(user)
    before = Case.objects.count(), CaseEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, "There is a problem")
    assert response.content.decode().split("<title>")[1].startswith("Error: ")
    assert (Case.objects.count(), CaseEvent.objects.count()) == before
    return response


def test_a_duplicate_crime_reference_is_refused(client, case, officer, bcu):
    response = refused(
        client,
        officer,
        NEW,
        incident_post(bcu, crime_reference="1234567/26"),
        "Crime reference 1234567/26 is already used by another case in this force.",
    )
    assertContains(response, "govuk-form-group--error")


def test_a_crime_reference_in_the_wrong_format_is_refused(client, officer, bcu, force):
    force.crime_reference_pattern = r"[0-9]{7}/[0-9]{2}"
    force.crime_reference_hint = "A CRIS number like 1234567/26"
    force.save()
    refused(
        client,
        officer,
        NEW,
        incident_post(bcu, crime_reference="ABC"),
        "Enter the crime reference in the force&#x27;s format: A CRIS number like 1234567/26",
    )


def test_a_reported_time_in_the_future_is_refused(client, officer, bcu):
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(
        client,
        officer,
        NEW,
        incident_post(
            bcu,
            reported_at_day=str(tomorrow.day),
            reported_at_month=str(tomorrow.month),
            reported_at_year=str(tomorrow.year),
        ),
        "The time the incident was reported cannot be in the future.",
    )


def test_a_bcu_of_another_force_is_refused(client, officer, bcu, other_force):
    elsewhere = BCU.objects.create(force=other_force, code="ELSE", name="Elsewhere BCU")
    refused(
        client,
        officer,
        NEW,
        incident_post(bcu, bcu=str(elsewhere.pk)),
        "Choose a BCU of your own force.",
    )


def test_a_team_of_another_bcu_is_refused(client, officer, bcu, other_bcu):
    west = Team.objects.create(bcu=other_bcu, name="West Response")
    refused(
        client,
        officer,
        NEW,
        incident_post(bcu, team=str(west.pk)),
        "The team must belong to the chosen BCU.",
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"reported_at_day": "31", "reported_at_month": "2"},
            "The date the incident was reported must be a real date",
        ),
        ({"reported_at_month": ""}, "The date the incident was reported must include a month"),
        (
            {"reported_at_day": "", "reported_at_month": "", "reported_at_year": ""},
            "Enter the date the incident was reported",
        ),
        ({"reported_at_year": "25"}, "The date the incident was reported must be a real date"),
        ({"reported_time": "25:00"}, "for example 21:30"),
        ({"reported_time": "half nine"}, "for example 21:30"),
        ({"reported_time": ""}, "Enter the time the incident was reported"),
        ({"crime_reference": "  "}, "Enter the crime reference"),
        ({"location": ""}, "Enter where the incident happened"),
        ({"summary": ""}, "Enter a summary of the incident"),
        ({"p_arrested": ""}, "Select yes if P was arrested"),
    ],
)
def test_bad_input_shows_the_error_and_records_nothing(client, officer, bcu, changes, message):
    response = refused(client, officer, NEW, incident_post(bcu, **changes), message)
    if "location" not in changes:
        assertContains(response, 'value="3 Sample Street"')  # what was typed is kept


def test_the_error_summary_links_to_the_date_and_the_radios(client, officer, bcu):
    client.force_login(officer)
    response = client.post(
        NEW, incident_post(bcu, reported_at_month="", p_arrested="", reported_time="x")
    )
    assertContains(response, 'href="#id_reported_at_day"')
    assertContains(response, 'href="#id_p_arrested_0"')
    assertContains(response, 'href="#id_reported_time"')
    # What was typed is shown again.
    assertContains(response, 'name="reported_at_day" type="text" inputmode="numeric" value="1"')


def test_only_those_who_may_record_incidents_may_use_the_form(
    client, bcu, superintendent, supervisor, caseworker, court_coordinator
):
    for user in (superintendent, supervisor, caseworker, court_coordinator):
        client.force_login(user)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, incident_post(bcu)).status_code == 403
    assert not Case.objects.exists()


# --- Changing an incident ----------------------------------------------------------


def test_the_edit_form_is_filled_in(client, case, officer):
    response = page_for(client, officer, edit(case))
    assertContains(response, 'value="1234567/26"')
    assertContains(response, 'name="reported_at_day" type="text" inputmode="numeric" value="5"')
    assertContains(response, 'value="21:30"')
    assertContains(response, 'value="Flat 1, 2 Example Road"')
    assertContains(response, f'name="expected_version" value="{case.lock_version}"')
    assertContains(response, 'value="no" checked')


def edit_post(case, **changes):
    local = timezone.localtime(case.reported_at)
    data = {
        "crime_reference": case.crime_reference,
        "reported_at_day": str(local.day),
        "reported_at_month": str(local.month),
        "reported_at_year": str(local.year),
        "reported_time": local.strftime("%H:%M"),
        "bcu": str(case.bcu_id),
        "team": str(case.team_id or ""),
        "location": case.location,
        "summary": case.summary,
        "p_arrested": "yes" if case.p_arrested else "no",
        "expected_version": str(case.lock_version),
    }
    data.update(changes)
    return data


def test_changing_an_incident(client, case, dvpo_officer):
    client.force_login(dvpo_officer)
    response = client.post(
        edit(case), edit_post(case, location="4 Other Road", p_arrested="yes"), follow=True
    )
    assertRedirects(response, detail(case))
    assertContains(response, "Incident details saved")
    case.refresh_from_db()
    assert case.location == "4 Other Road" and case.p_arrested
    assert case.reported_at == datetime.fromisoformat("2026-03-05T21:30:00+00:00")
    event = case.events.get(kind=CaseEvent.Kind.CASE_UPDATED)
    assert event.summary == "Changed: location, P was arrested"


def test_a_stale_version_is_refused_with_the_conflict_message(client, case, officer):
    stale = edit_post(case, location="Mine")
    services.case_update(
        actor=officer, case=case, expected_version=case.lock_version, location="Theirs"
    )
    client.force_login(officer)
    response = client.post(edit(case), stale)
    assert response.status_code == 200
    assertContains(response, "Someone else changed this record")
    assert EditConflict.MESSAGE.startswith("Someone else changed this record")
    case.refresh_from_db()
    assert case.location == "Theirs"


def test_changing_to_a_duplicate_reference_is_refused(client, case, officer, bcu):
    services.case_create(
        actor=officer,
        crime_reference="1111111/26",
        reported_at=case.reported_at,
        bcu=bcu,
        location="x",
        summary="y",
    )
    client.force_login(officer)
    response = client.post(edit(case), edit_post(case, crime_reference="1111111/26"))
    assertContains(response, "Crime reference 1111111/26 is already used")
    case.refresh_from_db()
    assert case.crime_reference == "1234567/26"


def test_who_may_not_change_an_incident(
    client, case, superintendent, supervisor, court_coordinator, other_team_officer
):
    for user in (superintendent, supervisor, court_coordinator):  # may see, may not work
        client.force_login(user)
        assert client.get(edit(case)).status_code == 403
        assert client.post(edit(case), edit_post(case, location="No")).status_code == 403
    client.force_login(other_team_officer)
    # Outside their team: the break-glass question (audit/), never the form; a POST is refused.
    response = client.get(edit(case))
    assert response.status_code == 200 and b'data-testid="break-glass-form"' in response.content
    assert client.post(edit(case), edit_post(case, location="No")).status_code == 403
    case.refresh_from_db()
    assert case.location == "Flat 1, 2 Example Road"


# --- The case page --------------------------------------------------------------------


def test_outsiders_get_404_on_every_case_page(client, case, outsider, caseworker, administrator):
    for user in (outsider, caseworker, administrator):
        client.force_login(user)
        assert client.get(detail(case)).status_code == 404
        assert client.get(edit(case)).status_code == 404
        assert client.post(edit(case), edit_post(case, location="No")).status_code == 404
    case.refresh_from_db()
    assert case.location == "Flat 1, 2 Example Road"


def test_a_missing_case_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("case_detail", args=[999999])).status_code == 404


def test_the_case_page_shows_the_incident_people_and_timeline(
    client, case, victim, perpetrator, officer
):
    response = page_for(client, officer, detail(case))
    content = response.content.decode()
    assert "<title>Case 1234567/26" in content
    assertContains(response, "Flat 1, 2 Example Road")
    assertContains(response, "Thu 5 Mar 2026, 21:30")
    assertContains(response, "Vicky Testperson")
    assertContains(response, "2 January 1990 (age ")
    assertContains(response, "Partner; lives with P")
    assertContains(response, "Perpetrator (P)")
    assertContains(response, "Not recorded")
    assertContains(response, reverse("safe_contact", args=[case.pk, victim.pk]))
    assertContains(response, reverse("party_add", args=[case.pk]))
    assertContains(response, reverse("case_edit", args=[case.pk]))
    assertContains(response, "moj-timeline")
    assertContains(response, "Incident recorded")
    assertContains(response, "by Constable pc.test")
    # Newest first.
    assert content.index("Person added") < content.index("Incident recorded")


def test_safe_contact_recorded_is_shown(client, case, victim, officer):
    services.safe_contact_save(
        actor=officer, party=victim, expected_version=None, safe_phone="07700 900000"
    )
    response = page_for(client, officer, detail(case))
    assertContains(response, "Change safe-contact details")
    assertNotContains(response, "07700 900000")


def test_the_latest_risk_assessment_of_each_victim(client, case, victim, officer, instrument):
    answers = {str(n): "yes" for n in instrument.questions.values_list("number", flat=True)}
    risk = services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=answers,
        grade="high",
    )
    response = page_for(client, officer, detail(case))
    assertContains(response, "High risk")
    assertContains(response, "Awaiting quality assurance")
    assertContains(response, reverse("risk_detail", args=[case.pk, risk.pk]))
    assertContains(response, reverse("risk_new", args=[case.pk]))
    assertContains(response, "Refer to MARAC")  # the open task
    assertContains(response, '<dd class="govuk-summary-list__value">27</dd>', html=True)


def test_potential_escalation_is_flagged(client, case, victim, officer, instrument):
    risk = services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers={str(n): "no" for n in instrument.questions.values_list("number", flat=True)},
        grade="standard",
    )
    RiskAssessment.objects.filter(pk=risk.pk).update(potential_escalation=True)
    assertContains(page_for(client, officer, detail(case)), "Potential escalation")


def test_viewers_who_may_not_work_see_no_buttons(client, case, victim, supervisor, superintendent):
    for user in (supervisor, superintendent):
        response = page_for(client, user, detail(case))
        assert response.status_code == 200
        for hidden in (
            reverse("case_edit", args=[case.pk]),
            reverse("party_add", args=[case.pk]),
            reverse("risk_new", args=[case.pk]),
            reverse("dvpn_start", args=[case.pk]),
            reverse("safe_contact", args=[case.pk, victim.pk]),
        ):
            assertNotContains(response, hidden)


def test_the_start_button_before_any_dvpn(client, case, officer, dvpo_officer):
    for user in (officer, dvpo_officer):
        response = page_for(client, user, detail(case))
        assertContains(response, "No DVPN application yet")
        assertContains(response, f'action="{reverse("dvpn_start", args=[case.pk])}"')


def test_a_draft_can_be_continued(client, case, officer):
    dvpn = services.dvpn_start(actor=officer, case=case)
    response = page_for(client, officer, detail(case))
    assertContains(response, "Draft")
    assertContains(response, reverse("dvpn_check", args=[case.pk, dvpn.pk]))
    assertNotContains(response, reverse("dvpn_start", args=[case.pk]))


def test_a_submitted_dvpn_is_decided_by_an_authoriser(
    client, submitted_dvpn, officer, superintendent, supervisor
):
    case, decide = (
        submitted_dvpn.case,
        reverse("dvpn_decide", args=[submitted_dvpn.case_id, submitted_dvpn.pk]),
    )
    response = page_for(client, superintendent, detail(case))
    assertContains(response, "Awaiting authorisation")
    assertContains(response, decide)
    for user in (officer, supervisor):
        response = page_for(client, user, detail(case))
        assertNotContains(response, decide)
        assertNotContains(response, reverse("dvpn_check", args=[case.pk, submitted_dvpn.pk]))


def test_an_authoriser_cannot_decide_their_own_application(
    client, case, victim, perpetrator, make_user, force, bcu, superintendent
):
    both = make_user("supt.both", organisation=force, rank=Rank.SUPERINTENDENT, bcu=bcu)
    user_set_roles(user=both, roles=[Role.DVPO_OFFICER, Role.AUTHORISING_OFFICER])
    dvpn = services.dvpn_start(actor=both, case=case)
    dvpn = services.dvpn_update(
        actor=both, dvpn=dvpn, expected_version=dvpn.lock_version, **COMPLETE_APPLICATION
    )
    dvpn = services.dvpn_submit(actor=both, dvpn=dvpn, expected_version=dvpn.lock_version)
    decide = reverse("dvpn_decide", args=[case.pk, dvpn.pk])
    assertNotContains(page_for(client, both, detail(case)), decide)
    assertContains(page_for(client, superintendent, detail(case)), decide)


def test_an_authorised_dvpn_can_be_served_by_an_officer(
    client, submitted_dvpn, superintendent, officer, supervisor
):
    dvpn = decide(submitted_dvpn, by=superintendent, reasons="Necessary to protect her.")
    serve = reverse("dvpn_serve", args=[dvpn.case_id, dvpn.pk])
    notice = reverse("dvpn_notice", args=[dvpn.case_id, dvpn.pk])
    response = page_for(client, officer, detail(dvpn.case))
    assertContains(response, serve)
    assertContains(response, notice)
    assertContains(response, "Authorised by Superintendent supt.test")
    assertContains(response, "Necessary to protect her.")
    response = page_for(client, supervisor, detail(dvpn.case))
    assertNotContains(response, serve)
    assertContains(response, notice)


def test_a_served_dvpn_shows_the_hearing_deadline(client, served_dvpn, officer):
    response = page_for(client, officer, detail(served_dvpn.case))
    assertContains(response, "Served")
    assertContains(response, "Mon 9 Mar 2026, 09:00")
    assertContains(response, "How this deadline is worked out")
    assertContains(response, "Sun 8 Mar 2026: Sunday")
    assertContains(response, reverse("dvpn_notice", args=[served_dvpn.case_id, served_dvpn.pk]))
    assertNotContains(response, reverse("dvpn_serve", args=[served_dvpn.case_id, served_dvpn.pk]))
    assertNotContains(response, reverse("dvpn_start", args=[served_dvpn.case_id]))


def test_a_refused_dvpn_can_be_revised_and_earlier_versions_are_listed(
    client, submitted_dvpn, superintendent, officer
):
    dvpn = decide(
        submitted_dvpn, by=superintendent, authorise=False, reasons="No evidence of necessity."
    )
    revise = reverse("dvpn_revise", args=[dvpn.case_id, dvpn.pk])
    response = page_for(client, officer, detail(dvpn.case))
    assertContains(response, "Refused by Superintendent supt.test")
    assertContains(response, f'action="{revise}"')
    assertNotContains(page_for(client, superintendent, detail(dvpn.case)), revise)

    revised = services.dvpn_revise(actor=officer, dvpn=dvpn)
    response = page_for(client, officer, detail(dvpn.case))
    assertContains(response, "Earlier versions (1)")
    assertContains(response, "Refused, then revised")
    assertContains(response, reverse("dvpn_check", args=[dvpn.case_id, revised.pk]))


def test_the_case_page_runs_a_fixed_number_of_queries(client, submitted_dvpn, officer, instrument):
    case = submitted_dvpn.case
    client.force_login(officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail(case)).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        party = services.party_add(
            actor=officer,
            case=case,
            role=Party.Role.VICTIM if n % 2 else Party.Role.CHILD,
            first_name=f"Extra{n}",
            last_name="Person",
            date_of_birth=date(2010, 1, 1),
        )
        if party.role == Party.Role.VICTIM:
            services.safe_contact_save(
                actor=officer,
                party=party,
                expected_version=None,
                no_safe_number=True,
                contact_through="Her sister",
            )
            answers = {str(n): "no" for n in instrument.questions.values_list("number", flat=True)}
            services.risk_assess(
                actor=officer,
                case=case,
                victim=party,
                instrument=instrument,
                answers=answers,
                grade="standard",
            )
    Task.objects.create(case=case, kind=Task.Kind.PNC_ENTRY, created_at=timezone.now())
    services.case_update(
        actor=officer, case=case, expected_version=case.lock_version, location="Elsewhere"
    )
    assert case.events.count() > 10
    assert count() == before
    assert before <= 22  # incident, people, risk, DVPN, court and referral sections, header
    assert DVPN.objects.count() == 1
