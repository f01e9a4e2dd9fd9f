"""Fixtures for the access log: the referral chain of tests/referrals (a referral sent to
the test service on the served DVPN's case), and an administrator of the service. The police
users outside the case's BCU (west_officer, west_supervisor) are in tests/conftest.py, which
the browser journey (tests/browser/test_audit_journey.py) shares."""

import pytest

from dvpo.roles import Role
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
def service_admin(make_user, service):
    return make_user("admin.service", role=Role.ADMINISTRATOR, organisation=service)
