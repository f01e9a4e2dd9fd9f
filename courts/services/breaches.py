"""Breaches of a DVPN or DVPO (s.26, s.29): the breach, the arrest and its production
deadline, and what the court did about it."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import DVPN, Case, CaseEvent
from cases.services import event_record
from courts import rules
from courts.models import DVPO, Breach, DVPOApplication, Hearing
from courts.permissions import can_record_breach
from courts.services._common import (
    BREACH_NEEDS_ONE,
    BREACH_OUTCOME_BEFORE,
    BREACH_OUTCOME_IN_FUTURE,
    DUPLICATE_BREACH,
    DUPLICATE_WINDOW,
    DVPN_NEVER_SERVED,
    NO_SUCH_PROHIBITION,
    NOT_ALLOWED_BREACH,
    NOT_THIS_CASE,
    _refuse_if,
    _when,
)
from dvpo.calendar import current_calendar
from dvpo.errors import ActionRefused, check_version, require, save_as
from reports.services import flag_record

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
