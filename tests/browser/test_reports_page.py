"""The reports dashboard in a real browser on a phone: charts with their tables, the filters
as a plain GET form (with and without JavaScript), and no WCAG failures."""

import pytest

from tests.reports.dataset import flags_dataset

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def flagged(clock, force, bcu, other_bcu, officer, other_force):
    return flags_dataset(force, officer, other_force)


def monthly_total(page) -> list[str]:
    row = page.get_by_test_id("monthly-table").locator("tr", has_text="Total")
    return row.locator("td").all_inner_texts()


def test_a_supervisor_filters_the_dashboard_and_reads_the_charts(
    page, supervisor, flagged, sign_in, axe_check
):
    sign_in(supervisor)
    page.get_by_role("link", name="Reports").click()
    page.wait_for_url("**/reports/")
    assert page.get_by_role("heading", name="Reports").is_visible()
    assert page.get_by_test_id("report-period").inner_text() == (
        "Incidents recorded from 1 April 2025 to 6 March 2026, all BCUs."
    )
    for chart in ("monthly", "annual", "risk"):
        assert page.get_by_test_id(f"chart-{chart}").locator("svg rect").count() > 0
    assert page.get_by_role("img", name="Incidents with each flag, by month").count() == 1
    axe_check("reports dashboard")

    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From").get_by_label("Month").fill("3")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2025")
    page.get_by_role("group", name="To").get_by_label("Day").fill("30")
    page.get_by_role("group", name="To").get_by_label("Month").fill("6")
    page.get_by_role("group", name="To").get_by_label("Year").fill("2025")
    page.get_by_label("The month of the flag").check()
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**/reports/?*")
    assert monthly_total(page) == ["7", "2", "3", "1"]
    page.get_by_role("combobox", name="BCU").select_option(label="East BCU")
    page.get_by_label("Show counts from 1 to 4 as *").check()
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**bcu=EAST**")
    assert monthly_total(page) == ["*", "*", "*", "0"]
    assert "East BCU" in page.get_by_test_id("report-period").inner_text()
    axe_check("reports dashboard, one BCU, suppressed")

    page.get_by_role("group", name="From").get_by_label("Month").fill("13")
    page.get_by_role("button", name="Show figures").click()
    assert page.get_by_role("link", name="The start date must be a real date").is_visible()
    axe_check("reports dashboard with an error")


@pytest.mark.javascript(False)
def test_the_filters_work_without_javascript(page, superintendent, flagged, sign_in):
    """(No axe scan here: axe runs as JavaScript in the page.)"""
    sign_in(superintendent)
    page.goto("/reports/")
    page.get_by_role("link", name="April 2024 to March 2025").click()
    assert (
        page.get_by_test_id("report-period")
        .inner_text()
        .startswith("Incidents recorded from 1 April 2024 to 31 March 2025")
    )
    assert monthly_total(page) == ["2", "2", "0", "0"]  # F in February, B on 31 March (BST)
    page.get_by_role("group", name="To").get_by_label("Day").fill("31")
    page.get_by_role("group", name="To").get_by_label("Month").fill("2")
    page.get_by_role("group", name="To").get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Show figures").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_role("link", name="The end date must be a real date").is_visible()
