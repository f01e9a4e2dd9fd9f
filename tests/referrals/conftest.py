"""Fixtures for referrals. The clock stands at Fri 6 Mar 2026 09:00 GMT (`march_6`); the
DVPN of `served_dvpn` was authorised and served then; the case was reported Thu 5 Mar
2026 21:30, so a Victims' Code referral is due by Tue 10 Mar 2026 00:00."""

import pytest

from dvpo.models import Organisation
from dvpo.roles import Rank, Role
from tests.helpers import when

LISTED_FOR = "2026-03-07T10:00:00+00:00"  # Sat 7 Mar 2026, 10:00: in time


SAFE_CONTACT = {
    "safe_phone": "07700 900123",
    "safe_times": "Weekdays after 18:00",
    "permissions_confirmed": True,
}


@pytest.fixture
def service_manager(make_user, service):
    return make_user("sm.test", role=Role.SERVICE_MANAGER, organisation=service)


@pytest.fixture
def other_service(db):
    return Organisation.objects.create(
        name="Other Support", code="other-support", kind=Organisation.Kind.SUPPORT_SERVICE
    )


@pytest.fixture
def other_caseworker(make_user, other_service):
    return make_user("cw.other", role=Role.CASEWORKER, organisation=other_service)


@pytest.fixture
def other_supervisor(make_user, force, other_bcu):
    """A supervisor of another BCU of the same force: not alerted about this case."""
    return make_user(
        "sgt.west", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=other_bcu
    )


@pytest.fixture
def safe_contact(march_6, victim, officer):
    from cases.services import safe_contact_save

    return safe_contact_save(actor=officer, party=victim, expected_version=None, **SAFE_CONTACT)


def assess(officer, case, victim, instrument, *, yes: int = 0, grade: str = "standard"):
    from cases.services import risk_assess

    numbers = list(instrument.questions.values_list("number", flat=True))
    answers = {n: ("yes" if i < yes else "no") for i, n in enumerate(numbers)}
    return risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=answers,
        grade=grade,
        rationale="The officer's judgement.",
    )


@pytest.fixture
def risk(march_6, case, victim, officer, instrument):
    """A medium-risk DASH with four 'yes' answers."""
    return assess(officer, case, victim, instrument, yes=4, grade="medium")


@pytest.fixture
def draft(march_6, case, victim, officer, service):
    from referrals.services import referral_create

    return referral_create(
        actor=officer, case=case, victim=victim, service=service, what_done="P arrested; DVPN."
    )


@pytest.fixture
def complete(draft, served_dvpn, safe_contact, risk, officer):
    """A draft with everything a referral needs and the victim's consent."""
    from referrals.services import referral_consent_record

    return referral_consent_record(
        actor=officer, referral=draft, consent="given", expected_version=draft.lock_version
    )


@pytest.fixture
def sent(complete, officer):
    from referrals.services import referral_send

    return referral_send(actor=officer, referral=complete, expected_version=complete.lock_version)


@pytest.fixture
def accepted(sent, caseworker):
    from referrals.services import referral_accept

    return referral_accept(actor=caseworker, referral=sent, expected_version=sent.lock_version)


# --- The court side (as in tests/courts/conftest.py) -------------------------------------


@pytest.fixture
def court(db):
    from courts.models import Court

    return Court.objects.create(
        name="Testtown Magistrates' Court", code="testtown", sitting_days=[0, 1, 2, 3, 4, 5]
    )


@pytest.fixture
def application(served_dvpn, court, officer):
    from courts import services

    return services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when(LISTED_FOR)
    )


def hear(application, court_coordinator, clock, outcome: str, **extra):
    """Record the Saturday hearing's outcome (the clock moves to after it)."""
    from courts import services

    clock.move_to(when("2026-03-07T12:00:00+00:00"))
    return services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when(LISTED_FOR),
        outcome=outcome,
        expected_version=application.lock_version,
        **extra,
    )


@pytest.fixture
def order(application, court_coordinator, march_6):
    """A 28-day order made Sat 7 Mar 2026: last day Fri 3 Apr, ends Sat 4 Apr 2026 00:00."""
    return hear(application, court_coordinator, march_6, "granted", order_days=28).order
