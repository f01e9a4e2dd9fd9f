"""The reports page and CSV downloads: who may see them (own force only), what they show,
the filters, CSV safety, the access log, a fixed number of queries; and the `report` command."""

import csv
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AccessLog
from dvpo.models import BCU
from dvpo.roles import Rank, Role
from tests.helpers import text, when
from tests.reports.dataset import flag, flags_dataset, make_case

DASHBOARD = reverse("reports:dashboard")
FY2025 = "start_day=1&start_month=4&start_year=2025&end_day=31&end_month=3&end_year=2026"
SPRING = "start_day=1&start_month=3&start_year=2025&end_day=30&end_month=6&end_year=2025"
CSVS = ["monthly-flags", "annual-return", "management"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(when("2026-03-06T09:00:00+00:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def flagged(force, bcu, other_bcu, officer, other_force):
    return flags_dataset(force, officer, other_force)


def csv_url(name, query=""):
    return reverse("reports:csv", args=[name]) + (f"?{query}" if query else "")


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- Who may see the reports --------------------------------------------------------------


@pytest.mark.parametrize("who", ["supervisor", "superintendent", "administrator"])
def test_reporting_roles_see_the_page_and_every_csv(client, request, who, flagged):
    client.force_login(request.getfixturevalue(who))
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert 'href="/reports/"' in page.content.decode()  # in the navigation
    for name in CSVS:
        assert client.get(csv_url(name)).status_code == 200


@pytest.mark.parametrize("who", ["officer", "dvpo_officer", "court_coordinator"])
def test_other_police_roles_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("home"))
    assert 'href="/reports/"' not in page.content.decode()
    assert client.get(DASHBOARD).status_code == 403
    for name in CSVS:
        assert client.get(csv_url(name)).status_code == 403


def test_support_services_never_see_reports(client, caseworker, make_user, service):
    manager = make_user("sm.test", role=Role.SERVICE_MANAGER, organisation=service)
    for user in (caseworker, manager):
        client.force_login(user)
        assert client.get(DASHBOARD).status_code == 404
        for name in CSVS:
            assert client.get(csv_url(name)).status_code == 404


def test_an_administrator_of_no_force_gets_404(client, make_user):
    client.force_login(make_user("root.test", role=Role.ADMINISTRATOR))
    assert client.get(DASHBOARD).status_code == 404


def test_signed_out_goes_to_sign_in(client):
    for url in [DASHBOARD, *(csv_url(name) for name in CSVS)]:
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_an_unknown_report_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(csv_url("everything")).status_code == 404


def test_another_forces_supervisor_sees_nothing_of_this_force(
    client, flagged, make_user, other_force
):
    outsider = make_user(
        "sgt.else", role=Role.SUPERVISOR, organisation=other_force, rank=Rank.SERGEANT
    )
    client.force_login(outsider)
    page = text(client.get(f"{DASHBOARD}?{SPRING}"))
    assert "East BCU" not in page and "West BCU" not in page and "Testshire" not in page
    rows = csv_rows(client.get(csv_url("monthly-flags", SPRING)))
    assert rows[-1] == ["total", "1", "1", "1", "1"]  # only its own incident H
    annual = csv_rows(client.get(csv_url("annual-return", FY2025)))
    assert [row[0] for row in annual[1:]] == ["Elsewhere BCU", "Force total"]
    # Another force's BCU code as a filter is not a choice here.
    response = client.get(csv_url("monthly-flags", f"{SPRING}&bcu=EAST"))
    assert response.status_code == 400


def test_only_post_is_refused(client, supervisor):
    client.force_login(supervisor)
    assert client.post(DASHBOARD).status_code == 405
    assert client.post(csv_url("monthly-flags")).status_code == 405


# --- What the page and CSV show -------------------------------------------------------------


def test_the_page_shows_the_figures_with_charts_and_tables(client, supervisor, flagged):
    client.force_login(supervisor)
    response = client.get(f"{DASHBOARD}?{SPRING}")
    page = text(response)
    assert "Incidents recorded from 1 March 2025 to 30 June 2025, all BCUs." in page
    for key in ("monthly", "annual", "risk"):
        assert f'data-testid="chart-{key}"' in page
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in page
    assert "style=" not in page and "<script>" not in page
    monthly = page.split('data-testid="monthly-table"')[1].split("</table>")[0]
    cells = [c.split(">")[-1] for c in monthly.split("</td>")[:-1]]
    assert cells[:4] == ["1", "1", "0", "0"]  # March 2025
    assert ">Total</th>" in monthly
    assert "Hearings held within the deadline" in page
    assert "first hearing started at or before the 48-hour hearing deadline" in page


def test_the_page_defaults_to_the_financial_year_so_far(client, supervisor):
    client.force_login(supervisor)
    page = text(client.get(DASHBOARD))
    assert "Incidents recorded from 1 April 2025 to 6 March 2026, all BCUs." in page
    assert "April 2025 to March 2026" in page


def test_bad_filters_show_the_error_summary(client, supervisor):
    client.force_login(supervisor)
    query = "start_day=31&start_month=2&start_year=2025&end_day=1&end_month=1&end_year=2025"
    page = text(client.get(f"{DASHBOARD}?{query}"))
    assert "There is a problem" in page and "The start date must be a real date" in page
    assert 'data-testid="monthly-table"' not in page
    backwards = "start_day=2&start_month=2&start_year=2025&end_day=1&end_month=1&end_year=2025"
    page = text(client.get(f"{DASHBOARD}?{backwards}"))
    assert "The start date must be on or before the end date" in page
    response = client.get(csv_url("monthly-flags", backwards))
    assert response.status_code == 400
    assert "on or before" in response.content.decode()


def test_monthly_csv_with_the_options(client, supervisor, flagged):
    client.force_login(supervisor)
    response = client.get(csv_url("monthly-flags", SPRING))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "monthly-flags-2025-03-01-to-2025-06-30.csv" in response["Content-Disposition"]
    assert csv_rows(response) == [
        ["month", "dvpn_granted", "dvpn_breached", "dvpo_granted", "dvpo_breached"],
        ["2025-03", "1", "1", "0", "0"],
        ["2025-04", "2", "0", "2", "1"],
        ["2025-05", "2", "0", "1", "0"],
        ["2025-06", "1", "0", "1", "0"],
        ["total", "6", "1", "4", "1"],
    ]
    by_flag = csv_rows(client.get(csv_url("monthly-flags", f"{SPRING}&by=flag&suppress=on")))
    assert by_flag[-1] == ["total", "7", "*", "*", "*"]
    east = csv_rows(client.get(csv_url("monthly-flags", f"{SPRING}&bcu=EAST")))
    assert east[-1] == ["total", "3", "1", "2", "0"]


def test_annual_csv(client, superintendent, flagged):
    client.force_login(superintendent)
    rows = csv_rows(client.get(csv_url("annual-return", FY2025)))
    assert rows[1:] == [
        ["East BCU", "3", "2", "66.7", "2", "2", "100.0"],
        ["West BCU", "4", "4", "100.0", "3", "2", "66.7"],
        ["Force total", "7", "6", "85.7", "5", "4", "80.0"],
    ]


def test_csv_cells_cannot_run_as_formulas(client, supervisor, force, officer):
    BCU.objects.create(force=force, code="EVIL", name="=HYPERLINK(1)")
    BCU.objects.create(force=force, code="WIDE", name="\uff20SUM(1)")  # full-width @
    client.force_login(supervisor)
    rows = csv_rows(client.get(csv_url("annual-return", FY2025)))
    assert ["'=HYPERLINK(1)", "0", "0", "", "0", "0", ""] in rows
    assert ["'\uff20SUM(1)", "0", "0", "", "0", "0", ""] in rows


def test_management_csv(client, administrator, flagged):
    client.force_login(administrator)
    rows = csv_rows(client.get(csv_url("management", FY2025)))
    assert rows[0] == ["section", "measure", "group", "value", "numerator", "denominator"]
    assert ["figures", "incidents", "count", "7", "", ""] in rows


def test_viewing_and_exporting_are_in_the_access_log(client, supervisor):
    client.force_login(supervisor)
    client.get(DASHBOARD)
    client.get(csv_url("monthly-flags"))
    logged = list(AccessLog.objects.filter(user=supervisor).values_list("action", "path"))
    assert ("report", DASHBOARD) in logged
    assert ("export", csv_url("monthly-flags")) in logged


def test_the_page_makes_the_same_number_of_queries_whatever_the_data(
    client, supervisor, force, bcu, officer
):
    client.force_login(supervisor)
    client.get(DASHBOARD)  # warm the session and permission caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as empty:
        client.get(f"{DASHBOARD}?{FY2025}")
    for n in range(30):
        case = make_case(f"Q{n}/25", f"2025-{4 + n % 9:02d}-10T10:00:00+00:00", bcu, officer)
        for code in ("FP", "FQ", "FS"):
            flag(case, code, f"2025-{4 + n % 9:02d}-11T10:00:00+00:00")
    with CaptureQueriesContext(connection) as full:
        response = client.get(f"{DASHBOARD}?{FY2025}")
    assert response.status_code == 200
    assert len(full) == len(empty)
    assert len(full) <= 30  # session, user, permissions, BCUs and the report queries


# --- The report command ---------------------------------------------------------------------


def report(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_report_command_prints_each_report(flagged, force):
    spring = ["--from", "2025-03-01", "--to", "2025-06-30", "--force", "testshire"]
    assert report("monthly-flags", *spring).splitlines() == [
        "month,dvpn_granted,dvpn_breached,dvpo_granted,dvpo_breached",
        "2025-03,1,1,0,0",
        "2025-04,2,0,2,1",
        "2025-05,2,0,1,0",
        "2025-06,1,0,1,0",
        "total,6,1,4,1",
    ]
    assert report("monthly-flags", *spring, "--by-flag-date", "--suppress").splitlines()[-1] == (
        "total,7,*,*,*"
    )
    assert report("monthly-flags", *spring, "--bcu", "east").splitlines()[-1] == "total,3,1,2,0"
    year = ["--from", "2025-04-01", "--to", "2026-03-31", "--force", "testshire"]
    assert report("annual-return", *year).splitlines()[-1] == "Force total,7,6,85.7,5,4,80.0"
    assert report("management", *year).splitlines()[1] == "figures,incidents,count,7,,"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["everything", "--from", "2025-01-01", "--to", "2025-02-01"], "Unknown report"),
        (["monthly-flags", "--from", "2025-02-30", "--to", "2025-03-01"], "--from must be a date"),
        (["monthly-flags", "--from", "1/2/2025", "--to", "2025-03-01"], "--from must be a date"),
        (["monthly-flags", "--from", "2025-03-01", "--to", "2025-02-01"], "must not be after"),
        (
            ["monthly-flags", "--from", "2025-01-01", "--to", "2025-02-01", "--bcu", "NOPE"],
            "Unknown BCU 'NOPE'",
        ),
    ],
)
def test_report_command_refuses_bad_arguments(force, bcu, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)
