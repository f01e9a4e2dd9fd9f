"""Each report as a plain table (header and rows of text) for CSV files, the `report` command
and the page's data tables, with optional small-number suppression (issue 8 item 7)."""

from __future__ import annotations

from dataclasses import dataclass

from reports import figures

SUPPRESSED = "*"
SMALL = range(1, 5)  # counts of 1 to 4 are shown as *
REPORT_NAMES = ("monthly-flags", "annual-return", "management")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def count_text(value: int, *, suppress: bool) -> str:
    return SUPPRESSED if suppress and value in SMALL else str(value)


def rate_text(part: int, whole: int, *, suppress: bool) -> str:
    """A percentage to one decimal place, blank when there is nothing to divide by; with
    suppression, * when either count is suppressed (it could be worked back)."""
    if suppress and (part in SMALL or whole in SMALL):
        return SUPPRESSED
    value = figures.rate(part, whole)
    return "" if value is None else f"{value:.1f}"


def hours_text(value: float | None, whole: int, *, suppress: bool) -> str:
    if suppress and whole in SMALL:
        return SUPPRESSED
    return "" if value is None else f"{value:.1f}"


def monthly_table(report: figures.MonthlyFlags, *, suppress: bool) -> Table:
    rows = [
        [month, *(count_text(v, suppress=suppress) for v in values)]
        for month, values in report.rows
    ]
    rows.append(["total", *(count_text(v, suppress=suppress) for v in report.total)])
    return Table(list(figures.MONTHLY_HEADER), rows)


def annual_table(rows: list[figures.AnnualRow], *, suppress: bool) -> Table:
    def line(row):
        return [
            row.area,
            count_text(row.dvpn_applied, suppress=suppress),
            count_text(row.dvpn_granted, suppress=suppress),
            rate_text(row.dvpn_granted, row.dvpn_applied, suppress=suppress),
            count_text(row.dvpo_applied, suppress=suppress),
            count_text(row.dvpo_granted, suppress=suppress),
            rate_text(row.dvpo_granted, row.dvpo_applied, suppress=suppress),
        ]

    return Table(list(figures.ANNUAL_HEADER), [line(row) for row in rows])


def figure_text(figure: figures.Figure, *, suppress: bool) -> tuple[str, str, str]:
    """(value, numerator, denominator) as text."""
    if figure.kind == "count":
        return count_text(figure.value or 0, suppress=suppress), "", ""
    if figure.kind == "hours":
        whole = figure.whole or 0
        return (
            hours_text(figure.value, whole, suppress=suppress),
            "",
            count_text(whole, suppress=suppress),
        )
    part, whole = figure.part or 0, figure.whole or 0
    return (
        rate_text(part, whole, suppress=suppress),
        count_text(part, suppress=suppress),
        count_text(whole, suppress=suppress),
    )


def management_table(report: figures.Management, *, suppress: bool) -> Table:
    """Long format: section, measure, group, value, numerator, denominator."""
    rows = []
    for figure in report.figures:
        unit = {"count": "count", "hours": "median hours", "share": "percent"}[figure.kind]
        value, part, whole = figure_text(figure, suppress=suppress)
        rows.append(["figures", figure.key, unit, value, part, whole])
    for table in [report.risk, *report.equality]:
        for key, _, counts in table.rows:
            for column, count in zip(table.columns, counts, strict=True):
                rows.append(
                    [table.key, key, column.lower(), count_text(count, suppress=suppress), "", ""]
                )
    return Table(["section", "measure", "group", "value", "numerator", "denominator"], rows)


def report_table(
    name: str, *, scope: figures.Scope, bcus: list, by_flag_date: bool = False, suppress: bool
) -> Table:
    """The report called `name` (one of REPORT_NAMES) as a table."""
    with figures.reporting():
        return _report_table(
            name, scope=scope, bcus=bcus, by_flag_date=by_flag_date, suppress=suppress
        )


def _report_table(name, *, scope, bcus, by_flag_date, suppress) -> Table:
    if name == "monthly-flags":
        return monthly_table(
            figures.monthly_flags(scope, by_flag_date=by_flag_date), suppress=suppress
        )
    if name == "annual-return":
        return annual_table(figures.annual_return(scope, bcus), suppress=suppress)
    if name == "management":
        return management_table(figures.management(scope), suppress=suppress)
    raise KeyError(name)
