"""The reports as SQL aggregates (issue 8): never a Python loop over incidents.

Every report is for one force, a period of whole London days (`Period`) and optionally one
BCU. Months and days are London civil time: `date_trunc('month', t AT TIME ZONE
'Europe/London')`, so an incident at 23:30 UTC on 31 March during summer time is an April
incident. The queries read the small tables (flags, DVPNs, hearings, referrals) and join the
incidents by primary key; the number of queries is fixed whatever the data.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Gender, RiskGrade
from dvpo.cache import cacheable
from dvpo.deadlines import LONDON

MONTHLY_HEADER = ["month", "dvpn_granted", "dvpn_breached", "dvpo_granted", "dvpo_breached"]
MONTHLY_MEASURES = MONTHLY_HEADER[1:]
MEASURE_LABELS = {
    "dvpn_granted": "DVPN granted (FP or FQ)",
    "dvpn_breached": "DVPN breached (FT)",
    "dvpo_granted": "DVPO granted (FS)",
    "dvpo_breached": "DVPO breached (FU)",
}
ANNUAL_HEADER = [
    "area",
    "dvpn_applied",
    "dvpn_granted",
    "dvpn_grant_rate",
    "dvpo_applied",
    "dvpo_granted",
    "dvpo_grant_rate",
]


@dataclass(frozen=True)
class Period:
    """From the start of `start` to the end of `end` (inclusive), London days."""

    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=LONDON)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)

    def months(self) -> list[str]:
        year, month, months = self.start.year, self.start.month, []
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


def financial_year(starting: int) -> Period:
    """April `starting` to March of the next year."""
    return Period(dt.date(starting, 4, 1), dt.date(starting + 1, 3, 31))


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class Scope:
    force_id: int
    period: Period
    bcu_id: int | None = None

    def case_filter(self, alias: str = "c", *, dated: bool = True) -> tuple[str, list]:
        """SQL conditions on the incidents (recorded in the period, when `dated`)."""
        sql, params = [f"{alias}.force_id = %s"], [self.force_id]
        if self.bcu_id is not None:
            sql.append(f"{alias}.bcu_id = %s")
            params.append(self.bcu_id)
        if dated:
            sql.append(f"{alias}.reported_at >= %s AND {alias}.reported_at < %s")
            params += [self.period.start_at, self.period.end_at]
        return " AND ".join(sql), params


QUERY_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"
_in_report: ContextVar[bool] = ContextVar("in_report", default=False)


@contextmanager
def reporting():
    """One transaction for a page's report queries, with just-in-time compilation off (these
    aggregates are estimated as costly, and compiling them takes longer than running them) and
    room to sort and hash a year of incidents in memory rather than on disk."""
    if _in_report.get():
        yield
        return
    token = _in_report.set(True)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(QUERY_SETTINGS)
            yield
    finally:
        _in_report.reset(token)


def _rows(sql: str, params: list) -> list[tuple]:
    with reporting(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- 1. Monthly flag counts -------------------------------------------------------------------

BY_RECORDED_MONTH = """
SELECT to_char(date_trunc('month', c.reported_at AT TIME ZONE 'Europe/London'), 'YYYY-MM'),
       COUNT(DISTINCT f.case_id) FILTER (WHERE f.code IN ('FP', 'FQ')),
       COUNT(*) FILTER (WHERE f.code = 'FT'),
       COUNT(*) FILTER (WHERE f.code = 'FS'),
       COUNT(*) FILTER (WHERE f.code = 'FU')
  FROM reports_flag f JOIN cases_case c ON c.id = f.case_id
 WHERE {cases}
 GROUP BY 1
"""

# By the flag's own date: DVPN granted counts an incident once, in the month of the earlier
# of its FP and FQ flags.
BY_FLAG_MONTH = """
WITH firsts AS (
    SELECT f.case_id,
           CASE WHEN f.code IN ('FP', 'FQ') THEN 'G' ELSE f.code END AS measure,
           MIN(f.flagged_at) AS at
      FROM reports_flag f JOIN cases_case c ON c.id = f.case_id
     WHERE {cases} AND f.flagged_at < %s
     GROUP BY 1, 2
)
SELECT to_char(date_trunc('month', at AT TIME ZONE 'Europe/London'), 'YYYY-MM'),
       COUNT(*) FILTER (WHERE measure = 'G'),
       COUNT(*) FILTER (WHERE measure = 'FT'),
       COUNT(*) FILTER (WHERE measure = 'FS'),
       COUNT(*) FILTER (WHERE measure = 'FU')
  FROM firsts
 WHERE at >= %s
 GROUP BY 1
"""


@cacheable
@dataclass
class MonthlyFlags:
    """One row per month of the period (zeros for empty months) and the total."""

    by_flag_date: bool
    rows: list[tuple[str, list[int]]]
    total: list[int]


def monthly_flags(scope: Scope, *, by_flag_date: bool = False) -> MonthlyFlags:
    if by_flag_date:
        cases, params = scope.case_filter(dated=False)
        params += [scope.period.end_at, scope.period.start_at]
        found = _rows(BY_FLAG_MONTH.format(cases=cases), params)
    else:
        cases, params = scope.case_filter()
        found = _rows(BY_RECORDED_MONTH.format(cases=cases), params)
    counts = {month: list(values) for month, *values in found}
    rows = [(month, counts.get(month, [0, 0, 0, 0])) for month in scope.period.months()]
    total = [sum(values[i] for _, values in rows) for i in range(4)]
    return MonthlyFlags(by_flag_date=by_flag_date, rows=rows, total=total)


# --- 2. Annual return ---------------------------------------------------------------------

ANNUAL = """
WITH facts AS (
    SELECT case_id, 'dvpn_applied' AS fact FROM cases_dvpn WHERE submitted_at IS NOT NULL
    UNION ALL
    SELECT case_id, 'dvpn_granted' FROM reports_flag WHERE code IN ('FP', 'FQ')
    UNION ALL
    SELECT d.case_id, 'dvpo_applied'
      FROM courts_dvpoapplication a JOIN cases_dvpn d ON d.id = a.dvpn_id
    UNION ALL
    SELECT case_id, 'dvpo_granted' FROM reports_flag WHERE code = 'FS'
)
SELECT c.bcu_id,
       COUNT(DISTINCT c.id) FILTER (WHERE fact IN ('dvpn_applied', 'dvpn_granted')),
       COUNT(DISTINCT c.id) FILTER (WHERE fact = 'dvpn_granted'),
       COUNT(DISTINCT c.id) FILTER (WHERE fact IN ('dvpo_applied', 'dvpo_granted')),
       COUNT(DISTINCT c.id) FILTER (WHERE fact = 'dvpo_granted')
  FROM facts JOIN cases_case c ON c.id = facts.case_id
 WHERE {cases}
 GROUP BY c.bcu_id
"""


@cacheable
@dataclass
class AnnualRow:
    area: str
    dvpn_applied: int
    dvpn_granted: int
    dvpo_applied: int
    dvpo_granted: int
    is_total: bool = False

    @property
    def dvpn_grant_rate(self) -> float | None:
        return rate(self.dvpn_granted, self.dvpn_applied)

    @property
    def dvpo_grant_rate(self) -> float | None:
        return rate(self.dvpo_granted, self.dvpo_applied)


def rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal place; None when there is nothing to divide by."""
    return None if not whole else round(100 * part / whole, 1)


def annual_return(scope: Scope, bcus: list) -> list[AnnualRow]:
    """One row per BCU of the force (or the chosen one), then the force's total.

    Counts incidents recorded in the period: DVPN applied for = a DVPN application submitted
    for authorisation, or a DVPN granted (imported records only carry the grant); granted =
    flag FP or FQ; DVPO applied for = a DVPO application made, or a DVPO issued; granted =
    flag FS. Each incident counts once in each column."""
    cases, params = scope.case_filter()
    counts = {bcu_id: values for bcu_id, *values in _rows(ANNUAL.format(cases=cases), params)}
    rows = [AnnualRow(bcu.name, *counts.get(bcu.pk, [0, 0, 0, 0])) for bcu in bcus]
    counted = ("dvpn_applied", "dvpn_granted", "dvpo_applied", "dvpo_granted")
    sums = [sum(getattr(row, name) for row in rows) for name in counted]
    rows.append(AnnualRow("Force total", *sums, is_total=True))
    return rows


# --- 3. Management figures ----------------------------------------------------------------

RISK = """
SELECT COALESCE(grade, 'not_assessed'), COUNT(*), COUNT(*) FILTER (WHERE has_order)
  FROM (
    SELECT DISTINCT ON (c.id) r.final_grade AS grade, f.case_id IS NOT NULL AS has_order
      FROM cases_case c
      LEFT JOIN cases_riskassessment r ON r.case_id = c.id
      LEFT JOIN reports_flag f ON f.case_id = c.id AND f.code = 'FS'
     WHERE {cases}
     ORDER BY c.id, r.assessed_at DESC NULLS LAST, r.id DESC
  ) latest
 GROUP BY 1
"""

TIMES = """
SELECT COUNT(*) FILTER (WHERE f.code = 'FP'),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM f.flagged_at - c.reported_at) / 3600.0)
           FILTER (WHERE f.code = 'FP'),
       COUNT(*) FILTER (WHERE f.code = 'FQ'),
       COUNT(*) FILTER (WHERE f.code = 'FT'),
       COUNT(*) FILTER (WHERE f.code = 'FS'),
       COUNT(*) FILTER (WHERE f.code = 'FU')
  FROM reports_flag f JOIN cases_case c ON c.id = f.case_id
 WHERE {cases}
"""

HEARINGS = """
SELECT COUNT(*) FILTER (WHERE first_held IS NOT NULL OR hearing_deadline <= %s),
       COUNT(*) FILTER (WHERE first_held <= hearing_deadline),
       COUNT(first_held),
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY EXTRACT(EPOCH FROM first_held - served_at) / 3600.0)
  FROM (
    SELECT d.id, d.served_at, d.hearing_deadline, MIN(h.held_at) AS first_held
      FROM cases_dvpn d
      JOIN cases_case c ON c.id = d.case_id
      LEFT JOIN courts_dvpoapplication a ON a.dvpn_id = d.id
      LEFT JOIN courts_hearing h ON h.application_id = a.id
     WHERE d.served_at IS NOT NULL AND {cases}
     GROUP BY d.id
  ) served
"""

APPLICATIONS = """
SELECT COUNT(*) FILTER (WHERE a.status IN ('granted', 'refused', 'withdrawn', 'lapsed')),
       COUNT(*) FILTER (WHERE a.status = 'granted')
  FROM courts_dvpoapplication a JOIN cases_dvpn d ON d.id = a.dvpn_id
  JOIN cases_case c ON c.id = d.case_id
 WHERE {cases}
"""

REFERRALS = """
SELECT COUNT(*) FILTER (WHERE r.kind <> 'marac' AND (r.duty_met_at IS NOT NULL OR r.due_at <= %s)),
       COUNT(*) FILTER (WHERE r.kind <> 'marac' AND r.duty_met_at <= r.due_at),
       COUNT(*) FILTER (WHERE r.sent_at IS NOT NULL AND r.service_id IS NOT NULL),
       COUNT(*) FILTER (WHERE r.sent_at IS NOT NULL AND r.service_id IS NOT NULL AND EXISTS (
           SELECT 1 FROM referrals_contactattempt a
            WHERE a.referral_id = r.id AND a.outcome IN ('spoke', 'declined_support'))),
       COUNT(*) FILTER (WHERE r.sent_at IS NOT NULL AND r.service_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM referrals_contactattempt a
                        WHERE a.referral_id = r.id AND a.outcome = 'spoke')
           AND NOT EXISTS (SELECT 1 FROM referrals_contactattempt a
                            WHERE a.referral_id = r.id AND a.outcome = 'declined_support'))
  FROM referrals_referral r JOIN cases_case c ON c.id = r.case_id
 WHERE {cases}
"""

REPEAT = """
SELECT COUNT(DISTINCT p.person_id),
       COUNT(DISTINCT p.person_id) FILTER (WHERE EXISTS (
           SELECT 1 FROM cases_party p2 JOIN cases_case c2 ON c2.id = p2.case_id
            WHERE p2.person_id = p.person_id AND p2.role = 'victim' AND c2.id <> c.id
              AND c2.force_id = c.force_id AND c2.reported_at < c.reported_at
              AND c2.reported_at >= c.reported_at - INTERVAL '12 months'))
  FROM cases_party p JOIN cases_case c ON c.id = p.case_id
 WHERE p.role = 'victim' AND {cases} AND {granted}
"""

# The people of the DVPN process: incidents where a DVPN was granted (FP or FQ). Scanning a
# few thousand incidents a year rather than every incident keeps the page fast at national
# volumes, and these are the victims and perpetrators the process is about.
GRANTED = "EXISTS (SELECT 1 FROM reports_flag g WHERE g.case_id = c.id AND g.code IN ('FP', 'FQ'))"

AGE_GROUPS = [
    ("under_18", "Under 18"),
    ("18_24", "18 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_over", "65 and over"),
    ("not_known", "Not known"),
]
ETHNIC_GROUPS = [
    ("A", "Asian or Asian British"),
    ("B", "Black, Black British, Caribbean or African"),
    ("M", "Mixed or multiple ethnic groups"),
    ("W", "White"),
    ("O", "Other ethnic group"),
    ("N", "Not stated"),
]

EQUALITY = """
SELECT role, GROUPING(gender), GROUPING(age_group), gender, age_group, ethnic_group, COUNT(*)
  FROM (
    SELECT p.role, pe.gender, LEFT(pe.ethnicity, 1) AS ethnic_group,
           CASE WHEN years IS NULL THEN 'not_known' WHEN years < 18 THEN 'under_18'
                WHEN years < 25 THEN '18_24' WHEN years < 35 THEN '25_34'
                WHEN years < 45 THEN '35_44' WHEN years < 55 THEN '45_54'
                WHEN years < 65 THEN '55_64' ELSE '65_over' END AS age_group
      FROM cases_party p
      JOIN cases_case c ON c.id = p.case_id
      JOIN cases_person pe ON pe.id = p.person_id
      CROSS JOIN LATERAL (
          SELECT EXTRACT(YEAR FROM age(
              (c.reported_at AT TIME ZONE 'Europe/London')::date, pe.date_of_birth)) AS years
      ) ages
     WHERE p.role IN ('victim', 'perpetrator') AND {cases} AND {granted}
  ) people
 GROUP BY GROUPING SETS ((role, gender), (role, age_group), (role, ethnic_group))
"""


@cacheable
@dataclass
class Figure:
    """One management figure: a count, or a share (part of whole), or a median in hours."""

    key: str
    label: str
    definition: str
    value: int | float | None = None
    part: int | None = None
    whole: int | None = None
    kind: str = "count"  # count | share | hours

    @property
    def share(self) -> float | None:
        return rate(self.part or 0, self.whole or 0)


@cacheable
@dataclass
class Breakdown:
    """A table of counts: rows (key, label, [count per column])."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, str, list[int]]] = field(default_factory=list)


@cacheable
@dataclass
class Management:
    incidents: int
    figures: list[Figure]
    risk: Breakdown
    equality: list[Breakdown]


def _risk(scope: Scope) -> Breakdown:
    cases, params = scope.case_filter()
    counts = {grade: (n, orders) for grade, n, orders in _rows(RISK.format(cases=cases), params)}
    grades = [(g.value, g.label) for g in RiskGrade] + [("not_assessed", "Not assessed")]
    return Breakdown(
        "risk",
        "Incidents by risk grade",
        ["Incidents", "Of which a DVPO was issued"],
        [(key, label, list(counts.get(key, (0, 0)))) for key, label in grades],
    )


def _equality(scope: Scope) -> list[Breakdown]:
    cases, params = scope.case_filter()
    found = _rows(EQUALITY.format(cases=cases, granted=GRANTED), params)
    tables = {
        "gender": ([(g.value, g.label) for g in Gender], {}),
        "age": (AGE_GROUPS, {}),
        "ethnicity": (ETHNIC_GROUPS, {}),
    }
    for role, no_gender, no_age, gender, age, ethnic, count in found:
        name, key = (
            ("gender", gender)
            if not no_gender
            else ("age", age)
            if not no_age
            else ("ethnicity", ethnic)
        )
        tables[name][1][(key, role)] = count
    titles = {"gender": "Gender", "age": "Age group at the incident", "ethnicity": "Ethnicity"}
    return [
        Breakdown(
            name,
            titles[name],
            ["Victims", "Perpetrators"],
            [
                (key, label, [counts.get((key, "victim"), 0), counts.get((key, "perpetrator"), 0)])
                for key, label in choices
            ],
        )
        for name, (choices, counts) in tables.items()
    ]


def management(scope: Scope, *, now: dt.datetime | None = None) -> Management:
    """The management figures for incidents recorded in the period (see each definition)."""
    now = now or timezone.now()
    cases, params = scope.case_filter()
    risk = _risk(scope)
    incidents = sum(counts[0] for _, _, counts in risk.rows)
    fp, fp_hours, fq, ft, fs, fu = _rows(TIMES.format(cases=cases), params)[0]
    due, in_time, heard, hearing_hours = _rows(HEARINGS.format(cases=cases), [now, *params])[0]
    decided, granted = _rows(APPLICATIONS.format(cases=cases), params)[0]
    referral_params = [now, *params]
    ref_due, ref_in_time, sent, contacted, engaged = _rows(
        REFERRALS.format(cases=cases), referral_params
    )[0]
    victims, repeat = _rows(REPEAT.format(cases=cases, granted=GRANTED), params)[0]
    figures = [
        Figure("incidents", "Incidents recorded", "Incidents recorded in the period.", incidents),
        Figure(
            "report_to_dvpn",
            "Time from report to DVPN authorised (median)",
            "Median hours from the incident's recorded time to the DVPN's authorisation (FP), "
            "over incidents with FP.",
            fp_hours,
            whole=fp,
            kind="hours",
        ),
        Figure(
            "service_to_hearing",
            "Time from service to hearing (median)",
            "Median hours from service of the DVPN to the start of the first hearing of its "
            "DVPO application, over served DVPNs with a hearing.",
            hearing_hours,
            whole=heard,
            kind="hours",
        ),
        Figure(
            "hearings_in_time",
            "Hearings held within the deadline",
            "Served DVPNs whose first hearing started at or before the 48-hour hearing deadline, "
            "of served DVPNs heard or past their deadline.",
            part=in_time,
            whole=due,
            kind="share",
        ),
        Figure(
            "grant_rate",
            "DVPO grant rate",
            "DVPO applications granted, of applications decided (granted, refused, withdrawn "
            "or lapsed).",
            part=granted,
            whole=decided,
            kind="share",
        ),
        Figure(
            "dvpn_breach_rate",
            "DVPN breach rate",
            "Incidents with a DVPN breached (FT), of incidents with a DVPN served (FQ).",
            part=ft,
            whole=fq,
            kind="share",
        ),
        Figure(
            "dvpo_breach_rate",
            "DVPO breach rate",
            "Incidents with a DVPO breached (FU), of incidents with a DVPO issued (FS).",
            part=fu,
            whole=fs,
            kind="share",
        ),
        Figure(
            "referrals_in_time",
            "Referrals within 2 working days",
            "Victims' Code and DVPO-support referrals sent (or the victim's refusal recorded) "
            "by their due time, of those done or due.",
            part=ref_in_time,
            whole=ref_due,
            kind="share",
        ),
        Figure(
            "contact_rate",
            "Victims reached",
            "Referrals sent to a support service where a caseworker spoke to the victim (or the "
            "victim declined support), of referrals sent.",
            part=contacted,
            whole=sent,
            kind="share",
        ),
        Figure(
            "engagement_rate",
            "Victims engaged",
            "Referrals sent where a caseworker spoke to the victim and the victim did not "
            "decline support, of referrals sent.",
            part=engaged,
            whole=sent,
            kind="share",
        ),
        Figure(
            "repeat_victims",
            "Repeat victims",
            "Victims in incidents with a DVPN granted who were also the victim of another "
            "incident recorded by the force in the 12 months before, of those victims.",
            part=repeat,
            whole=victims,
            kind="share",
        ),
    ]
    return Management(incidents, figures, risk, _equality(scope))


# --- The dashboard's figures, kept for a few minutes ---------------------------------------


@cacheable
@dataclass
class Dashboard:
    """The three reports of the dashboard page, and when they were worked out."""

    monthly: MonthlyFlags
    annual: list[AnnualRow]
    management: Management
    computed_at: dt.datetime


# Bump when the shape of Dashboard changes, so a deployment never reads an old one. (2: JSON,
# dvpo/cache.py, instead of pickles.)
CACHE_VERSION = 2


def dashboard_key(scope: Scope, *, by_flag_date: bool) -> str:
    period = scope.period
    return (
        f"reports:dashboard:{CACHE_VERSION}:{scope.force_id}:{scope.bcu_id or 'all'}:"
        f"{period.start.isoformat()}:{period.end.isoformat()}:"
        f"{'flag' if by_flag_date else 'recorded'}"
    )


def dashboard(scope: Scope, bcus: list, *, by_flag_date: bool, refresh: bool = False) -> Dashboard:
    """The dashboard's reports for a scope, from the cache when they were worked out in the
    last REPORT_CACHE_SECONDS (the page says when). A year of a large force takes seconds to
    aggregate, and these are statistics, not a case's deadlines; the CSV downloads are always
    worked out afresh. `refresh` recomputes and stores (reports.tasks.warm_dashboards)."""
    seconds = settings.REPORT_CACHE_SECONDS
    key = dashboard_key(scope, by_flag_date=by_flag_date)
    if seconds and not refresh:
        found = cache.get(key)
        if isinstance(found, Dashboard):
            return found
    with reporting():
        result = Dashboard(
            monthly=monthly_flags(scope, by_flag_date=by_flag_date),
            annual=annual_return(scope, bcus),
            management=management(scope),
            computed_at=timezone.now(),
        )
    if seconds:
        cache.set(key, result, seconds)
    return result
