"""Writes (and a few selectors) for the court half: the DVPO application, hearings,
the order, lapse and expiry, and breaches (Crime and Security Act 2010 s.26-s.29).

Same style as cases/services.py: keyword-only arguments, one transaction, the row
locked, ActionRefused (having changed nothing) with a readable message, history
saved as the acting user, and a CaseEvent for the timeline. Jobs (lapse, expiry)
take `now` and an optional actor (None: the system) and are idempotent.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.models import DVPN, Case, CaseEvent, Task
from cases.permissions import can_view_case
from cases.services import dvpn_move, event_record
from courts import rules
from courts.models import DVPO, Breach, Court, DVPOApplication, Hearing
from dvpo import deadlines
from dvpo.calendar import current_calendar
from dvpo.errors import ActionRefused, check_version, require, save_as
from reports.services import flag_record

# --- Messages (tests assert on these) ----------------------------------------
NOT_ALLOWED = "You do not have permission to record court work on this case."
NOT_ALLOWED_BREACH = "You do not have permission to record a breach on this case."
NOT_ALLOWED_OUTCOME = (
    "Only a court coordinator can record hearing outcomes and vary or discharge an order."
)
APPLICATION_LAPSED = (
    "The DVPN lapsed with no hearing by the deadline, so this application can no longer be "
    "changed. If a hearing did start in time, record its outcome."
)
DECIDED_BEFORE_HEARING = "The court cannot have decided before the hearing started ({at})."
DECIDED_IN_FUTURE = "The time the court decided cannot be in the future."
DUPLICATE_BREACH = (
    "This breach has already been recorded (at {at}): same {what}, time and prohibition. "
    "Check the breaches on the case page before recording it again."
)
DUPLICATE_WINDOW = timedelta(minutes=2)
NOT_SERVED = "A DVPO application follows service of the DVPN; this DVPN is {status}."
ALREADY_APPLIED = "This DVPN already has a DVPO application."
LISTED_BEFORE_SERVICE = "The hearing cannot be listed before the DVPN was served ({at})."
APPLICATION_DECIDED = "This application has already been decided ({outcome})."
UNKNOWN_FIELDS = "Cannot change {fields} here."
HEARING_IN_FUTURE = "The time the hearing started cannot be in the future."
HEARING_BEFORE_SERVICE = "The hearing cannot have started before the DVPN was served ({at})."
HEARING_BEFORE_LAST = "The hearing cannot have started before the previous hearing ({at})."
HEARING_TOO_LATE = (
    "No hearing started by the deadline ({at}), so the DVPN has lapsed (s.27(3)). "
    "It can no longer be enforced and must come off the PNC."
)
ADJOURNMENT_REASON_NEEDED = "Give the reason the hearing was adjourned."
ADJOURNED_TO_NEEDED = "Enter the date and time the hearing was adjourned to."
ADJOURNED_TO_BEFORE = "The adjourned hearing must be after this one."
ORDER_DAYS_NEEDED = "Enter how many days the order lasts: 14 to 28 (s.28(10))."
PREMISES_WITHOUT_SHARING = (
    "Premises provisions can only be made when the victim and P share premises (s.28(8))."
)
NOT_GRANTED = "An order is made only when the application is granted."
ORDER_EXISTS = "An order has already been made on this application."
ORDER_NOT_IN_FORCE = "This order is no longer in force: it is {status}."
VARIATION_REASON_NEEDED = "Give the reason for the variation."
VARIATION_NOTHING = "Nothing was changed: say what the court varied."
VARIED_ORDER_ALREADY_ENDED = "With {days} days the order would already have ended ({at})."
VARIED_BEFORE_MADE = "The order cannot be varied before it was made."
DISCHARGE_REASON_NEEDED = "Give the reason the order was discharged."
DISCHARGE_IN_FUTURE = "The time of discharge cannot be in the future."
DISCHARGE_BEFORE_MADE = "The order cannot be discharged before it was made."
BREACH_NEEDS_ONE = "Choose the DVPN or the DVPO that was breached."
NOT_THIS_CASE = "That notice or order belongs to another case."
DVPN_NEVER_SERVED = "Only a served DVPN can be breached."
NO_SUCH_PROHIBITION = "The {what} has no such prohibition: {prohibition}."
BREACH_OUTCOME_IN_FUTURE = "The date of the breach hearing cannot be in the future."
BREACH_OUTCOME_BEFORE = "The breach hearing cannot be before the breach."


def _refuse_if(problem: tuple[str, str] | None) -> None:
    if problem:
        field, message = problem
        raise ActionRefused(message, field=field)


def _when(value: datetime) -> str:
    return deadlines.format_instant(value)


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


# --- Who may do what -----------------------------------------------------------


def can_record_court_work(user, case: Case) -> bool:
    """Court coordinators (list_hearing) and officers (apply_to_court) who can see the case."""
    return bool(
        can_view_case(user, case)
        and (user.has_perm("dvpo.list_hearing") or user.has_perm("dvpo.apply_to_court"))
    )


def can_record_court_outcome(user, case: Case) -> bool:
    """Hearing outcomes, variations and discharges: court coordinators (list_hearing) only.
    Officers who apply to court list and change the application."""
    return bool(can_view_case(user, case) and user.has_perm("dvpo.list_hearing"))


def can_record_breach(user, case: Case) -> bool:
    return bool(can_view_case(user, case) and user.has_perm("dvpo.record_breach"))


# --- PNC tasks -------------------------------------------------------------------


def pnc_task(case: Case, kind: str, actor, note: str, *, dvpn: DVPN | None = None, at=None) -> Task:
    """A PNC task for one notice or order (not folded into another open task of its kind):
    callers are idempotent through the state change they make."""
    task = Task(case=case, kind=kind, dvpn=dvpn, created_at=at or timezone.now(), note=note)
    save_as(task, actor)
    event_record(case, CaseEvent.Kind.TASK_CREATED, actor, f"{task.get_kind_display()}: {note}", at)
    return task


def dvpn_lapse_correct(
    *, dvpn: DVPN, actor, reason: str, application: DVPOApplication | None = None
) -> None:
    """The DVPN did not lapse after all (a hearing had started in time, or the deadline
    moved): back to served, its application listed again, its own PNC-removal task
    cancelled, or, when the removal was already done, a task to enter it on the PNC again.
    `application`, when given, is locked by the caller, who saves it."""
    dvpn_move(dvpn, "reinstate")
    save_as(dvpn, actor, update_fields=["status"])
    own = application is not None
    if not own:
        application = (
            DVPOApplication.objects.select_for_update(of=("self",)).filter(dvpn=dvpn).first()
        )
    if application is not None and application.status == rules.APPLICATION_LAPSED:
        application.status = rules.LISTED
        if not own:
            save_as(application, actor, update_fields=["status"])
    removals = list(
        Task.objects.select_for_update()
        .filter(dvpn=dvpn, kind=Task.Kind.PNC_REMOVAL)
        .order_by("created_at", "pk")
    )
    open_tasks = [task for task in removals if task.done_at is None]
    for task in open_tasks:
        task.done_at, task.done_by = timezone.now(), None
        task.note = f"{task.note} Cancelled: {reason}".strip()
        save_as(task, actor)
    removed = [task for task in removals if task.done_at and task.done_by_id]
    if removed and not open_tasks:
        pnc_task(
            dvpn.case,
            Task.Kind.PNC_ENTRY,
            actor,
            f"Enter DVPN v{dvpn.version} on the PNC again: it was removed after the lapse, "
            f"but it is in force ({reason}).",
            dvpn=dvpn,
        )
    event_record(dvpn.case, CaseEvent.Kind.DVPN_REINSTATED, actor, f"Not lapsed: {reason}.")


# --- The DVPO application (s.27) -------------------------------------------------

PAPERWORK_FIELDS = tuple(field for field, _ in rules.PAPERWORK)
APPLICATION_EDITABLE = (
    "court",
    "listed_for",
    "fee",
    "fee_paid",
    "presenting_officer",
    *PAPERWORK_FIELDS,
)


def _lock_dvpn(pk) -> DVPN:
    return DVPN.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)


def _lock_application(pk) -> DVPOApplication:
    """Lock the DVPN first, then the application (the lapse job locks DVPNs first too)."""
    dvpn_pk = DVPOApplication.objects.values_list("dvpn_id", flat=True).get(pk=pk)
    dvpn = _lock_dvpn(dvpn_pk)
    application = (
        DVPOApplication.objects.select_for_update(of=("self",)).select_related("court").get(pk=pk)
    )
    application.dvpn = dvpn
    return application


def _listing_summary(application: DVPOApplication) -> str:
    summary = f"{application.court}, {_when(application.listed_for)}"
    if application.listed_late:
        summary += (
            f". Listed after the hearing deadline ({_when(application.dvpn.hearing_deadline)})"
        )
    return summary


@transaction.atomic
def application_create(
    *,
    actor,
    dvpn: DVPN,
    court: Court,
    listed_for: datetime,
    fee: str = DVPOApplication.Fee.UNCONTESTED,
    fee_paid: bool = False,
    presenting_officer=None,
    **paperwork: bool,
) -> DVPOApplication:
    """Apply to the magistrates' court for a DVPO and record the listing. A listing after
    the 48-hour deadline is accepted but flagged (listed_late) and said in the event."""
    dvpn = _lock_dvpn(dvpn.pk)
    require(can_record_court_work(actor, dvpn.case), NOT_ALLOWED)
    require(
        dvpn.status == DVPN.Status.SERVED,
        NOT_SERVED.format(status=dvpn.get_status_display().lower()),
    )
    require(not DVPOApplication.objects.filter(dvpn=dvpn).exists(), ALREADY_APPLIED)
    unknown = set(paperwork) - set(PAPERWORK_FIELDS)
    require(not unknown, UNKNOWN_FIELDS.format(fields=", ".join(sorted(unknown))))
    require(
        listed_for >= dvpn.served_at,
        LISTED_BEFORE_SERVICE.format(at=_when(dvpn.served_at)),
        "listed_for",
    )
    application = DVPOApplication(
        dvpn=dvpn,
        court=court,
        listed_for=listed_for,
        listed_late=rules.listed_late(listed_for, dvpn.hearing_deadline),
        fee=fee,
        fee_paid=fee_paid,
        presenting_officer=presenting_officer,
        created_by=actor,
        created_at=timezone.now(),
        **paperwork,
    )
    save_as(application, actor)
    event_record(dvpn.case, CaseEvent.Kind.DVPO_APPLIED, actor, _listing_summary(application))
    return application


@transaction.atomic
def application_update(
    *, actor, application: DVPOApplication, expected_version: int | None, **changes
) -> DVPOApplication:
    """Change the listing, fee, presenting officer or paperwork of an undecided application.
    The listing can be moved only before the first hearing (afterwards the court adjourns)."""
    application = _lock_application(application.pk)
    case = application.dvpn.case
    require(can_record_court_work(actor, case), NOT_ALLOWED)
    check_version(application, expected_version)
    require(
        not application.decided,
        APPLICATION_DECIDED.format(outcome=application.get_status_display().lower()),
    )
    require(application.status != rules.APPLICATION_LAPSED, APPLICATION_LAPSED)
    unknown = set(changes) - set(APPLICATION_EDITABLE)
    require(not unknown, UNKNOWN_FIELDS.format(fields=", ".join(sorted(unknown))))
    changed = [f for f, value in changes.items() if getattr(application, f) != value]
    if not changed:
        return application
    for field in changed:
        setattr(application, field, changes[field])
    if "listed_for" in changed:
        dvpn = application.dvpn
        require(
            application.listed_for >= dvpn.served_at,
            LISTED_BEFORE_SERVICE.format(at=_when(dvpn.served_at)),
            "listed_for",
        )
        if not application.hearings.exists():
            application.listed_late = rules.listed_late(
                application.listed_for, dvpn.hearing_deadline
            )
    save_as(application, actor)
    summary = "Changed: " + ", ".join(
        str(DVPOApplication._meta.get_field(f).verbose_name) for f in changed
    )
    if "listed_for" in changed or "court" in changed:
        summary += ". Now listed at " + _listing_summary(application)
    event_record(case, CaseEvent.Kind.DVPO_APPLICATION_CHANGED, actor, summary)
    if "listed_for" in changed:
        _production_deadlines_follow(application.dvpn, actor)
    return application


# --- Hearings ------------------------------------------------------------------

OUTCOME_EVENTS = {
    rules.GRANTED: CaseEvent.Kind.DVPO_GRANTED,
    rules.REFUSED: CaseEvent.Kind.DVPO_REFUSED,
    rules.WITHDRAWN: CaseEvent.Kind.DVPO_WITHDRAWN,
    rules.ADJOURNED: CaseEvent.Kind.HEARING_ADJOURNED,
}


@transaction.atomic
def hearing_record(
    *,
    actor,
    application: DVPOApplication,
    held_at: datetime,
    outcome: str,
    expected_version: int | None,
    p_attended: bool = False,
    victim_attended: bool = False,
    contested: bool = False,
    presented_by=None,
    reasons: str = "",
    adjournment_reason: str = "",
    adjourned_to: datetime | None = None,
    order_days: int | None = None,
    decided_at: datetime | None = None,
    **prohibitions,
) -> Hearing:
    """Record a hearing of the application and its outcome.

    `decided_at` is when the court decided (by default, when the hearing started): the
    DVPN ends then and an order is in force from then.

    Granted: the order is made (order_days and optional premises prohibitions) and the
    DVPN ends. Refused or withdrawn: the DVPN ends at that moment and must come off the
    PNC. Adjourned: the DVPN continues and the application is listed again.
    A hearing held in time but recorded after the lapse job ran corrects the lapse.
    """
    application = _lock_application(application.pk)
    dvpn = application.dvpn
    case = dvpn.case
    require(can_record_court_outcome(actor, case), NOT_ALLOWED_OUTCOME)
    check_version(application, expected_version)
    status = application.status
    if status == rules.APPLICATION_LAPSED:
        status = rules.LISTED  # a hearing that started in time corrects the lapse (below)
    target = rules.application_transition(status, outcome)
    require(
        target is not None,
        APPLICATION_DECIDED.format(outcome=application.get_status_display().lower()),
    )
    require(held_at <= timezone.now(), HEARING_IN_FUTURE, "held_at")
    require(
        held_at >= dvpn.served_at,
        HEARING_BEFORE_SERVICE.format(at=_when(dvpn.served_at)),
        "held_at",
    )
    previous = application.hearings.order_by("-held_at").first()
    if previous is not None:
        require(
            held_at >= previous.held_at,
            HEARING_BEFORE_LAST.format(at=_when(previous.held_at)),
            "held_at",
        )
    first = application.hearings.order_by("held_at").first()
    first_held_at = first.held_at if first else held_at
    require(
        rules.hearing_in_time(first_held_at, dvpn.hearing_deadline),
        HEARING_TOO_LATE.format(at=_when(dvpn.hearing_deadline)),
        "held_at",
    )
    if outcome == rules.ADJOURNED:
        require(adjournment_reason.strip(), ADJOURNMENT_REASON_NEEDED, "adjournment_reason")
        require(adjourned_to is not None, ADJOURNED_TO_NEEDED, "adjourned_to")
        require(adjourned_to > held_at, ADJOURNED_TO_BEFORE, "adjourned_to")
        decided_at = None
    else:
        adjournment_reason, adjourned_to = "", None
        decided_at = decided_at or held_at
        require(
            decided_at >= held_at,
            DECIDED_BEFORE_HEARING.format(at=_when(held_at)),
            "decided_at",
        )
        require(decided_at <= timezone.now(), DECIDED_IN_FUTURE, "decided_at")
    if outcome != rules.GRANTED:
        require(not prohibitions and order_days is None, NOT_GRANTED)
    if dvpn.status == DVPN.Status.LAPSED:
        dvpn_lapse_correct(
            dvpn=dvpn,
            actor=actor,
            application=application,
            reason=f"a hearing started at {_when(held_at)}, before the deadline",
        )
    hearing = Hearing(
        application=application,
        held_at=held_at,
        outcome=outcome,
        reasons=reasons,
        adjournment_reason=adjournment_reason.strip(),
        adjourned_to=adjourned_to,
        p_attended=p_attended,
        victim_attended=victim_attended,
        contested=contested,
        presented_by=presented_by,
        recorded_by=actor,
    )
    save_as(hearing, actor)
    application.status = target
    moved = False
    if outcome == rules.ADJOURNED:
        moved = application.listed_for != adjourned_to
        application.listed_for = adjourned_to
        summary = f"Adjourned to {_when(adjourned_to)}: {hearing.adjournment_reason}"
    else:
        application.decided_at = decided_at
        dvpn_move(dvpn, "end")
        save_as(dvpn, actor, update_fields=["status"])
        summary = f"Hearing at {_when(held_at)}"
        if decided_at != held_at:
            summary += f", decided at {_when(decided_at)}"
        summary += f": {reasons}" if reasons else ""
    save_as(application, actor)
    if outcome != rules.GRANTED:  # order_make records the grant with the order's terms
        event_record(case, OUTCOME_EVENTS[outcome], actor, summary, at=decided_at or held_at)
    if moved:
        _production_deadlines_follow(dvpn, actor)
    if outcome == rules.GRANTED:
        order_make(actor=actor, hearing=hearing, days=order_days, **prohibitions)
    elif outcome in (rules.REFUSED, rules.WITHDRAWN):
        pnc_task(
            case,
            Task.Kind.PNC_REMOVAL,
            actor,
            f"DVPN v{dvpn.version} ended: the DVPO application was {outcome}.",
            dvpn=dvpn,
        )
    return hearing


# --- The order (s.28) ----------------------------------------------------------

PROHIBITION_FIELDS = (
    "premises_no_evict",
    "premises_no_enter",
    "premises_leave",
    "exclusion_distance_m",
)


def _premises_sought(values: dict) -> bool:
    return any(values.get(field) for field in PROHIBITION_FIELDS)


def _order_dates(made_on: date, days) -> tuple[date, datetime]:
    require(days is not None, ORDER_DAYS_NEEDED, "order_days")
    try:
        return rules.order_dates(made_on, days)
    except ValueError as error:
        raise ActionRefused(str(error), field="order_days") from None


def _prohibitions_summary(order: DVPO) -> str:
    parts = ["not molest the victim"]
    if order.premises_no_evict:
        parts.append("not evict or exclude the victim")
    if order.premises_no_enter:
        parts.append("not enter the premises")
    if order.premises_leave:
        parts.append("leave the premises")
    if order.exclusion_distance_m:
        parts.append(f"not come within {order.exclusion_distance_m} m")
    return "P must " + ", ".join(parts)


@transaction.atomic
def order_make(*, actor, hearing: Hearing, days: int | None, **prohibitions) -> DVPO:
    """Make the order a granted hearing decided. Called by hearing_record; premises
    prohibitions default to the DVPN's. Creates the PNC-entry task."""
    hearing = Hearing.objects.select_related("application__dvpn__case").get(pk=hearing.pk)
    application = hearing.application
    dvpn = application.dvpn
    case = dvpn.case
    require(can_record_court_outcome(actor, case), NOT_ALLOWED_OUTCOME)
    require(hearing.outcome == rules.GRANTED, NOT_GRANTED)
    require(not DVPO.objects.filter(application=application).exists(), ORDER_EXISTS)
    unknown = set(prohibitions) - set(PROHIBITION_FIELDS)
    require(not unknown, UNKNOWN_FIELDS.format(fields=", ".join(sorted(unknown))))
    values = {field: prohibitions.get(field, getattr(dvpn, field)) for field in PROHIBITION_FIELDS}
    if _premises_sought(values):
        require(dvpn.shares_premises, PREMISES_WITHOUT_SHARING, "premises_no_enter")
    made_at = application.decided_at or hearing.held_at
    made_on = rules.local_date(made_at)
    last_day, expires_at = _order_dates(made_on, days)
    order = DVPO(
        case=case,
        application=application,
        hearing=hearing,
        made_on=made_on,
        made_at=made_at,
        days=days,
        last_day=last_day,
        expires_at=expires_at,
        **values,
    )
    save_as(order, actor)
    flag_record(case_id=case.pk, code="FS", at=made_at)  # reports: FS
    event_record(
        case,
        CaseEvent.Kind.DVPO_GRANTED,
        actor,
        f"{days} days from {_day(made_on)}: last day {_day(last_day)}, "
        f"ends {_when(expires_at)}. {_prohibitions_summary(order)}."
        + (f" {hearing.reasons}" if hearing.reasons else ""),
        at=made_at,
    )
    pnc_task(
        case,
        Task.Kind.PNC_ENTRY,
        actor,
        f"DVPO made {_when(made_at)}, in force until {_when(expires_at)} "
        f"(replaces DVPN v{dvpn.version}).",
    )
    from referrals.services import followups_for_case_schedule  # after an order, follow-ups

    followups_for_case_schedule(case=case, actor=actor)
    return order


def _lock_order(order: DVPO) -> DVPO:
    return DVPO.objects.select_for_update(of=("self",)).select_related("case").get(pk=order.pk)


def _require_live(order: DVPO, now: datetime) -> None:
    live = order.in_force and order.expires_at > now
    status = (
        order.get_status_display().lower() if order.status not in rules.ORDER_LIVE else "expired"
    )
    require(live, ORDER_NOT_IN_FORCE.format(status=status))


@transaction.atomic
def order_vary(
    *,
    actor,
    order: DVPO,
    reason: str,
    expected_version: int | None,
    varied_on: date | None = None,
    days: int | None = None,
    **prohibitions,
) -> DVPO:
    """The court varies the order: its prohibitions and/or its length (still 14 to 28
    days beginning with the day it was made)."""
    order = _lock_order(order)
    require(can_record_court_outcome(actor, order.case), NOT_ALLOWED_OUTCOME)
    check_version(order, expected_version)
    now = timezone.now()
    _require_live(order, now)
    require(reason.strip(), VARIATION_REASON_NEEDED, "reason")
    varied_on = varied_on or timezone.localdate(now)
    require(varied_on >= order.made_on, VARIED_BEFORE_MADE, "varied_on")
    unknown = set(prohibitions) - set(PROHIBITION_FIELDS)
    require(not unknown, UNKNOWN_FIELDS.format(fields=", ".join(sorted(unknown))))
    changed = [f for f, value in prohibitions.items() if getattr(order, f) != value]
    if days is not None and days != order.days:
        last_day, expires_at = _order_dates(order.made_on, days)
        require(
            expires_at > now,
            VARIED_ORDER_ALREADY_ENDED.format(days=days, at=_when(expires_at)),
            "order_days",
        )
        order.days, order.last_day, order.expires_at = days, last_day, expires_at
        changed.append("days")
    require(changed, VARIATION_NOTHING)
    for field in changed:
        if field != "days":
            setattr(order, field, prohibitions[field])
    if _premises_sought({f: getattr(order, f) for f in PROHIBITION_FIELDS}):
        dvpn = order.application.dvpn
        require(dvpn.shares_premises, PREMISES_WITHOUT_SHARING, "premises_no_enter")
    order.status = DVPO.Status.VARIED
    order.varied_on, order.variation_reason = varied_on, reason.strip()
    save_as(order, actor)
    event_record(
        order.case,
        CaseEvent.Kind.DVPO_VARIED,
        actor,
        f"{reason.strip()} Now {order.days} days, last day {_day(order.last_day)}; "
        f"{_prohibitions_summary(order)}.",
    )
    pnc_task(
        order.case,
        Task.Kind.PNC_UPDATE,
        actor,
        f"DVPO made {_day(order.made_on)} varied {_day(varied_on)}: now {order.days} days, "
        f"last day {_day(order.last_day)}, in force until {_when(order.expires_at)}; "
        f"{_prohibitions_summary(order)}.",
    )
    from referrals.services import followups_for_case_schedule  # the follow-ups move

    followups_for_case_schedule(case=order.case, actor=actor)
    return order


@transaction.atomic
def order_discharge(
    *,
    actor,
    order: DVPO,
    reason: str,
    expected_version: int | None,
    discharged_at: datetime | None = None,
) -> DVPO:
    """The court discharges the order; it ends then and must come off the PNC."""
    order = _lock_order(order)
    require(can_record_court_outcome(actor, order.case), NOT_ALLOWED_OUTCOME)
    check_version(order, expected_version)
    now = timezone.now()
    discharged_at = discharged_at or now
    require(discharged_at <= now, DISCHARGE_IN_FUTURE, "discharged_at")
    require(
        discharged_at >= order.starts_at,
        DISCHARGE_BEFORE_MADE,
        "discharged_at",
    )
    require(
        order.in_force and order.expires_at > discharged_at,
        ORDER_NOT_IN_FORCE.format(
            status=order.get_status_display().lower() if not order.in_force else "expired"
        ),
    )
    require(reason.strip(), DISCHARGE_REASON_NEEDED, "reason")
    order.status = DVPO.Status.DISCHARGED
    order.discharged_at, order.discharge_reason = discharged_at, reason.strip()
    save_as(order, actor)
    event_record(
        order.case, CaseEvent.Kind.DVPO_DISCHARGED, actor, reason.strip(), at=discharged_at
    )
    pnc_task(order.case, Task.Kind.PNC_REMOVAL, actor, f"DVPO discharged {_when(discharged_at)}.")
    from referrals.services import followups_for_case_schedule  # the follow-ups move

    followups_for_case_schedule(case=order.case, actor=actor)
    return order


def orders_expiry_due(now: datetime) -> QuerySet[DVPO]:
    return DVPO.objects.filter(status__in=rules.ORDER_LIVE, expires_at__lte=now)


@transaction.atomic
def orders_expire(*, now: datetime, actor=None) -> int:
    """Mark orders past their end as expired and ask for their PNC removal.
    Idempotent: returns how many changed (0 the second time)."""
    changed = 0
    due = orders_expiry_due(now).select_for_update(of=("self",), skip_locked=True)
    for order in due.select_related("case"):
        order.status = DVPO.Status.EXPIRED
        save_as(order, actor, update_fields=["status"])
        event_record(
            order.case,
            CaseEvent.Kind.DVPO_EXPIRED,
            actor,
            f"Last day was {_day(order.last_day)}.",
            at=order.expires_at,
        )
        pnc_task(
            order.case, Task.Kind.PNC_REMOVAL, actor, f"DVPO expired {_when(order.expires_at)}."
        )
        changed += 1
    return changed


# --- Lapse: no hearing by the deadline ----------------------------------------------


def _hearing_in_time():
    return Hearing.objects.filter(
        application__dvpn=OuterRef("pk"), held_at__lte=OuterRef("hearing_deadline")
    )


def dvpns_deadline_passed(now: datetime) -> QuerySet[DVPN]:
    """Served DVPNs whose hearing deadline has passed (whether or not a hearing started)."""
    return DVPN.objects.filter(status=DVPN.Status.SERVED, hearing_deadline__lt=now)


def dvpn_lapse_due(now: datetime) -> QuerySet[DVPN]:
    """Served DVPNs whose deadline has passed with no hearing started by it."""
    return dvpns_deadline_passed(now).filter(~Exists(_hearing_in_time()))


@transaction.atomic
def dvpns_lapse(*, now: datetime, actor=None) -> int:
    """Mark lapsed every DVPN due, and its application (no longer listed), with a
    PNC-removal task for that DVPN. Idempotent: returns how many changed (0 the second time)."""
    changed = 0
    due = dvpn_lapse_due(now).select_for_update(of=("self",), skip_locked=True)
    for dvpn in due.select_related("case"):
        dvpn_move(dvpn, "lapse")
        save_as(dvpn, actor, update_fields=["status"])
        application = (
            DVPOApplication.objects.select_for_update(of=("self",))
            .filter(dvpn=dvpn, status__in=(rules.LISTED, rules.ADJOURNED))
            .first()
        )
        if application is not None:
            application.status = rules.APPLICATION_LAPSED
            save_as(application, actor, update_fields=["status"])
        summary = f"No hearing had started by {_when(dvpn.hearing_deadline)}."
        event_record(
            dvpn.case, CaseEvent.Kind.DVPN_LAPSED, actor, summary, at=dvpn.hearing_deadline
        )
        pnc_task(
            dvpn.case,
            Task.Kind.PNC_REMOVAL,
            actor,
            f"DVPN v{dvpn.version} lapsed: it can no longer be enforced.",
            dvpn=dvpn,
        )
        changed += 1
    return changed


# --- Breaches (s.26, s.29) ---------------------------------------------------------

PROHIBITION_NEEDS = {
    Breach.Prohibition.MOLESTATION: None,
    Breach.Prohibition.EVICT: "premises_no_evict",
    Breach.Prohibition.ENTER: "premises_no_enter",
    Breach.Prohibition.LEAVE: "premises_leave",
    Breach.Prohibition.DISTANCE: "exclusion_distance_m",
}


def dvpn_ends_at(dvpn: DVPN) -> datetime | None:
    """When the notice stopped being in force (None while it is)."""
    application = DVPOApplication.objects.filter(dvpn=dvpn).first()
    first = (
        Hearing.objects.filter(application__dvpn=dvpn).order_by("held_at").first()
        if application
        else None
    )
    return rules.dvpn_ends_at(
        status=dvpn.status,
        hearing_deadline=dvpn.hearing_deadline,
        first_held_at=first.held_at if first else None,
        decided_at=application.decided_at if application else None,
        now=timezone.now(),
    )


def _breach_window(breach: Breach) -> tuple[datetime, datetime | None]:
    if breach.order_id:
        return breach.order.starts_at, breach.order.ends_at
    return breach.dvpn.served_at, dvpn_ends_at(breach.dvpn)


def _production_deadline(breach: Breach, calendar=None) -> datetime | None:
    if breach.arrested_at is None:
        return None
    listed_for = None
    if breach.dvpn_id:
        application = DVPOApplication.objects.filter(dvpn_id=breach.dvpn_id).first()
        if application is not None and not application.decided:
            listed_for = application.listed_for
    return rules.production_deadline(
        arrested_at=breach.arrested_at,
        is_order=breach.is_order,
        listed_for=listed_for,
        calendar=calendar or current_calendar(),
    )


@transaction.atomic
def breach_record(
    *,
    actor,
    case: Case,
    occurred_at: datetime,
    prohibition: str,
    reported_by: str,
    dvpn: DVPN | None = None,
    order: DVPO | None = None,
    arrested_at: datetime | None = None,
    description: str = "",
    criminal_charge: bool = False,
) -> Breach:
    """Record a breach of a DVPN or DVPO (and the arrest, when there was one): the
    production deadline is worked out from the arrest (s.26(2), s.29)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require(can_record_breach(actor, case), NOT_ALLOWED_BREACH)
    require((dvpn is None) != (order is None), BREACH_NEEDS_ONE)
    breached = DVPN.objects.get(pk=dvpn.pk) if dvpn else DVPO.objects.get(pk=order.pk)
    require(breached.case_id == case.pk, NOT_THIS_CASE)
    if dvpn is not None:
        require(breached.served_at is not None, DVPN_NEVER_SERVED)
    needs = PROHIBITION_NEEDS[Breach.Prohibition(prohibition)]
    require(
        needs is None or getattr(breached, needs),
        NO_SUCH_PROHIBITION.format(
            what="DVPO" if order is not None else "DVPN",
            prohibition=Breach.Prohibition(prohibition).label.lower(),
        ),
        "prohibition",
    )
    breach = Breach(
        case=case,
        dvpn=breached if dvpn is not None else None,
        order=breached if order is not None else None,
        occurred_at=occurred_at,
        prohibition=prohibition,
        reported_by=reported_by,
        description=description,
        arrested_at=arrested_at,
        criminal_charge=criminal_charge,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    now = timezone.now()
    starts_at, ends_at = _breach_window(breach)
    _refuse_if(
        rules.breach_time_problem(
            occurred_at=occurred_at,
            now=now,
            starts_at=starts_at,
            ends_at=ends_at,
            is_order=breach.is_order,
        )
    )
    if arrested_at is not None:
        _refuse_if(rules.arrest_problem(arrested_at=arrested_at, occurred_at=occurred_at, now=now))
    same = (
        Breach.objects.filter(
            case=case,
            dvpn=breach.dvpn,
            order=breach.order,
            occurred_at=occurred_at,
            prohibition=prohibition,
            recorded_at__gte=now - DUPLICATE_WINDOW,
        )
        .order_by("-recorded_at")
        .first()
    )
    if same is not None:
        raise ActionRefused(
            DUPLICATE_BREACH.format(
                at=_when(same.recorded_at), what="DVPO" if breach.is_order else "DVPN"
            )
        )
    breach.production_deadline = _production_deadline(breach)
    save_as(breach, actor)
    flag_record(case_id=case.pk, code="FU" if breach.is_order else "FT", at=occurred_at)
    what = "DVPO" if breach.is_order else f"DVPN v{breach.dvpn.version}"
    summary = (
        f"{what}: {breach.get_prohibition_display().lower()} at {_when(occurred_at)}, "
        f"reported by {breach.get_reported_by_display().lower()}."
    )
    event_record(case, CaseEvent.Kind.BREACH_RECORDED, actor, summary, at=occurred_at)
    if arrested_at is not None:
        _arrest_event(breach, actor)
    return breach


def _arrest_event(breach: Breach, actor) -> None:
    event_record(
        breach.case,
        CaseEvent.Kind.BREACH_ARREST,
        actor,
        f"Arrested {_when(breach.arrested_at)}: must be before the court by "
        f"{_when(breach.production_deadline)}.",
        at=breach.arrested_at,
    )


def _lock_breach(breach: Breach) -> Breach:
    return (
        Breach.objects.select_for_update(of=("self",))
        .select_related("case", "dvpn", "order")
        .get(pk=breach.pk)
    )


@transaction.atomic
def breach_arrest(
    *, actor, breach: Breach, arrested_at: datetime, expected_version: int | None
) -> Breach:
    """Record (or correct) the arrest for a breach; the production deadline follows."""
    breach = _lock_breach(breach)
    require(can_record_breach(actor, breach.case), NOT_ALLOWED_BREACH)
    check_version(breach, expected_version)
    _refuse_if(
        rules.arrest_problem(
            arrested_at=arrested_at, occurred_at=breach.occurred_at, now=timezone.now()
        )
    )
    breach.arrested_at = arrested_at
    breach.production_deadline = _production_deadline(breach)
    save_as(breach, actor)
    _arrest_event(breach, actor)
    return breach


@transaction.atomic
def breach_outcome_record(
    *,
    actor,
    breach: Breach,
    outcome: str,
    expected_version: int | None,
    outcome_on: date | None = None,
    fine_pounds: Decimal | None = None,
    committal_days: int | None = None,
    criminal_charge: bool | None = None,
) -> Breach:
    """What the court did about the breach: no action, a fine (up to £5,000), committal
    (up to 2 months) or adjourned; and whether a criminal charge was also brought."""
    breach = _lock_breach(breach)
    require(can_record_breach(actor, breach.case), NOT_ALLOWED_BREACH)
    check_version(breach, expected_version)
    outcome = Breach.Outcome(outcome)
    require(outcome != Breach.Outcome.PENDING, "Choose what the court decided.", "outcome")
    fine = Decimal(str(fine_pounds)) if fine_pounds is not None else None
    _refuse_if(
        rules.sanction_problem(
            outcome=outcome,
            is_order=breach.is_order,
            fine_pounds=fine,
            committal_days=committal_days,
        )
    )
    today = timezone.localdate()
    outcome_on = outcome_on or today
    require(outcome_on <= today, BREACH_OUTCOME_IN_FUTURE, "outcome_on")
    require(outcome_on >= rules.local_date(breach.occurred_at), BREACH_OUTCOME_BEFORE, "outcome_on")
    breach.outcome, breach.outcome_on = outcome, outcome_on
    breach.fine_pounds, breach.committal_days = fine, committal_days
    if criminal_charge is not None:
        breach.criminal_charge = criminal_charge
    save_as(breach, actor)
    summary = outcome.label
    if fine is not None:
        summary += f" of £{fine:,.2f}"
    if committal_days is not None:
        summary += f" for {committal_days} days"
    if breach.criminal_charge:
        summary += "; a criminal charge was also brought"
    event_record(breach.case, CaseEvent.Kind.BREACH_OUTCOME, actor, f"{summary}.")
    return breach


# --- Record flags -------------------------------------------------------------------


def case_record_flags(case: Case) -> list[tuple[str, str, date]]:
    """The PNC flags (FP, FQ, FT, FS, FU) the case's history supports, with dates."""
    dvpns = case.dvpns.exclude(decided_at__isnull=True).exclude(
        status__in=[DVPN.Status.REFUSED, DVPN.Status.REVISED]
    )
    authorised = min((d.decided_at for d in dvpns), default=None)
    served = min((d.served_at for d in dvpns if d.served_at), default=None)
    breaches = list(case.breaches.values_list("occurred_at", "order_id"))
    orders = list(case.dvpos.values_list("made_on", flat=True))
    return rules.record_flags(
        dvpn_authorised_on=rules.local_date(authorised),
        dvpn_served_on=rules.local_date(served),
        dvpn_breached_on=rules.local_date(min((b for b, o in breaches if o is None), default=None)),
        dvpo_issued_on=min(orders, default=None),
        dvpo_breached_on=rules.local_date(
            min((b for b, o in breaches if o is not None), default=None)
        ),
    )


def _lapses_undo_after_calendar_change(*, actor) -> None:
    """A lapsed DVPN with no hearing whose (recomputed) deadline is still to come is in force."""
    lapsed = (
        DVPN.objects.select_for_update(of=("self",))
        .filter(status=DVPN.Status.LAPSED, hearing_deadline__gte=timezone.now())
        .exclude(dvpo_application__hearings__isnull=False)
    )
    for dvpn in lapsed.select_related("case"):
        dvpn_lapse_correct(
            dvpn=dvpn,
            actor=actor,
            reason="after a calendar change the hearing deadline is "
            + _when(dvpn.hearing_deadline),
        )


@transaction.atomic
def court_deadlines_recompute(*, actor, calendar: deadlines.Calendar) -> int:
    """After a change to the bank-holiday calendar (and after hearing deadlines were worked
    out again): the listed-late flag of undecided applications and the production deadline
    of breaches not yet dealt with; and a lapsed DVPN whose new deadline is still to come is
    reinstated. Returns how many listing flags and breach deadlines changed."""
    _lapses_undo_after_calendar_change(actor=actor)
    changed = 0
    undecided = (
        DVPOApplication.objects.select_for_update(of=("self",))
        .filter(decided_at__isnull=True, hearings__isnull=True)  # once heard, it stays as it was
        .exclude(status=rules.APPLICATION_LAPSED)
    )
    for application in undecided.select_related("dvpn"):
        late = rules.listed_late(application.listed_for, application.dvpn.hearing_deadline)
        if late != application.listed_late:
            application.listed_late = late
            save_as(application, actor, update_fields=["listed_late"])
            changed += 1
    pending = Breach.objects.select_for_update(of=("self",)).filter(
        arrested_at__isnull=False, outcome=Breach.Outcome.PENDING
    )
    for breach in pending.select_related("case", "order", "dvpn"):
        changed += _production_deadline_move(breach, actor, calendar)
    return changed


def _production_deadline_move(breach: Breach, actor, calendar, why: str = "") -> bool:
    deadline = _production_deadline(breach, calendar)
    if deadline == breach.production_deadline:
        return False
    before, breach.production_deadline = breach.production_deadline, deadline
    save_as(breach, actor, update_fields=["production_deadline"])
    event_record(
        breach.case,
        CaseEvent.Kind.DEADLINE_RECOMPUTED,
        actor,
        f"Production deadline for the breach moved from {_when(before)} to {_when(deadline)}"
        + (f": {why}." if why else "."),
    )
    return True


def _production_deadlines_follow(dvpn: DVPN, actor) -> int:
    """The DVPO hearing moved: P arrested for breaching this DVPN (and not yet dealt with)
    must be before the court by the new hearing if it is sooner than 24 counted hours."""
    pending = Breach.objects.select_for_update(of=("self",)).filter(
        dvpn=dvpn, arrested_at__isnull=False, outcome=Breach.Outcome.PENDING
    )
    calendar = current_calendar()
    return sum(
        _production_deadline_move(breach, actor, calendar, "the DVPO hearing was moved")
        for breach in pending.select_related("case", "dvpn")
    )
