"""The home page's panels show each role its own work, and nobody else's."""

from datetime import datetime

from django.urls import reverse

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
    # +1: the two-factor device; +2: the people of the cases listed, and the access-log row
    with django_assert_max_num_queries(15):
        client.get("/")


def test_court_coordinator_sees_hearings_listed_and_the_nav_link(
    client, served_dvpn, officer, court_coordinator, march_6
):
    from courts.models import Court
    from courts.services import application_create

    court = Court.objects.create(name="Testtown Magistrates' Court", code="TT", address="1 St")
    application_create(
        actor=officer,
        dvpn=served_dvpn,
        court=court,
        listed_for=datetime.fromisoformat("2026-03-07T10:00:00+00:00"),
    )
    client.force_login(court_coordinator)
    page = client.get("/").content.decode()
    assert "1234567/26" in page and "Sat 7 Mar 2026, 10:00" in page
    assert 'href="/hearings/">Hearings</a>' in page
    client.force_login(officer)
    assert 'href="/hearings/">Hearings</a>' not in client.get("/").content.decode()


def test_the_home_panel_leaves_out_the_authorisers_own_applications(
    client, make_user, force, bcu, team, case, victim, perpetrator
):
    from dvpo.roles import Rank, Role
    from dvpo.services import user_set_roles
    from tests.conftest import COMPLETE_APPLICATION

    both = make_user("supt.applicant", organisation=force, rank=Rank.SUPERINTENDENT, bcu=bcu)
    both.team = team
    both.save()
    user_set_roles(user=both, roles=[Role.AUTHORISING_OFFICER, Role.OFFICER])
    dvpn = services.dvpn_start(actor=both, case=case)
    dvpn = services.dvpn_update(
        actor=both, dvpn=dvpn, expected_version=dvpn.lock_version, **COMPLETE_APPLICATION
    )
    dvpn = services.dvpn_submit(actor=both, dvpn=dvpn, expected_version=dvpn.lock_version)
    client.force_login(both)
    page = client.get("/").content.decode()
    assert f"/cases/{case.pk}/dvpn/{dvpn.pk}/decide/" not in page
    assert "No DVPN applications are waiting for authorisation." in page
    queue = client.get(reverse("authorisation_queue")).content.decode()
    assert "Your application" in queue
