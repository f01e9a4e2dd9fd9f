"""The permission matrix (issue 9 item 4): for every URL name in the URL configuration, every
method it takes and every person of tests/security/world.py, the answer is what
tests/security/permission_rules.py says. Each (URL, method, role) is its own test.

A refused POST (or a refused GET) must change nothing: the test compares PostgreSQL's
per-transaction write counters (pg_stat_xact_user_tables) of the app's tables before and
after the request.

Print the number of cells with: pytest tests/security/test_permission_matrix.py -q -s -k count
"""

from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.security.permission_rules import (
    BREAK_GLASS,
    DEFAULT_ARGS,
    FRAMEWORK_NAMESPACES,
    LITERAL_ARGS,
    LOGIN,
    OK,
    RULES,
    RULES_BY_NAME,
)
from tests.security.world import MATRIX_TALLY, NOW, when, world_signed_in

# Tables a refused request may still write: the session (sliding expiry), sign-in
# attempts, two-factor devices and the access log (which may record refusals).
MAY_WRITE = ("django_session", "axes_", "otp_", "two_factor_", "audit_")
LOGIN_NAMES = {"login", "admin:login", "two_factor:login"}
CELL_FLOOR = 1400  # the matrix checks at least this many cells


def url_names() -> dict[str, list[str]]:
    """Every named URL of the URL configuration (through its includes) with its arguments."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace, kwargs):
        for pattern in patterns:
            own = list(getattr(pattern.pattern, "converters", {})) or list(
                pattern.pattern.regex.groupindex
            )
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns, kwargs + own)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.setdefault(name, kwargs + own)

    walk(get_resolver().url_patterns, "", [])
    return found


URL_ARGS = url_names()
CELLS = [
    pytest.param(rule.name, method, role, expected, id=f"{rule.name}-{method}-{role}")
    for rule in RULES
    for method, outcomes in rule.cells(URL_ARGS.get(rule.name, [])).items()
    for role, expected in outcomes.items()
]
MATRIX_TALLY["cells"] = len(CELLS)


def test_every_url_has_a_rule():
    names = url_names()
    framework = tuple(f"{ns}:" for ns in FRAMEWORK_NAMESPACES)
    missing = sorted(n for n in names if n not in RULES_BY_NAME and not n.startswith(framework))
    assert not missing, (
        "These URL names have no rule in the permission matrix. Add a Rule to "
        "tests/security/permission_rules.py saying, from domain.md §2, who may GET and "
        f"POST each: {', '.join(missing)}"
    )
    stale = sorted(n for n in RULES_BY_NAME if n not in names)
    assert not stale, f"Rules for URL names that no longer exist: {', '.join(stale)}"


def test_count_of_cells():
    roles = {role for _, _, role, _ in (p.values for p in CELLS)}
    print(
        f"\npermission matrix: {len(CELLS)} (role, URL, method) cells over "
        f"{len(RULES)} URL names and {len(roles)} roles"
    )
    assert len(CELLS) >= CELL_FLOOR


@pytest.fixture(scope="module")
def signed_in_world(world, django_db_blocker):
    with django_db_blocker.unblock():
        world_signed_in(world)
    return world


def _url(world, name: str) -> str:
    rule = RULES_BY_NAME[name]
    kwargs = {}
    for arg in URL_ARGS[name]:
        if arg == "token":
            kwargs[arg] = world.calendar_token
        elif arg in rule.args and rule.args[arg] not in world.objects:
            kwargs[arg] = rule.args[arg]  # a literal, such as a report's name
        elif arg in LITERAL_ARGS:
            kwargs[arg] = LITERAL_ARGS[arg]
        else:
            obj = rule.args[arg] if arg in rule.args else DEFAULT_ARGS[arg]
            kwargs[arg] = world.objects[obj].pk
    return reverse(name, kwargs=kwargs)


def _writes() -> dict[str, int]:
    """Rows inserted, updated or deleted in this transaction so far, per table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {
            table: count
            for table, count in cursor.fetchall()
            if count and not table.startswith(MAY_WRITE)
        }


def outcome_of(response):
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target == "/admin/login/":  # sent on to the sign-in page (dvpo/urls.py)
            return LOGIN
        try:
            match = resolve(target)
        except Exception:  # a redirect off the app
            return OK
        return LOGIN if match.view_name in LOGIN_NAMES else OK
    if (
        response.status_code == 200
        and not response.streaming
        and b'data-testid="break-glass-form"' in response.content
    ):
        return BREAK_GLASS
    if 200 <= response.status_code < 300:
        return OK
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role", "expected"), CELLS)
def test_cell(signed_in_world, client, name, method, role, expected):
    world = signed_in_world
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = _url(world, name)
    with time_machine.travel(when(NOW), tick=False):
        before = _writes()
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {"reason": "A fictional reason.", "page": "1"})
        after = _writes()
    got = outcome_of(response)
    assert got == expected, (
        f"{role} {method} {url} ({name}): expected {expected}, got {got} "
        f"(HTTP {response.status_code} {response.get('Location', '')})"
    )
    if expected != OK:
        changed = {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}
        assert not changed, f"{role} {method} {url} was refused but wrote rows: {changed}"
    MATRIX_TALLY["passed"] += 1


@pytest.mark.django_db
def test_calendar_feed_wrong_token(world, client):
    url = reverse("hearing_calendar_feed", kwargs={"token": "not-a-real-token"})
    assert client.get(url).status_code == 404
