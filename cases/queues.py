"""The deadline queues (issue 7 item 5): for supervisors and DVPO officers, every case about
to miss a deadline or past it; for everyone else in a police force, the same queues limited
to the cases they own ("Your deadlines").

Each queue narrows the per-kind query of `dvpo.reminders.KINDS` (the rows still due, on the
indexed deadline column) to the moment that matters for the page, and every queue is limited
to the cases the viewer may see (`case_visibility`) in the query. A page of a queue is one
query for its rows and one statement counting every tab (the pager's count among them),
whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateTimeField, Exists, Expression, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from cases.models import DVPN, Case
from cases.permissions import scopes_visibility, visibility_scopes
from courts.models import DVPOApplication
from courts.rules import ADJOURNED, LISTED
from dvpo import deadlines, reminders
from dvpo.deadlines import LONDON
from dvpo.models import BCU, Team
from dvpo.roles import Role
from referrals import rules as referral_rules
from referrals.models import ContactAttempt, Referral

SUPERVISOR_PERMISSION = "dvpo.view_queues"

HEARING_SOON = dt.timedelta(hours=24)
ORDER_EXPIRY_SOON = dt.timedelta(days=3)

DUE, OWNER, REFERENCE = "due", "owner", "reference"
SORTS = {
    DUE: "Most urgent first",
    OWNER: "Owner",
    REFERENCE: "Crime reference",
}


# --- Who sees what ----------------------------------------------------------------------------


def is_police(user) -> bool:
    return bool(
        user.is_authenticated and user.organisation_id is not None and user.organisation.is_police
    )


def sees_team_queues(user) -> bool:
    """Supervisors (capability view_queues) and DVPO officers see every case they may see;
    everyone else in a police force sees the cases they own."""
    return is_police(user) and bool(
        user.has_perm(SUPERVISOR_PERMISSION) or Role.DVPO_OFFICER in user.roles
    )


# One branch per visibility scope (cases.permissions.visibility_scopes): the distinct owners
# of the cases with `column` = value in the force, found by skipping from one owner to the
# next along the (column, owner) index, so a BCU of 80,000 cases and 170 owners costs 170
# index probes rather than a read of 80,000 index entries.
_OWNERS_BRANCH = """
    {name}(id) AS (
        (SELECT owner_id FROM cases_case
          WHERE {column} = %s AND force_id = %s AND owner_id IS NOT NULL
          ORDER BY owner_id LIMIT 1)
        UNION ALL
        SELECT (SELECT c.owner_id FROM cases_case c
                 WHERE c.{column} = %s AND c.force_id = %s AND c.owner_id > {name}.id
                 ORDER BY c.owner_id LIMIT 1)
          FROM {name} WHERE {name}.id IS NOT NULL
    )"""
_SCOPE_COLUMNS = ("force_id", "bcu_id", "team_id", "owner_id")


def visible_owners(viewer) -> RawSQL:
    """The ids of the owners of the cases the viewer may see (`visible_cases`), as SQL for
    `pk__in`."""
    scopes = visibility_scopes(viewer) if sees_team_queues(viewer) else [{"owner_id": viewer.pk}]
    branches, selects, params = [], [], []
    for number, scope in enumerate(scopes):
        ((column, value),) = scope.items()
        if column not in _SCOPE_COLUMNS:  # the column's name goes into the SQL text
            raise ValueError(column)
        name = f"owners_{number}"
        branches.append(_OWNERS_BRANCH.format(name=name, column=column))
        selects.append(f"SELECT id FROM {name} WHERE id IS NOT NULL")  # noqa: S608
        params += [value, viewer.organisation_id, value, viewer.organisation_id]
    if not branches:
        return RawSQL("SELECT NULL::bigint WHERE false", [])
    sql = f"WITH RECURSIVE {', '.join(branches)} {' UNION '.join(selects)}"
    return RawSQL(sql, params)  # noqa: S611 - column names from _SCOPE_COLUMNS; values bound


def _visibility(viewer) -> tuple:
    """All that decides which cases a queue shows the viewer, hashable: the visibility scopes,
    the force, and the owner for "Your deadlines" (None for the team queues)."""
    scopes = tuple(tuple(scope.items()) for scope in visibility_scopes(viewer))
    owner_id = None if sees_team_queues(viewer) else viewer.pk
    return scopes, viewer.organisation_id, owner_id


def _visible(scopes: tuple, force_id: int | None, owner_id: int | None) -> QuerySet[Case]:
    cases = Case.objects.filter(scopes_visibility([dict(scope) for scope in scopes], force_id))
    return cases if owner_id is None else cases.filter(owner_id=owner_id)


def visible_cases(viewer) -> QuerySet[Case]:
    return _visible(*_visibility(viewer))


# --- The queues -------------------------------------------------------------------------------


class _Now(Expression):
    """The request's `now` (or a moment a fixed time after it, or the end of its London day)
    left open in compiled SQL: a parameter slot that `bind` fills in. The queues' counts are
    compiled once per viewer's scope and filters with this in place of `now`, so a request
    binds its own moment instead of compiling nine querysets again (see queue_counts)."""

    output_field = DateTimeField()

    def __init__(self, offset: dt.timedelta = dt.timedelta(0), end_of_day: bool = False):
        super().__init__()
        self.offset, self.end_of_day = offset, end_of_day

    def __add__(self, other):
        if isinstance(other, dt.timedelta) and not self.end_of_day:
            return _Now(self.offset + other)
        return super().__add__(other)

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def bind(self, now: dt.datetime) -> dt.datetime:
        moment = now + self.offset
        return _end_of_today(moment) if self.end_of_day else moment


def _end_of_today(now):
    """Midnight at the end of the London day of `now` (right across clock changes)."""
    if isinstance(now, _Now):
        return _Now(now.offset, end_of_day=True)
    tomorrow = now.astimezone(LONDON).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=LONDON)


def _listed():
    return DVPOApplication.objects.filter(dvpn=OuterRef("pk"), status__in=(LISTED, ADJOURNED))


def _hearings_soon(rows: QuerySet, now: dt.datetime) -> QuerySet:
    return rows.filter(hearing_deadline__gte=now, hearing_deadline__lte=now + HEARING_SOON).filter(
        ~Exists(_listed())
    )


def _hearings_overdue(rows: QuerySet, now: dt.datetime) -> QuerySet:
    # pending(): still served (not lapsed yet) with no hearing started by the deadline
    return rows.filter(hearing_deadline__lt=now)


def _referrals_due(rows: QuerySet, now: dt.datetime) -> QuerySet:
    return rows.filter(due_at__lte=_end_of_today(now))


def _not_contacted(now: dt.datetime) -> QuerySet:
    """Referrals the service has (sent or accepted) with no contact attempt logged, with the
    moment the first attempt was due (one working day after sending; the referral's own due
    time for a referral sent before that was recorded)."""
    attempted = Exists(ContactAttempt.objects.filter(referral=OuterRef("pk")))
    return (
        Referral.objects.filter(status__in=referral_rules.WITH_SERVICE)
        .filter(~attempted)
        .annotate(contact_due=Coalesce("first_contact_due_at", "due_at"))
    )


def _orders_expiring(rows: QuerySet, now: dt.datetime) -> QuerySet:
    return rows.filter(expires_at__lte=now + ORDER_EXPIRY_SOON)


def _breaches_awaiting_court(rows: QuerySet, now: dt.datetime) -> QuerySet:
    return rows.filter(production_deadline__isnull=False)


def _lapsed_pnc(rows: QuerySet, now: dt.datetime) -> QuerySet:
    return rows.filter(dvpn__status=DVPN.Status.LAPSED)


def _unchanged(rows: QuerySet, now: dt.datetime) -> QuerySet:
    return rows


@dataclass(frozen=True)
class Queue:
    code: str  # the ?queue= value
    title: str  # the tab
    what: str  # what is due, on each row
    empty: str  # the empty state
    field: str  # the deadline (or "waiting since") column, indexed
    rows: Callable[[dt.datetime], QuerySet]  # the rows still due, before visibility
    kind: str = ""  # the reminders kind whose steps set a waiting item's expected time
    waiting: bool = False  # `field` is when the wait began, not a deadline
    related: tuple[str, ...] = ()

    def expected(self, value: dt.datetime) -> dt.datetime:
        """The moment the row is due: the deadline itself, or for a waiting item the first
        reminder step after the wait began (settings.REMINDER_STEPS)."""
        if not self.waiting:
            return value
        steps = reminders.kind_steps(self.kind)
        if not steps:
            return value
        clock = reminders.KINDS[self.kind].clock
        return reminders.step_moment(value, steps[0], clock)


def _kind(code: str, narrow=_unchanged) -> Callable[[dt.datetime], QuerySet]:
    def rows(now: dt.datetime) -> QuerySet:
        return narrow(reminders.KINDS[code].pending(), now)

    return rows


QUEUES: dict[str, Queue] = {
    queue.code: queue
    for queue in (
        Queue(
            "hearings-due",
            "Hearings due in 24 hours, not listed",
            "Hearing of the DVPO application must start by",
            "No DVPN has its hearing deadline in the next 24 hours without a listing.",
            "hearing_deadline",
            _kind("hearing", _hearings_soon),
        ),
        Queue(
            "hearings-overdue",
            "Hearings overdue",
            "No hearing started by the deadline",
            "No served DVPN has passed its hearing deadline without a hearing.",
            "hearing_deadline",
            _kind("hearing", _hearings_overdue),
        ),
        Queue(
            "authorisation",
            "DVPNs awaiting authorisation",
            "Authorise or refuse the DVPN",
            "No DVPN is awaiting authorisation.",
            "submitted_at",
            _kind("dvpn_authorisation"),
            kind="dvpn_authorisation",
            waiting=True,
        ),
        Queue(
            "referrals",
            "Referrals due today or overdue",
            "Send the Victims' Code referral by",
            "No referral is due today or overdue.",
            "due_at",
            _kind("referral_due", _referrals_due),
        ),
        Queue(
            "not-contacted",
            "Victims not yet contacted",
            "The support service has made no contact attempt; the first attempt was due by",
            "Every victim referred to a support service has had a contact attempt.",
            "contact_due",
            _not_contacted,
            related=("service",),
        ),
        Queue(
            "orders-expiring",
            "Orders expiring within 3 days",
            "The DVPO ends at",
            "No DVPO ends in the next 3 days.",
            "expires_at",
            _kind("order_expiry", _orders_expiring),
        ),
        Queue(
            "breaches",
            "Breaches awaiting court",
            "Bring the arrested person before the court by",
            "No one arrested for a breach is waiting to go before the court.",
            "production_deadline",
            _kind("production", _breaches_awaiting_court),
        ),
        Queue(
            "dash",
            "DASH awaiting quality assurance",
            "Quality-assure the DASH risk grade",
            "No DASH risk grade is waiting for quality assurance.",
            "assessed_at",
            _kind("dash_review"),
            kind="dash_review",
            waiting=True,
        ),
        Queue(
            "pnc-removal",
            "Lapsed DVPNs to remove from the PNC",
            "Remove the lapsed DVPN from the PNC",
            "No lapsed DVPN is waiting to be removed from the PNC.",
            "created_at",
            _kind("pnc_removal", _lapsed_pnc),
            kind="pnc_removal",
            waiting=True,
        ),
    )
}
DEFAULT_QUEUE = next(iter(QUEUES))


@dataclass(frozen=True)
class Filters:
    bcu_id: int | None = None
    team_id: int | None = None
    owner_id: int | None = None

    def q(self) -> Q:
        q = Q()
        if self.bcu_id:
            q &= Q(case__bcu_id=self.bcu_id)
        if self.team_id:
            q &= Q(case__team_id=self.team_id)
        if self.owner_id:
            q &= Q(case__owner_id=self.owner_id)
        return q


def queue_rows(
    queue: Queue,
    *,
    viewer,
    now: dt.datetime,
    filters: Filters = Filters(),
    sort: str = DUE,
) -> QuerySet:
    """One queue's rows the viewer may see, filtered and sorted (one query)."""
    field = queue.field
    order = {
        DUE: (field, "pk"),
        OWNER: ("case__owner__last_name", "case__owner__first_name", "case__owner_id", field, "pk"),
        REFERENCE: ("case__crime_reference", field, "pk"),
    }[sort if sort in SORTS else DUE]
    rows = queue.rows(now)
    own = [field] if field not in rows.query.annotations else []
    return (
        rows.filter(case__in=visible_cases(viewer).values("pk"))
        .filter(filters.q())
        .select_related("case__owner", *queue.related)
        # What a row shows (queue_row, the template), not every column of four tables; the
        # BCU and team names come from `Places`, read once for the page.
        .only(*own, *ROW_COLUMNS, *(f"{name}__name" for name in queue.related))
        .order_by(*order)
    )


ROW_COLUMNS = (
    "case__crime_reference",
    "case__bcu",
    "case__team",
    "case__owner__username",
    "case__owner__first_name",
    "case__owner__last_name",
    "case__owner__rank",
)


@dataclass(frozen=True)
class Places:
    """The BCUs and teams of a force by id: the filters' choices and the rows' place names
    (two small reads rather than two more joins in every row query)."""

    bcus: dict[int, str]  # id: name
    teams: dict[int, tuple[str, int]]  # id: (name, BCU id)

    @classmethod
    def of_force(cls, force_id: int) -> Places:
        return cls(
            bcus=dict(BCU.objects.filter(force_id=force_id).values_list("pk", "name")),
            teams={
                pk: (name, bcu_id)
                for pk, name, bcu_id in Team.objects.filter(bcu__force_id=force_id).values_list(
                    "pk", "name", "bcu_id"
                )
            },
        )

    def place(self, case: Case) -> str:
        """Where the case is, as a row shows it: the BCU, then the team if it has one."""
        bcu = self.bcus.get(case.bcu_id, "")
        team = self.teams.get(case.team_id)
        return f"{bcu}, {team[0]}" if team else bcu


def queue_counts(*, viewer, now: dt.datetime, filters: Filters = Filters()) -> dict[str, int]:
    """How many rows each queue holds: one statement with a count per queue (the page shows
    them on every request, so one round trip rather than nine)."""
    sql, params = _counts_statement(_visibility(viewer), filters)
    params = [value.bind(now) if isinstance(value, _Now) else value for value in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip(QUEUES, cursor.fetchone(), strict=True))


@functools.lru_cache(maxsize=1024)
def _counts_statement(visibility: tuple, filters: Filters) -> tuple[str, tuple]:
    """The counts' SQL for one visibility (`_visibility`) and set of filters, with `now` left
    open (_Now): compiling the nine querysets costs more than running them."""
    visible = _visible(*visibility).values("pk")
    counts, params = [], []
    for queue in QUEUES.values():
        rows = queue.rows(_Now()).filter(case__in=visible).filter(filters.q()).order_by()
        sql, values = rows.values("pk").query.sql_with_params()
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q)")  # noqa: S608
        params += values
    return f"SELECT {', '.join(counts)}", tuple(params)  # noqa: S608 - compiled querysets


@dataclass(frozen=True)
class QueueRow:
    case: Case
    place: str  # BCU and team
    what: str
    due: dt.datetime
    when: str  # "Fri 6 Mar 2026, 10:00 (overdue by 2 h 5 m)"
    overdue: bool
    since: str = ""  # a waiting item: when the wait began
    detail: str = ""


def queue_row(queue: Queue, item, now: dt.datetime, places: Places) -> QueueRow:
    value = getattr(item, queue.field)
    due = queue.expected(value)
    detail = ""
    if queue.code == "not-contacted" and item.service_id:
        detail = f"Referred to {item.service.name}"
    return QueueRow(
        case=item.case,
        place=places.place(item.case),
        what=queue.what,
        due=due,
        when=deadlines.format_deadline(due, now),
        overdue=due < now,
        since=deadlines.format_instant(value) if queue.waiting else "",
        detail=detail,
    )
