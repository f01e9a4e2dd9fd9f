"""Every figure of each report pinned on the hand-built records of tests/reports/dataset.py."""

import datetime as dt

import pytest
import time_machine

from reports import figures, tables
from tests.helpers import when
from tests.reports.dataset import flags_dataset, management_dataset

SPRING = figures.Period(dt.date(2025, 3, 1), dt.date(2025, 6, 30))


@pytest.fixture
def flagged(force, bcu, other_bcu, officer, other_force):
    return flags_dataset(force, officer, other_force)


def monthly(force, period=SPRING, *, bcu=None, by_flag_date=False, suppress=False):
    scope = figures.Scope(force.pk, period, bcu.pk if bcu else None)
    report = figures.monthly_flags(scope, by_flag_date=by_flag_date)
    return tables.monthly_table(report, suppress=suppress)


def test_monthly_flags_by_the_month_the_incident_was_recorded(flagged, force):
    table = monthly(force)
    assert table.header == [
        "month",
        "dvpn_granted",
        "dvpn_breached",
        "dvpo_granted",
        "dvpo_breached",
    ]
    assert table.rows == [
        # B: recorded 23:30 BST on 31 March, its flags made in April.
        ["2025-03", "1", "1", "0", "0"],
        # A: 23:30 UTC on 31 March is 00:30 BST on 1 April; FP and FQ count once. C: FQ only.
        ["2025-04", "2", "0", "2", "1"],
        # D (FP only) and I (imported).
        ["2025-05", "2", "0", "1", "0"],
        # E has no flags; G's FQ and FS are in July but G was recorded in June.
        ["2025-06", "1", "0", "1", "0"],
        ["total", "6", "1", "4", "1"],
    ]


def test_monthly_flags_by_the_flags_own_month(flagged, force):
    assert monthly(force, by_flag_date=True).rows == [
        # F's FQ at 00:30 GMT on 1 March (recorded in February) and its FT.
        ["2025-03", "1", "1", "0", "0"],
        # A and B granted (B's FT too); A's FS.
        ["2025-04", "2", "1", "1", "0"],
        # C (FQ on 1 May), D, I; C's and I's FS; C's FU.
        ["2025-05", "3", "0", "2", "1"],
        # G: the earlier of FP (30 June 23:30 BST) and FQ (1 July 00:30 BST).
        ["2025-06", "1", "0", "0", "0"],
        ["total", "7", "2", "3", "1"],
    ]


def test_monthly_flags_for_one_bcu(flagged, force, bcu):
    assert monthly(force, bcu=bcu).rows == [
        ["2025-03", "1", "1", "0", "0"],
        ["2025-04", "1", "0", "1", "0"],
        ["2025-05", "1", "0", "1", "0"],
        ["2025-06", "0", "0", "0", "0"],
        ["total", "3", "1", "2", "0"],
    ]


def test_monthly_flags_months_with_nothing_are_zeros(flagged, force):
    period = figures.Period(dt.date(2024, 11, 15), dt.date(2025, 1, 2))
    assert monthly(force, period).rows == [
        ["2024-11", "0", "0", "0", "0"],
        ["2024-12", "0", "0", "0", "0"],
        ["2025-01", "0", "0", "0", "0"],
        ["total", "0", "0", "0", "0"],
    ]


def test_another_force_sees_only_its_own(flagged, other_force):
    assert monthly(other_force).rows[1] == ["2025-04", "1", "1", "1", "1"]
    assert monthly(other_force).rows[-1] == ["total", "1", "1", "1", "1"]


def test_suppression_shows_one_to_four_as_a_star(flagged, force):
    assert monthly(force, suppress=True).rows == [
        ["2025-03", "*", "*", "0", "0"],
        ["2025-04", "*", "0", "*", "*"],
        ["2025-05", "*", "0", "*", "0"],
        ["2025-06", "*", "0", "*", "0"],
        ["total", "6", "*", "*", "*"],
    ]


def annual(force, bcus, *, suppress=False, bcu=None):
    scope = figures.Scope(force.pk, figures.financial_year(2025), bcu.pk if bcu else None)
    return tables.annual_table(figures.annual_return(scope, bcus), suppress=suppress)


def test_annual_return_per_bcu_and_force(flagged, force, bcu, other_bcu):
    table = annual(force, [bcu, other_bcu])
    assert table.header == [
        "area",
        "dvpn_applied",
        "dvpn_granted",
        "dvpn_grant_rate",
        "dvpo_applied",
        "dvpo_granted",
        "dvpo_grant_rate",
    ]
    assert table.rows == [
        # A (applied, granted, order), E (applied, refused), I (imported: granted, order).
        # B was recorded in March 2025: the year before.
        ["East BCU", "3", "2", "66.7", "2", "2", "100.0"],
        # C (FQ only), D, G, J granted; DVPO: C, G granted, J refused.
        ["West BCU", "4", "4", "100.0", "3", "2", "66.7"],
        ["Force total", "7", "6", "85.7", "5", "4", "80.0"],
    ]


def test_annual_return_suppressed_and_for_one_bcu(flagged, force, bcu):
    assert annual(force, [bcu], bcu=bcu, suppress=True).rows == [
        ["East BCU", "*", "*", "*", "*", "*", "*"],
        ["Force total", "*", "*", "*", "*", "*", "*"],
    ]


def test_annual_return_with_nothing_has_blank_rates(force, bcu):
    assert annual(force, [bcu]).rows == [
        ["East BCU", "0", "0", "", "0", "0", ""],
        ["Force total", "0", "0", "", "0", "0", ""],
    ]


# --- Management figures -------------------------------------------------------------------

JANUARY = figures.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))


@pytest.fixture
def managed(force, bcu, other_bcu, officer, other_force, instrument, service):
    return management_dataset(force, officer, other_force, instrument, service)


def management(force, *, bcu=None):
    with time_machine.travel(when("2026-02-10T12:00:00+00:00"), tick=False):
        return figures.management(figures.Scope(force.pk, JANUARY, bcu.pk if bcu else None))


def test_management_figures(managed, force):
    report = management(force)
    values = {
        f.key: (f.value, f.part, f.whole) if f.kind != "share" else (f.share, f.part, f.whole)
        for f in report.figures
    }
    assert values == {
        "incidents": (3, None, None),
        "report_to_dvpn": (10.0, None, 3),  # 4, 10 and 24 hours
        "service_to_hearing": (63.5, None, 2),  # 42 and 85 hours
        "hearings_in_time": (33.3, 1, 3),  # M1 in time; M2 late; M3 none by the deadline
        "grant_rate": (50.0, 1, 2),
        "dvpn_breach_rate": (33.3, 1, 3),
        "dvpo_breach_rate": (100.0, 1, 1),
        "referrals_in_time": (50.0, 1, 2),  # the draft is not due yet; MARAC not counted
        "contact_rate": (100.0, 2, 2),
        "engagement_rate": (50.0, 1, 2),
        "repeat_victims": (50.0, 1, 2),  # Vera again within 12 months; Sam's was 12+ before
    }


def test_management_risk_grades(managed, force):
    report = management(force)
    assert report.risk.rows == [
        ("standard", "Standard", [0, 0]),
        ("medium", "Medium", [1, 0]),
        ("high", "High", [1, 1]),  # the latest assessment counts
        ("not_assessed", "Not assessed", [1, 0]),
    ]


def test_management_equality_breakdowns(managed, force):
    gender, age, ethnicity = management(force).equality
    assert [row for row in gender.rows if row[2] != [0, 0]] == [
        ("female", "Female", [2, 0]),
        ("male", "Male", [1, 2]),
    ]
    assert [row for row in age.rows if row[2] != [0, 0]] == [
        ("under_18", "Under 18", [1, 0]),
        ("25_34", "25 to 34", [0, 1]),
        ("35_44", "35 to 44", [2, 0]),
        ("not_known", "Not known", [0, 1]),
    ]
    assert [row for row in ethnicity.rows if row[2] != [0, 0]] == [
        ("A", "Asian or Asian British", [1, 0]),
        ("B", "Black, Black British, Caribbean or African", [0, 1]),
        ("W", "White", [2, 0]),
        ("N", "Not stated", [0, 1]),
    ]


def test_management_for_one_bcu(managed, force, other_bcu):
    report = management(force, bcu=other_bcu)
    values = {f.key: (f.part, f.whole) for f in report.figures if f.kind == "share"}
    assert report.incidents == 1
    assert values["grant_rate"] == (0, 1)
    assert values["repeat_victims"] == (1, 1)  # M1 (EAST) still counts as the earlier one


def test_management_table_suppressed(managed, force):
    table = tables.management_table(management(force), suppress=True)
    assert table.header == ["section", "measure", "group", "value", "numerator", "denominator"]
    rows = {(row[0], row[1], row[2]): row[3:] for row in table.rows}
    assert rows[("figures", "incidents", "count")] == ["*", "", ""]
    assert rows[("figures", "grant_rate", "percent")] == ["*", "*", "*"]
    assert rows[("risk", "standard", "incidents")] == ["0", "", ""]
    unsuppressed = tables.management_table(management(force), suppress=False)
    rows = {(row[0], row[1], row[2]): row[3:] for row in unsuppressed.rows}
    assert rows[("figures", "report_to_dvpn", "median hours")] == ["10.0", "", "3"]
    assert rows[("figures", "hearings_in_time", "percent")] == ["33.3", "1", "3"]
    assert rows[("gender", "female", "victims")] == ["2", "", ""]


def test_months_are_london_months():
    period = figures.Period(dt.date(2025, 11, 3), dt.date(2026, 2, 1))
    assert period.months() == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period.start_at == when("2025-11-03T00:00:00+00:00")
    assert figures.Period(dt.date(2025, 4, 1), dt.date(2025, 4, 1)).start_at == when(
        "2025-03-31T23:00:00+00:00"
    )
