"""Reads for referrals. List selectors take `viewer=` and filter in the query.

Confidentiality both ways (domain.md §2): `referral_facts` is all a caseworker sees of
a case (the risk grade, never the DASH answers); `referrals_for_case` is all the police
see of a referral (status, attempt count, outcomes and times, never the notes).
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import (
    Case as SqlCase,
)
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cases.models import DVPN, Case, Party, RiskAssessment, RiskGrade, SafeContact
from cases.permissions import case_visibility
from courts.models import DVPO, DVPOApplication
from courts.rules import ORDER_LIVE
from dvpo.deadlines import format_instant
from referrals import rules
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from referrals.permissions import can_see_service_queues, referral_visibility

# --- The notice or order, as it stands now ----------------------------------------------


def prohibitions_of(notice) -> tuple[str, ...]:
    """The prohibitions of a DVPN or a DVPO in words (molestation is always there for a
    DVPN, s.24(3); a DVPO records it)."""
    parts = []
    if getattr(notice, "no_molestation", True):
        parts.append("P must not molest the victim")
    if notice.premises_no_evict:
        parts.append("P must not evict or exclude the victim")
    if notice.premises_no_enter:
        parts.append("P must not enter the premises")
    if notice.premises_leave:
        parts.append("P must leave the premises")
    if notice.exclusion_distance_m:
        parts.append(f"P must not come within {notice.exclusion_distance_m} metres")
    return tuple(parts)


def _dvpo_facts(order: DVPO) -> rules.OrderFacts:
    return rules.OrderFacts(
        kind="DVPO",
        status=order.get_status_display(),
        decided=True,
        live=order.status in ORDER_LIVE,
        prohibitions=prohibitions_of(order),
        ends_at=order.ends_at,
    )


def _dvpn_ended_status(dvpn: DVPN) -> str:
    application = DVPOApplication.objects.filter(dvpn=dvpn).only("status").first()
    if application is None:
        return dvpn.get_status_display()
    return f"Ended: DVPO application {application.get_status_display().lower()}"


def _dvpn_facts(case: Case, dvpn: DVPN) -> rules.OrderFacts:
    status = dvpn.status
    if status in (DVPN.Status.DRAFT, DVPN.Status.SUBMITTED):
        refused_before = case.dvpns.filter(status=DVPN.Status.REVISED).exists()
        label = "Refused; a revised application is being prepared"
        return rules.OrderFacts(
            "DVPN",
            label if refused_before else dvpn.get_status_display(),
            decided=refused_before,
            live=False,
        )
    live = status in (DVPN.Status.AUTHORISED, DVPN.Status.SERVED)
    note = ""
    if status == DVPN.Status.SERVED:
        note = "Until the DVPO application is decided; the hearing must start by " + format_instant(
            dvpn.hearing_deadline
        )
    label = _dvpn_ended_status(dvpn) if status == DVPN.Status.ENDED else dvpn.get_status_display()
    return rules.OrderFacts(
        "DVPN",
        label,
        decided=True,
        live=live,
        prohibitions=prohibitions_of(dvpn) if live else (),
        ends_note=note,
    )


def latest_order(case: Case) -> DVPO | None:
    return DVPO.objects.filter(case=case).order_by("-made_on", "-pk").first()


def order_facts(case: Case) -> rules.OrderFacts | None:
    """The order if one was made, else the latest DVPN version; None when there is no DVPN."""
    order = latest_order(case)
    if order is not None:
        return _dvpo_facts(order)
    dvpn = case.dvpns.order_by("-version").first()
    return _dvpn_facts(case, dvpn) if dvpn else None


def risk_grade(case_id: int, victim_id: int) -> str:
    """The victim's current risk grade (the latest assessment's final grade), or ""."""
    grade = (
        RiskAssessment.objects.filter(case_id=case_id, victim_id=victim_id)
        .order_by("-assessed_at", "-pk")
        .values_list("final_grade", flat=True)
        .first()
    )
    return grade or ""


def safe_contact_of(victim: Party) -> SafeContact | None:
    return SafeContact.objects.filter(party=victim).first()


def contact_facts(contact: SafeContact | None) -> rules.ContactFacts | None:
    if contact is None:
        return None
    return rules.ContactFacts(
        safe_phone=contact.safe_phone,
        no_safe_number=contact.no_safe_number,
        contact_through=contact.contact_through,
        permissions_confirmed=contact.permissions_confirmed,
        safe_times=contact.safe_times,
    )


CONTACT_PERMISSIONS = (
    "identify_ok",
    "voicemail_ok",
    "text_ok",
    "email_ok",
    "letter_ok",
    "visit_ok",
    "safe_phone",
    "no_safe_number",
    "contact_through",
    "email",
)


def contact_permissions(contact: SafeContact | None) -> dict:
    """The victim's answers as `rules.method_problem` takes them (no answers: nothing allowed
    but a withheld call, and that only with a number)."""
    if contact is None:
        return {}
    return {name: getattr(contact, name) for name in CONTACT_PERMISSIONS}


def referral_missing(referral: Referral) -> list[tuple[str, str]]:
    """What the referral still needs before it is sent: (field, message)."""
    return rules.referral_missing(
        kind=referral.kind,
        service_chosen=referral.service_id is not None,
        consent=referral.consent,
        contact=contact_facts(safe_contact_of(referral.victim)),
        risk_grade=risk_grade(referral.case_id, referral.victim_id),
        order=order_facts(referral.case),
        what_done=referral.what_done,
    )


# --- What a caseworker may see ---------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFacts:
    """A referral as the support service sees it: no DASH answers, no police notes."""

    crime_reference: str
    officer: str
    kind: str
    status: str
    due_at: datetime
    consent: str
    victim_name: str
    address: str  # only when a letter or a visit is allowed
    safe_phone: str
    no_safe_number: bool
    contact_through: str
    email: str
    permissions: dict[str, bool]
    safe_times: str
    language: str
    interpreter_needed: bool
    accessibility_needs: str
    risk_grade: str
    order: rules.OrderFacts | None
    what_done: str
    meeting_date: object = None
    marac_outcome: str = ""
    contact_withheld: str = ""  # why the contact details are not shown (returned or closed)


CONTACT_WITHHELD = {
    rules.RETURNED: (
        "This referral went back to the police on {at}: the victim's contact details "
        "are no longer shown."
    ),
    rules.CLOSED: (
        "This referral was closed on {at}: the victim's contact details are no longer shown."
    ),
}


def contact_withheld(referral: Referral) -> str:
    """Why a service no longer sees the victim's live contact details: only while the
    referral is sent or accepted does the service keep that access."""
    if referral.status not in CONTACT_WITHHELD:
        return ""
    at = referral.returned_at if referral.status == rules.RETURNED else referral.closed_at
    return CONTACT_WITHHELD[referral.status].format(
        at=format_instant(at) if at else "an earlier date"
    )


PERMISSION_FIELDS = ("voicemail_ok", "text_ok", "identify_ok", "email_ok", "letter_ok", "visit_ok")


def referral_facts(referral: Referral, *, for_service: bool = True) -> ReferralFacts:
    """What the support service may see of the case, read live (an order made after the
    referral was sent shows here). The victim's contact details (safe number, route,
    e-mail, address) are served to the service only while the referral is sent or
    accepted; once returned or closed they are withheld with the reason. The police
    (`for_service=False`) always see them."""
    case, person = referral.case, referral.victim.person
    contact = safe_contact_of(referral.victim) or SafeContact()
    grade = risk_grade(referral.case_id, referral.victim_id)
    withheld = contact_withheld(referral) if for_service else ""
    facts = ReferralFacts(
        crime_reference=case.crime_reference,
        officer=str(case.owner),
        kind=referral.get_kind_display(),
        status=referral.get_status_display(),
        due_at=referral.due_at,
        consent=referral.get_consent_display(),
        victim_name=str(person),
        address=person.address if (contact.letter_ok or contact.visit_ok) else "",
        safe_phone=contact.safe_phone,
        no_safe_number=contact.no_safe_number,
        contact_through=contact.contact_through,
        email=contact.email if contact.email_ok else "",
        permissions={name: getattr(contact, name) for name in PERMISSION_FIELDS},
        safe_times=contact.safe_times,
        language=contact.language,
        interpreter_needed=contact.interpreter_needed,
        accessibility_needs=contact.accessibility_needs,
        risk_grade=RiskGrade(grade).label if grade else "",
        order=order_facts(case),
        what_done=referral.what_done,
        meeting_date=referral.meeting_date,
        marac_outcome=referral.marac_outcome,
        contact_withheld=withheld,
    )
    if withheld:
        facts = replace(facts, address="", safe_phone="", contact_through="", email="")
    return facts


# --- The service's lists ------------------------------------------------------------------------

GRADE_RANK = SqlCase(
    When(final_grade=RiskGrade.HIGH, then=Value(2)),
    When(final_grade=RiskGrade.MEDIUM, then=Value(1)),
    When(final_grade=RiskGrade.STANDARD, then=Value(0)),
    default=Value(-1),
    output_field=IntegerField(),
)


def _with_grade(referrals: QuerySet) -> QuerySet:
    """`grade`: the victim's latest final grade; `grade_rank`: 2 high to 0 standard, -1 none.
    The rank is worked out inside its own lookup of the latest assessment: a CASE over the
    `grade` annotation would repeat that lookup once per branch, for every referral."""
    latest = RiskAssessment.objects.filter(
        case_id=OuterRef("case_id"), victim_id=OuterRef("victim_id")
    ).order_by("-assessed_at", "-pk")
    return referrals.annotate(
        grade=Subquery(latest.values("final_grade")[:1]),
        grade_rank=Coalesce(
            Subquery(latest.annotate(rank=GRADE_RANK).values("rank")[:1]), Value(-1)
        ),
    )


def _service_referrals(viewer) -> QuerySet:
    return Referral.objects.filter(referral_visibility(viewer)).select_related(
        "case", "victim__person"
    )


def inbox(*, viewer) -> QuerySet[Referral]:
    """Referrals the service is working on: soonest due first, then the highest risk."""
    referrals = _service_referrals(viewer).filter(status__in=rules.WITH_SERVICE)
    return _with_grade(referrals).order_by("due_at", "-grade_rank", "pk")


def _contact_made():
    return Exists(
        ContactAttempt.objects.filter(referral=OuterRef("pk"), outcome__in=rules.CONTACT_MADE)
    )


def manager_queue(*, viewer, now: datetime) -> QuerySet[Referral]:
    """A service manager's queue: referrals escalated after failed attempts, and those
    past their first-contact time with no contact attempt logged. Escalated first, then
    by due."""
    if not can_see_service_queues(viewer):
        return Referral.objects.none()
    attempted = Exists(ContactAttempt.objects.filter(referral=OuterRef("pk")))
    # First contact was due one working day after sending; referrals sent before that was
    # recorded fall back to the referral's own due time.
    first_contact_late = Q(first_contact_due_at__lt=now) | Q(
        first_contact_due_at__isnull=True, due_at__lt=now
    )
    overdue = first_contact_late & ~Q(attempted)
    referrals = _service_referrals(viewer).filter(status__in=rules.WITH_SERVICE)
    referrals = referrals.filter(Q(escalated_at__isnull=False) | overdue)
    return _with_grade(referrals).order_by(
        F("escalated_at").asc(nulls_last=True), "due_at", "-grade_rank", "pk"
    )


def followups_due(*, viewer, now: datetime) -> QuerySet[FollowUp]:
    """Follow-ups not yet done whose time has come, oldest first (a returned referral's
    are not: the service handed the victim back to the police)."""
    return (
        FollowUp.objects.filter(
            referral__in=Referral.objects.filter(referral_visibility(viewer)).exclude(
                status=rules.RETURNED
            ),
            done_at__isnull=True,
            due_at__lte=now,
        )
        .select_related("referral__case", "referral__victim__person")
        .order_by("due_at", "pk")
    )


@dataclass(frozen=True)
class ContactLog:
    attempts: list[ContactAttempt]
    tried: dict[rules.TimeSlot, int]
    suggestions: list[rules.TimeSlot]


def contact_log(referral: Referral) -> ContactLog:
    """The service's own log for a referral (with notes): call only after access_referral."""
    attempts = list(referral.attempts.select_related("by").order_by("at", "pk"))
    times = [attempt.at for attempt in attempts]
    return ContactLog(attempts, rules.times_tried(times), rules.suggest_times(times))


# --- What the police may see ---------------------------------------------------------------


@dataclass(frozen=True)
class AttemptSummary:
    at: datetime
    method: str
    outcome: str


@dataclass(frozen=True)
class ReferralSummary:
    """A referral as the police see it: never a caseworker's notes."""

    id: int
    kind: str
    status: str
    service: str
    consent: str
    due_at: datetime
    duty_met_at: datetime | None
    sent_at: datetime | None
    accepted_at: datetime | None
    returned_at: datetime | None
    return_kind: str
    return_reason: str
    escalated: bool
    meeting_date: object
    marac_outcome: str
    attempts: list[AttemptSummary]

    @property
    def attempt_count(self) -> int:
        return len(self.attempts)


POLICE_FIELDS = (
    "id",
    "kind",
    "status",
    "service__name",
    "consent",
    "due_at",
    "duty_met_at",
    "sent_at",
    "accepted_at",
    "returned_at",
    "return_kind",
    "return_reason",
    "escalated_at",
    "meeting_date",
    "marac_outcome",
)


def _attempts_by_referral(case: Case) -> dict[int, list[AttemptSummary]]:
    rows = (
        ContactAttempt.objects.filter(referral__case=case)
        .order_by("at", "pk")
        .values_list("referral_id", "at", "method", "outcome")  # never the notes
    )
    attempts: dict[int, list[AttemptSummary]] = {}
    for referral_id, at, method, outcome in rows:
        attempts.setdefault(referral_id, []).append(
            AttemptSummary(
                at,
                ContactAttempt.Method(method).label,
                ContactAttempt.Outcome(outcome).label,
            )
        )
    return attempts


def referrals_for_case(case: Case) -> list[ReferralSummary]:
    """The case's referrals for the police side (call after access_case): status,
    attempt count, outcomes and times. Two queries; notes are never loaded."""
    attempts = _attempts_by_referral(case)
    rows = Referral.objects.filter(case=case).order_by("created_at", "pk").values(*POLICE_FIELDS)
    return [
        ReferralSummary(
            id=row["id"],
            kind=Referral.Kind(row["kind"]).label,
            status=Referral.Status(row["status"]).label,
            service=row["service__name"] or "",
            consent=Referral.Consent(row["consent"]).label,
            due_at=row["due_at"],
            duty_met_at=row["duty_met_at"],
            sent_at=row["sent_at"],
            accepted_at=row["accepted_at"],
            returned_at=row["returned_at"],
            return_kind=Referral.ReturnKind(row["return_kind"]).label if row["return_kind"] else "",
            return_reason=row["return_reason"],
            escalated=row["escalated_at"] is not None,
            meeting_date=row["meeting_date"],
            marac_outcome=row["marac_outcome"],
            attempts=attempts.get(row["id"], []),
        )
        for row in rows
    ]


def referrals_overdue(*, viewer, now: datetime) -> QuerySet[Referral]:
    """Police side: referrals past their due time whose duty is not met (not sent and
    no refusal recorded), on cases the viewer can see, oldest due first."""
    return (
        Referral.objects.filter(
            case__in=Case.objects.filter(case_visibility(viewer)),
            duty_met_at__isnull=True,
            due_at__lt=now,
            status=rules.DRAFT,
        )
        .select_related("case")
        .order_by("due_at", "pk")
    )


def alert_visibility(user) -> Q:
    """Alerts about what the user may see now (read-time filter): police users, cases in
    `case_visibility`; a support service, referrals in `referral_visibility`."""
    if not user.is_authenticated or not user.organisation_id:
        return Q(pk__in=[])
    if user.organisation.is_police:
        return Q(case__in=Case.objects.filter(case_visibility(user)))
    return Q(referral__in=Referral.objects.filter(referral_visibility(user)))


def alerts_unread(*, viewer) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(alert_visibility(viewer), recipient=viewer, read_at__isnull=True)
        .select_related("case")
        .order_by("-created_at", "-pk")
    )


def attempt_counts(referrals: QuerySet) -> QuerySet:
    """Annotate attempts made and failed (for list pages, in the same query). Counted in
    subqueries, not a join and GROUP BY: the page's count then reads the referrals alone, and
    the attempts are counted for the rows shown only."""
    attempts = (
        ContactAttempt.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return referrals.annotate(
        attempt_count=Coalesce(Subquery(attempts), 0),
        failed_count=Coalesce(Subquery(attempts.exclude(outcome__in=rules.CONTACT_MADE)), 0),
    )
