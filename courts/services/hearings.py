"""Hearings of the DVPO application and their outcome (s.27, s.28)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import DVPN, CaseEvent, Task
from cases.services import dvpn_move, event_record
from courts import rules
from courts.models import DVPOApplication, Hearing
from courts.permissions import can_record_court_outcome
from courts.services._common import (
    ADJOURNED_TO_BEFORE,
    ADJOURNED_TO_NEEDED,
    ADJOURNMENT_REASON_NEEDED,
    APPLICATION_DECIDED,
    DECIDED_BEFORE_HEARING,
    DECIDED_IN_FUTURE,
    HEARING_BEFORE_LAST,
    HEARING_BEFORE_SERVICE,
    HEARING_IN_FUTURE,
    HEARING_TOO_LATE,
    NOT_ALLOWED_OUTCOME,
    NOT_GRANTED,
    _when,
)
from courts.services.applications import _lock_application
from courts.services.jobs import dvpn_lapse_correct
from courts.services.orders import order_make
from courts.services.pnc import pnc_task
from courts.services.recompute import _production_deadlines_follow
from dvpo.errors import check_version, require, save_as

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
