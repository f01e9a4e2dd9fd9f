"""Pages for the DASH risk assessment, its detail, a supervisor's review and the review queue."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services
from cases.forms.risk import CHOOSE_GRADE, CHOOSE_VICTIM
from cases.models import Party, RiskAssessment, Task
from dvpo.errors import EditConflict
from dvpo.roles import Rank, Role

pytestmark = pytest.mark.django_db


def new_url(case):
    return reverse("risk_new", kwargs={"case_id": case.pk})


def detail_url(risk):
    return reverse("risk_detail", kwargs={"case_id": risk.case_id, "risk_id": risk.pk})


def review_url(risk):
    return reverse("risk_review", kwargs={"case_id": risk.case_id, "risk_id": risk.pk})


QUEUE = reverse("risk_review_queue")


def text(response):
    return response.content.decode()


def answers(yes=0, skip=()):
    """Form data: the first `yes` questions answered yes, the rest no; `skip` left out."""
    data = {}
    for number in range(1, 28):
        if number not in skip:
            data[f"q{number}"] = "yes" if number <= yes else "no"
    return data


def assess(case, victim, officer, instrument, *, yes=0, grade="standard", rationale=""):
    values = {str(n): "yes" if n <= yes else "no" for n in range(1, 28)}
    return services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=values,
        grade=grade,
        rationale=rationale,
    )


# --- Recording a DASH ----------------------------------------------------------------


def test_the_dash_page_shows_every_question(client, officer, case, victim, instrument):
    client.force_login(officer)
    response = client.get(new_url(case))
    assert response.status_code == 200
    page = text(response)
    for question in instrument.questions.all():
        assert f"{question.number}. {question.text}"[:40] in page
    assert page.count('type="radio" value="not_known"') == 27
    assert f'name="victim" value="{victim.pk}"' in page  # one victim: no need to choose
    assert "Vicky Testperson" in page


def test_recording_a_standard_risk(client, officer, case, victim, instrument):
    client.force_login(officer)
    response = client.post(new_url(case), {"victim": victim.pk, **answers(), "grade": "standard"})
    risk = RiskAssessment.objects.get()
    assert response.status_code == 302 and response.url == detail_url(risk)
    assert (risk.victim, risk.yes_count, risk.suggested_grade, risk.grade) == (
        victim,
        0,
        "standard",
        "standard",
    )
    assert risk.assessed_by == officer and risk.review == "awaiting"
    assert not case.tasks.exists()
    page = text(client.get(detail_url(risk)))
    assert "Risk assessment recorded: standard risk." in page


def test_a_high_grade_creates_the_marac_task(client, dvpo_officer, case, victim, instrument):
    client.force_login(dvpo_officer)
    response = client.post(new_url(case), {"victim": victim.pk, **answers(14), "grade": "high"})
    assert response.status_code == 302
    risk = RiskAssessment.objects.get()
    assert risk.yes_count == 14 and risk.suggested_grade == "high"
    assert case.tasks.filter(kind=Task.Kind.MARAC_REFERRAL).exists()
    page = text(client.get(detail_url(risk)))
    assert "Refer to MARAC" in page and "visible high risk" in page


def test_unanswered_questions_are_listed(client, officer, case, victim, instrument):
    client.force_login(officer)
    data = {"victim": victim.pk, **answers(skip=(3, 17)), "grade": "standard"}
    response = client.post(new_url(case), data)
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page
    assert services.ANSWER_EVERY_QUESTION.format(numbers="3, 17") in page
    assert "Answer question 3" in page and "Answer question 17" in page
    assert "Answer question 4" not in page
    assert 'name="q1" type="radio" value="no" checked' in page  # answers are kept
    assert not RiskAssessment.objects.exists()


def test_every_problem_shows_at_once(client, officer, case, victim, instrument):
    client.force_login(officer)
    response = client.post(new_url(case), {"victim": victim.pk, **answers(skip=(27,))})
    page = text(response)
    assert CHOOSE_GRADE in page and "Missing: 27." in page
    assert not RiskAssessment.objects.exists()


def test_a_grade_differing_from_the_suggestion_needs_a_rationale(
    client, officer, case, victim, instrument
):
    client.force_login(officer)
    data = {"victim": victim.pk, **answers(2), "grade": "high", "rationale": "  "}
    response = client.post(new_url(case), data)
    assert response.status_code == 200
    expected = services.GRADE_RATIONALE_NEEDED.format(grade="High", suggested="Medium")
    assert expected in text(response)
    assert "govuk-textarea--error" in text(response)
    assert not RiskAssessment.objects.exists() and not Task.objects.exists()

    data["rationale"] = "Strangulation last week."
    assert client.post(new_url(case), data).status_code == 302
    assert RiskAssessment.objects.get().rationale == "Strangulation last week."


def test_a_visible_high_cannot_be_lowered_by_the_officer(client, officer, case, victim, instrument):
    client.force_login(officer)
    data = {"victim": victim.pk, **answers(15), "grade": "medium", "rationale": "Minimised."}
    response = client.post(new_url(case), data)
    assert response.status_code == 200
    assert escape(services.CANNOT_LOWER_VISIBLE_HIGH.format(yes=15)) in text(response)
    assert not RiskAssessment.objects.exists()


def test_with_two_victims_the_officer_chooses(client, officer, case, victim, instrument):
    second = services.party_add(
        actor=officer,
        case=case,
        role=Party.Role.VICTIM,
        first_name="Vera",
        last_name="Second",
        date_of_birth=date(1970, 5, 5),
    )
    client.force_login(officer)
    page = text(client.get(new_url(case) + f"?victim={second.pk}"))
    assert f'name="victim" type="radio" value="{second.pk}" checked' in page
    response = client.post(new_url(case), {**answers(), "grade": "standard"})
    assert CHOOSE_VICTIM in text(response)
    assert not RiskAssessment.objects.exists()
    response = client.post(new_url(case), {"victim": second.pk, **answers(), "grade": "standard"})
    assert response.status_code == 302
    assert RiskAssessment.objects.get().victim == second


def test_p_or_another_cases_victim_cannot_be_assessed(
    client, officer, case, victim, perpetrator, instrument
):
    client.force_login(officer)
    response = client.post(
        new_url(case), {"victim": perpetrator.pk, **answers(), "grade": "standard"}
    )
    assert response.status_code == 200 and CHOOSE_VICTIM in text(response)
    assert not RiskAssessment.objects.exists()


def test_no_victim_yet(client, officer, case, instrument):
    client.force_login(officer)
    response = client.get(new_url(case))
    assert response.status_code == 200
    page = text(response)
    assert "Add the victim to the case before assessing the risk" in page
    assert reverse("party_add", kwargs={"case_id": case.pk}) + "?role=victim" in page


# --- The assessment page -----------------------------------------------------------------


def test_the_detail_shows_answers_grades_and_review_state(
    client, officer, supervisor, case, victim, instrument
):
    risk = assess(case, victim, officer, instrument, yes=3, grade="high", rationale="Gut feel.")
    client.force_login(officer)
    response = client.get(detail_url(risk))
    assert response.status_code == 200
    page = text(response)
    assert "3 of 27" in page and "Medium" in page and "High" in page and "Gut feel." in page
    assert "Awaiting quality assurance" in page
    assert "Refer to MARAC" in page
    assert "Did this incident leave the victim injured?" in page
    assert "Potential escalation</strong>" not in page
    assert review_url(risk) not in page  # officers do not review

    client.force_login(supervisor)
    assert review_url(risk) in text(client.get(detail_url(risk)))


def test_the_detail_flags_potential_escalation(
    client, officer, case, victim, perpetrator, instrument, bcu, team
):
    for number, days in ((1, 200), (2, 30)):
        earlier = services.case_create(
            actor=officer,
            crime_reference=f"100000{number}/26",
            reported_at=case.reported_at - timedelta(days=days),
            bcu=bcu,
            team=team,
            location="x",
            summary="y",
        )
        for party in (victim, perpetrator):
            services.party_add(actor=officer, case=earlier, role=party.role, person=party.person)
    risk = assess(case, victim, officer, instrument)
    assert risk.potential_escalation
    client.force_login(officer)
    page = text(client.get(detail_url(risk)))
    assert "Potential escalation</strong>" in page
    assert "3 or more incidents between the victim and P" in page


def test_the_detail_shows_who_changed_the_grade_and_why(
    client, officer, supervisor, case, victim, instrument
):
    risk = assess(case, victim, officer, instrument)
    services.risk_review(
        actor=supervisor,
        risk=risk,
        grade="medium",
        reason="Recent separation.",
        expected_version=risk.lock_version,
    )
    client.force_login(officer)
    page = text(client.get(detail_url(risk)))
    assert "Changed" in page and "Recent separation." in page
    assert "(changed from standard)" in page and supervisor.display_name in page


def test_a_risk_of_another_case_is_not_found(client, officer, case, victim, instrument, bcu):
    risk = assess(case, victim, officer, instrument)
    other = services.case_create(
        actor=officer,
        crime_reference="7654321/26",
        reported_at=case.reported_at,
        bcu=bcu,
        location="x",
        summary="y",
    )
    client.force_login(officer)
    url = reverse("risk_detail", kwargs={"case_id": other.pk, "risk_id": risk.pk})
    assert client.get(url).status_code == 404


# --- Quality assurance -----------------------------------------------------------------


@pytest.fixture
def risk(case, victim, officer, instrument):
    return assess(case, victim, officer, instrument, yes=2, grade="medium")


def test_a_supervisor_confirms_the_grade(client, supervisor, risk):
    client.force_login(supervisor)
    response = client.get(review_url(risk))
    assert response.status_code == 200
    page = text(response)
    assert 'value="medium" checked' in page
    assert f'name="expected_version" value="{risk.lock_version}"' in page
    response = client.post(
        review_url(risk), {"grade": "medium", "expected_version": risk.lock_version}
    )
    assert response.status_code == 302 and response.url == detail_url(risk)
    risk.refresh_from_db()
    assert (risk.review, risk.final_grade, risk.reviewed_by) == ("confirmed", "medium", supervisor)
    assert "Risk grade confirmed for Vicky Testperson." in text(client.get(detail_url(risk)))


def test_a_supervisor_changes_the_grade_with_a_reason(client, supervisor, risk, case):
    client.force_login(supervisor)
    data = {"grade": "high", "reason": "", "expected_version": risk.lock_version}
    response = client.post(review_url(risk), data)
    assert response.status_code == 200
    assert "<title>Error: " in text(response) and services.REVIEW_REASON_NEEDED in text(response)
    risk.refresh_from_db()
    assert risk.review == "awaiting" and not case.tasks.exists()

    data["reason"] = "Threats to kill were not recorded."
    assert client.post(review_url(risk), data).status_code == 302
    risk.refresh_from_db()
    assert (risk.review, risk.final_grade, risk.grade) == ("changed", "high", "medium")
    assert case.tasks.filter(kind=Task.Kind.MARAC_REFERRAL).exists()


def test_a_supervisor_may_lower_a_visible_high(
    client, supervisor, officer, case, victim, instrument
):
    high = assess(case, victim, officer, instrument, yes=14, grade="high")
    client.force_login(supervisor)
    data = {"grade": "medium", "reason": "Answers double-counted.", "expected_version": "1"}
    assert client.post(review_url(high), data).status_code == 302
    high.refresh_from_db()
    assert high.final_grade == "medium"


def test_a_grade_is_reviewed_once(client, supervisor, risk):
    services.risk_review(
        actor=supervisor, risk=risk, grade="medium", expected_version=risk.lock_version
    )
    risk.refresh_from_db()
    client.force_login(supervisor)
    page = text(client.get(review_url(risk)))
    assert "already been quality-assured" in page and "Save the grade" not in page
    response = client.post(
        review_url(risk), {"grade": "high", "reason": "x", "expected_version": risk.lock_version}
    )
    assert response.status_code == 200 and services.ALREADY_REVIEWED in text(response)
    risk.refresh_from_db()
    assert risk.final_grade == "medium"


def test_a_stale_review_form_is_a_conflict(client, supervisor, risk, make_user, force, bcu):
    other = make_user(
        "sgt.other", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=bcu
    )
    client.force_login(supervisor)
    stale = risk.lock_version - 1
    response = client.post(review_url(risk), {"grade": "medium", "expected_version": stale})
    assert response.status_code == 200 and EditConflict.MESSAGE in text(response)
    risk.refresh_from_db()
    assert risk.review == "awaiting"
    assert other  # a second supervisor could have saved in between


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 403),
        ("dvpo_officer", 403),
        ("superintendent", 403),
        ("court_coordinator", 403),
        ("outsider", 404),
        ("caseworker", 404),
        ("administrator", 404),
    ],
)
def test_only_supervisors_review(client, request, risk, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(review_url(risk)).status_code == status
    data = {"grade": "medium", "expected_version": risk.lock_version}
    assert client.post(review_url(risk), data).status_code == status
    risk.refresh_from_db()
    assert risk.review == "awaiting"


def test_a_supervisor_of_another_force_gets_404(client, make_user, other_force, risk):
    stranger = make_user(
        "sgt.elsewhere", role=Role.SUPERVISOR, organisation=other_force, rank=Rank.SERGEANT
    )
    client.force_login(stranger)
    assert client.get(detail_url(risk)).status_code == 404
    assert client.get(review_url(risk)).status_code == 404
    assert client.post(review_url(risk), {"grade": "medium"}).status_code == 404
    assert "Nothing is waiting for quality assurance" in text(client.get(QUEUE))


# --- Who may record and see a DASH -------------------------------------------------------


@pytest.mark.parametrize("who", ["superintendent", "court_coordinator", "supervisor"])
def test_viewers_may_see_but_not_record(client, request, risk, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(detail_url(risk)).status_code == 200
    assert client.get(new_url(risk.case)).status_code == 403
    data = {"victim": risk.victim_id, **answers(), "grade": "standard"}
    assert client.post(new_url(risk.case), data).status_code == 403
    assert RiskAssessment.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "caseworker", "administrator"])
def test_outsiders_get_404_on_every_risk_page(client, request, risk, who):
    client.force_login(request.getfixturevalue(who))
    data = {"victim": risk.victim_id, **answers(), "grade": "standard"}
    assert client.get(new_url(risk.case)).status_code == 404
    assert client.post(new_url(risk.case), data).status_code == 404
    assert client.get(detail_url(risk)).status_code == 404
    assert client.get(review_url(risk)).status_code == 404
    assert client.post(review_url(risk), {"grade": "high", "reason": "x"}).status_code == 404
    assert RiskAssessment.objects.count() == 1
    risk.refresh_from_db()
    assert risk.review == "awaiting"


def test_anonymous_users_are_sent_to_sign_in(client, risk):
    for url in (new_url(risk.case), detail_url(risk), review_url(risk), QUEUE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(review_url(risk), {"grade": "high", "reason": "x"})
    assert response.status_code == 302
    assert RiskAssessment.objects.get().review == "awaiting"


# --- The review queue -----------------------------------------------------------------


def test_the_queue_is_empty(client, supervisor):
    client.force_login(supervisor)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert "Nothing is waiting for quality assurance" in text(response)


@pytest.mark.parametrize(
    "who",
    ["officer", "dvpo_officer", "superintendent", "court_coordinator", "outsider", "caseworker"],
)
def test_the_queue_is_for_supervisors(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403


def test_the_queue_lists_oldest_first_with_time_waiting(
    client, supervisor, officer, case, victim, instrument, bcu, make_user, other_bcu, force
):
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=5), tick=False):
        old = assess(case, victim, officer, instrument, yes=1, grade="medium")
    with time_machine.travel(start - timedelta(minutes=20), tick=False):
        new = assess(case, victim, officer, instrument, yes=2, grade="medium")
    done = assess(case, victim, officer, instrument)
    services.risk_review(actor=supervisor, risk=done, grade="standard", expected_version=1)
    # A case in another BCU of the force: this sergeant's BCU does not cover it.
    elsewhere_officer = make_user(
        "pc.west", role=Role.OFFICER, organisation=force, rank=Rank.CONSTABLE, bcu=other_bcu
    )
    west = services.case_create(
        actor=elsewhere_officer,
        crime_reference="5555555/26",
        reported_at=case.reported_at,
        bcu=other_bcu,
        location="x",
        summary="y",
    )
    west_victim = services.party_add(
        actor=elsewhere_officer, case=west, role="victim", first_name="W", last_name="Est"
    )
    assess(west, west_victim, elsewhere_officer, instrument)

    client.force_login(supervisor)
    page = text(client.get(QUEUE))
    assert page.index(review_url(old)) < page.index(review_url(new))
    assert review_url(done) not in page
    assert "5555555/26" not in page
    assert "5 h 0 m" in page or "5 h 1 m" in page
    assert "2 waiting" in page


def test_the_queue_pages_with_bounded_queries(
    client, supervisor, officer, case, victim, instrument, django_assert_max_num_queries
):
    for _ in range(27):
        assess(case, victim, officer, instrument)
    client.force_login(supervisor)
    # +1: the two-factor device; +1: the access log's row for the victims named
    with django_assert_max_num_queries(14):
        first = text(client.get(QUEUE))
    assert first.count("1234567/26<span") == 25 and "Page 1 of 2" in first
    second = text(client.get(QUEUE + "?page=2"))
    assert second.count("1234567/26<span") == 2
