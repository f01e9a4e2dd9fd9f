from datetime import datetime

import pytest
from hypothesis import settings

from dvpo.models import BCU, Organisation, Team
from dvpo.roles import Rank, Role
from dvpo.services import roles_sync
from tests.helpers import decide, new_user, submitted_dvpn_for

# The same examples on every run, so CI is deterministic; no per-example time limit.
settings.register_profile("dvpo", derandomize=True, deadline=None)
settings.load_profile("dvpo")


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """Every page needs a session that passed two-factor sign-in (dvpo.middleware), so the test
    client's force_login gives the user a real TOTP device (in the test database) and marks
    the session verified as django_otp.login does, with the identity confirmed now (for
    decisions that need a recent confirmation). tests/test_two_factor.py signs in for real."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        from django.utils import timezone
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from dvpo.signin import IDENTITY_CONFIRMED_AT

        original(self, user, backend)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="default")
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[IDENTITY_CONFIRMED_AT] = timezone.now().timestamp()
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def roles(db):
    roles_sync()


@pytest.fixture
def force(db):
    return Organisation.objects.create(
        name="Testshire Police", code="testshire", kind=Organisation.Kind.POLICE_FORCE
    )


@pytest.fixture
def service(db):
    return Organisation.objects.create(
        name="Test Support", code="test-support", kind=Organisation.Kind.SUPPORT_SERVICE
    )


@pytest.fixture
def bcu(force):
    return BCU.objects.create(force=force, code="EAST", name="East BCU")


@pytest.fixture
def team(bcu):
    return Team.objects.create(bcu=bcu, name="East Response")


@pytest.fixture
def make_user(roles):
    """tests.helpers.new_user, once the roles' groups exist."""
    return new_user


@pytest.fixture
def officer(make_user, force, bcu, team):
    return make_user(
        "pc.test", role=Role.OFFICER, organisation=force, rank=Rank.CONSTABLE, bcu=bcu, team=team
    )


# --- Cases ----------------------------------------------------------------------
# Fixed dates: the incident was reported on Thu 5 Mar 2026 at 21:30 London time.

REPORTED_AT = "2026-03-05T21:30:00+00:00"


@pytest.fixture
def other_force(db):
    return Organisation.objects.create(
        name="Elsewhere Constabulary", code="elsewhere", kind=Organisation.Kind.POLICE_FORCE
    )


@pytest.fixture
def other_bcu(force):
    return BCU.objects.create(force=force, code="WEST", name="West BCU")


@pytest.fixture
def dvpo_officer(make_user, force, bcu):
    return make_user(
        "dvpo.test", role=Role.DVPO_OFFICER, organisation=force, rank=Rank.CONSTABLE, bcu=bcu
    )


@pytest.fixture
def supervisor(make_user, force, bcu):
    return make_user(
        "sgt.test", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=bcu
    )


@pytest.fixture
def superintendent(make_user, force, bcu):
    return make_user(
        "supt.test",
        role=Role.AUTHORISING_OFFICER,
        organisation=force,
        rank=Rank.SUPERINTENDENT,
        bcu=bcu,
    )


@pytest.fixture
def court_coordinator(make_user, force):
    return make_user("court.test", role=Role.COURT_COORDINATOR, organisation=force)


@pytest.fixture
def caseworker(make_user, service):
    return make_user("cw.test", role=Role.CASEWORKER, organisation=service)


@pytest.fixture
def administrator(make_user, force):
    return make_user("admin.test", role=Role.ADMINISTRATOR, organisation=force)


@pytest.fixture
def outsider(make_user, other_force):
    """A DVPO officer of another force: must never see this force's cases."""
    bcu = BCU.objects.create(force=other_force, code="X", name="X BCU")
    return make_user(
        "outsider", role=Role.DVPO_OFFICER, organisation=other_force, rank=Rank.CONSTABLE, bcu=bcu
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
def instrument(db):
    from cases.instruments import instrument_load

    return instrument_load()[0]


@pytest.fixture
def case(officer, bcu, team):
    from datetime import datetime

    from cases.services import case_create

    return case_create(
        actor=officer,
        crime_reference="1234567/26",
        reported_at=datetime.fromisoformat(REPORTED_AT),
        bcu=bcu,
        team=team,
        location="Flat 1, 2 Example Road",
        summary="A fictional incident.",
    )


@pytest.fixture
def victim(case, officer):
    from datetime import date

    from cases.models import Party
    from cases.services import party_add

    return party_add(
        actor=officer,
        case=case,
        role=Party.Role.VICTIM,
        first_name="Vicky",
        last_name="Testperson",
        date_of_birth=date(1990, 1, 2),
        gender="female",
        relationship_to_p="Partner",
        lives_with_p=True,
    )


@pytest.fixture
def perpetrator(case, officer):
    from datetime import date

    from cases.models import Party
    from cases.services import party_add

    return party_add(
        actor=officer,
        case=case,
        role=Party.Role.PERPETRATOR,
        first_name="Peter",
        last_name="Placeholder",
        date_of_birth=date(1988, 6, 7),
        gender="male",
    )


COMPLETE_APPLICATION = {
    "grounds": "P punched the victim and threatened to kill her.",
    "why_other_means_insufficient": "P was released without bail conditions.",
    "child_welfare": "No children live at the address.",
    "victim_opinion": "The victim wants P kept away.",
    "p_representations": "P said he did nothing wrong.",
}


@pytest.fixture
def submitted_dvpn(case, victim, perpetrator, officer):
    return submitted_dvpn_for(case, officer=officer)


@pytest.fixture
def march_6(db):
    """The clock stands at Friday 6 March 2026, 09:00 GMT, the morning after the fixture incident.
    Ask for it before the case fixtures so that they are made at that time too."""
    import time_machine

    with time_machine.travel(datetime.fromisoformat("2026-03-06T09:00:00+00:00"), tick=False) as t:
        yield t


@pytest.fixture
def authorised_dvpn(march_6, submitted_dvpn, superintendent):
    """Authorised at 09:00 on Fri 6 Mar 2026, not yet served."""

    return decide(submitted_dvpn, by=superintendent)


@pytest.fixture
def served_dvpn(march_6, submitted_dvpn, superintendent, officer):
    """Authorised and served at 09:00 on Fri 6 Mar 2026: the hearing is due by Mon 9 Mar 09:00."""
    from cases import services

    dvpn = decide(submitted_dvpn, by=superintendent, reasons="Grounds and necessity are made out.")
    return services.dvpn_serve(
        actor=officer,
        dvpn=dvpn,
        served_at=datetime.fromisoformat("2026-03-06T09:00:00+00:00"),
        p_notice_address="1 Example Street, Testtown",
        expected_version=dvpn.lock_version,
    )
