"""One fictional world for the security tests, built once per module and rolled back after it.

Two police forces, two support services and one person per role (domain.md §2), and one case
that has been through everything: victim and P, a high-risk DASH awaiting quality assurance,
a DVPN authorised and served, a Victims' Code referral sent to the service and accepted, a
MARAC referral, the DVPO granted, a breach, a notification and a calendar feed.

The clock stands at Fri 6 Mar 2026 09:00 GMT when the case is made; the hearing is on
Sat 7 Mar 2026 at 10:00 and the tests run at Sat 7 Mar 2026 16:00 (`NOW`).

`world_fixture` opens one transaction around the whole module: each test's own transaction
(pytest-django's `db`) is a savepoint inside it, so what a test writes is undone after it
and the world is undone after the module, as Django's `setUpTestData` does.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import time_machine
from django.db import transaction

from dvpo.roles import Rank, Role

BUILT_AT = "2026-03-06T09:00:00+00:00"  # Fri 6 Mar 2026, the morning after the incident
HEARD_AT = "2026-03-07T12:00:00+00:00"
LISTED_FOR = "2026-03-07T10:00:00+00:00"
BREACH_AT = "2026-03-07T13:00:00+00:00"
NOW = "2026-03-07T16:00:00+00:00"  # when the tests run

# Inputs sent by tests/security/test_fuzz.py, printed at the end of the run (conftest.py).
FUZZ_TALLY = {"inputs": 0, "server_errors": 0}
# Cells of the permission matrix: how many there are and how many were checked and passed.
MATRIX_TALLY = {"cells": 0, "passed": 0}
# Pages the access-log walk fetched, and those showing a name or crime reference
# (tests/security/test_every_name_logged.py).
WALK_TALLY = {"fetched": 0, "showing": 0}

# Every person the matrix asks about, in the order the test ids use.
ROLES = (
    "officer",
    "dvpo_officer",
    "supervisor",
    "superintendent",
    "court_coordinator",
    "caseworker",
    "service_manager",
    "administrator",
    "other_administrator",
    "service_administrator",
    "platform_administrator",
    "other_bcu_officer",
    "glass_officer",
    "outsider_force",
    "outsider_service",
    "anonymous",
)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (anonymous: None)
    objects: dict = field(default_factory=dict)  # name -> model instance
    calendar_token: str = ""
    sessions: dict = field(default_factory=dict)  # role -> session key, signed in (2FA passed)

    def user(self, role: str):
        return self.users[role]


def _organisations():
    from dvpo.models import BCU, Organisation, Team

    police = Organisation.Kind.POLICE_FORCE
    support = Organisation.Kind.SUPPORT_SERVICE
    force = Organisation.objects.create(name="Matrixshire Police", code="mx", kind=police)
    other_force = Organisation.objects.create(
        name="Elsewhere Constabulary", code="mx-else", kind=police
    )
    service = Organisation.objects.create(name="Harbour Test Support", code="mx-hts", kind=support)
    other_service = Organisation.objects.create(
        name="Other Test Support", code="mx-ots", kind=support
    )
    bcu = BCU.objects.create(force=force, code="MXN", name="North BCU")
    team = Team.objects.create(bcu=bcu, name="North Response")
    other_bcu = BCU.objects.create(force=other_force, code="MXE", name="Elsewhere BCU")
    south = BCU.objects.create(force=force, code="MXS", name="South BCU")
    Team.objects.create(bcu=south, name="South Response")
    return force, other_force, service, other_service, bcu, team, other_bcu


def _platform_administrator():
    from dvpo.models import User

    return User.objects.create_superuser(
        "mx.platform", "mx.platform@example.invalid", None, first_name="Platform"
    )


def _users(force, other_force, service, other_service, bcu, team, other_bcu) -> dict:
    from dvpo.models import BCU
    from tests.helpers import new_user

    def make(username, role, organisation, rank=None, bcu=None, team=None):
        """A person of the world, named after their username ("mx.south": South Matrix)."""
        return new_user(
            username,
            role=role,
            organisation=organisation,
            rank=rank,
            bcu=bcu,
            team=team,
            first_name=username.split(".")[-1].capitalize(),
            last_name="Matrix",
        )

    constable, sergeant, supt = Rank.CONSTABLE, Rank.SERGEANT, Rank.SUPERINTENDENT
    south = BCU.objects.get(force=force, code="MXS")
    return {
        "officer": make("mx.officer", Role.OFFICER, force, constable, bcu, team),
        "dvpo_officer": make("mx.dvpo", Role.DVPO_OFFICER, force, constable, bcu),
        "supervisor": make("mx.sergeant", Role.SUPERVISOR, force, sergeant, bcu),
        "superintendent": make("mx.supt", Role.AUTHORISING_OFFICER, force, supt, bcu),
        "court_coordinator": make("mx.court", Role.COURT_COORDINATOR, force),
        "caseworker": make("mx.caseworker", Role.CASEWORKER, service),
        "service_manager": make("mx.manager", Role.SERVICE_MANAGER, service),
        "administrator": make("mx.admin", Role.ADMINISTRATOR, force),
        # The other organisations' administrators, and the platform's (a superuser, no
        # organisation): the admin site keeps each inside their own (issue 22 item 1).
        "other_administrator": make("mx.elseadmin", Role.ADMINISTRATOR, other_force),
        "service_administrator": make("mx.serviceadmin", Role.ADMINISTRATOR, service),
        "platform_administrator": _platform_administrator(),
        # An officer of the same force in another BCU: must break glass to read the case.
        "other_bcu_officer": make(
            "mx.south", Role.OFFICER, force, constable, south, south.teams.first()
        ),
        # Another officer of that BCU, who has given a reason to open the case (break glass).
        "glass_officer": make(
            "mx.glass", Role.OFFICER, force, constable, south, south.teams.first()
        ),
        "outsider_force": make("mx.outsider", Role.DVPO_OFFICER, other_force, constable, other_bcu),
        "outsider_service": make("mx.othercw", Role.CASEWORKER, other_service),
        "anonymous": None,
    }


def _case(officer, bcu, team):
    from cases.models import Party
    from cases.services import case_create, party_add

    case = case_create(
        actor=officer,
        crime_reference="MX/0001/26",
        reported_at=when("2026-03-05T21:30:00+00:00"),
        bcu=bcu,
        team=team,
        location="Flat 1, 2 Example Road",
        summary="A fictional incident.",
    )
    victim = party_add(
        actor=officer,
        case=case,
        role=Party.Role.VICTIM,
        first_name="Vicky",
        last_name="Matrixperson",
        date_of_birth=date(1990, 1, 2),
        gender="female",
        relationship_to_p="Partner",
        lives_with_p=True,
    )
    perpetrator = party_add(
        actor=officer,
        case=case,
        role=Party.Role.PERPETRATOR,
        first_name="Peter",
        last_name="Placeholder",
        date_of_birth=date(1988, 6, 7),
        gender="male",
    )
    return case, victim, perpetrator


def _risk(officer, case, victim):
    """A high-risk DASH (so a MARAC referral may be made), awaiting quality assurance."""
    from cases.instruments import instrument_load
    from cases.services import risk_assess

    instrument = instrument_load()[0]
    numbers = list(instrument.questions.values_list("number", flat=True))
    answers = {n: ("yes" if i < 14 else "no") for i, n in enumerate(numbers)}
    return risk_assess(
        actor=officer,
        case=case,
        victim=victim,
        instrument=instrument,
        answers=answers,
        grade="high",
        rationale="Fourteen yes answers.",
    )


def _served_dvpn(case, officer, superintendent):
    from cases import services
    from tests.helpers import decide, submitted_dvpn_for

    dvpn = decide(submitted_dvpn_for(case, officer=officer), by=superintendent)
    return services.dvpn_serve(
        actor=officer,
        dvpn=dvpn,
        served_at=when(BUILT_AT),
        p_notice_address="1 Example Street, Testtown",
        expected_version=dvpn.lock_version,
    )


def _referrals(case, victim, officer, caseworker, service):
    from cases.services import safe_contact_save
    from referrals import rules
    from referrals.services import (
        referral_accept,
        referral_consent_record,
        referral_create,
        referral_send,
    )

    safe_contact_save(
        actor=officer,
        party=victim,
        expected_version=None,
        safe_phone="07700 900123",
        safe_times="Weekdays after 18:00",
        permissions_confirmed=True,
    )
    draft = referral_create(
        actor=officer, case=case, victim=victim, service=service, what_done="P arrested; DVPN."
    )
    complete = referral_consent_record(
        actor=officer, referral=draft, consent="given", expected_version=draft.lock_version
    )
    sent = referral_send(actor=officer, referral=complete, expected_version=complete.lock_version)
    referral = referral_accept(actor=caseworker, referral=sent, expected_version=sent.lock_version)
    marac = referral_create(actor=officer, case=case, victim=victim, kind=rules.MARAC)
    return referral, marac


def _court(dvpn, officer, court_coordinator, clock):
    from courts import services
    from courts.models import Court

    court = Court.objects.create(
        name="Matrixtown Magistrates' Court",
        code="mx-court",
        address="1 Court Street, Matrixtown",
        sitting_days=[0, 1, 2, 3, 4, 5],
    )
    application = services.application_create(
        actor=officer, dvpn=dvpn, court=court, listed_for=when(LISTED_FOR)
    )
    clock.move_to(when(HEARD_AT))
    hearing = services.hearing_record(
        actor=court_coordinator,
        application=application,
        held_at=when(LISTED_FOR),
        outcome="granted",
        expected_version=application.lock_version,
        p_attended=True,
        order_days=28,
    )
    return court, application, hearing.order


def _expired_break_glass(user, case, clock):
    """A break-glass grant, made long enough ago that it no longer opens the case."""
    from audit.breakglass import break_glass_open

    clock.move_to(when(BUILT_AT))
    grant = break_glass_open(user=user, case=case, reason="Checking a linked incident today.")
    clock.move_to(when(NOW))
    return grant


def _open_break_glass(user, case):
    """A break-glass grant given an hour before NOW: it still opens the case."""
    from audit.breakglass import break_glass_open

    with time_machine.travel(when(NOW) - timedelta(hours=1), tick=False):
        return break_glass_open(user=user, case=case, reason="Checking a linked incident now.")


def world_build() -> World:
    from django_otp.plugins.otp_static.models import StaticDevice

    from courts import selectors as court_selectors
    from courts.services import breach_record
    from dvpo.services import roles_sync
    from referrals.models import Alert
    from referrals.services import followup_add

    roles_sync()
    world = World()
    with time_machine.travel(when(BUILT_AT), tick=False) as clock:
        orgs = _organisations()
        force, other_force, service, other_service, bcu, team, other_bcu = orgs
        world.users = users = _users(*orgs)
        officer = users["officer"]
        case, victim, perpetrator = _case(officer, bcu, team)
        risk = _risk(officer, case, victim)
        dvpn = _served_dvpn(case, officer, users["superintendent"])
        referral, marac = _referrals(case, victim, officer, users["caseworker"], service)
        court, application, order = _court(dvpn, officer, users["court_coordinator"], clock)
        clock.move_to(when(NOW))
        breach = breach_record(
            actor=officer,
            case=case,
            order=order,
            occurred_at=when(BREACH_AT),
            prohibition="molestation",
            reported_by="victim",
            description="P phoned the victim.",
        )
        followup = followup_add(
            actor=users["caseworker"], referral=referral, due_at=when("2026-03-10T18:00:00+00:00")
        )
        alert = Alert.objects.create(
            recipient=officer,
            case=case,
            referral=referral,
            kind=Alert.Kind.REMINDER,
            message="A fictional reminder.",
            created_at=when(NOW),
        )
        world.calendar_token = court_selectors.calendar_token_new(officer)
        grant = _expired_break_glass(users["other_bcu_officer"], case, clock)
        _open_break_glass(users["glass_officer"], case)
    world.objects = {
        "force": force,
        "service": service,
        "case": case,
        "victim": victim,
        "perpetrator": perpetrator,
        "risk": risk,
        "dvpn": dvpn,
        "referral": referral,
        "marac": marac,
        "court": court,
        "application": application,
        "order": order,
        "breach": breach,
        "followup": followup,
        "alert": alert,
        "grant": grant,
        "person": victim.person,
        "officer_user": officer,
        "bcu": officer.bcu,
        "team": officer.team,
        "calendar_day": _calendar_day(),
        "own_court": _own_court(force),
        "officer_backup_codes": StaticDevice.objects.create(user=officer, name="backup"),
    }
    return world


def _own_court(force):
    from courts.models import Court

    return Court.objects.create(name="Matrixshire Own Court", code="mx-own", force=force)


def _calendar_day():
    from dvpo.models import CalendarDay

    return CalendarDay.objects.create(
        date=date(2030, 6, 3), change=CalendarDay.Change.ADD, name="A fictional jubilee"
    )


def _signed_in(user) -> str:
    """A session for the user that passed both sign-in steps, as the test client's force_login
    gives one in tests/conftest.py (a TOTP device, the session verified with it)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dvpo.signin import IDENTITY_CONFIRMED_AT

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="default")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[IDENTITY_CONFIRMED_AT] = when(NOW).timestamp()
    session.save()
    return session.session_key


def world_signed_in(world) -> None:
    """Sign every person in once, at NOW, so that each test reuses the session."""
    with time_machine.travel(when(NOW), tick=False):
        world.sessions = {
            role: _signed_in(user) for role, user in world.users.items() if user is not None
        }


def world_fixture(django_db_blocker):
    """Build the world in a transaction held open for the module; roll it back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
