"""Lapse and expiry: the periodic jobs (courts.tasks.lapse_and_expire) and the correction
of a lapse that should not have happened (s.27(3), s.28(10)).

Each job finds what is due from the database state and takes one transaction per row:
one row that fails is logged with its id and left for the next run, and never blocks the
others. Idempotent: a second run changes nothing.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.models import DVPN, CaseEvent, Task
from cases.services import dvpn_move, event_record
from courts import rules
from courts.models import DVPO, DVPOApplication, Hearing
from courts.services._common import _day, _when
from courts.services.pnc import pnc_task
from dvpo.errors import save_as

log = logging.getLogger(__name__)


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


# --- Expiry: the order has run its length ----------------------------------------


def orders_expiry_due(now: datetime) -> QuerySet[DVPO]:
    return DVPO.objects.filter(status__in=rules.ORDER_LIVE, expires_at__lte=now)


def orders_expire(*, now: datetime, actor=None) -> int:
    """Mark orders past their end as expired and ask for their PNC removal, each order in
    its own transaction. Idempotent: returns how many changed (0 the second time)."""
    due = orders_expiry_due(now).order_by("pk").values_list("pk", flat=True)
    return _one_transaction_each("DVPO", list(due), lambda pk: _order_expire(pk, now, actor))


def _order_expire(pk, now: datetime, actor) -> bool:
    order = (
        orders_expiry_due(now)
        .select_for_update(of=("self",), skip_locked=True)
        .select_related("case")
        .filter(pk=pk)
        .first()
    )
    if order is None:  # changed since it was found, or another worker has it
        return False
    order.status = DVPO.Status.EXPIRED
    save_as(order, actor, update_fields=["status"])
    event_record(
        order.case,
        CaseEvent.Kind.DVPO_EXPIRED,
        actor,
        f"Last day was {_day(order.last_day)}.",
        at=order.expires_at,
    )
    pnc_task(order.case, Task.Kind.PNC_REMOVAL, actor, f"DVPO expired {_when(order.expires_at)}.")
    return True


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


def dvpns_lapse(*, now: datetime, actor=None) -> int:
    """Mark lapsed every DVPN due, and its application (no longer listed), with a
    PNC-removal task for that DVPN, each DVPN in its own transaction. Idempotent: returns
    how many changed (0 the second time)."""
    due = dvpn_lapse_due(now).order_by("pk").values_list("pk", flat=True)
    return _one_transaction_each("DVPN", list(due), lambda pk: _dvpn_lapse(pk, now, actor))


def _dvpn_lapse(pk, now: datetime, actor) -> bool:
    dvpn = (
        dvpn_lapse_due(now)
        .select_for_update(of=("self",), skip_locked=True)
        .select_related("case")
        .filter(pk=pk)
        .first()
    )
    if dvpn is None:  # a hearing was recorded since it was found, or another worker has it
        return False
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
    event_record(dvpn.case, CaseEvent.Kind.DVPN_LAPSED, actor, summary, at=dvpn.hearing_deadline)
    pnc_task(
        dvpn.case,
        Task.Kind.PNC_REMOVAL,
        actor,
        f"DVPN v{dvpn.version} lapsed: it can no longer be enforced.",
        dvpn=dvpn,
    )
    return True


def _one_transaction_each(what: str, pks: list, change: Callable[[object], bool]) -> int:
    """Change each row in its own transaction, so that one row that fails (logged with its
    id, all its changes rolled back) neither undoes nor blocks the others; the next run
    finds it again. Returns how many rows changed."""
    changed = 0
    for pk in pks:
        try:
            with transaction.atomic():
                changed += change(pk)
        except Exception:
            log.exception("%s %s could not be changed; it is left for the next run", what, pk)
    return changed
