"""The whole journey across the roles, in a real browser on a phone-sized screen, with the
keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys; typing into the focused field):

officer: incident, people, DASH, DVPN application -> superintendent: authorises -> officer:
service -> court coordinator: lists the hearing, records the grant -> officer: safe contact and
the referral -> caseworker: accepts, logs attempts, P present -> officer: told, records a breach
-> supervisor: the breach's production deadline in the deadline queues.

Signing in is done with the keyboard too. Every page on the way is scanned with axe (WCAG 2.2
A/AA), checked at 320 CSS px and photographed (build/screenshots/main_journey/)."""

import datetime as dt

import pytest

from cases.models import DVPN, Case
from courts.models import DVPO, Breach
from referrals.models import Referral
from tests.browser import helpers as steps

pytestmark = pytest.mark.django_db(transaction=True)

UTC = dt.UTC
REFERENCE = "7654321/26"
COURT = "Testtown Magistrates' Court"
NOTE = "She said P was standing behind her; she sounded frightened."


def test_the_whole_journey_with_the_keyboard_only(
    keys,
    clock,
    officer,
    superintendent,
    court_coordinator,
    caseworker,
    supervisor,
    instrument,
    court,
    support,
):
    ui = keys

    # Fri 6 Mar 2026. The officer records the incident reported at 07:10.
    clock.move_to(dt.datetime(2026, 3, 6, 7, 30, tzinfo=UTC))
    steps.sign_in_with_keys(ui, officer, look=True)
    steps.record_incident(ui, reference=REFERENCE, reported=dt.datetime(2026, 3, 6, 7, 10))
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
    case = Case.objects.get(crime_reference=REFERENCE)

    steps.sign_in_with_keys(ui, superintendent)
    steps.decide_dvpn(ui, reference=REFERENCE, authorise=True, reasons="Violence is made out.")

    # Served at 09:00, recorded at 09:20: the hearing is due by Mon 9 Mar 09:00.
    clock.move_to(dt.datetime(2026, 3, 6, 9, 20, tzinfo=UTC))
    steps.sign_in_with_keys(ui, officer)
    steps.open_case(ui, REFERENCE)
    steps.record_service(ui, served="09:00")
    assert "The hearing must be by Mon 9 Mar 2026, 09:00" in ui.main_text()
    assert DVPN.objects.get(case=case).status == DVPN.Status.SERVED

    # The court coordinator lists the hearing for Saturday 10:00 and records the grant.
    steps.sign_in_with_keys(ui, court_coordinator)
    steps.open_case(ui, REFERENCE)
    steps.list_hearing(ui, court=COURT, listed_for=dt.datetime(2026, 3, 7, 10, 0))
    assert "Sat 7 Mar 2026, 10:00" in ui.main_text()
    ui.look("case page, hearing listed")
    clock.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    steps.sign_in_with_keys(ui, court_coordinator)
    steps.open_case(ui, REFERENCE)
    steps.record_outcome(
        ui,
        outcome="Granted: the court made a DVPO",
        held=dt.datetime(2026, 3, 7, 10, 0),
        **{"How many days does the order last?": "28"},
    )
    assert "Fri 3 Apr 2026" in ui.main_text()  # the order's last day
    ui.look("case page, order made")
    assert DVPO.objects.filter(case=case).exists()

    # The officer records the victim's safe contact and refers her.
    steps.sign_in_with_keys(ui, officer)
    steps.open_case(ui, REFERENCE)
    ui.go("Record safe-contact details", exact=False)
    ui.look("safe contact")
    steps.record_safe_contact(ui)
    steps.start_referral(ui, service="Test Support Service")
    steps.record_consent(ui, given=True)
    ui.look("referral, ready to send")
    ui.go("Send the referral to Test Support Service")
    assert ui.page.get_by_text("Referral sent to Test Support Service").first.is_visible()
    ui.look("referral sent")

    # The caseworker accepts it, tries once with no answer, then reaches her with P present.
    clock.move_to(dt.datetime(2026, 3, 7, 13, 6, tzinfo=UTC))
    steps.sign_in_with_keys(ui, caseworker)
    steps.open_referral(ui, victim_first_name="Vera")
    ui.go("Accept the referral")
    ui.look("referral accepted")
    steps.log_attempt(ui, when=dt.datetime(2026, 3, 7, 13, 5), outcome="No answer")
    ui.look("referral after an attempt")
    clock.move_to(dt.datetime(2026, 3, 9, 19, 16, tzinfo=UTC))
    steps.sign_in_with_keys(ui, caseworker)
    steps.open_referral(ui, victim_first_name="Vera")
    steps.log_attempt(ui, when=dt.datetime(2026, 3, 9, 19, 15), outcome="P was present", notes=NOTE)
    ui.look("referral, P present")
    assert Referral.objects.get(case=case).attempts.count() == 2

    # The officer is told at once; later P breaches the order and is arrested.
    steps.sign_in_with_keys(ui, officer)
    assert "Notifications (1" in ui.page.get_by_test_id("notifications-link").inner_text()
    steps.open_case(ui, REFERENCE, look=True)
    assert "Suspected breach reported by Test Support Service" in ui.main_text()
    assert NOTE not in ui.main_text()
    clock.move_to(dt.datetime(2026, 3, 14, 23, 0, tzinfo=UTC))
    steps.sign_in_with_keys(ui, officer)
    steps.open_case(ui, REFERENCE)
    steps.record_breach(
        ui, when=dt.datetime(2026, 3, 14, 21, 0), arrested=dt.datetime(2026, 3, 14, 22, 0)
    )
    assert ui.page.get_by_text("Mon 16 Mar 2026, 22:00").first.is_visible()
    assert Breach.objects.filter(case=case).exists()

    # The supervisor sees the production deadline in the deadline queues.
    steps.sign_in_with_keys(ui, supervisor)
    ui.go("Deadlines")
    ui.look("deadline queues")
    ui.go("Breaches awaiting court", exact=False)
    ui.look("deadline queues: breaches")
    rows = ui.page.get_by_test_id("queue-rows").inner_text()
    assert REFERENCE in rows and "Mon 16 Mar 2026, 22:00" in rows
