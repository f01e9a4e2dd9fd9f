"""The deadline queues page (issue 7 item 5). The clock starts at Fri 6 Mar 2026 09:00 GMT
(`march_6`); the fixture case was reported Thu 5 Mar 21:30, its DVPN (`served_dvpn`) served
Fri 6 Mar 09:00, so the hearing must start by Mon 9 Mar 09:00 (Sunday is not counted)."""

import pytest
from django.urls import reverse

from cases import queues
from cases.models import Case, RiskAssessment, Task
from cases.services import case_create, party_add, risk_assess, risk_review, safe_contact_save
from dvpo.models import Team
from dvpo.roles import Rank, Role
from tests.helpers import decide, when

URL = reverse("queues")


def page(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def refs(response) -> list[str]:
    return [row.case.crime_reference for row in response.context["rows"]]


def count(response, code: str) -> int:
    return next(tab["count"] for tab in response.context["tabs"] if tab["code"] == code)


def assert_counts_match_rows(client, user):
    """Every tab's count (one statement compiled once, `now` bound per request) is the number
    of rows its queue lists at this moment."""
    counts = {tab["code"]: tab["count"] for tab in page(client, user).context["tabs"]}
    listed = {code: len(refs(page(client, user, queue=code))) for code in queues.QUEUES}
    assert counts == listed


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def court(db):
    from courts.models import Court

    return Court.objects.create(
        name="Testtown Magistrates' Court", code="testtown", sitting_days=[0, 1, 2, 3, 4, 5, 6]
    )


@pytest.fixture
def other_supervisor(make_user, force, other_bcu):
    return make_user(
        "sgt.west", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=other_bcu
    )


@pytest.fixture
def other_force_supervisor(make_user, other_force):
    from dvpo.models import BCU

    bcu = BCU.objects.create(force=other_force, code="Y", name="Y BCU")
    return make_user(
        "sgt.else", role=Role.SUPERVISOR, organisation=other_force, rank=Rank.SERGEANT, bcu=bcu
    )


@pytest.fixture
def colleague(make_user, force, bcu):
    """Another constable of the BCU, in another team."""
    other_team = Team.objects.create(bcu=bcu, name="East Neighbourhood")
    user = make_user(
        "pc.other",
        role=Role.OFFICER,
        organisation=force,
        rank=Rank.CONSTABLE,
        bcu=bcu,
        team=other_team,
    )
    user.last_name = "Aardvark"
    user.save(update_fields=["last_name"])
    return user


def new_case(owner, reference, *, bcu=None, team="same"):
    return case_create(
        actor=owner,
        crime_reference=reference,
        reported_at=when("2026-03-05T21:30:00+00:00"),
        bcu=bcu or owner.bcu,
        team=owner.team if team == "same" else team,
        location="1 Example Road",
        summary="A fictional incident.",
    )


def dash(owner, case, instrument):
    victim = party_add(
        actor=owner,
        case=case,
        role="victim",
        first_name="Val",
        last_name=f"Victim{case.pk}",
        gender="female",
    )
    numbers = list(instrument.questions.values_list("number", flat=True))
    return risk_assess(
        actor=owner,
        case=case,
        victim=victim,
        instrument=instrument,
        answers={n: "no" for n in numbers},
        grade="standard",
        rationale="The officer's judgement.",
    )


@pytest.fixture
def application(served_dvpn, court, officer):
    from courts import services

    return services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-07T10:00:00+00:00")
    )


@pytest.fixture
def order(application, court_coordinator, march_6):
    """A 28-day order made Sat 7 Mar: ends Sat 4 Apr 2026 00:00 BST (Fri 3 Apr 23:00 UTC)."""
    from courts import services

    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    return services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome="granted",
        expected_version=application.lock_version,
        p_attended=True,
        order_days=28,
    ).order


@pytest.fixture
def draft_referral(march_6, case, victim, officer, service):
    """Due by Tue 10 Mar 2026 00:00 GMT (two working days after Thu 5 Mar)."""
    from referrals.services import referral_create

    return referral_create(
        actor=officer, case=case, victim=victim, service=service, what_done="P arrested; DVPN."
    )


@pytest.fixture
def sent_referral(draft_referral, served_dvpn, victim, officer, instrument, case):
    from referrals.services import referral_consent_record, referral_send

    safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=None,
        safe_phone="07700 900123",
        safe_times="Weekdays after 18:00",
        permissions_confirmed=True,
    )
    numbers = list(instrument.questions.values_list("number", flat=True))
    risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers={n: "no" for n in numbers},
        grade="medium",
        rationale="The officer's judgement.",
    )
    referral = referral_consent_record(
        actor=officer,
        referral=draft_referral,
        consent="given",
        expected_version=draft_referral.lock_version,
    )
    return referral_send(actor=officer, referral=referral, expected_version=referral.lock_version)


# --- Who may see the page -----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_caseworker_gets_404(client, caseworker):
    assert page(client, caseworker).status_code == 404


def test_post_is_not_allowed(client, supervisor):
    client.force_login(supervisor)
    assert client.post(URL).status_code == 405


def test_supervisor_and_dvpo_officer_see_the_team_queues(client, march_6, supervisor, dvpo_officer):
    for user in (supervisor, dvpo_officer):
        response = page(client, user)
        assert response.status_code == 200
        assert response.context["team_view"]
        assert "<title>Deadline queues" in response.content.decode()


def test_officer_sees_only_their_own(
    client, march_6, submitted_dvpn, officer, make_user, team, bcu
):
    teammate = make_user(
        "pc.mate",
        role=Role.OFFICER,
        organisation=officer.organisation,
        rank=Rank.CONSTABLE,
        bcu=bcu,
        team=team,
    )
    response = page(client, officer, queue="authorisation")
    assert response.status_code == 200
    assert not response.context["team_view"]
    html = response.content.decode()
    assert "<title>Your deadlines" in html
    assert refs(response) == ["1234567/26"]
    assert 'name="owner"' not in html  # no owner, BCU or team filters
    # A teammate may see the case (same team) but does not own it: not in their deadlines.
    response = page(client, teammate, queue="authorisation")
    assert refs(response) == []
    assert count(response, "authorisation") == 0


def test_other_force_and_other_bcu_see_none_of_these_cases(
    client, march_6, submitted_dvpn, outsider, other_force_supervisor, other_supervisor
):
    for user in (outsider, other_force_supervisor, other_supervisor):
        response = page(client, user, queue="authorisation")
        assert response.status_code == 200
        assert refs(response) == []
        assert all(tab["count"] == 0 for tab in response.context["tabs"])
        assert "1234567/26" not in response.content.decode()


def test_other_force_bcu_in_the_filter_is_refused(
    client, march_6, submitted_dvpn, outsider, supervisor
):
    response = page(client, supervisor, queue="authorisation", bcu=outsider.bcu_id)
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert refs(response) == ["1234567/26"]  # the bad filter is ignored


# --- Each queue's rules ---------------------------------------------------------------------------


def test_authorisation_queue(client, march_6, submitted_dvpn, supervisor, superintendent):

    response = page(client, supervisor, queue="authorisation")
    assert refs(response) == ["1234567/26"]
    # Expected an hour after submission (the first reminder step): 1 h left at 09:00.
    assert response.context["rows"][0].when == "Fri 6 Mar 2026, 10:00 (1 h 0 m left)"
    march_6.move_to(when("2026-03-06T12:00:00+00:00"))
    response = page(client, supervisor, queue="authorisation")
    assert "overdue by 2 h 0 m" in response.content.decode()
    decide(submitted_dvpn, by=superintendent)
    assert refs(page(client, supervisor, queue="authorisation")) == []


def test_hearing_due_within_24_hours_without_listing(
    client, served_dvpn, march_6, supervisor, court, officer
):
    from courts import services

    # Fri 09:00: the deadline (Mon 09:00) is more than 24 h away.
    assert refs(page(client, supervisor, queue="hearings-due")) == []
    assert_counts_match_rows(client, supervisor)
    march_6.move_to(when("2026-03-08T10:00:00+00:00"))  # Sun 10:00: 23 h to go
    response = page(client, supervisor, queue="hearings-due")
    assert refs(response) == ["1234567/26"]
    assert count(response, "hearings-due") == 1
    assert_counts_match_rows(client, supervisor)
    assert response.context["rows"][0].when == "Mon 9 Mar 2026, 09:00 (23 h 0 m left)"
    services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-09T08:00:00+00:00")
    )
    assert refs(page(client, supervisor, queue="hearings-due")) == []


def test_hearing_overdue_until_lapsed(client, served_dvpn, march_6, supervisor):
    from courts.services import dvpns_lapse

    assert refs(page(client, supervisor, queue="hearings-overdue")) == []
    march_6.move_to(when("2026-03-09T10:30:00+00:00"))
    response = page(client, supervisor, queue="hearings-overdue")
    assert refs(response) == ["1234567/26"]
    assert response.context["rows"][0].when == "Mon 9 Mar 2026, 09:00 (overdue by 1 h 30 m)"
    assert_counts_match_rows(client, supervisor)
    assert refs(page(client, supervisor, queue="hearings-due")) == []
    dvpns_lapse(now=when("2026-03-09T10:30:00+00:00"))
    assert refs(page(client, supervisor, queue="hearings-overdue")) == []
    # ... and the lapsed DVPN now waits to come off the PNC.
    assert refs(page(client, supervisor, queue="pnc-removal")) == ["1234567/26"]
    Task.objects.filter(kind=Task.Kind.PNC_REMOVAL).update(
        done_at=when("2026-03-09T11:00:00+00:00")
    )
    assert refs(page(client, supervisor, queue="pnc-removal")) == []


def test_hearing_started_in_time_is_not_overdue(
    client, application, court_coordinator, march_6, supervisor
):
    from courts import services

    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome="adjourned",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),
        adjournment_reason="P asked for time.",
        expected_version=application.lock_version,
    )
    march_6.move_to(when("2026-03-09T12:00:00+00:00"))
    assert refs(page(client, supervisor, queue="hearings-overdue")) == []


def test_pnc_removal_of_an_ended_dvpn_is_not_in_the_lapsed_queue(
    client, application, court_coordinator, march_6, supervisor
):
    from courts import services

    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome="refused",
        reasons="Not necessary.",
        expected_version=application.lock_version,
    )
    assert Task.objects.filter(kind=Task.Kind.PNC_REMOVAL, done_at__isnull=True).exists()
    assert refs(page(client, supervisor, queue="pnc-removal")) == []


def test_referral_due_today_or_overdue(client, draft_referral, march_6, supervisor):
    # Due Tue 10 Mar 00:00: not on Friday, "due today" all Monday, overdue on Tuesday.
    assert refs(page(client, supervisor, queue="referrals")) == []
    march_6.move_to(when("2026-03-09T08:00:00+00:00"))
    response = page(client, supervisor, queue="referrals")
    assert refs(response) == ["1234567/26"]
    assert response.context["rows"][0].when == "Tue 10 Mar 2026, 00:00 (16 h 0 m left)"
    assert_counts_match_rows(client, supervisor)
    march_6.move_to(when("2026-03-10T09:00:00+00:00"))
    response = page(client, supervisor, queue="referrals")
    assert response.context["rows"][0].overdue
    assert "overdue by 9 h 0 m" in response.content.decode()


def test_sent_referral_leaves_the_referral_queue_and_waits_for_contact(
    client, sent_referral, march_6, supervisor, caseworker
):
    from referrals.services import contact_attempt_log

    march_6.move_to(when("2026-03-10T09:00:00+00:00"))
    assert refs(page(client, supervisor, queue="referrals")) == []
    response = page(client, supervisor, queue="not-contacted")
    assert refs(response) == ["1234567/26"]
    assert "Referred to Test Support" in response.content.decode()
    # Due: the caseworker's first attempt (one working day after sending), not the referral.
    assert response.context["rows"][0].due == sent_referral.first_contact_due_at
    assert "the first attempt was due by" in response.content.decode()
    contact_attempt_log(
        actor=caseworker,
        referral=sent_referral,
        at=when("2026-03-10T08:30:00+00:00"),
        outcome="no_answer",
    )
    assert refs(page(client, supervisor, queue="not-contacted")) == []


def test_orders_expiring_within_3_days(client, order, march_6, supervisor, court_coordinator):
    from courts.services import order_discharge

    assert refs(page(client, supervisor, queue="orders-expiring")) == []
    march_6.move_to(when("2026-04-01T12:00:00+00:00"))  # ends Fri 3 Apr 23:00 UTC: 2 days 11 h
    response = page(client, supervisor, queue="orders-expiring")
    assert refs(response) == ["1234567/26"]
    assert response.context["rows"][0].when == "Sat 4 Apr 2026, 00:00 (2 days 11 h left)"
    assert_counts_match_rows(client, supervisor)
    order_discharge(
        actor=court_coordinator,
        order=order,
        reason="Varied by consent.",
        expected_version=order.lock_version,
    )
    assert refs(page(client, supervisor, queue="orders-expiring")) == []


def test_breaches_awaiting_court(client, served_dvpn, march_6, supervisor, officer):
    from courts.services import breach_outcome_record, breach_record

    march_6.move_to(when("2026-03-06T23:00:00+00:00"))
    breach_record(  # no arrest: no production deadline, not in the queue
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-06T20:00:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
    )
    assert refs(page(client, supervisor, queue="breaches")) == []
    arrested = breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-06T21:00:00+00:00"),
        arrested_at=when("2026-03-06T22:00:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
    )
    response = page(client, supervisor, queue="breaches")
    assert refs(response) == ["1234567/26"]
    assert response.context["rows"][0].when == "Sat 7 Mar 2026, 22:00 (23 h 0 m left)"
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    breach_outcome_record(
        actor=officer, breach=arrested, outcome="no_action", expected_version=arrested.lock_version
    )
    assert refs(page(client, supervisor, queue="breaches")) == []


def test_dash_awaiting_quality_assurance(client, march_6, case, officer, supervisor, instrument):
    risk = dash(officer, case, instrument)
    response = page(client, supervisor, queue="dash")
    assert refs(response) == ["1234567/26"]
    assert response.context["rows"][0].since == "Fri 6 Mar 2026, 09:00"
    risk_review(actor=supervisor, risk=risk, grade="standard", expected_version=risk.lock_version)
    assert refs(page(client, supervisor, queue="dash")) == []


def test_each_queue_has_an_empty_state(client, march_6, supervisor):
    for code, queue in queues.QUEUES.items():
        response = page(client, supervisor, queue=code)
        assert response.status_code == 200
        html = response.content.decode()
        assert queue.empty.replace("'", "&#x27;") in html
        assert 'aria-current="page"' in html


def test_unknown_queue_shows_the_first(client, march_6, supervisor):
    response = page(client, supervisor, queue="nonsense")
    assert response.context["queue"].code == queues.DEFAULT_QUEUE


# --- Filters, sorting and paging -----------------------------------------------------------------


@pytest.fixture
def three_dash(march_6, case, officer, colleague, instrument, other_bcu):
    """DASH grades waiting: 1234567/26 (officer, 09:00), 0000001/26 (colleague, 10:00),
    9999999/26 (officer, other BCU, no team, 11:00). The officer is Zebra, the colleague
    Aardvark."""
    officer.last_name = "Zebra"
    officer.save(update_fields=["last_name"])
    dash(officer, case, instrument)
    march_6.move_to(when("2026-03-06T10:00:00+00:00"))
    dash(colleague, new_case(colleague, "0000001/26"), instrument)
    march_6.move_to(when("2026-03-06T11:00:00+00:00"))
    dash(officer, new_case(officer, "9999999/26", bcu=other_bcu, team=None), instrument)


def test_filters_by_owner_team_and_bcu(
    client, three_dash, supervisor, officer, colleague, team, bcu, other_bcu
):
    everyone = page(client, supervisor, queue="dash")
    # The supervisor's BCU only: the case in the other BCU is not theirs to see.
    assert refs(everyone) == ["1234567/26", "0000001/26"]
    assert refs(page(client, supervisor, queue="dash", owner=colleague.pk)) == ["0000001/26"]
    assert refs(page(client, supervisor, queue="dash", team=team.pk)) == ["1234567/26"]
    assert refs(page(client, supervisor, queue="dash", bcu=other_bcu.pk)) == []
    response = page(client, supervisor, queue="dash", bcu=bcu.pk, owner=officer.pk)
    assert refs(response) == ["1234567/26"]
    assert count(response, "dash") == 1
    # The owner filter offers only people owning cases the supervisor may see.
    choices = page(client, supervisor).context["form"].fields["owner"].choices
    assert {pk for pk, _ in choices if pk} == {officer.pk, colleague.pk}
    assert (colleague.pk, colleague.display_name) in choices


def test_officer_sees_their_own_across_bcus(client, three_dash, officer):
    response = page(client, officer, queue="dash")
    assert refs(response) == ["1234567/26", "9999999/26"]
    # Each row says where the case is: the BCU, and the team when the case has one.
    assert [row.place for row in response.context["rows"]] == [
        "East BCU, East Response",
        "West BCU",
    ]
    assert "East BCU, East Response" in response.content.decode()


def test_sorting(client, three_dash, supervisor):
    assert refs(page(client, supervisor, queue="dash", sort="reference")) == [
        "0000001/26",
        "1234567/26",
    ]
    by_owner = refs(page(client, supervisor, queue="dash", sort="owner"))
    assert by_owner == ["0000001/26", "1234567/26"]  # Aardvark before Zebra
    assert refs(page(client, supervisor, queue="dash", sort="due")) == ["1234567/26", "0000001/26"]


def _many_dash(case, count):
    risk = RiskAssessment.objects.get(case=case)
    rows = []
    for n in range(count):
        other = Case.objects.get(pk=case.pk)
        other.pk = None
        other.crime_reference = f"{n:07d}/25"
        other.save()
        rows.append((other, risk))
    RiskAssessment.objects.bulk_create(
        RiskAssessment(
            case=other,
            victim=risk.victim,
            instrument=risk.instrument,
            answers=risk.answers,
            yes_count=0,
            suggested_grade="standard",
            grade="standard",
            assessed_by=risk.assessed_by,
            assessed_at=risk.assessed_at,
            final_grade="standard",
        )
        for other, risk in rows
    )


def test_pagination(client, march_6, case, officer, supervisor, instrument):
    dash(officer, case, instrument)
    _many_dash(case, 30)  # 31 waiting
    first = page(client, supervisor, queue="dash")
    assert len(first.context["rows"]) == 25
    assert count(first, "dash") == 31
    second = page(client, supervisor, queue="dash", page=2)
    assert len(second.context["rows"]) == 6
    html = second.content.decode()
    assert "Page 2 of 2" in html
    assert "queue=dash" in html  # the tab links and pages keep the queue


def test_query_count_does_not_grow_with_rows(
    client, march_6, case, officer, supervisor, instrument, django_assert_max_num_queries
):
    dash(officer, case, instrument)
    client.force_login(supervisor)
    # The eleven tab counts are one statement (they were eleven); +1: the two-factor device
    with django_assert_max_num_queries(18):
        client.get(URL, {"queue": "dash"})
    _many_dash(case, 40)
    with django_assert_max_num_queries(18):
        response = client.get(URL, {"queue": "dash", "owner": officer.pk, "sort": "owner"})
    assert len(response.context["rows"]) == 25


@pytest.mark.parametrize(
    "now",
    [
        "2026-03-29T00:30:00+00:00",  # the spring clock change: 23-hour London day
        "2026-03-29T23:30:00+00:00",  # 00:30 BST on Monday
        "2026-10-25T00:30:00+00:00",  # 01:30 BST on the autumn clock-change Sunday
        "2026-10-25T23:30:00+00:00",  # the 25-hour day's last hour
        "2026-12-25T12:00:00+00:00",
    ],
)
def test_the_open_now_of_the_counts_binds_as_the_rows_compute(now):
    moment = when(now)
    assert queues._Now().bind(moment) == moment
    assert (queues._Now() + queues.HEARING_SOON).bind(moment) == moment + queues.HEARING_SOON
    assert queues._end_of_today(queues._Now()).bind(moment) == queues._end_of_today(moment)
