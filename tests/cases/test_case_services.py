"""Services for the incident, people and risk: each rule, allowed and refused."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, Party, RiskAssessment, Task
from cases.permissions import can_view_case, case_visibility
from dvpo.errors import ActionRefused, EditConflict
from tests.helpers import when

pytestmark = pytest.mark.django_db


# --- The case ----------------------------------------------------------------


def test_case_create_records_the_event_and_history(case, officer):
    assert case.owner == officer and case.force == officer.organisation
    assert [e.kind for e in case.events.all()] == [CaseEvent.Kind.CASE_CREATED]
    assert case.history.first().history_user == officer


def test_crime_reference_is_unique_within_a_force(case, officer, bcu):
    with pytest.raises(ActionRefused, match="already used by another case"):
        services.case_create(
            actor=officer,
            crime_reference=" 1234567/26 ",
            reported_at=case.reported_at,
            bcu=bcu,
            location="x",
            summary="y",
        )
    assert Case.objects.count() == 1


def test_crime_reference_follows_the_force_format(officer, bcu, force):
    force.crime_reference_pattern = r"[0-9]{7}/[0-9]{2}"
    force.crime_reference_hint = "A CRIS number like 1234567/26"
    force.save()
    officer.organisation.refresh_from_db()
    with pytest.raises(ActionRefused, match="A CRIS number like 1234567/26") as error:
        services.case_create(
            actor=officer,
            crime_reference="ABC",
            reported_at=timezone.now(),
            bcu=bcu,
            location="x",
            summary="y",
        )
    assert error.value.field == "crime_reference"


def test_reported_at_cannot_be_in_the_future(officer, bcu):
    with pytest.raises(ActionRefused, match=services.REPORTED_IN_FUTURE):
        services.case_create(
            actor=officer,
            crime_reference="1",
            bcu=bcu,
            location="x",
            summary="y",
            reported_at=timezone.now() + timedelta(hours=1),
        )


def test_bcu_must_be_of_the_officers_force(officer, outsider):
    with pytest.raises(ActionRefused, match=services.BCU_OTHER_FORCE):
        services.case_create(
            actor=officer,
            crime_reference="1",
            bcu=outsider.bcu,
            location="x",
            summary="y",
            reported_at=timezone.now(),
        )


def test_only_officers_record_incidents(superintendent, caseworker, bcu):
    for user in (superintendent, caseworker):
        with pytest.raises(ActionRefused, match=services.NOT_ALLOWED):
            services.case_create(
                actor=user,
                crime_reference="1",
                bcu=bcu,
                location="x",
                summary="y",
                reported_at=timezone.now(),
            )


def test_case_update_and_its_conflict(case, officer, dvpo_officer):
    version = case.lock_version
    services.case_update(
        actor=dvpo_officer, case=case, expected_version=version, location="Somewhere else"
    )
    with pytest.raises(EditConflict):
        services.case_update(actor=officer, case=case, expected_version=version, summary="Mine")
    case.refresh_from_db()
    assert (case.location, case.summary) == ("Somewhere else", "A fictional incident.")
    assert case.events.filter(kind=CaseEvent.Kind.CASE_UPDATED).count() == 1


def test_case_update_with_no_change_writes_nothing(case, officer):
    services.case_update(
        actor=officer, case=case, expected_version=case.lock_version, location=case.location
    )
    assert case.history.count() == 1
    assert case.events.count() == 1


# --- Who sees a case -----------------------------------------------------------


def test_visibility_matrix(
    case,
    officer,
    dvpo_officer,
    supervisor,
    superintendent,
    court_coordinator,
    caseworker,
    administrator,
    outsider,
    make_user,
    force,
    other_bcu,
):
    colleague_elsewhere = make_user(
        "dvpo.west", role="dvpo_officer", organisation=force, rank=10, bcu=other_bcu
    )
    team_mate = make_user(
        "pc.mate", role="officer", organisation=force, rank=10, bcu=case.bcu, team=case.team
    )
    expected = {
        officer: True,
        team_mate: True,
        dvpo_officer: True,
        supervisor: True,
        superintendent: True,
        court_coordinator: True,
        colleague_elsewhere: False,
        caseworker: False,
        administrator: False,
        outsider: False,
    }
    for user, allowed in expected.items():
        assert can_view_case(user, case) is allowed, user.username
        assert Case.objects.filter(case_visibility(user)).exists() is allowed, user.username


# --- People ------------------------------------------------------------------


def test_p_under_18_is_refused(case, officer):
    with pytest.raises(ActionRefused, match="P must be 18 or over") as error:
        services.party_add(
            actor=officer,
            case=case,
            role=Party.Role.PERPETRATOR,
            first_name="Young",
            last_name="Person",
            date_of_birth=date(2008, 3, 6),
        )  # 17 on 5 Mar 2026
    assert error.value.field == "date_of_birth"
    assert not case.parties.exists()


def test_p_who_turned_18_the_day_before_is_allowed(case, officer):
    services.party_add(
        actor=officer,
        case=case,
        role=Party.Role.PERPETRATOR,
        first_name="Just",
        last_name="Adult",
        date_of_birth=date(2008, 3, 5),
    )


def test_only_one_perpetrator(case, officer, perpetrator):
    with pytest.raises(ActionRefused, match="already has a perpetrator"):
        services.party_add(
            actor=officer,
            case=case,
            role=Party.Role.PERPETRATOR,
            first_name="Second",
            last_name="P",
        )


def test_an_existing_person_is_reused_not_duplicated(case, officer, victim, bcu):
    with time_machine.travel(when("2026-04-01T10:00:00+01:00")):
        second = services.case_create(
            actor=officer,
            crime_reference="7654321/26",
            reported_at=timezone.now(),
            bcu=bcu,
            location="x",
            summary="y",
        )
        party = services.party_add(
            actor=officer, case=second, role=Party.Role.VICTIM, person=victim.person
        )
    assert party.person_id == victim.person_id
    with pytest.raises(ActionRefused, match="already on this case"):
        services.party_add(actor=officer, case=second, role=Party.Role.CHILD, person=victim.person)


def test_a_person_of_another_force_cannot_be_added(case, officer, outsider):
    from cases.models import Person

    stranger = Person.objects.create(force=outsider.organisation, first_name="A", last_name="B")
    with pytest.raises(ActionRefused, match=services.PERSON_OTHER_FORCE):
        services.party_add(actor=officer, case=case, role=Party.Role.VICTIM, person=stranger)


def test_safe_contact_needs_a_number_or_an_alternative(victim, officer, perpetrator):
    with pytest.raises(ActionRefused, match="Enter a safe contact number"):
        services.safe_contact_save(actor=officer, party=victim, expected_version=None)
    with pytest.raises(ActionRefused, match="Enter a safe contact number"):
        services.safe_contact_save(
            actor=officer, party=victim, expected_version=None, no_safe_number=True
        )
    contact = services.safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=None,
        no_safe_number=True,
        contact_through="Her sister, on 07700 900001",
    )
    assert contact.pk
    with pytest.raises(ActionRefused, match=services.SAFE_CONTACT_VICTIMS_ONLY):
        services.safe_contact_save(
            actor=officer, party=perpetrator, expected_version=None, safe_phone="07700 900002"
        )
    with pytest.raises(EditConflict):
        services.safe_contact_save(
            actor=officer, party=victim, expected_version=0, safe_phone="07700 900003"
        )


# --- Risk ----------------------------------------------------------------------


def dash(instrument, yes: int) -> dict:
    numbers = instrument.questions.values_list("number", flat=True)
    return {str(n): ("yes" if n <= yes else "not_known") for n in numbers}


def test_the_default_instrument_has_27_questions(instrument):
    assert instrument.questions.count() == 27
    assert instrument.high_risk_yes_threshold == 14


def test_dash_every_question_must_be_answered(case, victim, officer, instrument):
    answers = dash(instrument, 3)
    del answers["27"]
    with pytest.raises(ActionRefused, match="Missing: 27"):
        services.risk_assess(
            actor=officer,
            case=case,
            victim=victim,
            instrument=instrument,
            answers=answers,
            grade="medium",
        )


def test_dash_visible_high_cannot_be_lowered_by_the_officer(case, victim, officer, instrument):
    with pytest.raises(ActionRefused, match="14 'yes' answers is visible high risk"):
        services.risk_assess(
            actor=officer,
            case=case,
            victim=victim,
            instrument=instrument,
            answers=dash(instrument, 14),
            grade="medium",
            rationale="Reasons",
        )
    assert not RiskAssessment.objects.exists()


def test_dash_grade_differing_from_the_suggestion_needs_a_rationale(
    case, victim, officer, instrument
):
    with pytest.raises(ActionRefused, match=r"differs from the suggested grade \(Medium\)"):
        services.risk_assess(
            actor=officer,
            case=case,
            victim=victim,
            instrument=instrument,
            answers=dash(instrument, 5),
            grade="high",
        )
    risk = services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=dash(instrument, 5),
        grade="high",
        rationale="Attempted strangulation",
    )
    assert (risk.yes_count, risk.suggested_grade, risk.final_grade) == (5, "medium", "high")
    assert case.tasks.get().kind == Task.Kind.MARAC_REFERRAL


def test_high_risk_creates_one_marac_task(case, victim, officer, instrument):
    for _ in range(2):
        services.risk_assess(
            actor=officer,
            case=case,
            victim=victim,
            instrument=instrument,
            answers=dash(instrument, 20),
            grade="high",
        )
    assert case.tasks.filter(kind=Task.Kind.MARAC_REFERRAL).count() == 1


def test_potential_escalation_at_the_third_incident_in_12_months(officer, bcu, instrument):
    from cases.models import Person

    people = {}
    risks = []
    for number, reported in enumerate(["2025-06-01", "2025-12-01", "2026-03-01"], start=1):
        case = services.case_create(
            actor=officer,
            crime_reference=f"REF{number}",
            bcu=bcu,
            location="x",
            summary="y",
            reported_at=when(f"{reported}T12:00:00+00:00"),
        )
        for role, name in ((Party.Role.VICTIM, "Vera"), (Party.Role.PERPETRATOR, "Paul")):
            person = people.get(name)
            party = services.party_add(
                actor=officer,
                case=case,
                role=role,
                person=person,
                first_name=name,
                last_name="Example",
                date_of_birth=date(1980, 1, 1),
            )
            people[name] = party.person
        victim = case.parties.get(role=Party.Role.VICTIM)
        risks.append(
            services.risk_assess(
                actor=officer,
                case=case,
                victim=victim,
                instrument=instrument,
                answers=dash(instrument, 2),
                grade="medium",
            )
        )
    assert [r.potential_escalation for r in risks] == [False, False, True]
    assert Person.objects.count() == 2


def test_supervisor_review(case, victim, officer, supervisor, instrument, superintendent):
    risk = services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=dash(instrument, 14),
        grade="high",
    )
    with pytest.raises(ActionRefused, match=services.NOT_A_SUPERVISOR):
        services.risk_review(actor=officer, risk=risk, grade="high", expected_version=None)
    with pytest.raises(ActionRefused, match=services.NOT_A_SUPERVISOR):
        services.risk_review(actor=superintendent, risk=risk, grade="high", expected_version=None)
    with pytest.raises(ActionRefused, match=services.REVIEW_REASON_NEEDED):
        services.risk_review(actor=supervisor, risk=risk, grade="medium", expected_version=None)
    risk = services.risk_review(
        actor=supervisor,
        risk=risk,
        grade="medium",
        reason="Answers double-counted the same incident",
        expected_version=risk.lock_version,
    )
    assert (risk.review, risk.grade, risk.final_grade) == ("changed", "high", "medium")
    with pytest.raises(ActionRefused, match=services.ALREADY_REVIEWED):
        services.risk_review(actor=supervisor, risk=risk, grade="high", expected_version=None)
    assert case.events.filter(kind=CaseEvent.Kind.DASH_REVIEWED).get().actor == supervisor


def test_instrument_load_is_idempotent_and_replaceable(instrument, tmp_path):
    import json

    from cases.instruments import InstrumentFileError, instrument_load

    assert instrument_load()[1] is False
    licensed = tmp_path / "licensed.json"
    licensed.write_text(
        json.dumps(
            {
                "code": "dara",
                "name": "DARA (licensed)",
                "high_risk_yes_threshold": 10,
                "questions": [[1, "First"], [2, "Second"]],
            }
        )
    )
    dara, changed = instrument_load(licensed)
    assert changed and dara.questions.count() == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"code": "x", "name": "x", "questions": [[1, "a"], [1, "b"]]}')
    with pytest.raises(InstrumentFileError, match="unique numbers"):
        instrument_load(broken)
