"""The reports dashboard and the CSV downloads (issue 8 items 1-5, 7).

One page for the viewer's force: filters by period and BCU (a GET form), the monthly flag
counts, the DVPNs and DVPOs by BCU (the annual return, for a financial year), the management
figures with their definitions, and charts, each with a table of the same numbers. Each
report also downloads as CSV with the same filters. A fixed number of queries whatever the
data (reports/figures.py aggregates in SQL).
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import log
from dvpo.exports import csv_download
from reports import charts, figures, tables
from reports.forms import ReportFilterForm
from reports.permissions import access_reports

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHLY_HEADINGS = ["Month", *(figures.MEASURE_LABELS[m] for m in figures.MONTHLY_MEASURES)]
ANNUAL_HEADINGS = [
    "Area",
    "DVPNs applied for",
    "DVPNs granted",
    "DVPN grant rate (%)",
    "DVPOs applied for",
    "DVPOs granted",
    "DVPO grant rate (%)",
]


def _headed(table: tables.Table, headings: list[str]) -> tables.Table:
    """The CSV's table with headings for people (and "Total" for the CSV's "total" row)."""
    rows = [["Total" if row[0] == "total" else row[0], *row[1:]] for row in table.rows]
    return tables.Table(headings, rows)


def _filters(request, force):
    form = ReportFilterForm(request.GET, force=force)
    return form, form.is_valid()


def _scope(form, force) -> tuple[figures.Scope, list]:
    bcu = form.cleaned_data.get("bcu")
    bcus = [bcu] if bcu else list(force.bcus.order_by("name"))
    return figures.Scope(force.pk, form.period(), bcu.pk if bcu else None), bcus


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year[2:]}"


def _shown(value: int, suppress: bool) -> int | None:
    return None if suppress and value in tables.SMALL else value


def _charts(monthly, annual, management, suppress: bool) -> list[charts.Chart]:
    monthly_chart = charts.bar_chart(
        "monthly",
        "Incidents with each flag, by month",
        "Bar chart of incidents with a DVPN granted, a DVPN breached, a DVPO granted and a DVPO "
        "breached in each month. The same numbers are in the table below the chart.",
        [_month_label(month) for month, _ in monthly.rows],
        [figures.MEASURE_LABELS[name] for name in figures.MONTHLY_MEASURES],
        [[_shown(v, suppress) for v in values] for _, values in monthly.rows],
    )
    areas = [row for row in annual if not row.is_total]
    annual_chart = charts.bar_chart(
        "annual",
        "DVPNs and DVPOs applied for and granted, by BCU",
        "Bar chart of DVPNs applied for and granted and DVPOs applied for and granted in each "
        "BCU. The same numbers are in the table below the chart.",
        [row.area for row in areas],
        ["DVPN applied for", "DVPN granted", "DVPO applied for", "DVPO granted"],
        [
            [
                _shown(v, suppress)
                for v in (row.dvpn_applied, row.dvpn_granted, row.dvpo_applied, row.dvpo_granted)
            ]
            for row in areas
        ],
    )
    risk_chart = charts.bar_chart(
        "risk",
        "Incidents by risk grade",
        "Bar chart of incidents by their latest risk grade, and of those where a DVPO was "
        "issued. The same numbers are in the table below the chart.",
        [label for _, label, _ in management.risk.rows],
        management.risk.columns,
        [[_shown(v, suppress) for v in counts] for _, _, counts in management.risk.rows],
    )
    return [monthly_chart, annual_chart, risk_chart]


def _financial_years(today: date) -> list[dict]:
    latest = figures.financial_year_of(today)
    years = []
    for start in range(latest, latest - 3, -1):
        period = figures.financial_year(start)
        years.append(
            {
                "label": f"April {start} to March {start + 1}",
                "query": (
                    f"start_day=1&start_month=4&start_year={start}"
                    f"&end_day=31&end_month=3&end_year={start + 1}"
                ),
                "period": period,
            }
        )
    return years


@login_required
@require_GET
def dashboard(request):
    force = access_reports(request.user)
    form, valid = _filters(request, force)
    context = {"form": form, "force": force, "years": _financial_years(timezone.localdate())}
    if valid:
        suppress = form.cleaned_data["suppress"]
        by_flag_date = form.cleaned_data.get("by") == "flag"
        scope, bcus = _scope(form, force)
        found = figures.dashboard(scope, bcus, by_flag_date=by_flag_date)
        monthly, annual, management = found.monthly, found.annual, found.management
        context.update(
            period=scope.period,
            computed_at=found.computed_at,
            cache_minutes=settings.REPORT_CACHE_SECONDS // 60,
            suppress=suppress,
            by_flag_date=by_flag_date,
            bcu=form.cleaned_data.get("bcu"),
            monthly=_headed(tables.monthly_table(monthly, suppress=suppress), MONTHLY_HEADINGS),
            annual=_headed(tables.annual_table(annual, suppress=suppress), ANNUAL_HEADINGS),
            management=management,
            figures=[
                (figure, *tables.figure_text(figure, suppress=suppress))
                for figure in management.figures
            ],
            breakdowns=[
                (
                    table,
                    [
                        (label, [tables.count_text(c, suppress=suppress) for c in counts])
                        for _, label, counts in table.rows
                    ],
                )
                for table in [management.risk, *management.equality]
            ],
            charts=_charts(monthly, annual, management, suppress),
            query=request.GET.urlencode(),
        )
    log.record(request, log.Action.REPORT, reason="reports dashboard")
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def report_csv(request, name):
    """One report as CSV, with the dashboard's filters. Cells are CSV-injection safe."""
    if name not in tables.REPORT_NAMES:
        raise Http404
    force = access_reports(request.user)
    form, valid = _filters(request, force)
    if not valid:
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(f"Check the filters: {problems}", content_type="text/plain")
    scope, bcus = _scope(form, force)
    table = tables.report_table(
        name,
        scope=scope,
        bcus=bcus,
        by_flag_date=form.cleaned_data.get("by") == "flag",
        suppress=form.cleaned_data["suppress"],
    )
    period = scope.period
    filename = f"{name}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv"
    return csv_download(filename, table.rows, header=table.header)
