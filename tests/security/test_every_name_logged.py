"""Every page that shows a person's name, or a case's crime reference, writes an access-log
row about them (DPA 2018 s.62): the walk of the whole URL configuration.

The world of tests/security/world.py, with its victim and perpetrator renamed to names no page
has by chance. Every GET URL of the URL configuration is fetched as each person the
permission matrix (permission_rules.py) lets open it, and every admin page as a platform
administrator (a superuser), with the few query strings that make a page show more (a
search). Whenever an answer (HTML, CSV or iCalendar) contains one of the names, some row
the request wrote must be about that person, as a subject access request finds it
(audit.selectors.about_person); whenever it contains the crime reference, some row must be
about the case or its people. A new page that shows either without logging fails here.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.urls import reverse

from audit.models import AccessLog
from audit.selectors import about_person
from cases import services
from tests.security.permission_rules import DEFAULT_ARGS, LITERAL_ARGS, OK, RULES_BY_NAME
from tests.security.test_permission_matrix import url_names
from tests.security.world import NOW, WALK_TALLY, when, world_signed_in

# The people of the world's cases (parties in World.objects), renamed.
NAMES = {
    "victim": ("Zephyrine", "Quillfeather"),
    "perpetrator": ("Barnaby", "Thistlewick"),
    "waiting_victim": ("Ottoline", "Fairweather-Crumb"),
    "waiting_perpetrator": ("Caspian", "Dunmorrow"),
    "listed_victim": ("Henrietta", "Vashbourne"),
    "listed_perpetrator": ("Lysander", "Pennyfeather"),
}
# The cases: the world's (through everything), one awaiting authorisation (the queue) and
# one listed for a hearing not yet held (the hearing list, the calendar feed, home panels).
CASES = {"case": "MX/0001/26", "waiting_case": "MX/0002/26", "listed_case": "MX/0003/26"}
MONDAY_HEARING = when("2026-03-09T10:00:00+00:00")
PLATFORM = "platform"  # the superuser of this walk, in World.users

# Pages that show the crime reference but are themselves the record of access: the log
# search (written as a "search" row with what was asked) and the supervisors' review of
# break-glass openings (each opening is in the log with its reason already).
CRIME_REFERENCE_EXEMPT = {
    "access_log_search": "the access log itself; the search is logged",
    "break_glass_reviews": "the openings under review are each in the log",
    "break_glass_review": "the opening under review is in the log",
    "admin:audit_accesslog_changelist": "the access log itself (superusers only)",
    "admin:audit_accesslog_change": "the access log itself (superusers only)",
}

# Query strings that make a page show people (a search), besides the bare address.
EXTRA_QUERIES = {
    "case_list": ["q=Quillfeather", "q=MX/0001/26"],
    "sar_person_search": ["q=Quillfeather"],
    "hearing_list": ["day=2026-03-07", "day=2026-03-09"],
    "referral_inbox": ["status=all"],
    "access_log_search": ["action=view"],
    "queues": ["queue=dash"],
}

# Pages the walk must find showing a case (else it proves nothing about them): fetch id ->
# the case (its crime reference) the page shows in this world.
MUST_SHOW = {
    "home-officer": "case",
    "home-superintendent": "waiting_case",
    "home-dvpo_officer": "listed_case",
    "notifications-officer": "listed_case",
    "hearing_list-court_coordinator?day=2026-03-09": "listed_case",
    "hearing_calendar_feed-anonymous": "listed_case",
    "hearing_calendar_subscribe-officer": "listed_case",
    "authorisation_queue-superintendent": "waiting_case",
    "referral_inbox-caseworker": "case",
    "queues-supervisor?queue=dash": "case",
    "service_referral_export-caseworker": "case",
    "admin:courts_hearing_changelist-platform": "case",
    "admin:courts_dvpoapplication_changelist-platform": "case",
    "admin:referrals_referral_change-platform": "case",
    "admin:courts_breach_simple_history-platform": "case",
}

# Admin URLs that are not pages of a record (or only answer POST).
ADMIN_SKIPPED = {"admin:logout", "admin:jsi18n", "admin:view_on_site", "admin:autocomplete"}


@dataclass(frozen=True)
class Fetch:
    name: str
    role: str
    query: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}-{self.role}" + (f"?{self.query}" if self.query else "")


def _fetches() -> list[Fetch]:
    """Every GET of the URL configuration, as each person who may open it."""
    fetches = []
    for name, args in url_names().items():
        if name.startswith("admin:"):
            roles = [] if name in ADMIN_SKIPPED else [PLATFORM]
        elif name in RULES_BY_NAME and RULES_BY_NAME[name].get is not None:
            outcomes = RULES_BY_NAME[name].cells(args)["GET"]
            roles = [role for role, expected in outcomes.items() if expected == OK]
        else:
            roles = []  # POST only, or no rule (test_every_url_has_a_rule says so)
        for role in roles:
            fetches.append(Fetch(name, role))
            fetches += [Fetch(name, role, query) for query in EXTRA_QUERIES.get(name, [])]
    return fetches


FETCHES = _fetches()


def _new_case(world, key: str, crime_reference: str) -> None:
    """Another case of the officer's team, with its victim and perpetrator."""
    from cases.models import Party
    from cases.services import case_create, party_add

    officer = world.users["officer"]
    case = case_create(
        actor=officer,
        crime_reference=crime_reference,
        reported_at=when(NOW) - timedelta(hours=3),
        bcu=officer.bcu,
        team=officer.team,
        location="3 Example Lane",
        summary="Another fictional incident.",
    )
    prefix = key.removesuffix("case")
    for role in (Party.Role.VICTIM, Party.Role.PERPETRATOR):
        first, last = NAMES[f"{prefix}{role}"]
        party = party_add(
            actor=officer,
            case=case,
            role=role,
            first_name=first,
            last_name=last,
            date_of_birth=date(1985, 4, 5),
        )
        world.objects[f"{prefix}{role}"] = party
    world.objects[key] = case


def _more_cases(world) -> None:
    """A DVPN awaiting authorisation, and a served one listed for Monday's hearing, with
    a notification naming its crime reference."""
    from courts.services import application_create
    from referrals.models import Alert
    from tests.helpers import decide, submitted_dvpn_for

    officer = world.users["officer"]
    _new_case(world, "waiting_case", CASES["waiting_case"])
    submitted_dvpn_for(world.objects["waiting_case"], officer=officer)
    _new_case(world, "listed_case", CASES["listed_case"])
    dvpn = decide(
        submitted_dvpn_for(world.objects["listed_case"], officer=officer),
        by=world.users["superintendent"],
    )
    dvpn = services.dvpn_serve(
        actor=officer,
        dvpn=dvpn,
        served_at=when(NOW),
        p_notice_address="4 Example Lane",
        expected_version=dvpn.lock_version,
    )
    application_create(
        actor=officer, dvpn=dvpn, court=world.objects["court"], listed_for=MONDAY_HEARING
    )
    Alert.objects.create(
        recipient=officer,
        case=world.objects["listed_case"],
        kind=Alert.Kind.REMINDER,
        message=f"{CASES['listed_case']}: the hearing is on Monday.",
        created_at=when(NOW),
    )


@pytest.fixture(scope="module")
def named_world(world, django_db_blocker):

    with django_db_blocker.unblock(), time_machine.travel(when(NOW), tick=False):
        _more_cases(world)
        for key in ("victim", "perpetrator"):
            person = world.objects[key].person
            person.first_name, person.last_name = NAMES[key]
            person.save()
        world.users[PLATFORM] = world.users["platform_administrator"]
        world_signed_in(world)
    return world


def _admin_url(name: str, url_args: list[str]) -> str | None:
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "courts"})
    if not url_args and not name.endswith("_simple_history"):
        return reverse(name)
    target = None
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            target = model._default_manager.order_by("pk").first()
    if name == "admin:auth_user_password_change":  # UserAdmin names it after auth.User
        target = get_user_model().objects.order_by("pk").first()
    if target is None:
        return None  # nothing of that model in the world
    if name.endswith("_simple_history"):
        version = target.history.order_by("history_id").first()
        return reverse(name, args=[target.pk, version.history_id])
    return reverse(name, kwargs=dict.fromkeys(url_args, target.pk))


def _url(world, fetch: Fetch) -> str | None:
    url_args = url_names()[fetch.name]
    if fetch.name.startswith("admin:"):
        url = _admin_url(fetch.name, url_args)
    else:
        rule = RULES_BY_NAME[fetch.name]
        kwargs = {}
        for arg in url_args:
            if arg == "token":
                kwargs[arg] = world.calendar_token
            elif arg in rule.args and rule.args[arg] not in world.objects:
                kwargs[arg] = rule.args[arg]
            elif arg in LITERAL_ARGS:
                kwargs[arg] = LITERAL_ARGS[arg]
            else:
                kwargs[arg] = world.objects[rule.args.get(arg, DEFAULT_ARGS[arg])].pk
        url = reverse(fetch.name, kwargs=kwargs)
    return f"{url}?{fetch.query}" if url and fetch.query else url


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _shows_anyone(body: str, query: str) -> bool:
    names = [name for pair in NAMES.values() for name in pair] + list(CASES.values())
    return any(name in body for name in names if name not in query)


@pytest.mark.django_db
@pytest.mark.parametrize("fetch", FETCHES, ids=[fetch.id for fetch in FETCHES])
def test_a_page_that_names_someone_logs_it(named_world, client, fetch):
    world = named_world
    if fetch.role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[fetch.role]
    url = _url(world, fetch)
    if url is None:
        pytest.skip("nothing of this model in the world")
    with time_machine.travel(when(NOW), tick=False):
        before = AccessLog.objects.aggregate(last=Max("pk"))["last"] or 0
        response = client.get(url)
    if response.status_code != 200:
        return  # refused or sent on: test_permission_matrix checks who gets what
    body = _body(response)
    written = AccessLog.objects.filter(pk__gt=before)
    WALK_TALLY["fetched"] += 1
    WALK_TALLY["showing"] += _shows_anyone(body, fetch.query)
    for key, (first, last) in NAMES.items():
        # A search shows what was typed: only the other half of the name counts.
        if any(name in body for name in (first, last) if name not in fetch.query):
            person_id = world.objects[key].person_id
            assert written.filter(about_person(person_id)).exists(), (
                f"{fetch.role} GET {url} shows {first} {last} but wrote no access-log row "
                "about them: call audit.log.record_listed (a list) or access_case (a case page)"
            )
    if fetch.id in MUST_SHOW:
        assert CASES[MUST_SHOW[fetch.id]] in body, f"{url} no longer shows what it is tested for"
    if fetch.name in CRIME_REFERENCE_EXEMPT:
        return
    for key, crime_reference in CASES.items():
        if crime_reference in body and crime_reference not in fetch.query:
            case = world.objects[key]
            people = list(case.parties.values_list("person_id", flat=True))
            about = written.filter(case_id=case.pk) | written.filter(people__overlap=people)
            assert about.exists(), (
                f"{fetch.role} GET {url} shows crime reference {crime_reference} but wrote "
                "no access-log row about the case or its people"
            )


WALKED = (
    "home",
    "notifications",
    "hearing_list",
    "hearing_calendar_feed",
    "authorisation_queue",
    "sar_person_search",
    "admin:courts_hearing_changelist",
    "admin:courts_hearing_change",
    "admin:referrals_referral_simple_history",
)


def test_the_walk_covers_the_pages_that_name_people():
    walked = {fetch.name for fetch in FETCHES}
    assert not [name for name in WALKED if name not in walked]
