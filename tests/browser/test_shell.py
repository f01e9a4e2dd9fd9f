"""The page shell in a real browser: sign in, the home page, sign out; no WCAG failures."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_home_and_sign_out_on_a_phone(page, officer, sign_in, sign_out, axe_check):
    page.goto("/")
    page.wait_for_url("**/sign-in/**")
    axe_check("sign-in page")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("There is a problem").is_visible()

    sign_in(officer)
    assert page.get_by_test_id("signed-in-as").is_visible()
    assert page.locator("link[href$='app.css']").count() == 1
    heading = page.locator("h1").first
    assert heading.evaluate("e => getComputedStyle(e).fontFamily").lower().startswith("arial")
    axe_check("home page")
    sign_out()


def test_a_supervisor_reaches_the_deadline_queues(
    page, supervisor, served_dvpn, sign_in, axe_check
):
    sign_in(supervisor)
    page.get_by_role("link", name="Deadlines").click()
    page.wait_for_url("**/queues/**")
    assert page.get_by_role("heading", name="Deadline queues").is_visible()
    axe_check("deadline queues")
