"""The court half in a real browser on a phone-sized screen: from a served DVPN, list the
hearing, record a 28-day grant (last day and expiry shown), record a breach of the order and
its production deadline, then the breach outcome; and the adjourned-then-refused and lapsed
paths as the case page shows them. Every page is scanned for WCAG 2.2 AA failures."""

import datetime as dt

import pytest

from cases import services
from courts.models import DVPO
from courts.tasks import lapse_and_expire
from tests.browser.helpers import press
from tests.helpers import authorised_dvpn_for

pytestmark = pytest.mark.django_db(transaction=True)

UTC = dt.UTC
SERVED_AT = dt.datetime(2026, 3, 6, 9, 0, tzinfo=UTC)  # Fri 6 Mar 2026: hearing by Mon 9 Mar 09:00


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def court(db):
    from courts.models import Court

    return Court.objects.create(name="Testtown Magistrates' Court", code="TT", address="1 St")


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


def fill_date(page, group, when):
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(str(when.day))
    box.get_by_label("Month").fill(str(when.month))
    box.get_by_label("Year").fill(str(when.year))


def list_hearing(page, axe_check, case, listed_for):
    page.goto(f"/cases/{case.pk}/")
    press(page, "List the DVPO hearing")
    axe_check("list the hearing")
    page.get_by_label("Magistrates' court").select_option(label="Testtown Magistrates' Court")
    fill_date(page, "Date the hearing is listed for", listed_for)
    page.get_by_label("Time the hearing is listed for").fill(f"{listed_for:%H:%M}")
    page.get_by_role("button", name="List the hearing").click()
    page.wait_for_url(f"**/cases/{case.pk}/")


def record_outcome(page, axe_check, case, outcome, held, **extra):
    page.goto(f"/cases/{case.pk}/")
    press(page, "Record the hearing outcome")
    axe_check("hearing outcome")
    page.get_by_role("radio", name=outcome).check()
    fill_date(page, "Date the hearing started", held)
    page.get_by_label("Time the hearing started").fill(f"{held:%H:%M}")
    page.get_by_label("The court's reasons").fill("Reasons given in court.")
    for label, value in extra.items():
        if isinstance(value, dt.datetime):
            fill_date(page, label, value)
        else:
            page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_url(f"**/cases/{case.pk}/")


def court_text(page):
    return page.locator("main").inner_text()


def test_grant_breach_and_breach_outcome(
    page,
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
    list_hearing(page, axe_check, case, dt.datetime(2026, 3, 7, 10, 0))
    assert "Sat 7 Mar 2026, 10:00" in court_text(page)
    axe_check("case page with the hearing listed")

    clock.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    sign_in(court_coordinator)
    record_outcome(
        page,
        axe_check,
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
    press(page, "Record a breach")
    axe_check("record a breach")
    page.get_by_role("group", name="What did P breach?").get_by_role("radio").first.check()
    fill_date(page, "Date of the breach", dt.date(2026, 3, 14))
    page.get_by_label("Time of the breach").fill("21:00")
    page.get_by_role("radio", name="Molested the victim").check()
    page.get_by_role("group", name="Who reported the breach?").get_by_role(
        "radio", name="Victim"
    ).check()
    page.get_by_label("What happened?").fill("P came to the door and shouted.")
    fill_date(page, "Date of the arrest (optional)", dt.date(2026, 3, 14))
    page.get_by_label("Time of the arrest (optional)").fill("22:00")
    page.get_by_role("button", name="Record the breach").click()
    assert page.get_by_text("Mon 16 Mar 2026, 22:00").first.is_visible()
    axe_check("breach")

    clock.move_to(dt.datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
    sign_in(officer)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Mon 16 Mar 2026", exact=False).or_(
        page.locator("a[href*='/breaches/']")
    ).first.click()
    press(page, "Record the breach hearing outcome")
    axe_check("breach outcome")
    page.get_by_role("radio", name="Fine", exact=True).check()
    page.get_by_label("Fine, in pounds").fill("100")
    fill_date(page, "Date of the breach hearing", dt.date(2026, 3, 16))
    page.get_by_role("group", name="Was a criminal charge also brought?").get_by_role(
        "radio", name="No"
    ).check()
    page.get_by_role("button", name="Record the outcome").click()
    assert page.get_by_text("£100").first.is_visible()
    page.goto(f"/cases/{case.pk}/")
    text = court_text(page)
    for flag in ("FP", "FQ", "FS", "FU"):
        assert flag in text, flag
    assert dvpn.pk


def test_adjourned_then_refused_and_a_lapsed_notice(
    page,
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
    list_hearing(page, axe_check, case, dt.datetime(2026, 3, 7, 10, 0))
    clock.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    sign_in(court_coordinator)
    record_outcome(
        page,
        axe_check,
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
    record_outcome(page, axe_check, case, "Refused", dt.datetime(2026, 3, 10, 10, 0))
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
