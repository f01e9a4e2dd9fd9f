"""Fixtures for the court half. The DVPN of `served_dvpn` was served at 09:00 on
Fri 6 Mar 2026 (GMT): its hearing must start by Mon 9 Mar 2026 09:00."""

import pytest

from tests.helpers import when

LISTED_FOR = "2026-03-07T10:00:00+00:00"  # Sat 7 Mar 2026, 10:00: in time


def hear(actor, application, held_at, outcome, **kwargs):
    """Record a hearing's outcome through the service, at the application's current version."""
    from courts import services

    application.refresh_from_db()
    return services.hearing_record(
        actor=actor,
        application=application,
        held_at=when(held_at),
        outcome=outcome,
        expected_version=application.lock_version,
        **kwargs,
    )


@pytest.fixture
def court(db):
    from courts.models import Court

    return Court.objects.create(
        name="Testtown Magistrates' Court",
        code="testtown",
        address="1 Court Street, Testtown",
        specialist_dv_court=True,
        sitting_days=[0, 1, 2, 3, 4, 5],
    )


@pytest.fixture
def application(served_dvpn, court, officer):
    """Listed for Sat 7 Mar 2026 10:00, before the deadline."""
    from courts import services

    return services.application_create(
        actor=officer, dvpn=served_dvpn, court=court, listed_for=when(LISTED_FOR)
    )


@pytest.fixture
def granted(application, court_coordinator, march_6):
    """The application granted at the Saturday hearing: a 28-day order made Sat 7 Mar 2026."""
    from courts import services

    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    return services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when(LISTED_FOR),
        outcome="granted",
        expected_version=application.lock_version,
        p_attended=True,
        order_days=28,
    )


@pytest.fixture
def order(granted):
    return granted.order
