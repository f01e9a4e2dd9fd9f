"""Fixtures for reminders. The clock stands at Fri 6 Mar 2026 09:00 GMT (`march_6`); the DVPN
of `served_dvpn` was served then, so its hearing must start by Mon 9 Mar 2026 09:00 GMT
(Sunday is not counted). Its steps (counted hours): 24 h Sat 7 Mar 09:00, 12 h Sat 7 Mar
21:00, 4 h Mon 9 Mar 05:00, 1 h Mon 9 Mar 08:00, overdue Mon 9 Mar 09:00."""

import pytest

from dvpo.roles import Rank, Role
from tests.helpers import when

LISTED_FOR = "2026-03-07T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _mail_outbox(settings, mailoutbox):
    """Reminder e-mails are read from django.core.mail.outbox."""
    return mailoutbox


@pytest.fixture
def with_emails(officer, dvpo_officer, supervisor):
    for user, address in (
        (officer, "pc@example.test"),
        (dvpo_officer, "dvpo@example.test"),
        (supervisor, "sgt@example.test"),
    ):
        user.email = address
        user.save(update_fields=["email"])


@pytest.fixture
def other_supervisor(make_user, force, other_bcu):
    """A supervisor of another BCU: never told about this case."""
    return make_user(
        "sgt.west", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=other_bcu
    )


@pytest.fixture
def service_manager(make_user, service):
    return make_user("sm.test", role=Role.SERVICE_MANAGER, organisation=service)


@pytest.fixture
def court(db):
    from courts.models import Court

    return Court.objects.create(
        name="Testtown Magistrates' Court", code="testtown", sitting_days=[0, 1, 2, 3, 4, 5]
    )


@pytest.fixture
def order(served_dvpn, court, officer, court_coordinator, march_6):
    """A 28-day order made Sat 7 Mar 2026: last day Fri 3 Apr, ends Sat 4 Apr 2026 00:00 BST."""
    from courts import services

    application = services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when(LISTED_FOR)
    )
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    hearing = services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when(LISTED_FOR),
        outcome="granted",
        expected_version=application.lock_version,
        p_attended=True,
        order_days=28,
    )
    return hearing.order


@pytest.fixture
def arrested_breach(served_dvpn, officer, march_6):
    """A breach of the DVPN, arrest Fri 6 Mar 2026 22:00 GMT: production by Sat 7 Mar 22:00."""
    from courts.services import breach_record

    march_6.move_to(when("2026-03-06T23:00:00+00:00"))
    return breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-06T21:00:00+00:00"),
        arrested_at=when("2026-03-06T22:00:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
    )


@pytest.fixture
def draft_referral(march_6, case, victim, officer, service):
    """Reported Thu 5 Mar 2026 21:30: the referral is due by Tue 10 Mar 2026 00:00 GMT."""
    from referrals.services import referral_create

    return referral_create(
        actor=officer, case=case, victim=victim, service=service, what_done="P arrested; DVPN."
    )
