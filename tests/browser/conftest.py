"""Browser tests: a real Chromium driven by Playwright against `live_server`.

Chromium comes from Debian (`apt-get install chromium`; `.ci/run` installs it). Without
it these tests are skipped with that reason, so `make test` still runs everywhere, and the
terminal summary says in one line how many browser tests were skipped and why.

Every page a journey looks at (`axe_check`, or `ui.look` in helpers.py) is scanned with axe,
checked at 320 CSS px and photographed into build/screenshots/ (git-ignored), which also gets
pages-scanned.txt: each URL pattern scanned, and the journeys run.
"""

import datetime as dt
import itertools
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)

# A small phone: WCAG 2.2 SC 1.4.10 Reflow asks for use at 320 CSS px without scrolling
# sideways, so every journey runs at that width.
NARROW = 320
PHONE = {"width": NARROW, "height": 720}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Only the violations are wanted; listing every pass too makes each scan much slower.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# Screenshots of every page a journey looks at, and the list of the pages scanned (git-ignored).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SCANNED: dict[str, set[str]] = {}  # URL pattern -> the journeys that scanned it
JOURNEYS: dict[str, str] = {}  # journey -> its outcome
SKIPPED_WITHOUT_CHROMIUM: list[str] = []


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "javascript(enabled): run the browser test with JavaScript on or off"
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason="chromium is not installed"))
                SKIPPED_WITHOUT_CHROMIUM.append(item.nodeid)


def pytest_runtest_logreport(report):
    if "tests/browser/" in report.nodeid and report.when == "call":
        JOURNEYS[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter):
    """Say plainly when the browser journeys did not run."""
    if SKIPPED_WITHOUT_CHROMIUM:
        terminalreporter.write_sep(
            "!",
            f"{len(SKIPPED_WITHOUT_CHROMIUM)} browser tests SKIPPED: no Chromium found "
            "(install Debian's chromium, or set CHROMIUM=/path/to/chromium)",
            yellow=True,
            bold=True,
        )
    elif SCANNED:
        terminalreporter.write_line(
            f"Browser journeys: {len(SCANNED)} distinct pages scanned by axe; screenshots and "
            f"the list in {SCREENSHOTS.relative_to(SCREENSHOTS.parents[1])}/"
        )


def pytest_sessionfinish(session):
    if not SCANNED:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lines = [
        "Pages scanned with axe-core (WCAG 2.2 A/AA: zero violations), checked for reflow at",
        f"{NARROW} CSS px and photographed, by URL pattern, with the journeys that visited them.",
        "",
    ]
    for pattern in sorted(SCANNED):
        lines.append(f"{pattern}    ({', '.join(sorted(SCANNED[pattern]))})")
    lines += ["", "Journeys run:", ""]
    lines += [f"{nodeid}: {outcome}" for nodeid, outcome in JOURNEYS.items()]
    (SCREENSHOTS / "pages-scanned.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def clock(db):
    """The journeys start at 08:00 UTC on Fri 6 Mar 2026; the clock ticks (the browser waits)."""
    with time_machine.travel(dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC), tick=True) as traveller:
        yield traveller


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. While it runs, Playwright's event loop sits in this
    thread, so Django must be told that the tests' own (synchronous) ORM calls are safe;
    the variable is removed again so that it never leaks into other tests' subprocesses."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server, request):
    """A small phone's page (320 CSS px wide): the app must work at 3 a.m. on a small screen.
    Any Content Security Policy violation the browser reports (an inline script or style, a style=""
    attribute, a file from elsewhere) fails the test at teardown. Mark a test
    `@pytest.mark.javascript(False)` to run it with JavaScript turned off."""
    marker = request.node.get_closest_marker("javascript")
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        java_script_enabled=marker.args[0] if marker else True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    csp_violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not csp_violations, "Content Security Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def sign_in(page):
    """Sign in as user with the password and then a code: the user gets a fresh authenticator
    with the published demo key (so the code is dvpo.demo.demo_totp_token(), and a second
    sign-in within the same 30 seconds is not refused as a replay)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dvpo.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, demo_totp_token

    def sign_in_as(user):
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="default", key=DEMO_TOTP_KEY)
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Enter the code from your authenticator app").fill(demo_totp_token())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/")
        return page

    return sign_in_as


@pytest.fixture
def sign_out(page):
    def sign_out_now():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/sign-in/**")

    return sign_out_now


def _known_govuk_issue(violation) -> bool:
    """GOV.UK Frontend sets aria-expanded on radios that reveal a conditional question. Axe
    flags it; the Design System keeps it on purpose because screen readers announce it
    (alphagov/govuk-frontend#979, a documented known issue). Only that exact case is ignored."""
    return violation["id"] == "aria-allowed-attr" and all(
        "govuk-radios__input" in node["html"] and "aria-expanded" in node["html"]
        for node in violation["nodes"]
    )


# Whatever sticks out of a 320 px page, or is cut off by an overflow:hidden box. Content
# inside its own scrolling container (a wide table in an overflow-x:auto wrapper) is fine.
REFLOW_PROBLEMS = """() => {
  const page = document.documentElement, width = page.clientWidth, problems = [];
  if (page.scrollWidth > width) problems.push(`the page scrolls sideways (${page.scrollWidth}px)`);
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.govuk-visually-hidden, .govuk-skip-link, script, option')) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if ((box.right > width + 1 || box.left < -1) && !scrolls(el))
      problems.push(`${name(el)} sticks out (${Math.round(box.left)} to ${Math.round(box.right)})`);
    if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${name(el)} cuts off its content`);
  }
  return problems.slice(0, 8);
}"""


def url_pattern(url: str) -> str:
    from django.urls import Resolver404, resolve

    path = urlsplit(url).path
    try:
        return "/" + resolve(path).route
    except Resolver404:
        return path


@pytest.fixture
def axe_check(page, request):
    """Look at the current page as the journeys must: scan it for WCAG 2.2 A/AA failures (fail
    listing each rule broken), check that it reflows at 320 CSS px (nothing sticks out or is
    cut off; the page does not scroll sideways), and save a full-page screenshot at that width
    in build/screenshots/<module>/<test>/<nn>-<what>.jpeg. The page's URL pattern is recorded
    for build/screenshots/pages-scanned.txt."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    journey = f"{request.node.path.stem.removeprefix('test_')}/{request.node.name}"
    folder = SCREENSHOTS / journey
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    numbers = itertools.count(1)
    # axe-core runs on timers, which never fire in a page with JavaScript off: there the page is
    # only checked at 320 px and photographed (the same pages are scanned with JavaScript on).
    marker = request.node.get_closest_marker("javascript")
    javascript = marker.args[0] if marker else True

    def check(context=""):
        page.wait_for_load_state("load")
        where = f"{context or page.url} ({page.url})"
        if javascript:
            results = axe.run(page, options=AXE_OPTIONS)
            violations = [v for v in results.response["violations"] if not _known_govuk_issue(v)]
            assert not violations, f"{where}: " + "; ".join(
                f"{v['id']}: {v['help']} at {[n['html'] for n in v['nodes']][:3]}"
                for v in violations
            )
        size = page.viewport_size  # a test may have widened it: look at 320 px, then restore
        if size["width"] != NARROW:
            page.set_viewport_size({"width": NARROW, "height": size["height"]})
        try:
            problems = page.evaluate(REFLOW_PROBLEMS)
            slug = re.sub(r"[^a-z0-9]+", "-", (context or urlsplit(page.url).path).lower())
            shot = folder / f"{next(numbers):02d}-{slug.strip('-')}.jpeg"
            page.screenshot(path=shot, full_page=True, type="jpeg", quality=80)
        finally:
            if size["width"] != NARROW:
                page.set_viewport_size(size)
        assert not problems, f"{where} at {NARROW}px: " + "; ".join(problems)
        if javascript:
            SCANNED.setdefault(url_pattern(page.url), set()).add(journey)

    return check


@pytest.fixture
def mouse(page, axe_check):
    from tests.browser.helpers import Mouse

    return Mouse(page, axe_check)


@pytest.fixture
def keys(page, axe_check):
    from tests.browser.helpers import Keys

    return Keys(page, axe_check)


@pytest.fixture
def court(db):
    from courts.models import Court

    return Court.objects.create(name="Testtown Magistrates' Court", code="TT", address="1 St")


@pytest.fixture
def support(service):
    """The caseworker fixture's service, named as the officer will choose it."""
    from dvpo.models import Organisation

    Organisation.objects.filter(pk=service.pk).update(name="Test Support Service")
    return service
