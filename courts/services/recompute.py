"""Deadlines worked out again: after a change to the bank-holiday calendar
(court_deadlines_recompute, on hooks.calendar_changed after the cases recompute) and
when a DVPO hearing moves."""

from django.db import transaction
from django.utils import timezone

from cases.models import DVPN, CaseEvent
from cases.services import event_record
from courts import rules
from courts.models import Breach, DVPOApplication
from courts.services._common import _when
from courts.services.breaches import _production_deadline
from courts.services.jobs import dvpn_lapse_correct
from dvpo import deadlines
from dvpo.calendar import current_calendar
from dvpo.errors import save_as


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
