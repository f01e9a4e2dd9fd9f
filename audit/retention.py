"""Retention (DPA 2018 s.62 logs erasure; periods are a force decision, domain.md §6).

A case is due for review RETENTION_REVIEW_YEARS after its last activity, and is anonymised
RETENTION_DELETE_YEARS after it. Last activity is the latest event on the case's timeline
(every legally meaningful change writes one), or when the case was recorded.

Anonymising a case, in one transaction per case:
1. lock the case and stop if it was anonymised already (re-running is a no-op);
2. blank every free-text field that can hold personal data (ERASED_TEXT), on the live rows
   and on their django-simple-history copies, which hold the same text;
3. for each person in the case whose every case is past deletion: erase their names and
   address and replace the date of birth by 1 January of the year that keeps their age at
   their first incident (the reports' age groups stay the same), live and history rows;
4. record the erasure (CaseErasure) and one access-log row naming the fields erased, by
   which command and operator, never the erased values.

What stays (what the reports count): dates and times, statuses, flags, risk grades and
answers, outcomes, gender, ethnicity, the age at the incident, organisations and BCUs.
"""

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from audit import log
from audit.models import CaseErasure

ERASED_NAME = "Erased"

# model label: (lookup from the model to its case, free-text fields blanked)
ERASED_TEXT = {
    "cases.Case": ("pk", ("location", "summary")),
    "cases.Party": ("case", ("relationship_to_p",)),
    "cases.SafeContact": (
        "party__case",
        ("safe_phone", "contact_through", "email", "safe_times", "language", "accessibility_needs"),
    ),
    "cases.RiskAssessment": ("case", ("rationale", "review_reason")),
    "cases.Task": ("case", ("note",)),
    "cases.DVPN": (
        "case",
        (
            "grounds",
            "premises_address",
            "child_welfare",
            "victim_opinion",
            "victim_opinion_steps",
            "p_representations",
            "occupants_opinion",
            "why_other_means_insufficient",
            "decision_reasons",
            "p_notice_address",
        ),
    ),
    "cases.CaseEvent": ("case", ("summary",)),
    "courts.Hearing": ("application__dvpn__case", ("reasons", "adjournment_reason")),
    "courts.DVPO": ("case", ("variation_reason", "discharge_reason")),
    "courts.Breach": ("case", ("description",)),
    "referrals.Referral": ("case", ("what_done", "return_reason", "marac_outcome")),
    "referrals.ContactAttempt": ("referral__case", ("notes",)),
    "referrals.FollowUp": ("referral__case", ("outcome",)),
    "referrals.Alert": ("case", ("message",)),
}
PERSON_FIELDS = ("first_name", "last_name", "address", "date_of_birth (year kept as age)")


@dataclass(frozen=True)
class Due:
    case_id: int
    crime_reference: str
    force: str
    status: str
    last_activity: datetime
    past_deletion: bool


def cutoffs(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return (
        now - relativedelta(years=settings.RETENTION_REVIEW_YEARS),
        now - relativedelta(years=settings.RETENTION_DELETE_YEARS),
    )


def with_last_activity(cases):
    """Annotate `last_activity`: the latest of the case's timeline events and its support
    service's work (contact attempts recorded, follow-ups done, referrals closed), which
    writes no timeline event; at least when the case was recorded."""
    from cases.models import CaseEvent
    from referrals.models import ContactAttempt, FollowUp, Referral

    def latest(model, case_path, field):
        return Subquery(
            model.objects.filter(**{case_path: OuterRef("pk")})
            .order_by()
            .values(case_path)
            .annotate(latest=Max(field))
            .values("latest")
        )

    return cases.annotate(
        last_activity=Greatest(
            Coalesce(latest(CaseEvent, "case", "at"), "created_at"),
            Coalesce(latest(ContactAttempt, "referral__case", "recorded_at"), "created_at"),
            Coalesce(latest(FollowUp, "referral__case", "done_at"), "created_at"),
            Coalesce(latest(Referral, "case", "closed_at"), "created_at"),
            "created_at",
            "reported_at",
        )
    )


def cases_due(now: datetime | None = None) -> list[Due]:
    """Cases past review (and those also past deletion), not yet anonymised, oldest first."""
    from cases.models import Case

    review_before, delete_before = cutoffs(now)
    cases = (
        with_last_activity(Case.objects.exclude(pk__in=CaseErasure.objects.values("case_id")))
        .filter(last_activity__lte=review_before)
        .select_related("force")
        .order_by("last_activity", "pk")
    )
    return [
        Due(
            case.pk,
            case.crime_reference,
            case.force.name,
            case.get_status_display(),
            case.last_activity,
            case.last_activity <= delete_before,
        )
        for case in cases
    ]


def _blank(model, ids_filter: dict, fields) -> int:
    """Blank `fields` on the live rows and their history copies; the rows changed.

    History copies are found through their own link to the case as well as by the live ids,
    so the copies of a row deleted since (a removed party or safe contact) are erased too."""
    from django.db.models import Q

    live_ids = list(model.objects.filter(**ids_filter).values_list("pk", flat=True))
    blanks = {name: "" for name in fields}
    # Deliberately .update(): erasure must not write a new history copy of the text.
    changed = model.objects.filter(pk__in=live_ids).update(**blanks) if live_ids else 0
    history = getattr(model, "history", None)
    if history is not None:
        # On a history model "pk" is the history row's own id; the live row's id is "id".
        link = {("id" if key == "pk" else key): value for key, value in ids_filter.items()}
        copies = history.model.objects.filter(Q(id__in=live_ids) | Q(**link))
        changed += copies.update(**blanks, history_change_reason=None)
    return changed


def _age_keeping_birth_date(person, first_incident: date) -> date | None:
    if person.date_of_birth is None:
        return None
    age = relativedelta(first_incident, person.date_of_birth).years
    return date(first_incident.year - age, 1, 1)


def _erasable_people(case, delete_before: datetime):
    """The case's people whose every case is past deletion (a repeat victim with a newer
    case keeps their name until that case is due too)."""
    from cases.models import Case, Person

    people = Person.objects.filter(parties__case=case).distinct()
    erasable = []
    for person in people:
        their_cases = with_last_activity(Case.objects.filter(parties__person=person))
        if not their_cases.filter(last_activity__gt=delete_before).exists():
            first = their_cases.aggregate(first=Min("reported_at"))["first"]
            erasable.append((person, timezone.localtime(first).date()))
    return erasable


def _erase_person(person, first_incident: date) -> int:
    from cases.models import Person

    values = {
        "first_name": ERASED_NAME,
        "last_name": ERASED_NAME,
        "address": "",
        "date_of_birth": _age_keeping_birth_date(person, first_incident),
    }
    changed = Person.objects.filter(pk=person.pk).update(**values)
    changed += Person.history.model.objects.filter(id=person.pk).update(
        **values, history_change_reason=None
    )
    return changed


def case_anonymise(*, case_id: int, erased_by: str, now: datetime | None = None) -> bool:
    """Anonymise one case past deletion; False when already done or no longer due."""
    from cases.models import Case

    now = now or timezone.now()
    _, delete_before = cutoffs(now)
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or CaseErasure.objects.filter(case_id=case_id).exists():
            return False
        last_activity = with_last_activity(Case.objects.filter(pk=case_id)).get().last_activity
        if last_activity > delete_before:
            return False
        rows = 0
        erased_fields = []
        for label, (to_case, fields) in ERASED_TEXT.items():
            model = apps.get_model(label)
            rows += _blank(model, {to_case: case.pk}, fields)
            erased_fields += [f"{model.__name__}.{name}" for name in fields]
        people = _erasable_people(case, delete_before)
        for person, first_incident in people:
            rows += _erase_person(person, first_incident)
        if people:
            erased_fields += [f"Person.{name}" for name in PERSON_FIELDS]
        CaseErasure.objects.create(
            case=case,
            erased_at=now,
            erased_by=erased_by,
            last_activity=last_activity,
            fields_erased=rows,
            people_erased=len(people),
        )
        log.write(
            user=None,
            username=erased_by,
            action=log.Action.ERASE,
            case=case,
            people=[person.pk for person, _ in people],
            obj=case,
            basis=log.Basis.RETENTION,
            reason=(
                f"Retention: no activity since {timezone.localtime(last_activity):%Y-%m-%d}, "
                f"past {settings.RETENTION_DELETE_YEARS} years. {rows} rows changed "
                f"(live and history). Erased: {', '.join(erased_fields)}."
            ),
            method="",
            path="manage.py retention --anonymise",
        )
    return True
