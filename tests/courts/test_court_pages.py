"""The court pages of a case: the court part of the case page, listing the DVPO hearing,
recording a hearing's outcome, varying and discharging the order, and the court pack
(Crime and Security Act 2010 s.27-s.29).

The DVPN of `served_dvpn` was served at 09:00 on Fri 6 Mar 2026: the hearing must start by
Mon 9 Mar 2026 09:00. `application` is listed for Sat 7 Mar 10:00."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cases.models import DVPN
from courts import services
from courts.forms import court as forms
from courts.models import DVPO, Court, DVPOApplication, Hearing
from courts.views.court import pack_filename
from dvpo.errors import EditConflict
from tests.helpers import flash, text, when

pytestmark = pytest.mark.django_db

DEADLINE = "Mon 9 Mar 2026, 09:00"


def court_part(response) -> str:
    """The court section of the case page (not the timeline, which repeats some words)."""
    body = text(response)
    start = body.find('id="court"')
    assert start != -1, "no court section"
    return body[start : body.index('id="timeline"')]


def case_page(client, case):
    return client.get(reverse("case_detail", args=[case.pk]))


def apply_url(case):
    return reverse("court_application_new", args=[case.pk])


def app_url(name, application):
    return reverse(name, args=[application.dvpn.case_id, application.pk])


def order_url(name, order):
    return reverse(name, args=[order.case_id, order.pk])


def listing(court, *, day="7", month="3", time="10:00", **extra):
    data = {
        "court": court.pk,
        "listed_for_day": day,
        "listed_for_month": month,
        "listed_for_year": "2026",
        "listed_time": time,
        "fee": "uncontested",
    }
    data.update(extra)
    return data


def outcome(application, result, **extra):
    data = {
        "expected_version": application.lock_version,
        "outcome": result,
        "held_at_day": "7",
        "held_at_month": "3",
        "held_at_year": "2026",
        "held_time": "10:00",
    }
    data.update(extra)
    return data


def fresh(model, row):
    return model.objects.get(pk=row.pk)


@pytest.fixture
def saturday_noon(march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    return march_6


@pytest.fixture
def shared_dvpn(served_dvpn):
    """The victim and P share premises; the notice also bars P from the premises."""
    DVPN.objects.filter(pk=served_dvpn.pk).update(shares_premises=True, premises_no_enter=True)
    return fresh(DVPN, served_dvpn)


# --- Who may use the pages ------------------------------------------------------------

PAGES = [
    ("GET", "court_application_new"),
    ("POST", "court_application_new"),
    ("GET", "court_application_edit"),
    ("POST", "court_application_edit"),
    ("GET", "hearing_outcome"),
    ("POST", "hearing_outcome"),
    ("GET", "court_pack_pdf"),
    ("GET", "order_vary"),
    ("POST", "order_vary"),
    ("GET", "order_discharge"),
    ("POST", "order_discharge"),
]
WORK_PAGES = [page for page in PAGES if page[1] != "court_pack_pdf"]


def url_for(name, order):
    if name == "court_application_new":
        return apply_url(order.case)
    if name in ("order_vary", "order_discharge"):
        return order_url(name, order)
    return app_url(name, order.application)


def call(client, method, url, data=None):
    return client.post(url, data or {}) if method == "POST" else client.get(url)


@pytest.mark.parametrize(("method", "name"), PAGES)
@pytest.mark.parametrize("who", ["outsider", "caseworker"])
def test_outsiders_and_caseworkers_get_404_everywhere(client, request, order, who, method, name):
    client.force_login(request.getfixturevalue(who))
    response = call(client, method, url_for(name, order), {"expected_version": 0})
    assert response.status_code == 404
    assert fresh(DVPO, order).lock_version == order.lock_version


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, order, method, name):
    response = call(client, method, url_for(name, order))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name"), WORK_PAGES)
@pytest.mark.parametrize("who", ["superintendent", "supervisor"])
def test_those_who_only_view_cannot_do_court_work(client, request, order, who, method, name):
    client.force_login(request.getfixturevalue(who))
    response = call(client, method, url_for(name, order), {"expected_version": 0})
    assert response.status_code == 403


def test_a_superintendent_sees_the_court_part_but_no_buttons(client, superintendent, order):
    client.force_login(superintendent)
    part = court_part(case_page(client, order.case))
    assert "DVPO" in part and "In force" in part
    assert "Record the hearing outcome" not in part
    assert order_url("order_vary", order) not in part
    assert "Record a breach" not in part
    assert client.get(url_for("court_pack_pdf", order)).status_code == 200


def test_a_wrong_application_or_order_id_is_404(
    client, officer, court_coordinator, order, application
):
    client.force_login(court_coordinator)
    case = order.case
    assert client.get(reverse("court_application_edit", args=[case.pk, 9999])).status_code == 404
    assert client.get(reverse("order_vary", args=[case.pk, 9999])).status_code == 404
    assert client.get(reverse("court_pack_pdf", args=[case.pk, 9999])).status_code == 404


# --- The case page ----------------------------------------------------------------------


def test_no_court_part_before_service(client, officer, submitted_dvpn):
    client.force_login(officer)
    assert 'id="court"' not in text(case_page(client, submitted_dvpn.case))


def test_a_served_dvpn_offers_listing_the_hearing(client, officer, court_coordinator, served_dvpn):
    for user in (officer, court_coordinator):
        client.force_login(user)
        part = court_part(case_page(client, served_dvpn.case))
        assert "List the DVPO hearing" in part
        assert apply_url(served_dvpn.case) in part
        assert "FP" in part and "FQ" in part  # authorised, served


def test_the_listed_application_on_the_case_page(client, officer, court_coordinator, application):
    client.force_login(officer)
    part = court_part(case_page(client, application.case))
    assert "Testtown Magistrates' Court" in part
    assert "Sat 7 Mar 2026, 10:00" in part
    assert "Listed after the hearing deadline" not in part
    assert "Uncontested" in part and "Not paid" in part
    assert "Missing" in part and "The officer's statement" in part
    # Officers list and change the application; the court coordinator records the outcome.
    assert app_url("court_application_edit", application) in part
    assert "Record the hearing outcome" not in part
    assert app_url("hearing_outcome", application) not in part
    assert "Download the court pack (PDF)" in part
    assert "List the DVPO hearing" not in part
    client.force_login(court_coordinator)
    part = court_part(case_page(client, application.case))
    assert "Record the hearing outcome" in part
    assert app_url("hearing_outcome", application) in part
    assert app_url("court_application_edit", application) in part


def test_complete_paperwork_says_so(client, officer, application):
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        **{name: True for name, _ in forms.PAPERWORK_CHOICES},
    )
    client.force_login(officer)
    part = court_part(case_page(client, application.case))
    assert "Complete" in part and "Missing" not in part


def test_granted_shows_the_order(client, officer, court_coordinator, order):
    client.force_login(officer)
    part = court_part(case_page(client, order.case))
    assert "In force" in part and order_url("order_vary", order) not in part
    client.force_login(court_coordinator)
    part = court_part(case_page(client, order.case))
    assert "Granted: DVPO made" in part
    assert "P: yes; victim: no" in part
    assert "Sat 7 Mar 2026" in part  # made on
    assert "Fri 3 Apr 2026" in part  # last day: 7 Mar + 28 - 1
    assert "In force" in part
    assert "P must not molest the victim" in part
    assert order_url("order_vary", order) in part
    assert order_url("order_discharge", order) in part
    assert "Record the hearing outcome" not in part
    assert "FS" in part  # DVPO issued


def test_an_order_past_its_end_shows_expired(client, officer, order, march_6):
    march_6.move_to(when("2026-04-04T09:00:00+00:00"))
    client.force_login(officer)
    part = court_part(case_page(client, order.case))
    assert "Expired" in part and order_url("order_vary", order) not in part


@pytest.mark.parametrize("result", ["refused", "withdrawn"])
def test_refused_and_withdrawn_on_the_case_page(
    client, officer, court_coordinator, application, saturday_noon, result
):
    services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome=result,
        expected_version=application.lock_version,
        reasons="Not necessary.",
    )
    client.force_login(officer)
    part = court_part(case_page(client, application.case))
    assert result.capitalize() in part
    assert "Not necessary." in part
    assert "Record the hearing outcome" not in part
    assert "Vary" not in part


def test_adjourned_on_the_case_page(client, officer, court_coordinator, application, saturday_noon):
    services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when("2026-03-07T10:00:00+00:00"),
        outcome="adjourned",
        expected_version=application.lock_version,
        adjournment_reason="P asked for time to get a solicitor.",
        adjourned_to=when("2026-03-10T10:00:00+00:00"),
    )
    client.force_login(court_coordinator)
    part = court_part(case_page(client, application.case))
    assert "Adjourned to" in part and "Tue 10 Mar 2026, 10:00" in part
    assert "P asked for time to get a solicitor." in part
    assert "Record the hearing outcome" in part
    assert "Lapsed" not in part  # a hearing started in time


def test_a_lapsed_dvpn_is_shown_clearly(client, officer, application, march_6):
    march_6.move_to(when("2026-03-09T10:00:00+00:00"))
    client.force_login(officer)
    # Before the lapse job has run, and after it.
    assert f"Lapsed: no hearing by {DEADLINE}; do not enforce; remove from the PNC" in court_part(
        case_page(client, application.case)
    )
    assert services.dvpns_lapse(now=when("2026-03-09T10:00:00+00:00")) == 1
    part = court_part(case_page(client, application.case))
    assert f"Lapsed: no hearing by {DEADLINE}; do not enforce; remove from the PNC" in part


def test_breaches_and_flags_on_the_case_page(client, officer, court_coordinator, order, march_6):
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    breach = services.breach_record(
        actor=officer,
        case=order.case,
        order=order,
        occurred_at=when("2026-03-10T08:00:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
        arrested_at=when("2026-03-10T09:00:00+00:00"),
    )
    client.force_login(officer)
    part = court_part(case_page(client, order.case))
    assert "Breach of the DVPO, Tue 10 Mar 2026, 08:00" in part
    assert "Molested the victim" in part and "Victim" in part
    assert "Wed 11 Mar 2026, 09:00" in part  # 24 counted hours after the arrest
    assert "Not dealt with yet" in part
    assert reverse("breach_detail", args=[order.case_id, breach.pk]) in part
    assert "Record a breach" in part and reverse("breach_new", args=[order.case_id]) in part
    for code in ("FP", "FQ", "FS", "FU"):
        assert f">{code}<" in part
    assert ">FT<" not in part
    client.force_login(court_coordinator)  # may not record breaches
    assert "Record a breach" not in court_part(case_page(client, order.case))


def test_the_court_part_runs_a_fixed_number_of_queries(client, officer, order, march_6):
    """More hearings or breaches do not add queries (breaches not yet arrested)."""
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    client.force_login(officer)
    case_page(client, order.case)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as before:
        assert case_page(client, order.case).status_code == 200
    for hour in (6, 7, 8):
        services.breach_record(
            actor=officer,
            case=order.case,
            order=order,
            occurred_at=when(f"2026-03-10T0{hour}:00:00+00:00"),
            prohibition="molestation",
            reported_by="police",
        )
    with CaptureQueriesContext(connection) as after:
        assert "Breach of the DVPO" in court_part(case_page(client, order.case))
    assert len(after) == len(before)


# --- Listing the hearing ---------------------------------------------------------


def test_listing_the_hearing(client, officer, court, served_dvpn, dvpo_officer):
    client.force_login(officer)
    response = client.get(apply_url(served_dvpn.case))
    body = text(response)
    assert response.status_code == 200
    assert "List the DVPO hearing" in body
    assert DEADLINE in body  # the deadline next to the listing
    assert "Testtown Magistrates' Court" in body
    assert dvpo_officer.display_name in body  # a presenting officer of the force
    response = client.post(
        apply_url(served_dvpn.case),
        listing(
            court,
            presenting_officer=dvpo_officer.pk,
            fee_paid="on",
            paperwork=["has_dvpn_copy", "has_complaint"],
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("case_detail", args=[served_dvpn.case_id])
    application = DVPOApplication.objects.get(dvpn=served_dvpn)
    assert application.listed_for == when("2026-03-07T10:00:00+00:00")
    assert application.presenting_officer == dvpo_officer
    assert application.fee_paid and application.has_dvpn_copy and application.has_complaint
    assert not application.has_evidence and not application.listed_late
    assert flash(response) == [
        "DVPO hearing listed at Testtown Magistrates' Court, Sat 7 Mar 2026, 10:00"
    ]
    # Listing again goes to the existing application.
    again = client.get(apply_url(served_dvpn.case))
    assert again.url == app_url("court_application_edit", application)


def test_a_late_listing_is_saved_with_a_warning(client, court_coordinator, court, served_dvpn):
    client.force_login(court_coordinator)
    response = client.post(apply_url(served_dvpn.case), listing(court, day="10"))
    assert response.status_code == 302
    application = DVPOApplication.objects.get(dvpn=served_dvpn)
    assert application.listed_late
    messages = flash(response)
    assert any(f"listed after the deadline ({DEADLINE})" in m for m in messages)
    part = court_part(case_page(client, served_dvpn.case))
    assert "Listed after the hearing deadline" in part


def test_listing_bad_input_shows_errors_and_saves_nothing(client, officer, court, served_dvpn):
    client.force_login(officer)
    response = client.post(
        apply_url(served_dvpn.case),
        {"listed_for_day": "31", "listed_for_month": "2", "listed_for_year": "2026"},
    )
    body = text(response)
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert forms.COURT_NEEDED in body
    assert forms.LISTED_DATE["invalid"] in body
    assert forms.LISTED_TIME["required"] in body
    assert forms.FEE_NEEDED in body
    assert "govuk-form-group--error" in body
    assert not DVPOApplication.objects.exists()


def test_listing_before_service_is_refused(client, officer, court, served_dvpn):
    client.force_login(officer)
    response = client.post(apply_url(served_dvpn.case), listing(court, day="5"))
    assert "The hearing cannot be listed before the DVPN was served" in text(response)
    assert 'id="id_listed_for-error"' in text(response)
    assert not DVPOApplication.objects.exists()


def test_an_unknown_court_or_presenter_is_refused(
    client, officer, court, served_dvpn, outsider, caseworker
):
    client.force_login(officer)
    for data in (
        {**listing(court), "court": 9999},
        listing(court, presenting_officer=outsider.pk),
        listing(court, presenting_officer=caseworker.pk),
    ):
        assert client.post(apply_url(served_dvpn.case), data).status_code == 200
    assert not DVPOApplication.objects.exists()


def test_a_time_the_clocks_skipped_is_refused(client, officer, court, served_dvpn):
    client.force_login(officer)
    response = client.post(apply_url(served_dvpn.case), listing(court, day="29", time="01:30"))
    body = text(response)
    assert "There was no 01:30 on Sun 29 Mar 2026" in body
    assert 'id="id_listed_time-error"' in body
    assert not DVPOApplication.objects.exists()


def test_no_listing_without_a_served_dvpn(client, officer, submitted_dvpn):
    client.force_login(officer)
    response = client.get(apply_url(submitted_dvpn.case))
    assert response.status_code == 302
    assert flash(response) == ["There is no served DVPN on this case to apply to court for."]


def test_changing_the_application(client, officer, application):
    other = Court.objects.create(name="Othertown Magistrates' Court", code="othertown")
    client.force_login(officer)
    response = client.get(app_url("court_application_edit", application))
    body = text(response)
    assert 'name="expected_version"' in body
    assert 'value="10:00"' in body and 'value="7"' in body
    response = client.post(
        app_url("court_application_edit", application),
        listing(
            other,
            time="11:30",
            expected_version=application.lock_version,
            paperwork=["has_officer_statement"],
        ),
    )
    assert response.status_code == 302
    saved = fresh(DVPOApplication, application)
    assert saved.court == other
    assert saved.listed_for == when("2026-03-07T11:30:00+00:00")
    assert saved.has_officer_statement
    assert flash(response) == ["DVPO application changed"]


def test_changing_the_application_with_a_stale_version_conflicts(client, officer, application):
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        fee_paid=True,
    )
    client.force_login(officer)
    response = client.post(
        app_url("court_application_edit", application),
        listing(application.court, time="11:30", expected_version=application.lock_version),
    )
    assert EditConflict.MESSAGE in text(response)
    assert fresh(DVPOApplication, application).listed_for == application.listed_for


def test_a_decided_application_cannot_be_changed(client, officer, order):
    client.force_login(officer)
    response = client.get(app_url("court_application_edit", order.application))
    assert "This application has been decided (granted)" in text(response)
    assert 'name="listed_time"' not in text(response)


# --- The hearing's outcome ----------------------------------------------------------


def test_the_outcome_page(client, officer, court_coordinator, application, saturday_noon):
    client.force_login(court_coordinator)
    body = text(client.get(app_url("hearing_outcome", application)))
    assert "Record the hearing outcome" in body
    for value in ("granted", "refused", "adjourned", "withdrawn"):
        assert f'value="{value}"' in body
    # Each outcome's own questions are under its radio (and shown without JavaScript).
    assert 'data-aria-controls="conditional-granted"' in body
    assert 'id="conditional-adjourned"' in body
    assert 'name="order_days"' in body and 'name="adjourned_to_day"' in body
    # P and the victim do not share premises: no premises provisions to choose.
    assert 'name="premises"' not in body


def test_recording_a_grant(client, court_coordinator, officer, application, saturday_noon):
    client.force_login(court_coordinator)
    response = client.post(
        app_url("hearing_outcome", application),
        outcome(
            application,
            "granted",
            order_days="28",
            p_attended="on",
            contested="on",
            presented_by=officer.pk,
            reasons="Violence proved.",
        ),
    )
    assert response.status_code == 302, text(response)
    hearing = Hearing.objects.get(application=application)
    assert hearing.p_attended and hearing.contested and not hearing.victim_attended
    assert hearing.presented_by == officer and hearing.reasons == "Violence proved."
    order = DVPO.objects.get(application=application)
    assert order.days == 28 and str(order.last_day) == "2026-04-03"
    assert flash(response) == ["DVPO made: last day Fri 3 Apr 2026. Add it to the PNC."]


def test_a_grant_needs_14_to_28_days(
    client, officer, court_coordinator, application, saturday_noon
):
    client.force_login(court_coordinator)
    url = app_url("hearing_outcome", application)
    assert forms.ORDER_DAYS_NEEDED in text(client.post(url, outcome(application, "granted")))
    assert forms.ORDER_DAYS_RANGE in text(
        client.post(url, outcome(application, "granted", order_days="30"))
    )
    assert not Hearing.objects.exists()


def test_another_outcomes_answers_are_ignored(
    client, officer, court_coordinator, application, saturday_noon
):
    """Without JavaScript every question is sent: only the chosen outcome's count."""
    client.force_login(court_coordinator)
    response = client.post(
        app_url("hearing_outcome", application),
        outcome(application, "refused", order_days="99", adjourned_to_day="x"),
    )
    assert response.status_code == 302
    assert fresh(DVPOApplication, application).status == "refused"
    assert fresh(DVPN, application.dvpn).status == DVPN.Status.ENDED
    assert not DVPO.objects.exists()


def test_recording_an_adjournment(client, officer, court_coordinator, application, saturday_noon):
    client.force_login(court_coordinator)
    url = app_url("hearing_outcome", application)
    response = client.post(url, outcome(application, "adjourned"))
    body = text(response)
    assert forms.ADJOURNMENT_REASON_NEEDED in body
    assert forms.ADJOURNED_DATE["required"] in body
    assert forms.ADJOURNED_TIME_NEEDED in body
    assert not Hearing.objects.exists()
    response = client.post(
        url,
        outcome(
            application,
            "adjourned",
            adjournment_reason="Interpreter needed.",
            adjourned_to_day="10",
            adjourned_to_month="3",
            adjourned_to_year="2026",
            adjourned_time="14:00",
        ),
    )
    assert response.status_code == 302
    saved = fresh(DVPOApplication, application)
    assert saved.status == "adjourned"
    assert saved.listed_for == when("2026-03-10T14:00:00+00:00")
    assert flash(response) == [
        "Hearing adjourned to Tue 10 Mar 2026, 14:00. The DVPN stays in force."
    ]


def test_an_adjournment_to_before_the_hearing_is_refused(
    client, officer, court_coordinator, application, saturday_noon
):
    client.force_login(court_coordinator)
    response = client.post(
        app_url("hearing_outcome", application),
        outcome(
            application,
            "adjourned",
            adjournment_reason="Interpreter needed.",
            adjourned_to_day="7",
            adjourned_to_month="3",
            adjourned_to_year="2026",
            adjourned_time="09:00",
        ),
    )
    assert services.ADJOURNED_TO_BEFORE in text(response)
    assert not Hearing.objects.exists()


def test_a_hearing_after_the_deadline_is_refused_as_lapsed(
    client, officer, court_coordinator, application, march_6
):
    march_6.move_to(when("2026-03-09T12:00:00+00:00"))
    client.force_login(court_coordinator)
    response = client.post(
        app_url("hearing_outcome", application),
        outcome(application, "granted", held_at_day="9", held_time="10:00", order_days="28"),
    )
    body = text(response)
    assert "<title>Error: " in body
    assert f"No hearing started by the deadline ({DEADLINE}), so the DVPN has lapsed" in body
    assert 'id="id_held_at-error"' in body
    assert not Hearing.objects.exists()


def test_a_hearing_in_the_future_is_refused(
    client, officer, court_coordinator, application, march_6
):
    client.force_login(court_coordinator)  # it is still Fri 6 Mar 09:00
    response = client.post(
        app_url("hearing_outcome", application), outcome(application, "withdrawn")
    )
    assert services.HEARING_IN_FUTURE in text(response)
    assert not Hearing.objects.exists()


def test_a_stale_outcome_form_conflicts(
    client, officer, court_coordinator, application, saturday_noon
):
    services.application_update(
        actor=officer,
        application=application,
        expected_version=application.lock_version,
        fee_paid=True,
    )
    client.force_login(court_coordinator)
    response = client.post(app_url("hearing_outcome", application), outcome(application, "refused"))
    assert EditConflict.MESSAGE in text(response)
    assert not Hearing.objects.exists()


def test_a_decided_application_has_no_outcome_form(client, officer, court_coordinator, order):
    client.force_login(court_coordinator)
    body = text(client.get(app_url("hearing_outcome", order.application)))
    assert "This application has already been decided (granted)" in body
    assert 'name="outcome"' not in body


def test_premises_provisions_when_they_share(
    client, officer, court_coordinator, shared_dvpn, court, saturday_noon
):
    application = services.application_create(
        actor=officer, dvpn=shared_dvpn, court=court, listed_for=when("2026-03-07T10:00:00+00:00")
    )
    client.force_login(court_coordinator)
    url = app_url("hearing_outcome", application)
    body = text(client.get(url))
    assert 'name="premises"' in body
    assert 'value="premises_no_enter" checked' in body  # from the notice
    response = client.post(
        url, outcome(application, "granted", order_days="14", premises=["exclusion"])
    )
    assert forms.DISTANCE_NEEDED in text(response)
    response = client.post(
        url,
        outcome(
            application,
            "granted",
            order_days="14",
            premises=["premises_leave", "exclusion"],
            exclusion_distance_m="100",
        ),
    )
    assert response.status_code == 302
    order = DVPO.objects.get(application=application)
    assert order.premises_leave and order.exclusion_distance_m == 100
    assert not order.premises_no_enter
    part = court_part(case_page(client, application.case))
    assert "P must not come within 100 metres of the premises." in part


# --- Varying and discharging the order ------------------------------------------------


def test_varying_the_order(client, officer, court_coordinator, order):
    client.force_login(court_coordinator)
    url = order_url("order_vary", order)
    body = text(client.get(url))
    assert "Vary the DVPO" in body and 'value="28"' in body
    response = client.post(url, {"expected_version": order.lock_version, "order_days": "14"})
    assert forms.VARY_REASON_NEEDED in text(response)
    response = client.post(
        url, {"expected_version": order.lock_version, "order_days": "28", "reason": "Asked to."}
    )
    assert services.VARIATION_NOTHING in text(response)
    response = client.post(
        url,
        {
            "expected_version": order.lock_version,
            "order_days": "14",
            "reason": "Parties reconciled.",
        },
    )
    assert response.status_code == 302
    saved = fresh(DVPO, order)
    assert saved.days == 14 and str(saved.last_day) == "2026-03-20"
    assert saved.status == "varied"
    assert flash(response) == ["DVPO varied: last day Fri 20 Mar 2026"]
    part = court_part(case_page(client, order.case))
    assert "In force (varied)" in part and "Parties reconciled." in part


def test_varying_with_a_stale_version_conflicts(client, officer, court_coordinator, order):
    client.force_login(court_coordinator)
    response = client.post(
        order_url("order_vary", order),
        {"expected_version": order.lock_version - 1, "order_days": "14", "reason": "x"},
    )
    assert EditConflict.MESSAGE in text(response)
    assert fresh(DVPO, order).days == 28


def test_discharging_needs_confirmation(client, officer, court_coordinator, order):
    client.force_login(court_coordinator)
    url = order_url("order_discharge", order)
    body = text(client.get(url))
    assert "Discharge the DVPO" in body and "cannot be undone" in body
    data = {
        "expected_version": order.lock_version,
        "discharged_at_day": "7",
        "discharged_at_month": "3",
        "discharged_at_year": "2026",
        "discharged_time": "11:00",
    }
    response = client.post(url, data)
    body = text(response)
    assert forms.CONFIRM_NEEDED in body and forms.DISCHARGE_REASON_NEEDED in body
    assert fresh(DVPO, order).status == "in_force"
    response = client.post(url, {**data, "reason": "Victim applied.", "confirm": "on"})
    assert response.status_code == 302
    saved = fresh(DVPO, order)
    assert saved.status == "discharged"
    assert saved.discharged_at == when("2026-03-07T11:00:00+00:00")
    assert flash(response) == ["DVPO discharged. Remove it from the PNC."]
    part = court_part(case_page(client, order.case))
    assert "Discharged" in part and "Victim applied." in part
    assert order_url("order_vary", order) not in part
    # It cannot be discharged twice.
    assert "no longer in force" in text(client.get(url))


def test_discharging_in_the_future_is_refused(client, officer, court_coordinator, order):
    client.force_login(court_coordinator)
    response = client.post(
        order_url("order_discharge", order),
        {
            "expected_version": order.lock_version,
            "discharged_at_day": "8",
            "discharged_at_month": "3",
            "discharged_at_year": "2026",
            "discharged_time": "11:00",
            "reason": "x",
            "confirm": "on",
        },
    )
    assert services.DISCHARGE_IN_FUTURE in text(response)
    assert fresh(DVPO, order).status == "in_force"


# --- The court pack --------------------------------------------------------------------


def test_the_court_pack(client, court_coordinator, application, instrument):
    client.force_login(court_coordinator)
    response = client.get(app_url("court_pack_pdf", application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="court-pack-1234567-26.pdf"'
    reader = PdfReader(BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    whole = " ".join(" ".join(pages).split())
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    # The application (complaint).
    assert "Application for a Domestic Violence Protection Order" in whole
    assert "Testtown Magistrates' Court" in whole
    assert "Peter Placeholder" in whole and "Vicky Testperson" in whole
    assert "P punched the victim and threatened to kill her." in whole
    assert DEADLINE in whole
    # The notice, the officer's statement and the note for the bench.
    assert "Domestic Violence Protection Notice" in whole
    assert "Officer's statement" in whole
    assert "P was released without bail conditions." in whole
    assert "Not assessed" in whole  # no DASH recorded in this fixture
    assert "balance of probabilities" in whole
    assert "s.28(5)" in whole
    assert "at least 14 and at most 28 days, beginning with the day" in whole
    assert "arrest P without warrant" in whole and "s.29" in whole
    assert len(pages) >= 4
    assert "Note for the bench" in pages[-1] and "Version 1" not in pages[-1]


def test_pack_filenames_are_safe():
    assert pack_filename("12/34 AB") == "court-pack-12-34-AB.pdf"


# --- Review fixes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name"),
    [
        page
        for page in WORK_PAGES
        if page[1] in ("hearing_outcome", "order_vary", "order_discharge")
    ],
)
def test_officers_may_not_record_outcomes_or_change_the_order(client, officer, order, method, name):
    client.force_login(officer)
    response = call(client, method, url_for(name, order), {"expected_version": 0})
    assert response.status_code == 403
    assert fresh(DVPO, order).lock_version == order.lock_version


def test_a_new_draft_does_not_hide_the_order_breaches_and_flags(client, officer, order, march_6):
    from cases import services as case_services

    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    services.breach_record(
        actor=officer,
        case=order.case,
        order=order,
        occurred_at=when("2026-03-10T08:00:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
    )
    case_services.dvpn_start(actor=officer, case=order.case)  # version 2, a draft
    client.force_login(officer)
    part = court_part(case_page(client, order.case))
    assert "Granted" in part and "Testtown Magistrates' Court" in part  # version 1's
    assert "DVPO" in part and "In force" in part and "Fri 3 Apr 2026" in part
    assert "Breach of the DVPO, Tue 10 Mar 2026, 08:00" in part
    assert ">FS<" in part and ">FU<" in part
    assert "Record a breach" in part
    assert "List the DVPO hearing" not in part


def test_a_lapsed_application_is_no_longer_listed(
    client, officer, court_coordinator, application, march_6
):
    march_6.move_to(when("2026-03-09T10:00:00+00:00"))
    services.dvpns_lapse(now=when("2026-03-09T10:00:00+00:00"))
    client.force_login(court_coordinator)
    part = court_part(case_page(client, application.case))
    assert "Lapsed: no hearing by the deadline" in part  # the application's status
    assert "Record the hearing outcome" not in part
    assert f'href="{app_url("court_application_edit", application)}"' not in part
    assert "A hearing started in time: record it" in part  # the way to correct a lapse
    body = text(client.get(app_url("hearing_outcome", application)))
    assert "Record the hearing only if it started by then" in body
    listing_day = text(client.get(reverse("hearing_list") + "?day=2026-03-07"))
    assert "Lapsed: no hearing by the deadline" in listing_day
    client.force_login(officer)
    assert "A hearing started in time" not in court_part(case_page(client, application.case))


def test_recording_when_the_court_decided(client, court_coordinator, application, saturday_noon):
    client.force_login(court_coordinator)
    url = app_url("hearing_outcome", application)
    body = text(client.get(url))
    assert "Time the court decided" in body and 'name="decided_time"' in body
    assert 'name="decided_time" type="text" value="10:00"' in body or 'value="10:00"' in body
    response = client.post(
        url,
        outcome(
            application,
            "granted",
            order_days="14",
            decided_at_day="7",
            decided_at_month="3",
            decided_at_year="2026",
            decided_time="",
        ),
    )
    assert "Enter the time the court decided, for example 11:15" in text(response)
    response = client.post(
        url,
        outcome(
            application,
            "granted",
            order_days="14",
            decided_at_day="7",
            decided_at_month="3",
            decided_at_year="2026",
            decided_time="09:00",
        ),
    )
    assert "The court cannot have decided before the hearing started" in text(response)
    assert not Hearing.objects.exists()
    response = client.post(
        url,
        outcome(
            application,
            "granted",
            order_days="14",
            decided_at_day="7",
            decided_at_month="3",
            decided_at_year="2026",
            decided_time="11:45",
        ),
    )
    assert response.status_code == 302
    order = DVPO.objects.get(application=application)
    assert order.made_at == when("2026-03-07T11:45:00+00:00")
    assert fresh(DVPOApplication, application).decided_at == order.made_at


def test_an_adjournment_ignores_the_decision_time(
    client, court_coordinator, application, saturday_noon
):
    client.force_login(court_coordinator)
    response = client.post(
        app_url("hearing_outcome", application),
        outcome(
            application,
            "adjourned",
            adjournment_reason="Interpreter needed.",
            adjourned_to_day="10",
            adjourned_to_month="3",
            adjourned_to_year="2026",
            adjourned_time="14:00",
            decided_at_day="x",
            decided_time="nonsense",
        ),
    )
    assert response.status_code == 302
    assert fresh(DVPOApplication, application).decided_at is None


def test_the_court_part_loads_the_calendar_once_however_many_arrests(
    client, officer, order, march_6
):
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))

    def arrest(hour):
        services.breach_record(
            actor=officer,
            case=order.case,
            order=order,
            occurred_at=when(f"2026-03-10T0{hour}:00:00+00:00"),
            prohibition="molestation",
            reported_by="police",
            arrested_at=when(f"2026-03-10T0{hour}:30:00+00:00"),
        )

    arrest(5)
    client.force_login(officer)
    case_page(client, order.case)
    with CaptureQueriesContext(connection) as before:
        assert case_page(client, order.case).status_code == 200
    for hour in (6, 7, 8):
        arrest(hour)
    with CaptureQueriesContext(connection) as after:
        assert court_part(case_page(client, order.case)).count("Before the court by") == 4
    assert len(after) == len(before)
    calendar_queries = [q for q in after.captured_queries if "dvpo_calendarday" in q["sql"]]
    assert len(calendar_queries) <= 2  # the court part's one, and the case page's own


def test_the_court_pack_never_prints_the_incident_location(
    client, court_coordinator, application, instrument
):
    """The incident's location may be the victim's address (a refuge); P gets the pack."""
    case = application.case
    case.location = "Safe House, 9 Hidden Lane"
    case.save()

    def pack_text():
        response = client.get(app_url("court_pack_pdf", application))
        pages = PdfReader(BytesIO(response.content)).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())

    client.force_login(court_coordinator)
    whole = pack_text()
    assert "Hidden Lane" not in whole and "Safe House" not in whole
    assert "Premises the provisions cover" not in whole
    DVPN.objects.filter(pk=application.dvpn_id).update(
        shares_premises=True, premises_no_enter=True, premises_address="12 Shared Street, Testtown"
    )
    whole = pack_text()
    assert "Premises the provisions cover 12 Shared Street, Testtown" in whole
    assert "Hidden Lane" not in whole
