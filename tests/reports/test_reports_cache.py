"""The dashboard keeps its figures for REPORT_CACHE_SECONDS (the page says when they were
worked out), per force and choice of filters; the beat task works out each force's default
page afresh; the CSV downloads never come from the cache."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from dvpo.roles import Rank, Role
from reports import figures
from reports.tasks import warm_dashboards
from tests.helpers import text, when
from tests.reports.dataset import flag, make_case

DASHBOARD = reverse("reports:dashboard")
SPRING = "start_day=1&start_month=3&start_year=2025&end_day=30&end_month=6&end_year=2025"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(when("2025-06-20T09:00:00+00:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def cached(settings, force, other_force):
    """The cache on, and this test's entries removed afterwards (the test Redis is shared)."""
    settings.REPORT_CACHE_SECONDS = 600
    keys = []

    def key(force_, start, end, *, bcu=None, by_flag_date=False):
        scope = figures.Scope(force_.pk, figures.Period(start, end), bcu.pk if bcu else None)
        keys.append(figures.dashboard_key(scope, by_flag_date=by_flag_date))
        return keys[-1]

    yield key
    cache.delete_many(keys)


def granted_in_march(case_number, bcu, officer):
    case = make_case(f"{case_number}/25", "2025-03-10T12:00:00+00:00", bcu, officer)
    flag(case, "FS", "2025-03-11T12:00:00+00:00")
    return case


def monthly_cells(page):
    table = page.split('data-testid="monthly-table"')[1].split("</table>")[0]
    return [cell.split(">")[-1] for cell in table.split("</td>")[:-1]]


def test_the_page_keeps_its_figures_and_says_when_they_were_worked_out(
    client, cached, clock, force, bcu, officer, supervisor
):
    key = cached(force, date(2025, 3, 1), date(2025, 6, 30))
    granted_in_march("0001", bcu, officer)
    client.force_login(supervisor)
    page = text(client.get(f"{DASHBOARD}?{SPRING}"))
    assert monthly_cells(page)[:4] == ["0", "0", "1", "0"]
    assert "Figures worked out at 10:00 on 20 June 2025" in page  # BST
    assert "kept for up to 10 minutes" in page
    assert cache.get(key) is not None

    granted_in_march("0002", bcu, officer)
    clock.shift(300)
    page = text(client.get(f"{DASHBOARD}?{SPRING}"))
    assert monthly_cells(page)[:4] == ["0", "0", "1", "0"]  # kept
    assert "Figures worked out at 10:00" in page
    # The CSV is worked out afresh.
    csv = client.get(reverse("reports:csv", args=["monthly-flags"]) + f"?{SPRING}")
    assert csv.content.decode().splitlines()[1] == "2025-03,0,0,2,0"

    cache.delete(key)  # as when the entry expires
    clock.shift(60)
    page = text(client.get(f"{DASHBOARD}?{SPRING}"))
    assert monthly_cells(page)[:4] == ["0", "0", "2", "0"]
    assert "Figures worked out at 10:06" in page


def test_each_force_and_each_choice_of_filters_has_its_own_figures(
    client, cached, force, bcu, other_bcu, officer, supervisor, make_user, other_force
):
    cached(force, date(2025, 3, 1), date(2025, 6, 30))
    cached(force, date(2025, 3, 1), date(2025, 6, 30), bcu=other_bcu)
    cached(other_force, date(2025, 3, 1), date(2025, 6, 30))
    granted_in_march("0001", bcu, officer)
    client.force_login(supervisor)
    assert monthly_cells(text(client.get(f"{DASHBOARD}?{SPRING}")))[:4] == ["0", "0", "1", "0"]
    page = text(client.get(f"{DASHBOARD}?{SPRING}&bcu={other_bcu.code}"))
    assert monthly_cells(page)[:4] == ["0", "0", "0", "0"]

    outsider = make_user(
        "sgt.else", role=Role.SUPERVISOR, organisation=other_force, rank=Rank.SERGEANT
    )
    client.force_login(outsider)
    page = text(client.get(f"{DASHBOARD}?{SPRING}"))
    assert monthly_cells(page)[:4] == ["0", "0", "0", "0"]
    assert bcu.name not in page


def test_the_beat_task_works_out_each_forces_default_page_afresh(
    client, cached, clock, force, other_force, bcu, officer, supervisor
):
    key = cached(force, date(2025, 4, 1), date(2025, 6, 20))
    cached(other_force, date(2025, 4, 1), date(2025, 6, 20))
    client.force_login(supervisor)
    page = text(client.get(DASHBOARD))
    assert "Incidents recorded from 1 April 2025 to 20 June 2025, all BCUs." in page
    assert cache.get(key).management.incidents == 0

    make_case("0003/25", "2025-05-02T12:00:00+00:00", bcu, officer)
    clock.shift(60)
    assert warm_dashboards() >= 2  # both forces (and any other police force in the database)
    assert cache.get(key).management.incidents == 1
    assert "Figures worked out at 10:01" in text(client.get(DASHBOARD))


def test_with_the_cache_off_nothing_is_kept(client, settings, force, supervisor):
    settings.REPORT_CACHE_SECONDS = 0
    scope = figures.Scope(force.pk, figures.Period(date(2025, 3, 1), date(2025, 6, 30)))
    client.force_login(supervisor)
    page = text(client.get(f"{DASHBOARD}?{SPRING}"))
    assert "Figures worked out at" not in page
    assert cache.get(figures.dashboard_key(scope, by_flag_date=False)) is None
    assert warm_dashboards() == 0


def test_the_date_boxes_show_the_default_period(client, supervisor):
    client.force_login(supervisor)
    page = text(client.get(DASHBOARD))
    for name, value in [
        ("start_day", "1"),
        ("start_month", "4"),
        ("start_year", "2025"),
        ("end_day", "20"),
        ("end_month", "6"),
        ("end_year", "2025"),
    ]:
        assert f'name="{name}" type="text" inputmode="numeric" value="{value}"' in page
