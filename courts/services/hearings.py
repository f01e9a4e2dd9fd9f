"""Hearings of the DVPO application and their outcome (s.27, s.28)."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class HearingDecision:
    """What hearing_outcome_check allows: the application's next status and the inputs as
    they are to be saved (an adjournment has no decision time; a decision no adjournment)."""

    target: str
    adjournment_reason: str
    adjourned_to: datetime | None
    decided_at: datetime | None


def hearing_outcome_check(
    *,
    status: str,
    status_label: str,
    outcome: str,
    held_at: datetime,
    now: datetime,
    served_at: datetime,
    hearing_deadline: datetime,
    previous_held_at: datetime | None,
    first_held_at: datetime | None,
    adjournment_reason: str,
    adjourned_to: datetime | None,
    decided_at: datetime | None,
    order_terms_given: bool,
) -> HearingDecision:
    """Whether this outcome may be recorded (pure: no database, the clock passed in).
    Raises ActionRefused with the first problem, checked in this order:

    1. the application can take the outcome (a lapsed one counts as listed: a hearing
       that started in time corrects the lapse);
    2. the hearing started not in the future, not before service, not before the
       previous hearing;
    3. the first hearing started by the deadline (s.27(3)), else the DVPN has lapsed;
    4. adjourned: a reason and a later date to adjourn to; decided: the decision (by
       default when the hearing started) not before the hearing, not in the future;
    5. only a grant has an order's length and prohibitions.
    """
    if status == rules.APPLICATION_LAPSED:
        status = rules.LISTED
    target = rules.application_transition(status, outcome)
    require(target is not None, APPLICATION_DECIDED.format(outcome=status_label.lower()))
    require(held_at <= now, HEARING_IN_FUTURE, "held_at")
    require(held_at >= served_at, HEARING_BEFORE_SERVICE.format(at=_when(served_at)), "held_at")
    if previous_held_at is not None:
        require(
            held_at >= previous_held_at,
            HEARING_BEFORE_LAST.format(at=_when(previous_held_at)),
            "held_at",
        )
    require(
        rules.hearing_in_time(
            first_held_at if first_held_at is not None else held_at, hearing_deadline
        ),
        HEARING_TOO_LATE.format(at=_when(hearing_deadline)),
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
        require(decided_at <= now, DECIDED_IN_FUTURE, "decided_at")
    if outcome != rules.GRANTED:
        require(not order_terms_given, NOT_GRANTED)
    return HearingDecision(target, adjournment_reason.strip(), adjourned_to, decided_at)


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

    Steps: lock and check who and which version; hearing_outcome_check; _hearing_write;
    _hearing_followups.
    """
    application = _lock_application(application.pk)
    dvpn = application.dvpn
    require(can_record_court_outcome(actor, dvpn.case), NOT_ALLOWED_OUTCOME)
    check_version(application, expected_version)
    hearings = application.hearings
    previous = hearings.order_by("-held_at").first()
    first = hearings.order_by("held_at").first()
    decision = hearing_outcome_check(
        status=application.status,
        status_label=application.get_status_display(),
        outcome=outcome,
        held_at=held_at,
        now=timezone.now(),
        served_at=dvpn.served_at,
        hearing_deadline=dvpn.hearing_deadline,
        previous_held_at=previous.held_at if previous else None,
        first_held_at=first.held_at if first else None,
        adjournment_reason=adjournment_reason,
        adjourned_to=adjourned_to,
        decided_at=decided_at,
        order_terms_given=bool(prohibitions) or order_days is not None,
    )
    moved = outcome == rules.ADJOURNED and application.listed_for != decision.adjourned_to
    hearing = _hearing_write(
        actor=actor,
        application=application,
        decision=decision,
        held_at=held_at,
        outcome=outcome,
        reasons=reasons,
        p_attended=p_attended,
        victim_attended=victim_attended,
        contested=contested,
        presented_by=presented_by,
    )
    _hearing_followups(
        actor=actor,
        hearing=hearing,
        decision=decision,
        moved=moved,
        order_days=order_days,
        prohibitions=prohibitions,
    )
    return hearing


def _hearing_write(
    *, actor, application: DVPOApplication, decision: HearingDecision, **fields
) -> Hearing:
    """Correct a lapse the hearing shows was wrong, save the hearing and move the
    application: adjourned, it is listed again; decided, the DVPN ends."""
    dvpn = application.dvpn
    if dvpn.status == DVPN.Status.LAPSED:
        dvpn_lapse_correct(
            dvpn=dvpn,
            actor=actor,
            application=application,
            reason=f"a hearing started at {_when(fields['held_at'])}, before the deadline",
        )
    hearing = Hearing(
        application=application,
        adjournment_reason=decision.adjournment_reason,
        adjourned_to=decision.adjourned_to,
        recorded_by=actor,
        **fields,
    )
    save_as(hearing, actor)
    application.status = decision.target
    if hearing.outcome == rules.ADJOURNED:
        application.listed_for = decision.adjourned_to
    else:
        application.decided_at = decision.decided_at
        dvpn_move(dvpn, "end")
        save_as(dvpn, actor, update_fields=["status"])
    save_as(application, actor)
    return hearing


def _hearing_summary(hearing: Hearing, decision: HearingDecision) -> str:
    if hearing.outcome == rules.ADJOURNED:
        return f"Adjourned to {_when(hearing.adjourned_to)}: {hearing.adjournment_reason}"
    summary = f"Hearing at {_when(hearing.held_at)}"
    if decision.decided_at != hearing.held_at:
        summary += f", decided at {_when(decision.decided_at)}"
    return summary + (f": {hearing.reasons}" if hearing.reasons else "")


def _hearing_followups(
    *,
    actor,
    hearing: Hearing,
    decision: HearingDecision,
    moved: bool,
    order_days: int | None,
    prohibitions: dict,
) -> None:
    """The timeline event (a grant's is order_make's, with the order's terms); breach
    production deadlines after the hearing moved; the order, or the PNC-removal task when
    the DVPN ended without one."""
    application = hearing.application
    dvpn = application.dvpn
    outcome = hearing.outcome
    if outcome != rules.GRANTED:
        at = decision.decided_at or hearing.held_at
        summary = _hearing_summary(hearing, decision)
        event_record(dvpn.case, OUTCOME_EVENTS[outcome], actor, summary, at=at)
    if moved:
        _production_deadlines_follow(dvpn, actor)
    if outcome == rules.GRANTED:
        order_make(actor=actor, hearing=hearing, days=order_days, **prohibitions)
    elif outcome in (rules.REFUSED, rules.WITHDRAWN):
        pnc_task(
            dvpn.case,
            Task.Kind.PNC_REMOVAL,
            actor,
            f"DVPN v{dvpn.version} ended: the DVPO application was {outcome}.",
            dvpn=dvpn,
        )
