"""The breach pages: record a breach of a DVPN or DVPO, the arrest and the production
deadline, and the breach hearing outcome (Crime and Security Act 2010 s.26, s.29)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import DVPN, CaseEvent
from courts import rules, services
from courts.forms import breaches as forms
from courts.models import Breach
from dvpo.errors import EditConflict
from tests.helpers import flash, text, when

pytestmark = pytest.mark.django_db


def new_url(case):
    return reverse("breach_new", args=[case.pk])


def page(name, breach):
    return reverse(name, args=[breach.case_id, breach.pk])


def date_parts(prefix, day, month, year=2026) -> dict:
    return {f"{prefix}_day": str(day), f"{prefix}_month": str(month), f"{prefix}_year": str(year)}


def breach_data(breached, day, month, at, arrest=None, **overrides) -> dict:
    """A new breach at `at` (hh:mm) on day/month 2026; arrest = (day, month, "hh:mm")."""
    data = {
        "breached": breached,
        **date_parts("occurred_at", day, month),
        "occurred_time": at,
        "prohibition": "molestation",
        "reported_by": "victim",
        "description": "P came to the victim's door and shouted threats.",
    }
    if arrest:
        data.update(date_parts("arrested_at", arrest[0], arrest[1]), arrested_time=arrest[2])
    data.update(overrides)
    return data


def key(thing) -> str:
    return f"{'dvpo' if thing.__class__.__name__ == 'DVPO' else 'dvpn'}-{thing.pk}"


def make_breach(actor, *, dvpn=None, order=None, occurred, arrested=None) -> Breach:
    case = (dvpn or order).case
    return services.breach_record(
        actor=actor,
        case=case,
        dvpn=dvpn,
        order=order,
        occurred_at=when(occurred),
        arrested_at=when(arrested) if arrested else None,
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.POLICE,
    )


def outcome_data(breach, outcome, day=16, month=3, charge="no", **extra) -> dict:
    return {
        "expected_version": str(breach.lock_version),
        "outcome": outcome,
        **date_parts("outcome_on", day, month),
        "criminal_charge": charge,
        **extra,
    }


@pytest.fixture
def dvpn_breach(march_6, served_dvpn, officer):
    """A breach of the DVPN on Sat 7 Mar 20:00, no arrest yet (no DVPO application)."""
    march_6.move_to(when("2026-03-07T23:00:00+00:00"))
    return make_breach(officer, dvpn=served_dvpn, occurred="2026-03-07T20:00:00+00:00")


@pytest.fixture
def order_breach(march_6, order, officer):
    """A breach of the DVPO on Sat 14 Mar 21:00, arrested 22:00; the clock at Mon 16 Mar 12:00."""
    march_6.move_to(when("2026-03-15T09:00:00+00:00"))
    breach = make_breach(
        officer,
        order=order,
        occurred="2026-03-14T21:00:00+00:00",
        arrested="2026-03-14T22:00:00+00:00",
    )
    march_6.move_to(when("2026-03-16T12:00:00+00:00"))
    return breach


# --- Happy paths -----------------------------------------------------------------------


def test_dvpn_breach_production_is_the_hearing_when_sooner(
    client, march_6, application, served_dvpn, officer
):
    """Arrested Sat 7 Mar 08:00; the DVPO application is listed Sat 7 Mar 10:00: that is sooner
    than 24 counted hours, so P must be before the court by the hearing."""
    march_6.move_to(when("2026-03-07T08:30:00+00:00"))
    client.force_login(officer)
    response = client.get(new_url(served_dvpn.case))
    assert response.status_code == 200
    body = text(response)
    assert "DVPN (version 1), served Fri 6 Mar 2026, 09:00" in body
    assert f'value="{key(served_dvpn)}" checked' in body  # the only choice
    assert "Molested the victim" in body and "Entered the premises" not in body

    response = client.post(
        new_url(served_dvpn.case),
        breach_data(key(served_dvpn), 7, 3, "07:00", arrest=(7, 3, "08:00")),
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert response.url == page("breach_detail", breach)
    assert flash(response) == [
        "Breach recorded. P must be before the court by Sat 7 Mar 2026, 10:00"
    ]
    assert (breach.dvpn, breach.order) == (served_dvpn, None)
    assert breach.occurred_at == when("2026-03-07T07:00:00+00:00")
    assert breach.arrested_at == when("2026-03-07T08:00:00+00:00")
    assert breach.production_deadline == when("2026-03-07T10:00:00+00:00")
    assert breach.reported_by == "victim" and breach.recorded_by == officer
    assert breach.description == "P came to the victim's door and shouted threats."

    body = text(client.get(page("breach_detail", breach)))
    assert "Breach of the DVPN" in body
    assert "Sat 7 Mar 2026, 10:00 (1 h 30 m left)" in body
    assert "24 counted hours after the arrest" in body
    assert "Record the arrest" not in body
    assert "Record the breach hearing outcome" in body
    assert "Not dealt with yet" in body


def test_dvpn_breach_then_the_arrest_then_no_action(client, march_6, dvpn_breach, officer):
    """No listing: 24 counted hours from Sat 22:00, Sunday not counted, is Mon 22:00."""
    client.force_login(officer)
    body = text(client.get(page("breach_detail", dvpn_breach)))
    assert "Not arrested" in body and "Record the arrest" in body

    response = client.get(page("breach_arrest", dvpn_breach))
    assert response.status_code == 200
    assert f'value="{dvpn_breach.lock_version}"' in text(response)
    response = client.post(
        page("breach_arrest", dvpn_breach),
        {
            "expected_version": str(dvpn_breach.lock_version),
            **date_parts("arrested_at", 7, 3),
            "arrested_time": "22:00",
        },
    )
    assert response.status_code == 302
    assert response.url == page("breach_detail", dvpn_breach)
    assert flash(response) == [
        "Arrest recorded. P must be before the court by Mon 9 Mar 2026, 22:00"
    ]
    breach = Breach.objects.get()
    assert breach.production_deadline == when("2026-03-09T22:00:00+00:00")
    body = text(client.get(page("breach_detail", breach)))
    assert "Record the arrest" not in body
    assert "Sun 8 Mar 2026: Sunday" in body  # the day not counted

    march_6.move_to(when("2026-03-09T12:00:00+00:00"))
    client.force_login(officer)  # a new shift: the session has timed out
    response = client.post(page("breach_outcome", breach), outcome_data(breach, "no_action", day=9))
    assert response.status_code == 302 and flash(response) == ["Breach hearing outcome recorded"]
    breach.refresh_from_db()
    assert (breach.outcome, breach.fine_pounds, breach.criminal_charge) == (
        "no_action",
        None,
        False,
    )
    body = text(client.get(page("breach_detail", breach)))
    assert "No action" in body and "Record the breach hearing outcome" not in body


def test_dvpo_breach_over_a_weekend_then_a_fine(client, march_6, order, officer):
    """Arrested Sat 14 Mar 22:00: Sunday is not counted, so Mon 16 Mar 22:00."""
    march_6.move_to(when("2026-03-15T09:00:00+00:00"))
    client.force_login(officer)
    body = text(client.get(new_url(order.case)))
    assert f'value="{key(order)}" checked' in body  # the order in force is chosen first
    assert "DVPO made Sat 7 Mar 2026 for 28 days: in force until Sat 4 Apr 2026, 00:00" in body
    assert "DVPN (version 1), served Fri 6 Mar 2026, 09:00 (ended: application decided)" in body

    response = client.post(
        new_url(order.case),
        breach_data(key(order), 14, 3, "21:00", arrest=(14, 3, "22:00"), reported_by="caseworker"),
    )
    breach = Breach.objects.get()
    assert response.url == page("breach_detail", breach)
    assert flash(response) == [
        "Breach recorded. P must be before the court by Mon 16 Mar 2026, 22:00"
    ]
    assert (breach.order, breach.dvpn) == (order, None)
    assert breach.production_deadline == when("2026-03-16T22:00:00+00:00")

    march_6.move_to(when("2026-03-16T12:00:00+00:00"))
    client.force_login(officer)  # a new shift: the session has timed out
    response = client.get(page("breach_outcome", breach))
    assert response.status_code == 200
    response = client.post(
        page("breach_outcome", breach),
        outcome_data(breach, "fine", charge="yes", fine_pounds="£1,250.50", committal_days="9"),
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert (breach.outcome, breach.fine_pounds, breach.committal_days) == (
        "fine",
        Decimal("1250.50"),
        None,  # only the amount of the chosen sanction is read
    )
    assert breach.criminal_charge is True
    assert order.case.events.filter(kind=CaseEvent.Kind.BREACH_OUTCOME).exists()
    body = text(client.get(page("breach_detail", breach)))
    assert "Fine of £1,250.50" in body
    assert "Mon 16 Mar 2026" in body


def test_committal_for_a_dvpo_breach(client, order_breach, officer):
    client.force_login(officer)
    response = client.post(
        page("breach_outcome", order_breach),
        outcome_data(order_breach, "committal", committal_days="28"),
    )
    assert response.status_code == 302
    order_breach.refresh_from_db()
    assert (order_breach.outcome, order_breach.committal_days) == ("committal", 28)
    assert "Committal to custody for 28 days" in text(
        client.get(page("breach_detail", order_breach))
    )


def test_nothing_to_breach_before_service(client, march_6, submitted_dvpn, officer):
    client.force_login(officer)
    body = text(client.get(new_url(submitted_dvpn.case)))
    assert "Nothing on this case can be breached yet" in body
    assert "<form" not in body.split("<main")[1]
    response = client.post(new_url(submitted_dvpn.case), breach_data("dvpn-1", 6, 3, "08:00"))
    assert response.status_code == 200
    assert not Breach.objects.exists()


# --- Refusals: shown on the form, nothing changed ---------------------------------------


def assert_refused(response, message):
    assert response.status_code == 200
    body = text(response)
    assert body.count(message) >= 2, message  # in the error summary and by the field
    assert "<title>Error: " in body


BEFORE_ORDER = (
    "The breach must be after the DVPO was made (Sat 7 Mar 2026, 10:00). Until then the DVPN "
    "was in force: record it as a breach of the DVPN."
)
AFTER_ORDER = "The breach cannot be after the DVPO ended (Sat 4 Apr 2026, 00:00)."
BEFORE_SERVICE = "The breach cannot be before the DVPN was served (Fri 6 Mar 2026, 09:00)."
AFTER_DVPN = "The breach cannot be after the DVPN ended (Sat 7 Mar 2026, 10:00)."
ARREST_BEFORE = "The arrest cannot be before the breach (Fri 20 Mar 2026, 20:00)."
NEW_REFUSALS = [
    # (what, day, month, time, arrest, message); the clock at Fri 10 Apr 13:00 BST
    ("order", 10, 4, "13:01", None, rules.BREACH_IN_FUTURE),
    ("order", 6, 3, "23:00", None, BEFORE_ORDER),
    ("order", 7, 3, "10:00", None, BEFORE_ORDER),  # at the decision the DVPN still ran
    ("order", 4, 4, "00:30", None, AFTER_ORDER),
    ("dvpn", 6, 3, "08:00", None, BEFORE_SERVICE),
    ("dvpn", 7, 3, "10:30", None, AFTER_DVPN),
    ("order", 20, 3, "20:00", (20, 3, "19:00"), ARREST_BEFORE),
    ("order", 20, 3, "20:00", (10, 4, "13:01"), rules.ARREST_IN_FUTURE),
]


@pytest.mark.parametrize(("what", "day", "month", "at", "arrest", "message"), NEW_REFUSALS)
def test_new_breach_refusals(
    client, march_6, order, officer, what, day, month, at, arrest, message
):
    march_6.move_to(when("2026-04-10T12:00:00+00:00"))
    thing = order if what == "order" else order.application.dvpn
    client.force_login(officer)
    events = CaseEvent.objects.count()
    response = client.post(new_url(order.case), breach_data(key(thing), day, month, at, arrest))
    assert_refused(response, message)
    assert not Breach.objects.exists()
    assert CaseEvent.objects.count() == events


def test_a_prohibition_the_order_does_not_have(
    client, march_6, served_dvpn, court, officer, court_coordinator
):
    """The DVPN had a premises provision the order has not: both are offered, the service
    refuses the one the order lacks."""
    DVPN.objects.filter(pk=served_dvpn.pk).update(shares_premises=True, premises_no_enter=True)
    application = services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when("2026-03-07T10:00:00+00:00")
    )
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hearing = services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome="granted",
        expected_version=application.lock_version,
        order_days=28,
        premises_no_enter=False,
    )
    march_6.move_to(when("2026-03-20T12:00:00+00:00"))
    client.force_login(officer)
    assert "Entered the premises" in text(client.get(new_url(served_dvpn.case)))
    response = client.post(
        new_url(served_dvpn.case),
        breach_data(key(hearing.order), 20, 3, "10:00", prohibition="no_enter"),
    )
    assert_refused(response, "The DVPO has no such prohibition: entered the premises.")
    assert not Breach.objects.exists()


def test_new_breach_form_errors(client, march_6, served_dvpn, officer):
    march_6.move_to(when("2026-03-07T08:30:00+00:00"))
    client.force_login(officer)
    response = client.post(new_url(served_dvpn.case), {})
    body = text(response)
    for message in (
        forms.BREACHED_NEEDED,
        forms.OCCURRED_DATE_NEEDED,
        forms.OCCURRED_TIME_NEEDED,
        forms.REPORTED_BY_NEEDED,
        forms.PROHIBITION_NEEDED,
        forms.DESCRIPTION_NEEDED,
    ):
        assert message in body
    assert "<title>Error: " in body
    data = breach_data("dvpo-999", 31, 2, "25:00", prohibition="distance")
    data.update(date_parts("arrested_at", 7, 3))
    response = client.post(new_url(served_dvpn.case), data)
    body = text(response)
    for message in (
        forms.BREACHED_NEEDED,
        forms.OCCURRED_DATE_INVALID,
        forms.OCCURRED_TIME_INVALID,
        forms.PROHIBITION_NEEDED,  # the DVPN has no distance provision: not offered
        forms.ARREST_TIME_NEEDED,
    ):
        assert message in body
    assert not Breach.objects.exists()


def test_arrest_refusals(client, march_6, dvpn_breach, officer):
    client.force_login(officer)
    url = page("breach_arrest", dvpn_breach)
    base = {"expected_version": str(dvpn_breach.lock_version), "arrested_time": "19:00"}
    response = client.post(url, {**base, **date_parts("arrested_at", 7, 3)})
    assert_refused(response, "The arrest cannot be before the breach (Sat 7 Mar 2026, 20:00).")
    response = client.post(url, {**base, **date_parts("arrested_at", 8, 3)})
    assert_refused(response, rules.ARREST_IN_FUTURE)
    response = client.post(url, {"expected_version": str(dvpn_breach.lock_version)})
    assert forms.ARREST_DATE_NEEDED in text(response)
    assert forms.ARREST_TIME_NEEDED in text(response)
    dvpn_breach.refresh_from_db()
    assert dvpn_breach.arrested_at is None and dvpn_breach.lock_version == 1


@pytest.mark.parametrize(
    ("outcome", "extra", "message"),
    [
        ("fine", {"fine_pounds": "5000.01"}, rules.FINE_TOO_HIGH),
        ("fine", {}, rules.FINE_NEEDED),
        ("fine", {"fine_pounds": "lots"}, forms.FINE_INVALID),
        ("committal", {"committal_days": "61"}, rules.COMMITTAL_TOO_LONG),
        ("committal", {}, rules.COMMITTAL_NEEDED),
        ("committal", {"committal_days": "two"}, forms.COMMITTAL_INVALID),
        ("no_action", {"day": 17}, services.BREACH_OUTCOME_IN_FUTURE),
        ("no_action", {"day": 13}, services.BREACH_OUTCOME_BEFORE),
        ("", {}, forms.OUTCOME_NEEDED),
    ],
)
def test_outcome_refusals(client, order_breach, officer, outcome, extra, message):
    client.force_login(officer)
    day = extra.pop("day", 16)
    response = client.post(
        page("breach_outcome", order_breach), outcome_data(order_breach, outcome, day, **extra)
    )
    assert_refused(response, message)
    order_breach.refresh_from_db()
    assert order_breach.outcome == "" and order_breach.fine_pounds is None
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.BREACH_OUTCOME).exists()


@pytest.mark.parametrize("outcome", ["fine", "committal"])
def test_no_sanction_for_a_dvpn_breach(client, march_6, dvpn_breach, officer, outcome):
    march_6.move_to(when("2026-03-09T12:00:00+00:00"))
    client.force_login(officer)
    response = client.post(
        page("breach_outcome", dvpn_breach),
        outcome_data(dvpn_breach, outcome, day=9, fine_pounds="50", committal_days="7"),
    )
    assert_refused(response, rules.SANCTION_DVPN)
    dvpn_breach.refresh_from_db()
    assert dvpn_breach.outcome == ""


def test_stale_version_is_a_conflict(client, order_breach, officer, dvpo_officer):
    client.force_login(officer)
    stale = order_breach.lock_version
    services.breach_outcome_record(
        actor=dvpo_officer,
        breach=order_breach,
        outcome="adjourned",
        expected_version=stale,
    )
    response = client.post(
        page("breach_outcome", order_breach), outcome_data(order_breach, "no_action")
    )
    assert EditConflict.MESSAGE in text(response)
    response = client.post(
        page("breach_arrest", order_breach),
        {
            "expected_version": str(stale),
            **date_parts("arrested_at", 15, 3),
            "arrested_time": "10:00",
        },
    )
    assert EditConflict.MESSAGE in text(response)
    order_breach.refresh_from_db()
    assert order_breach.outcome == "adjourned"
    assert order_breach.arrested_at == when("2026-03-14T22:00:00+00:00")
    # Adjourned: the outcome can still be recorded.
    body = text(client.get(page("breach_detail", order_breach)))
    assert "Adjourned" in body and "Record the breach hearing outcome" in body


# --- Who may use the pages ---------------------------------------------------------------

RECORD_PAGES = [
    ("GET", "breach_arrest"),
    ("POST", "breach_arrest"),
    ("GET", "breach_outcome"),
    ("POST", "breach_outcome"),
]
ALL_PAGES = [("GET", "breach_detail"), ("GET", "breach_new"), ("POST", "breach_new")]
ALL_PAGES += RECORD_PAGES


def request_page(client, method, name, breach):
    url = new_url(breach.case) if name == "breach_new" else page(name, breach)
    return client.get(url) if method == "GET" else client.post(url, {})


@pytest.mark.parametrize("who", ["outsider", "caseworker"])
@pytest.mark.parametrize(("method", "name"), ALL_PAGES)
def test_outsiders_get_404(request, client, order_breach, who, method, name):
    client.force_login(request.getfixturevalue(who))
    assert request_page(client, method, name, order_breach).status_code == 404
    order_breach.refresh_from_db()
    assert order_breach.lock_version == 1 and Breach.objects.count() == 1


@pytest.mark.parametrize("who", ["court_coordinator", "supervisor"])
@pytest.mark.parametrize(("method", "name"), ALL_PAGES[1:])
def test_who_cannot_record_breaches_gets_403(request, client, order_breach, who, method, name):
    user = request.getfixturevalue(who)
    assert not services.can_record_breach(user, order_breach.case)
    client.force_login(user)
    assert request_page(client, method, name, order_breach).status_code == 403


@pytest.mark.parametrize("who", ["court_coordinator", "supervisor"])
def test_who_may_see_the_case_sees_the_breach_without_buttons(
    request, client, march_6, dvpn_breach, who
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(page("breach_detail", dvpn_breach))
    assert response.status_code == 200
    body = text(response)
    assert "Breach of the DVPN" in body
    assert "Record the arrest" not in body and "Record the breach hearing outcome" not in body


def test_a_dvpo_officer_of_the_bcu_may_record(client, order_breach, dvpo_officer):
    client.force_login(dvpo_officer)
    assert client.get(page("breach_outcome", order_breach)).status_code == 200
    assert client.get(new_url(order_breach.case)).status_code == 200


def test_a_breach_of_another_case_is_not_found(client, order_breach, officer):
    client.force_login(officer)
    url = reverse("breach_detail", args=[order_breach.case_id + 1000, order_breach.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("method", "name"), ALL_PAGES)
def test_anonymous_is_sent_to_sign_in(client, order_breach, method, name):
    response = request_page(client, method, name, order_breach)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Review fixes: double submission, the arrest time as typed ----------------------------


def test_the_breach_form_guards_against_a_double_click(client, march_6, served_dvpn, officer):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    client.force_login(officer)
    body = text(client.get(new_url(served_dvpn.case)))
    assert 'data-prevent-double-click="true">Record the breach</button>' in body
    data = breach_data(key(served_dvpn), 7, 3, "11:00")
    assert client.post(new_url(served_dvpn.case), data).status_code == 302
    events = CaseEvent.objects.count()
    response = client.post(new_url(served_dvpn.case), data)  # the second click
    assert response.status_code == 200
    assert "This breach has already been recorded (at Sat 7 Mar 2026, 12:00)" in text(response)
    assert Breach.objects.count() == 1 and CaseEvent.objects.count() == events


def test_the_arrest_form_keeps_a_repeated_time_as_typed(client, march_6, served_dvpn, officer):
    """01:30 happened twice on Sun 25 Oct 2026: the form must say which, so that saving it
    unchanged keeps the arrest where it was."""
    arrested = when("2026-10-25T01:30:00+00:00")  # 01:30 GMT, the second one
    breach = Breach.objects.create(
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-07T20:00:00+00:00"),
        prohibition=Breach.Prohibition.MOLESTATION,
        reported_by=Breach.ReportedBy.POLICE,
        arrested_at=arrested,
        recorded_by=officer,
        recorded_at=when("2026-03-07T21:00:00+00:00"),
    )
    march_6.move_to(when("2026-10-26T12:00:00+00:00"))
    client.force_login(officer)
    body = text(client.get(page("breach_arrest", breach)))
    assert 'value="01:30 GMT"' in body
    response = client.post(
        page("breach_arrest", breach),
        {
            "expected_version": breach.lock_version,
            **date_parts("arrested_at", 25, 10),
            "arrested_time": "01:30 GMT",
        },
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.arrested_at == arrested
