"""The DVPO application (s.27): applying to the magistrates' court and the listing."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cases.models import DVPN, CaseEvent
from cases.services import event_record
from courts import rules
from courts.models import Court, DVPOApplication
from courts.permissions import can_record_court_work
from courts.services._common import (
    ALREADY_APPLIED,
    APPLICATION_DECIDED,
    APPLICATION_LAPSED,
    LISTED_BEFORE_SERVICE,
    NOT_ALLOWED,
    NOT_SERVED,
    UNKNOWN_FIELDS,
    _when,
)
from courts.services.recompute import _production_deadlines_follow
from dvpo.errors import check_version, require, save_as

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
