"""The order (s.28): made on a granted hearing, varied or discharged by the court."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from cases.models import CaseEvent, Task
from cases.services import event_record
from courts import rules
from courts.models import DVPO, Hearing
from courts.permissions import can_record_court_outcome
from courts.services._common import (
    DISCHARGE_BEFORE_MADE,
    DISCHARGE_IN_FUTURE,
    DISCHARGE_REASON_NEEDED,
    NOT_ALLOWED_OUTCOME,
    NOT_GRANTED,
    ORDER_DAYS_NEEDED,
    ORDER_EXISTS,
    ORDER_NOT_IN_FORCE,
    PREMISES_WITHOUT_SHARING,
    UNKNOWN_FIELDS,
    VARIATION_NOTHING,
    VARIATION_REASON_NEEDED,
    VARIED_BEFORE_MADE,
    VARIED_ORDER_ALREADY_ENDED,
    _day,
    _when,
)
from courts.services.pnc import pnc_task
from dvpo import hooks
from dvpo.errors import ActionRefused, check_version, require, save_as
from reports.services import flag_record

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
    hooks.order_changed.send(actor=actor, case=case)  # referrals schedule the follow-ups
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
    hooks.order_changed.send(actor=actor, case=order.case)  # the follow-ups move (referrals)
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
    hooks.order_changed.send(actor=actor, case=order.case)  # the follow-ups move (referrals)
    return order
