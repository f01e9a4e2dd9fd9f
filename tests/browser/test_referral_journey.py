"""A referral in a real browser, as the officer and the caseworker would do it: the send is
refused first with what is missing, then goes; the caseworker finds it in the inbox, logs three
failed attempts at different times of day and one answered with P present; the officer is told
at once and sees the suspected breach on the case; the follow-up after the order's expiry is
there. Every page is scanned for WCAG 2.2 AA failures."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cases import services
from courts import services as court_services
from courts.models import Court
from tests.browser import helpers as steps
from tests.helpers import authorised_dvpn_for

pytestmark = pytest.mark.django_db(transaction=True)

UTC = dt.UTC
NOTE = "She said P was standing behind her; she sounded frightened."


def with_order(clock, case, victim, officer, superintendent, court_coordinator, instrument):
    """A DASH, a served DVPN granted as a 28-day DVPO on Sat 7 Mar 2026, and the victim's safe
    contact recorded but not yet confirmed with her."""
    numbers = instrument.questions.values_list("number", flat=True)
    services.risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers={str(n): "no" for n in numbers},
        grade="standard",
    )
    services.safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=None,
        safe_phone="07700 900123",
        safe_times="Weekday evenings",
    )
    dvpn = authorised_dvpn_for(case, officer=officer, superintendent=superintendent)
    clock.move_to(dt.datetime(2026, 3, 6, 9, 30, tzinfo=UTC))
    dvpn = services.dvpn_serve(
        actor=officer,
        dvpn=dvpn,
        served_at=dt.datetime(2026, 3, 6, 9, 0, tzinfo=UTC),
        p_notice_address="4 Other Road",
        expected_version=dvpn.lock_version,
    )
    court = Court.objects.create(name="Testtown Magistrates' Court", code="TT", address="1 St")
    application = court_services.application_create(
        actor=officer,
        dvpn=dvpn,
        court=court,
        listed_for=dt.datetime(2026, 3, 7, 10, 0, tzinfo=UTC),
    )
    clock.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    court_services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=dt.datetime(2026, 3, 7, 10, 0, tzinfo=UTC),
        outcome="granted",
        expected_version=application.lock_version,
        order_days=28,
    )


def test_refer_contact_and_the_breach_alert(
    page,
    mouse,
    sign_in,
    axe_check,
    clock,
    case,
    victim,
    perpetrator,
    officer,
    superintendent,
    court_coordinator,
    caseworker,
    support,
    instrument,
):
    with_order(clock, case, victim, officer, superintendent, court_coordinator, instrument)

    # 1. The officer refers the victim; the first send is refused with what is missing.
    sign_in(officer)
    page.goto(f"/cases/{case.pk}/")
    steps.start_referral(mouse, service="Test Support Service")
    page.get_by_role("button", name="Send the referral to Test Support Service").click()
    expect(page).to_have_title(re.compile(r"^Error:"))  # waits for the new page
    body = page.locator("main").inner_text()
    assert "consent" in body.lower()
    axe_check("referral send refused")

    steps.record_consent(mouse, given=True)
    referral_url = page.url
    page.goto(f"/cases/{case.pk}/people/{victim.pk}/safe-contact/")
    page.get_by_label("I have confirmed these with the victim").check()
    page.get_by_role("button", name="Save safe-contact details").click()
    page.goto(referral_url)
    page.get_by_role("button", name="Send the referral to Test Support Service").click()
    assert page.get_by_text("Referral sent to Test Support Service").first.is_visible(), (
        page.locator("main").inner_text()
    )

    # 2. The caseworker finds it and tries three times at different times of day.
    sign_in(caseworker)
    page.get_by_role("link", name="Referrals", exact=True).click()
    axe_check("inbox")
    page.get_by_role("link", name="Vicky").first.click()
    axe_check("referral (caseworker)")
    body = page.locator("main").inner_text()
    assert "P punched the victim" not in body  # the DVPN grounds are police-only
    assert "A fictional incident." not in body
    steps.press(page, "Accept the referral")
    for when in (
        dt.datetime(2026, 3, 7, 13, 5),
        dt.datetime(2026, 3, 7, 18, 30),
        dt.datetime(2026, 3, 8, 9, 40),
    ):
        clock.move_to(
            dt.datetime.combine(when.date(), when.time(), tzinfo=UTC) + dt.timedelta(minutes=1)
        )
        sign_in(caseworker)
        page.goto("/referrals/")
        page.get_by_role("link", name="Vicky").first.click()
        steps.log_attempt(mouse, when=when, outcome="No answer")
    assert "not yet tried" in page.locator("main").inner_text().lower()
    clock.move_to(dt.datetime(2026, 3, 9, 19, 16, tzinfo=UTC))
    sign_in(caseworker)
    page.goto("/referrals/")
    page.get_by_role("link", name="Vicky").first.click()
    steps.log_attempt(
        mouse, when=dt.datetime(2026, 3, 9, 19, 15), outcome="P was present", notes=NOTE
    )
    body = page.locator("main").inner_text()
    # The follow-up after the order ends (last day Fri 3 Apr; it ends Sat 4 Apr 00:00).
    assert "Safety check after the order ends" in body and "Sat 4 Apr 2026, 00:00" in body

    # 3. The officer is told at once, and never sees the caseworker's note.
    sign_in(officer)
    assert "Notifications (1" in page.get_by_test_id("notifications-link").inner_text()
    page.goto(f"/cases/{case.pk}/")
    body = page.locator("main").inner_text()
    assert "Suspected breach reported by Test Support Service" in body
    assert NOTE not in body
    page.get_by_test_id("notifications-link").click()
    assert NOTE not in page.locator("main").inner_text()
    axe_check("notifications")
