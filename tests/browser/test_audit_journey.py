"""The access log in a real browser (audit/): an officer of another BCU breaks the glass with a
reason, their supervisor reviews it, an administrator finds it in the log and answers a
subject access request. No WCAG failures, works on a phone, no CSP violations."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "The victim walked into West station asking for help"


def test_break_glass_review_and_the_access_log(
    page, case, victim, west_officer, west_supervisor, administrator, sign_in, sign_out, axe_check
):
    sign_in(west_officer)
    page.goto(f"/cases/{case.pk}/")
    assert page.get_by_role("heading", name="This case is outside your BCU or team").is_visible()
    axe_check("break-glass question")
    page.get_by_role("button", name="Open the case").click()
    assert page.get_by_text("There is a problem").is_visible()
    axe_check("break-glass question with an error")
    page.get_by_label("Why do you need to open this case?").fill(REASON)
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.get_by_text("1234567/26").first.is_visible()
    sign_out()

    sign_in(west_supervisor)
    page.get_by_role("link", name="Break-glass reviews").click()
    assert page.get_by_text(REASON).is_visible()
    axe_check("break-glass reviews")
    page.get_by_role("link", name="Review access by").click()
    axe_check("review one access")
    page.get_by_label("Review note").fill("Checked with the officer.")
    page.get_by_role("button", name="Mark as reviewed").click()
    assert page.get_by_text("Break-glass access marked as reviewed").is_visible()
    assert page.get_by_test_id("break-glass-empty").is_visible()
    sign_out()

    sign_in(administrator)
    page.get_by_role("link", name="Access log").click()
    axe_check("access log search")
    page.get_by_label("Username").fill("pc.west")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_text(REASON).first.is_visible()
    axe_check("access log results")
    page.get_by_role("link", name="Subject access requests").click()
    page.get_by_label("Name or person number").fill("Testperson")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Vicky Testperson").click()
    assert page.get_by_test_id("sar-csv").is_visible()
    axe_check("subject access request")
