"""Fixtures for the access log: the referral chain of tests/referrals (a referral sent to
the test service on the served DVPN's case), and police users outside the case's BCU/team."""

import pytest

from dvpo.roles import Rank, Role
from tests.referrals.conftest import (  # noqa: F401 - fixtures reused here
    SAFE_CONTACT,
    complete,
    draft,
    other_caseworker,
    other_service,
    risk,
    safe_contact,
    sent,
)


@pytest.fixture
def west_officer(make_user, force, other_bcu):
    """An officer of the same force in another BCU: must break the glass to read the case."""
    return make_user(
        "pc.west", role=Role.OFFICER, organisation=force, rank=Rank.CONSTABLE, bcu=other_bcu
    )


@pytest.fixture
def west_supervisor(make_user, force, other_bcu):
    return make_user(
        "sgt.west", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=other_bcu
    )


@pytest.fixture
def service_admin(make_user, service):
    return make_user("admin.service", role=Role.ADMINISTRATOR, organisation=service)
