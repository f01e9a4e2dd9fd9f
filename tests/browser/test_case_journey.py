"""An officer's and a superintendent's DVPN journey with JavaScript turned off, in a real
browser on a phone-sized screen: incident (with a mistake first), people, DASH, application,
authorisation from the queue, service; the case page then shows the hearing deadline and every
step on the timeline. Every page is scanned for WCAG 2.2 AA failures, checked at 320 CSS px and
photographed (build/screenshots/case_journey/). The same steps are taken with the keyboard
only, JavaScript on, in test_main_journey.py."""

import datetime as dt

import pytest

from cases.models import DVPN, Case
from tests.browser import helpers as steps

pytestmark = pytest.mark.django_db(transaction=True)

# Friday 6 March 2026: reported at 07:10, served at 09:00 GMT, so the hearing is due by Monday
# 9 March 09:00 (Saturday counts, Sunday does not).
HEARING_BY = "Mon 9 Mar 2026, 09:00"
REFERENCE = "7654321/26"


@pytest.mark.javascript(False)
def test_from_incident_to_served_dvpn_without_javascript(
    mouse, page, sign_in, sign_out, clock, officer, superintendent, instrument
):
    ui = mouse
    clock.move_to(dt.datetime(2026, 3, 6, 7, 30, tzinfo=dt.UTC))
    sign_in(officer)
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    steps.record_incident(ui, reference=REFERENCE, reported=dt.datetime(2026, 3, 6, 7, 10))
    case = Case.objects.get(crime_reference=REFERENCE)
    steps.add_person(
        ui, role="Victim", first="Vera", last="Example", dob=dt.date(1990, 1, 2), gender="Female"
    )
    steps.add_person(
        ui,
        role="Perpetrator (P)",
        first="Paul",
        last="Sample",
        dob=dt.date(1988, 6, 7),
        gender="Male",
    )
    steps.record_dash(ui, yes=4, grade="Medium")
    steps.apply_for_dvpn(ui)
    sign_out()

    sign_in(superintendent)
    steps.decide_dvpn(
        ui, reference=REFERENCE, authorise=True, reasons="Violence and necessity are made out."
    )
    assert page.get_by_text("No DVPN applications are waiting").first.is_visible()
    sign_out()

    # The officer serves it at 09:00 and records that at 09:20.
    clock.move_to(dt.datetime(2026, 3, 6, 9, 20, tzinfo=dt.UTC))
    sign_in(officer)
    steps.open_case(ui, REFERENCE)
    steps.record_service(ui, served="09:00")
    assert page.get_by_text(f"The hearing must be by {HEARING_BY}").is_visible()

    dvpn = DVPN.objects.get(case=case)
    assert dvpn.status == DVPN.Status.SERVED
    assert dvpn.hearing_deadline == dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
    body = ui.main_text()
    assert HEARING_BY in body
    for step in (
        "Incident recorded",
        "Person added",
        "Risk assessment recorded",
        "DVPN submitted for authorisation",
        "DVPN authorised",
        "DVPN served",
    ):
        assert step in body, step
    assert superintendent.display_name in body
