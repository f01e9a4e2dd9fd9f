"""An officer's and a superintendent's whole DVPN journey, in a real browser on a phone-sized
screen, as a new user would do it: incident, people, DASH, application, authorisation from the
queue, service; the case page then shows the hearing deadline and every step on the timeline.
Each page is also scanned for WCAG 2.2 AA failures."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from cases.models import DVPN, Case
from tests.browser.helpers import press

pytestmark = pytest.mark.django_db(transaction=True)

# The journey happens on Friday 6 March 2026: reported at 07:10, served at 09:00 GMT, so the hearing
# is due by Monday 9 March 09:00 (Saturday counts, Sunday does not).
START = dt.datetime(2026, 3, 6, 7, 30, tzinfo=dt.UTC)
HEARING_BY = "Mon 9 Mar 2026, 09:00"


def add_person(page, axe_check, *, role, first, last, dob, gender, lives_with_p):
    press(page, "Add a person")
    axe_check("add a person")
    page.get_by_role("radio", name=role, exact=True).check()
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    day, month, year = dob
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill(day)
    born.get_by_label("Month").fill(month)
    born.get_by_label("Year").fill(year)
    page.get_by_role("radio", name=gender, exact=True).check()
    page.get_by_label("Address").fill("1 Example Street, Testtown")
    if role != "Perpetrator (P)":
        page.get_by_label("Relationship to P").fill("Partner")
    page.get_by_role("group", name="Do they live with P?").get_by_role(
        "radio", name="Yes" if lives_with_p else "No"
    ).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/cases/*/")


def test_from_incident_to_served_dvpn(
    page, sign_in, sign_out, axe_check, officer, superintendent, instrument
):
    with time_machine.travel(START, tick=True) as clock:
        sign_in(officer)
        page.get_by_role("link", name="Cases", exact=True).click()
        axe_check("case list (empty)")
        press(page, "Record an incident")
        axe_check("new incident")

        # 1. A mistake first: no reference, a time in the wrong form.
        page.get_by_label("Time the incident was reported").fill("7pm")
        page.get_by_role("button", name="Record the incident").click()
        expect(page).to_have_title(re.compile(r"^Error:"))  # waits for the new page
        assert page.get_by_text("Enter the crime reference").first.is_visible()
        axe_check("new incident with errors")

        page.get_by_label("Crime reference").fill("7654321/26")
        reported = page.get_by_role("group", name="Date the incident was reported")
        reported.get_by_label("Day").fill("6")
        reported.get_by_label("Month").fill("3")
        reported.get_by_label("Year").fill("2026")
        page.get_by_label("Time the incident was reported").fill("07:10")
        page.get_by_label("Location").fill("Flat 2, 3 Sample Road, Testtown")
        page.get_by_label("Summary").fill("A fictional incident for the journey test.")
        page.get_by_role("group", name="Was P (the perpetrator) arrested?").get_by_role(
            "radio", name="No"
        ).check()
        page.get_by_role("button", name="Record the incident").click()
        page.wait_for_url("**/cases/*/")
        case = Case.objects.get(crime_reference="7654321/26")
        axe_check("case page, new")

        # 2. People.
        add_person(
            page,
            axe_check,
            role="Victim",
            first="Vera",
            last="Example",
            dob=("2", "1", "1990"),
            gender="Female",
            lives_with_p=True,
        )
        add_person(
            page,
            axe_check,
            role="Perpetrator (P)",
            first="Paul",
            last="Sample",
            dob=("7", "6", "1988"),
            gender="Male",
            lives_with_p=True,
        )

        # 3. DASH: four yes answers, graded medium as suggested.
        press(page, "Record a risk assessment")
        axe_check("DASH form")
        questions = page.locator("fieldset:has(.govuk-radios--small)")
        for index in range(questions.count()):
            answer = "Yes" if index < 4 else "No"
            questions.nth(index).get_by_role("radio", name=answer, exact=True).check()
        page.get_by_role("group", name="Your risk grade").get_by_role(
            "radio", name="Medium"
        ).check()
        page.get_by_role("button", name="Record the risk assessment").click()
        page.wait_for_url(re.compile(r".*/risk/\d+/$"))
        assert "4" in page.locator("main").inner_text()
        axe_check("DASH result")
        page.get_by_role("link", name="Back to the case").click()

        # 4. The DVPN application, one question a page, then check and submit.
        page.get_by_role("button", name="Start a DVPN application").click()
        answers = {
            "What are the grounds for the DVPN?": "P hit the victim and threatened her.",
            "How have you considered the welfare of any child?": "No children live there.",
            "What is the victim's opinion about the notice?": "She wants P kept away.",
            "What representations did P make about the notice?": "P said nothing.",
            "Why are other means, such as bail conditions, not enough?": "No charge yet: no bail.",
        }
        for _ in range(8):
            axe_check(f"application step {page.url}")
            if page.get_by_role("button", name="Submit for authorisation").count():
                break
            for label, text in answers.items():
                if page.get_by_label(label).count():
                    page.get_by_label(label).fill(text)
            share = page.get_by_role("group", name="Do the victim and P live in the same premises?")
            if share.count():
                share.get_by_role("radio", name="No").check()
            page.get_by_role("button", name="Save and continue").click()
        page.get_by_role("button", name="Submit for authorisation").click()
        page.wait_for_url(f"**/cases/{case.pk}/")
        assert page.get_by_text("Awaiting authorisation").first.is_visible()
        sign_out()

        # 5. The superintendent decides from the queue.
        sign_in(superintendent)
        page.get_by_role("link", name="Authorisations").click()
        axe_check("authorisation queue")
        page.get_by_role("link", name="7654321/26").first.click()
        axe_check("decide")
        page.get_by_role("radio", name="Yes, authorise it").check()
        page.get_by_label("Your reasons").fill("Violence and necessity are made out.")
        page.get_by_role("button", name="Record the decision").click()
        assert page.get_by_text("DVPN for 7654321/26 authorised.").is_visible()
        assert page.get_by_text("No DVPN applications are waiting").first.is_visible()
        sign_out()

        # 6. The officer serves it at 09:00 and records that at 09:20.
        clock.move_to(dt.datetime(2026, 3, 6, 9, 20, tzinfo=dt.UTC))
        sign_in(officer)
        page.goto(f"/cases/{case.pk}/")
        press(page, "Record service")
        axe_check("record service")
        page.get_by_label("Time served").fill("09:00")
        page.get_by_label("Address P gave for notice of the hearing").fill("4 Other Road")
        page.get_by_role("button", name="Record service").click()
        page.wait_for_url(f"**/cases/{case.pk}/")
        assert page.get_by_text(f"The hearing must be by {HEARING_BY}").is_visible()
        axe_check("case page, served")

    dvpn = DVPN.objects.get(case=case)
    assert dvpn.status == DVPN.Status.SERVED
    assert dvpn.hearing_deadline == dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
    body = page.locator("main").inner_text()
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
