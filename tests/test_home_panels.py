"""The home page's panels show each role its own work, and nobody else's."""

from cases import services
from cases.models import RiskGrade


def answers(instrument, yes):
    numbers = instrument.questions.values_list("number", flat=True)
    return {str(n): ("yes" if n <= yes else "no") for n in numbers}


def test_officer_sees_their_open_cases(client, case, officer):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "1234567/26" in page
    assert "You have no open cases." not in page


def test_superintendent_sees_applications_waiting(client, submitted_dvpn, superintendent):
    client.force_login(superintendent)
    page = client.get("/").content.decode()
    assert f"/cases/{submitted_dvpn.case_id}/dvpn/{submitted_dvpn.pk}/decide/" in page
    assert "All 1 awaiting authorisation" in page


def test_supervisor_sees_grades_to_review(client, case, victim, officer, supervisor, instrument):
    risk = services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=answers(instrument, 5),
        grade=RiskGrade.MEDIUM,
    )
    client.force_login(supervisor)
    page = client.get("/").content.decode()
    assert f"/cases/{case.pk}/risk/{risk.pk}/" in page
    assert "All 1 waiting for review" in page


def test_outsiders_see_none_of_it(client, submitted_dvpn, outsider, make_user, other_force):
    from dvpo.roles import Rank, Role

    other_superintendent = make_user(
        "supt.elsewhere",
        role=Role.AUTHORISING_OFFICER,
        organisation=other_force,
        rank=Rank.SUPERINTENDENT,
    )
    for user in (outsider, other_superintendent):
        client.force_login(user)
        page = client.get("/").content.decode()
        assert "1234567/26" not in page
    assert "No DVPN applications are waiting for authorisation." in page


def test_home_page_query_count_is_bounded(
    client, submitted_dvpn, superintendent, django_assert_max_num_queries
):
    client.force_login(superintendent)
    with django_assert_max_num_queries(12):
        client.get("/")
