"""The court half in a real browser on a phone-sized screen: from a served DVPN, list the
hearing, record a 28-day grant (last day and expiry shown), record a breach of the order and
its production deadline, then the breach outcome; and the adjourned-then-refused and lapsed
paths as the case page shows them. Every page is scanned for WCAG 2.2 AA failures."""

import datetime as dt

import pytest

from cases import services
from courts.models import DVPO
from courts.tasks import lapse_and_expire
from tests.browser import helpers as steps
from tests.helpers import authorised_dvpn_for

pytestmark = pytest.mark.django_db(transaction=True)

UTC = dt.UTC
SERVED_AT = dt.datetime(2026, 3, 6, 9, 0, tzinfo=UTC)  # Fri 6 Mar 2026: hearing by Mon 9 Mar 09:00
COURT = "Testtown Magistrates' Court"


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def served_case(clock, case, officer, superintendent):
    dvpn = authorised_dvpn_for(case, officer=officer, superintendent=superintendent)
    clock.move_to(dt.datetime(2026, 3, 6, 9, 30, tzinfo=UTC))
    return services.dvpn_serve(
        actor=officer,
        dvpn=dvpn,
        served_at=SERVED_AT,
        p_notice_address="4 Other Road",
        expected_version=dvpn.lock_version,
    )


def list_hearing(ui, case, listed_for):
    ui.page.goto(f"/cases/{case.pk}/")
    steps.list_hearing(ui, court=COURT, listed_for=listed_for)


def record_outcome(ui, case, outcome, held, **extra):
    ui.page.goto(f"/cases/{case.pk}/")
    steps.record_outcome(ui, outcome=outcome, held=held, **extra)


def court_text(page):
    return page.locator("main").inner_text()


def test_grant_breach_and_breach_outcome(
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
    court,
):
    dvpn = served_case(clock, case, officer, superintendent)
    sign_in(officer)
    list_hearing(mouse, case, dt.datetime(2026, 3, 7, 10, 0))
    assert "Sat 7 Mar 2026, 10:00" in court_text(page)
    axe_check("case page with the hearing listed")

    clock.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    sign_in(court_coordinator)
    record_outcome(
        mouse,
        case,
        "Granted: the court made a DVPO",
        dt.datetime(2026, 3, 7, 10, 0),
        **{"How many days does the order last?": "28"},
    )
    text = court_text(page)
    assert "Fri 3 Apr 2026" in text  # last day: made Sat 7 Mar, 28 days beginning with that day
    assert "Sat 4 Apr 2026, 00:00" in text  # ends at midnight after the last day (BST by then)
    axe_check("case page with the order")
    order = DVPO.objects.get(case=case)
    assert order.expires_at == at("2026-04-03T23:00:00")

    # A breach of the order on Saturday night; arrested at 22:00, before the court by Monday 22:00.
    clock.move_to(dt.datetime(2026, 3, 14, 23, 0, tzinfo=UTC))
    sign_in(officer)
    page.goto(f"/cases/{case.pk}/")
    steps.record_breach(
        mouse, when=dt.datetime(2026, 3, 14, 21, 0), arrested=dt.datetime(2026, 3, 14, 22, 0)
    )
    assert page.get_by_text("Mon 16 Mar 2026, 22:00").first.is_visible()

    clock.move_to(dt.datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
    sign_in(officer)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Mon 16 Mar 2026", exact=False).or_(
        page.locator("a[href*='/breaches/']")
    ).first.click()
    axe_check("breach page")
    mouse.go("Record the breach hearing outcome")
    axe_check("breach outcome")
    mouse.choose("Fine")
    mouse.fill("Fine, in pounds", "100")
    mouse.fill_date("Date of the breach hearing", dt.date(2026, 3, 16))
    mouse.choose("No", group="Was a criminal charge also brought?")
    mouse.go("Record the outcome")
    assert page.get_by_text("£100").first.is_visible()
    page.goto(f"/cases/{case.pk}/")
    text = court_text(page)
    for flag in ("FP", "FQ", "FS", "FU"):
        assert flag in text, flag
    assert dvpn.pk


def test_adjourned_then_refused_and_a_lapsed_notice(
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
    court,
):
    served_case(clock, case, officer, superintendent)
    sign_in(officer)
    list_hearing(mouse, case, dt.datetime(2026, 3, 7, 10, 0))
    clock.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    sign_in(court_coordinator)
    record_outcome(
        mouse,
        case,
        "Adjourned",
        dt.datetime(2026, 3, 7, 10, 0),
        **{
            "Why was the hearing adjourned?": "P asked for time to get a lawyer.",
            "Date of the adjourned hearing": dt.datetime(2026, 3, 10, 10, 0),
            "Time of the adjourned hearing": "10:00",
        },
    )
    text = court_text(page)
    assert "Adjourned" in text and "Tue 10 Mar 2026" in text
    clock.move_to(dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    assert lapse_and_expire.delay().get()["lapsed"] == 0  # a hearing started in time
    sign_in(court_coordinator)
    record_outcome(mouse, case, "Refused", dt.datetime(2026, 3, 10, 10, 0))
    text = court_text(page)
    assert "Refused" in text
    assert "Ended" in text  # the notice ended when the application was refused
    axe_check("case page, refused")


def test_a_notice_with_no_hearing_by_the_deadline_lapses(
    page, sign_in, axe_check, clock, case, victim, perpetrator, officer, superintendent
):
    served_case(clock, case, officer, superintendent)
    clock.move_to(dt.datetime(2026, 3, 9, 9, 5, tzinfo=UTC))
    assert lapse_and_expire.delay().get()["lapsed"] == 1
    sign_in(officer)
    page.goto(f"/cases/{case.pk}/")
    assert page.get_by_text("Lapsed: no hearing by Mon 9 Mar 2026, 09:00").first.is_visible()
    assert "Remove from the PNC" in court_text(page)
    axe_check("case page, lapsed")
