"""Every list and queue page runs the same number of queries with few rows as with many
(issue 11): no query per row. The rows come from `manage.py generate_data` itself (real
cases, notices, hearings, orders, breaches, referrals and contact attempts made the way the
big dataset is), first a few, then ten times more over the same weeks."""

import contextlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from cases.models import DVPN, Case
from dvpo.roles import Rank, Role
from referrals.models import Referral

NOW = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)  # a Friday morning


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(clock, officer, dvpo_officer, supervisor, superintendent, court_coordinator,
           caseworker, make_user, service, force):  # fmt: skip
    manager = make_user("sm.perf", role=Role.SERVICE_MANAGER, organisation=service)
    second = make_user(
        "supt.second",
        role=Role.AUTHORISING_OFFICER,
        organisation=force,
        rank=Rank.SUPERINTENDENT,
        bcu=officer.bcu,
    )
    return {
        "officer": officer,
        "dvpo_officer": dvpo_officer,
        "supervisor": supervisor,
        "superintendent": superintendent,
        "second_superintendent": second,
        "court_coordinator": court_coordinator,
        "caseworker": caseworker,
        "service_manager": manager,
    }


def generate(force, incidents: int, seed: int):
    call_command(
        "generate_data",
        incidents=incidents,
        seed=seed,
        force=force.code,
        years=0.08,  # about four weeks: plenty of live notices, hearings and referrals
        batch=500,
        stdout=open("/dev/null", "w"),  # noqa: SIM115 - closed with the process
    )
    # A few applications awaiting the superintendent's decision (a short window in real life).
    ids = list(
        DVPN.objects.filter(case__force=force, status=DVPN.Status.SERVED)
        .order_by("-pk")
        .values_list("pk", flat=True)[: max(2, incidents // 100)]
    )
    DVPN.objects.filter(pk__in=ids).update(status=DVPN.Status.SUBMITTED, submitted_at=NOW)
    # And a few referrals escalated to the service manager after failed attempts.
    ids = list(
        Referral.objects.filter(case__force=force, status__in=("sent", "accepted"))
        .order_by("-pk")
        .values_list("pk", flat=True)[: max(2, incidents // 100)]
    )
    Referral.objects.filter(pk__in=ids).update(escalated_at=NOW)


PAGES = [
    ("officer", "/cases/"),
    ("officer", "/cases/?q=Quill"),  # the commonest first part of the generated surnames
    ("officer", "/queues/"),
    ("officer", "/notifications/"),
    ("dvpo_officer", "/cases/"),
    ("dvpo_officer", "/queues/"),
    ("dvpo_officer", "/hearings/"),
    ("supervisor", "/queues/"),
    ("supervisor", "/queues/?queue=dash"),  # tabs with rows: DASH grades and victims
    ("supervisor", "/queues/?queue=not-contacted"),  # not yet contacted (the service's name)
    ("supervisor", "/risk/reviews/"),
    ("second_superintendent", "/authorisations/"),
    ("second_superintendent", "/cases/?q=Marrowby"),
    ("court_coordinator", "/hearings/"),
    ("caseworker", "/referrals/"),
    ("caseworker", "/referrals/follow-ups/"),
    ("service_manager", "/referrals/"),
    ("service_manager", "/referrals/queue/"),
]
with contextlib.suppress(NoReverseMatch):  # the reports page (issue 8), where present
    PAGES.append(("supervisor", reverse("reports:dashboard")))


def count_queries(client, user, url) -> tuple[int, int]:
    client.force_login(user)
    assert client.get(url).status_code == 200  # warm: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.content)


@pytest.mark.django_db
def test_list_and_queue_pages_do_not_query_per_row(client, people, force, instrument, service):
    generate(force, 150, seed=1)
    few = {(who, url): count_queries(client, people[who], url) for who, url in PAGES}
    generate(force, 1500, seed=2)
    assert Case.objects.filter(force=force).count() == 1650
    assert Referral.objects.filter(service=service).count() > 20
    many = {(who, url): count_queries(client, people[who], url) for who, url in PAGES}
    grew = {page: (few[page][0], many[page][0]) for page in PAGES if many[page][0] != few[page][0]}
    assert not grew, f"query counts changed with the data (few, many): {grew}"
    # The pages that are not already a full page of rows show more with more data (else the
    # comparison would prove nothing).
    bigger = [page for page in PAGES if many[page][1] > few[page][1]]
    assert len(bigger) >= 5, bigger


@pytest.mark.django_db
def test_generated_data_renders(client, people, force, instrument):
    """The generated cases open on the case page (with the notice, court, order, breach and
    referral sections), and the generated referrals on the caseworker's page."""
    generate(force, 400, seed=3)
    client.force_login(people["dvpo_officer"])
    rich = (
        Case.objects.filter(force=force, dvpos__isnull=False, referrals__isnull=False)
        .order_by("-pk")
        .first()
    )
    assert rich is not None
    client.force_login(people["superintendent"])  # force-wide
    response = client.get(f"/cases/{rich.pk}/")
    assert response.status_code == 200
    assert rich.crime_reference in response.content.decode()
    referral = Referral.objects.filter(service=people["caseworker"].organisation).first()
    client.force_login(people["caseworker"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
