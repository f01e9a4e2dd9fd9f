"""Unhappy paths in a real browser on a phone-sized screen, each across the roles involved:
the superintendent refuses the DVPN; the victim declines the referral. (The refused DVPO, the
adjourned hearing and the lapsed DVPN are in test_court_journey.py.) Every page is scanned for
WCAG 2.2 AA failures, checked at 320 CSS px and photographed."""

import pytest

from cases.models import DVPN
from referrals.models import Referral
from tests.browser import helpers as steps

pytestmark = pytest.mark.django_db(transaction=True)

REASONS = "No evidence yet that P used or threatened violence."


def test_the_superintendent_refuses_the_dvpn(
    mouse, sign_in, clock, submitted_dvpn, officer, superintendent
):
    ui = mouse
    reference = submitted_dvpn.case.crime_reference
    sign_in(superintendent)
    steps.decide_dvpn(ui, reference=reference, authorise=False, reasons=REASONS)

    sign_in(officer)
    steps.open_case(ui, reference)
    body = ui.main_text()
    assert "Refused by" in body and REASONS in body
    assert "Record service" not in body  # a refused notice cannot be served
    ui.look("case page, DVPN refused")
    submitted_dvpn.refresh_from_db()
    assert submitted_dvpn.status == DVPN.Status.REFUSED


def test_the_victim_declines_the_referral(
    mouse, sign_in, clock, case, victim, perpetrator, officer, caseworker, support
):
    ui = mouse
    sign_in(officer)
    steps.open_case(ui, case.crime_reference)
    steps.start_referral(ui, service="Test Support Service")
    steps.record_consent(ui, given=False)
    assert ui.page.get_by_text("The victim's refusal is recorded at").first.is_visible()
    assert "Send the referral" not in ui.main_text()
    ui.look("referral declined by the victim")
    referral = Referral.objects.get(case=case)
    assert referral.status == Referral.Status.CLOSED
    assert referral.consent == Referral.Consent.DECLINED

    # It never reaches the support service.
    sign_in(caseworker)
    ui.go("Referrals")
    assert ui.page.get_by_text("No open referrals").is_visible()
    ui.look("inbox, empty")
