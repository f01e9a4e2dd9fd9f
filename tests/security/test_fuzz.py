"""Fuzzing the main forms and list filters through the Django test client (issue 9 item 7).

Each target is a page as the person allowed to use it sees it. The test reads the form's
field names (and the values its radios, checkboxes and selects offer) from the page itself,
then hypothesis fills them with nasty values: random unicode, NUL bytes, huge strings,
HTML/script, CSV formula prefixes, impossible dates (31 Feb, year 0 or 99999, negative
numbers), impossible times (25:61), times the clocks skipped or repeated, huge and negative
integers in hidden version fields and choices. The page must never answer 5xx, and a
submission it refuses (anything but a redirect) must write nothing.

Each example runs in a savepoint that is rolled back, so every example starts from the same
world (tests/security/world.py). The number of inputs is printed at the end of the run
("fuzz: N inputs sent, 0 answered 5xx"; tests/security/conftest.py).
"""

import os
import re
from html import unescape

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_permission_matrix import _writes
from tests.security.world import FUZZ_TALLY, NOW, when

# Examples per form or filter: 15 keeps the whole fuzz near a minute; raise it for a longer
# hunt (DVPO_FUZZ_EXAMPLES=200).
EXAMPLES = int(os.environ.get("DVPO_FUZZ_EXAMPLES", "15"))

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    '=HYPERLINK("http://example.invalid","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "'; DROP TABLE cases_case; --",
    "%s%n%x",
    "../../../etc/passwd",
    "\r\n\r\nX-Injected: 1",
    "😀" * 300,
    "ÅÆØ ß 漢字 עברית العربية",
    "x" * 20_000,
    "9" * 40,
    "-1",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0x10",
    "true",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
days = st.one_of(
    st.sampled_from(["31", "30", "29", "0", "00", "32", "-1", "1.5", "٣", "１", " 7 "]),
    st.integers(-5, 40).map(str),
    text,
)
years = st.one_of(
    st.sampled_from(["2026", "0", "0000", "99999", "1899", "1900", "-2026", "२०२६", "20 26"]),
    st.integers(-(10**6), 10**6).map(str),
    text,
)
times = st.one_of(
    st.sampled_from(
        [
            "25:61",
            "24:00",
            "23:59",
            "00:00",
            "01:30",
            "01:30 GMT",
            "01:30 BST",
            "02:30",
            "2:30 bst",
            "9:5",
            "0930",
            "99:99",
            "-1:00",
            "12:00 CET",
            "١٢:٣٠",
        ]
    ),
    text,
)
# Whole dates that are impossible or at a clock change (Europe/London): 31 Feb; 29 Feb in a
# common year; Sun 29 Mar 2026 (01:00-02:00 skipped); Sun 25 Oct 2026 (01:00-02:00 twice).
SPECIAL_DATES = [
    ("31", "2", "2026"),
    ("29", "2", "2027"),
    ("29", "3", "2026"),
    ("25", "10", "2026"),
]

FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r'([a-zA-Z_-]+)="([^"]*)"')
OPTION = re.compile(r'<option[^>]*value="([^"]*)"', re.IGNORECASE)


def form_fields(html: str) -> dict[str, list[str]]:
    """The names of the page's form fields, each with the values the page offers for it."""
    fields: dict[str, list[str]] = {}
    options = [unescape(v) for v in OPTION.findall(html)]
    for tag, attrs in FIELD.findall(html):
        found = dict(ATTR.findall(attrs))
        name = found.get("name")
        if not name or name == "csrfmiddlewaretoken" or found.get("type") == "submit":
            continue
        offered = fields.setdefault(name, [])
        if "value" in found:
            offered.append(unescape(found["value"]))
        if tag.lower() == "select":
            offered.extend(options)
    return fields


def value_for(name: str, offered: list[str]):
    if name.endswith(("_day", "_month")):
        return days
    if name.endswith("_year"):
        return years
    if "time" in name:
        return times
    good = [st.sampled_from(offered)] if offered else []
    return st.one_of(*good, text, numbers)


@st.composite
def submissions(draw, fields: dict[str, list[str]]):
    data = {}
    for name, offered in fields.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # sometimes left out altogether
        data[name] = draw(value_for(name, offered))
    special = draw(st.sampled_from([None, *SPECIAL_DATES]))
    if special:
        for name in [n for n in fields if n.endswith("_day")]:
            stem = name[: -len("_day")]
            data.update(
                dict(zip((f"{stem}_day", f"{stem}_month", f"{stem}_year"), special, strict=True))
            )
    return data


# --- The targets -----------------------------------------------------------------------------
# (id, URL name, URL arguments from the world, who uses it, method). For GET the page is
# fuzzed through its query string (search, filters, paging).


def _dvpn_target(slug):
    return (
        f"dvpn-{slug}",
        "dvpn_step",
        {"case_id": "draft_case", "dvpn_id": "draft", "step": slug},
    )


POST_TARGETS = [
    ("incident-new", "case_new", {}, "officer"),
    ("incident-edit", "case_edit", {"case_id": "case"}, "officer"),
    ("person", "party_add", {"case_id": "case"}, "officer"),
    ("safe-contact", "safe_contact", {"case_id": "case", "party_id": "victim"}, "officer"),
    ("dash", "risk_new", {"case_id": "case"}, "officer"),
    ("dash-review", "risk_review", {"case_id": "case", "risk_id": "risk"}, "supervisor"),
    *[
        (*_dvpn_target(slug), "officer")
        for slug in ("grounds", "prohibitions", "children", "victim", "other-means")
    ],
    ("dvpn-check", "dvpn_check", {"case_id": "draft_case", "dvpn_id": "draft"}, "officer"),
    ("dvpn-serve", "dvpn_serve", {"case_id": "auth_case", "dvpn_id": "authorised"}, "officer"),
    (
        "court-listing",
        "court_application_new",
        {"case_id": "served_case"},
        "officer",
    ),
    (
        "court-outcome",
        "hearing_outcome",
        {"case_id": "listed_case", "application_id": "listed"},
        "court_coordinator",
    ),
    ("order-vary", "order_vary", {"case_id": "case", "order_id": "order"}, "court_coordinator"),
    (
        "order-discharge",
        "order_discharge",
        {"case_id": "case", "order_id": "order"},
        "court_coordinator",
    ),
    ("breach", "breach_new", {"case_id": "case"}, "officer"),
    ("breach-arrest", "breach_arrest", {"case_id": "case", "breach_id": "breach"}, "officer"),
    ("breach-outcome", "breach_outcome", {"case_id": "case", "breach_id": "breach"}, "officer"),
    ("referral", "referral_new", {"case_id": "served_case"}, "officer"),
    ("marac", "marac_outcome", {"case_id": "case", "referral_id": "marac"}, "officer"),
    ("contact-attempt", "contact_attempt_new", {"referral_id": "referral"}, "caseworker"),
    ("service-breach", "service_breach_report", {"referral_id": "referral"}, "caseworker"),
    ("follow-up", "service_followup_new", {"referral_id": "referral"}, "caseworker"),
    (
        "follow-up-done",
        "service_followup_done",
        {"referral_id": "referral", "followup_id": "followup"},
        "caseworker",
    ),
    ("decline", "service_referral_decline", {"referral_id": "referral"}, "caseworker"),
    ("break-glass", "break_glass", {"case_id": "case"}, "other_bcu_officer"),
    ("break-glass-review", "break_glass_review", {"grant_id": "grant"}, "supervisor"),
]
GET_TARGETS = [
    ("search", "case_list", {}, "officer", ["q", "page"]),
    ("queues", "queues", {}, "supervisor", ["queue", "bcu", "team", "owner", "sort", "page"]),
    ("hearings", "hearing_list", {}, "court_coordinator", ["day", "court", "page"]),
    ("inbox", "referral_inbox", {}, "caseworker", ["status", "page"]),
    ("export", "service_referral_export", {}, "caseworker", ["status"]),
    ("dash-new", "risk_new", {"case_id": "case"}, "officer", ["victim"]),
    ("person-new", "party_add", {"case_id": "case"}, "officer", ["role"]),
    ("notifications", "notifications", {}, "officer", ["page"]),
    (
        "reports",
        "reports:dashboard",
        {},
        "supervisor",
        [f"{d}_{p}" for d in ("start", "end") for p in ("day", "month", "year")]
        + ["bcu", "by", "suppress"],
    ),
    ("reports-csv", "reports:csv", {"name": "annual-return"}, "supervisor", ["bcu", "by"]),
    (
        "access-log",
        "access_log_search",
        {},
        "administrator",
        [f"{d}_{p}" for d in ("date_from", "date_to") for p in ("day", "month", "year")]
        + ["username", "crime_reference", "person", "action", "page"],
    ),
    ("sar-search", "sar_person_search", {}, "administrator", ["q", "page"]),
]


@pytest.fixture(scope="module")
def fuzz_world(world, django_db_blocker):
    """More cases in the module's world: a draft DVPN, an authorised one not yet served, a
    served one with no application, and one listed for a hearing not yet held."""
    from cases.services import case_create, party_add
    from courts import services as court_services
    from tests.helpers import decide, submitted_dvpn_for
    from tests.security.world import BUILT_AT

    users, objects = world.users, world.objects
    officer, case = users["officer"], objects["case"]

    def new_case(ref):
        made = case_create(
            actor=officer,
            crime_reference=ref,
            reported_at=when("2026-03-05T21:30:00+00:00"),
            bcu=case.bcu,
            team=case.team,
            location="1 Fuzz Road",
            summary="A fictional incident.",
        )
        for role, first, born in (
            ("victim", "Vera", "1991-02-03"),
            ("perpetrator", "Paul", "1980-01-01"),
        ):
            party_add(
                actor=officer,
                case=made,
                role=role,
                first_name=first,
                last_name="Fuzzperson",
                date_of_birth=when(born + "T00:00:00").date(),
            )
        return made

    with django_db_blocker.unblock(), time_machine.travel(when(BUILT_AT), tick=False):
        from cases import services

        draft_case = new_case("FZ/1/26")
        draft = services.dvpn_start(actor=officer, case=draft_case)
        auth_case = new_case("FZ/2/26")
        authorised = decide(
            submitted_dvpn_for(auth_case, officer=officer), by=users["superintendent"]
        )
        served = {}
        for ref in ("FZ/3/26", "FZ/4/26"):
            made = new_case(ref)
            dvpn = decide(submitted_dvpn_for(made, officer=officer), by=users["superintendent"])
            served[ref] = services.dvpn_serve(
                actor=officer,
                dvpn=dvpn,
                served_at=when(BUILT_AT),
                p_notice_address="2 Fuzz Street",
                expected_version=dvpn.lock_version,
            )
        listed = court_services.application_create(
            actor=officer,
            dvpn=served["FZ/4/26"],
            court=objects["court"],
            listed_for=when("2026-03-07T10:00:00+00:00"),
        )
    return {
        **objects,
        "draft_case": draft_case,
        "draft": draft,
        "auth_case": auth_case,
        "authorised": authorised,
        "served_case": served["FZ/3/26"].case,
        "listed_case": served["FZ/4/26"].case,
        "listed": listed,
    }


def _url(objects, name, args) -> str:
    kwargs = {k: (objects[v].pk if k != "step" and v in objects else v) for k, v in args.items()}
    return reverse(name, kwargs=kwargs)


def _client(world, role) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def _send(client, method, url, data):
    """One request in a savepoint rolled back afterwards; returns (status, rows written)."""
    FUZZ_TALLY["inputs"] += 1
    with transaction.atomic():
        before = _writes()
        try:
            send = client.get if method == "GET" else client.post
            response = send(url, data)
        except Exception:
            FUZZ_TALLY["server_errors"] += 1
            raise
        after = _writes()
        transaction.set_rollback(True)
    if response.status_code >= 500:
        FUZZ_TALLY["server_errors"] += 1
    changed = {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}
    return response, changed


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "role"),
    [pytest.param(n, a, r, id=i) for i, n, a, r in POST_TARGETS],
)
def test_fuzz_form(world, fuzz_world, name, args, role):
    client = _client(world, role)
    url = _url(fuzz_world, name, args)
    with time_machine.travel(when(NOW), tick=False):
        page = client.get(url)
        assert page.status_code == 200, f"{url} as {role}: {page.status_code}"
        fields = form_fields(page.content.decode())
        assert fields, f"no form fields found on {url}"

        @FUZZ_SETTINGS
        @given(submissions(fields))
        def fuzz(data):
            response, changed = _send(client, "POST", url, data)
            assert response.status_code < 500, f"{url} {data!r}"
            if response.status_code != 302:
                assert not changed, f"refused {url} with {data!r} but wrote {changed}"

        fuzz()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "role", "params"),
    [pytest.param(n, a, r, p, id=i) for i, n, a, r, p in GET_TARGETS],
)
def test_fuzz_query(world, fuzz_world, name, args, role, params):
    client = _client(world, role)
    url = _url(fuzz_world, name, args)
    values = st.one_of(text, numbers, st.sampled_from(["2026-02-31", "2026-03-07", "99999-01-01"]))

    @FUZZ_SETTINGS
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(params, values)))
    def fuzz(query):
        with time_machine.travel(when(NOW), tick=False):
            response, changed = _send(client, "GET", url, query)
        assert response.status_code < 500, f"{url} {query!r}"
        assert not changed, f"GET {url} {query!r} wrote {changed}"

    fuzz()
