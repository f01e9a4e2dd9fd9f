"""Writes for referrals to support (domain.md §3 steps 9-11): one function per change,
each in one transaction.

Same style as cases/services.py: keyword-only arguments, the row locked, ActionRefused
(having changed nothing) with a readable message, history saved as the acting user,
and a CaseEvent for the police timeline. Timeline events and alerts never carry a
caseworker's notes; e-mails go out only after commit and name nothing but the crime
reference and a link.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import DVPN, Case, CaseEvent, Party, RiskGrade, Task
from cases.services import event_record
from dvpo import deadlines
from dvpo.calendar import current_calendar
from dvpo.errors import ActionRefused, check_version, require, save_as
from dvpo.models import Organisation, User
from dvpo.roles import Role
from referrals import rules, selectors
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from referrals.permissions import (
    can_log_contact,
    can_manage_referrals,
    can_report_breach,
    can_view_referral,
)

log = logging.getLogger(__name__)

# --- Messages (tests assert on these) ----------------------------------------
NOT_ALLOWED = "You do not have permission to do that on this referral."
NOT_ALLOWED_CASE = "You do not have permission to refer a victim from this case."
NOT_A_VICTIM = "Choose a victim on this case."
NOT_A_SERVICE = "Choose a support service."
ALREADY_REFERRED = "{victim} already has an open {kind}: it is {status}."
NO_AUTHORISED_DVPN = (
    "Support during the DVPN/DVPO follows the authorisation of a DVPN, and this case has "
    "none. Make a Victims' Code referral instead."
)
MARAC_NEEDS_HIGH = "A MARAC referral is for high-risk cases; the victim's risk grade is {grade}."
NOT_A_DRAFT = "Only a draft referral can be changed; this one is {status}."
UNKNOWN_FIELDS = "Cannot change {fields} here."
CONSENT_CHOICE = "Choose whether the victim gave or declined consent."
SELF_REFERRAL_NEEDED = (
    "Tell the victim how they can refer themselves to support at any time, "
    "then confirm that you have."
)
INCOMPLETE = "The referral cannot be sent yet."
REASON_NEEDED = "Give the reason the referral goes back to the police."
NOT_WITH_SERVICE = "This referral is {status}: contact attempts are logged while it is open."
ATTEMPT_IN_FUTURE = "The time of the attempt cannot be in the future."
ATTEMPT_BEFORE_SENT = "The attempt cannot be before the referral was sent ({at})."
NEAR_EXPIRY_WHEN_DECLINED = (
    "A call near the order's expiry is agreed when the victim declines support."
)
BREACH_DETAILS_NEEDED = "Say what suggests a breach: this goes to the police."
FOLLOWUP_DONE = "This follow-up is already done."
FOLLOWUP_OUTCOME_NEEDED = "Say what happened on the follow-up."
FOLLOWUP_DUE_NEEDED = "Enter when the follow-up is due."
MARAC_ONLY = "Only a MARAC referral has a meeting date and outcome."
MARAC_OUTCOME_NEEDED = "Enter the meeting date and the outcome."
NOT_YOUR_ALERT = "This alert is for someone else."
BREACH_IN_FUTURE = "The time of the suspected breach cannot be in the future."
FOLLOWUP_CLOSED_ON_RETURN = "Closed: the referral went back to the police."
NOBODY_TO_ALERT = (
    "No active police user to alert about case %s (%s): no owner, supervisor or DVPO officer."
)

BREACH_ALERT = (
    "Suspected breach on case {ref}, reported by {service} ({what}). "
    "Check the victim is safe and record the breach if there was one."
)
RETURN_ALERT = "Referral on case {ref} returned by {service}: {kind}. Decide what else to do."
BREACH_MAIL_SUBJECT = "Suspected breach: case {ref}"
BREACH_MAIL_BODY = (
    "A support service reported a suspected breach on case {ref} at {at}.\n\n"
    "Open the case to see what was reported: {path}\n"
)
RETURN_MAIL_SUBJECT = "Referral returned: case {ref}"
RETURN_MAIL_BODY = (
    "A support service returned a referral on case {ref} at {at}.\n\nOpen the case: {path}\n"
)


class ReferralIncomplete(ActionRefused):
    """Sending was refused: `missing` lists every (field, message) still needed."""

    def __init__(self, missing: list[tuple[str, str]]):
        super().__init__(INCOMPLETE + " " + " ".join(message for _, message in missing))
        self.missing = missing


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "victim__person", "service")
        .get(pk=referral.pk)
    )


def referral_move(referral: Referral, action: str) -> None:
    """Apply a transition from the table in rules.py, or refuse it."""
    target = rules.referral_transition(referral.status, action)
    if target is None:
        raise ActionRefused(rules.referral_refusal(referral.status, action))
    referral.status = target


def _status(referral: Referral) -> str:
    return rules.STATUS_LABELS[referral.status]


# --- The police side: start, complete, consent, send ------------------------------


def referral_due_at(case: Case, kind: str, calendar: deadlines.Calendar | None = None) -> datetime:
    """Victims' Code: 2 working days after the report. Support during the DVPN/DVPO:
    2 working days after the DVPN was authorised."""
    start = case.reported_at
    if kind == rules.DVPO_SUPPORT:
        authorised = (
            case.dvpns.filter(decided_at__isnull=False)
            .exclude(status__in=(DVPN.Status.REFUSED, DVPN.Status.REVISED))
            .order_by("-version")
            .first()
        )
        require(authorised is not None, NO_AUTHORISED_DVPN, "kind")
        start = authorised.decided_at
    return deadlines.referral_due(start, calendar=calendar or current_calendar())


def _check_service(service: Organisation | None) -> None:
    require(
        service is None or service.kind == Organisation.Kind.SUPPORT_SERVICE,
        NOT_A_SERVICE,
        "service",
    )


def _check_no_active(case: Case, victim: Party, kind: str) -> None:
    active = Referral.objects.filter(victim=victim, kind=kind, status__in=rules.ACTIVE).first()
    if active is not None:
        raise ActionRefused(
            ALREADY_REFERRED.format(
                victim=victim.person,
                kind=active.get_kind_display(),
                status=_status(active),
            ),
            field="kind",
        )


@transaction.atomic
def referral_create(
    *,
    actor,
    case: Case,
    victim: Party,
    kind: str = rules.VICTIMS_CODE,
    service: Organisation | None = None,
    what_done: str = "",
) -> Referral:
    """Start a referral (a draft): its due instant is worked out now."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require(can_manage_referrals(actor, case), NOT_ALLOWED_CASE)
    require(victim.case_id == case.pk and victim.role == Party.Role.VICTIM, NOT_A_VICTIM, "victim")
    _check_service(service)
    _check_no_active(case, victim, kind)
    if kind == rules.MARAC:
        grade = selectors.risk_grade(case.pk, victim.pk)
        require(
            grade == RiskGrade.HIGH,
            MARAC_NEEDS_HIGH.format(grade=RiskGrade(grade).label.lower() if grade else "not known"),
            "kind",
        )
    referral = Referral(
        case=case,
        victim=victim,
        kind=kind,
        service=service,
        what_done=what_done,
        due_at=referral_due_at(case, kind),
        created_by=actor,
        created_at=timezone.now(),
    )
    save_as(referral, actor)
    event_record(
        case,
        CaseEvent.Kind.REFERRAL_STARTED,
        actor,
        f"{referral.get_kind_display()} for {victim.person}, due by "
        + deadlines.format_instant(referral.due_at),
    )
    return referral


REFERRAL_EDITABLE = ("service", "what_done")


@transaction.atomic
def referral_update(*, actor, referral: Referral, expected_version: int, **changes) -> Referral:
    referral = _lock(referral)
    require(can_manage_referrals(actor, referral.case), NOT_ALLOWED_CASE)
    check_version(referral, expected_version)
    require(referral.status == rules.DRAFT, NOT_A_DRAFT.format(status=_status(referral)))
    unknown = set(changes) - set(REFERRAL_EDITABLE)
    require(not unknown, UNKNOWN_FIELDS.format(fields=", ".join(sorted(unknown))))
    _check_service(changes.get("service", referral.service))
    changed = [f for f, v in changes.items() if getattr(referral, f) != v]
    if not changed:
        return referral
    for field in changed:
        setattr(referral, field, changes[field])
    save_as(referral, actor)
    return referral


@transaction.atomic
def referral_consent_record(
    *,
    actor,
    referral: Referral,
    consent: str,
    self_referral_explained: bool = False,
    expected_version: int | None,
) -> Referral:
    """The victim's explicit answer (Victims' Code). A refusal is recorded with its time,
    meets the duty and closes the referral: it is never sent to a service."""
    referral = _lock(referral)
    require(can_manage_referrals(actor, referral.case), NOT_ALLOWED_CASE)
    check_version(referral, expected_version)
    require(referral.status == rules.DRAFT, NOT_A_DRAFT.format(status=_status(referral)))
    require(consent in (rules.GIVEN, rules.DECLINED), CONSENT_CHOICE, "consent")
    now = timezone.now()
    if consent == rules.DECLINED:
        require(self_referral_explained, SELF_REFERRAL_NEEDED, "self_referral_explained")
        referral_move(referral, "consent_declined")
        referral.duty_met_at = referral.closed_at = now
    referral.consent, referral.self_referral_explained = consent, self_referral_explained
    referral.consent_recorded_by, referral.consent_recorded_at = actor, now
    save_as(referral, actor)
    summary = (
        "Consent given"
        if consent == rules.GIVEN
        else "The victim declined the referral and was told how to refer themselves"
    )
    event_record(referral.case, CaseEvent.Kind.REFERRAL_CONSENT, actor, summary, at=now)
    return referral


def _marac_task_done(referral: Referral, actor) -> None:
    task = referral.case.tasks.filter(kind=Task.Kind.MARAC_REFERRAL, done_at__isnull=True).first()
    if task is None:
        return
    task.done_at, task.done_by = timezone.now(), actor
    save_as(task, actor)
    event_record(referral.case, CaseEvent.Kind.TASK_DONE, actor, task.get_kind_display())


@transaction.atomic
def referral_send(*, actor, referral: Referral, expected_version: int | None) -> Referral:
    """Send a complete referral to the service. Refused, listing everything missing,
    until it carries what a caseworker needs (domain.md §3.9)."""
    referral = _lock(referral)
    require(can_manage_referrals(actor, referral.case), NOT_ALLOWED_CASE)
    check_version(referral, expected_version)
    referral_move(referral, "send")
    missing = selectors.referral_missing(referral)
    if missing:
        raise ReferralIncomplete(missing)
    now = timezone.now()
    referral.sent_at, referral.sent_by = now, actor
    referral.duty_met_at = referral.duty_met_at or now
    referral.first_contact_due_at = rules.first_contact_due(now, current_calendar())
    save_as(referral, actor)
    late = " (after the due time)" if now > referral.due_at else ""
    event_record(
        referral.case,
        CaseEvent.Kind.REFERRAL_SENT,
        actor,
        f"{referral.get_kind_display()} sent to {referral.service}{late}",
        at=now,
    )
    if referral.kind == rules.MARAC:
        _marac_task_done(referral, actor)
    followups_schedule(referral=referral, actor=actor)
    return referral


# --- The service side: accept, decline, unable to contact, close ---------------------


@transaction.atomic
def referral_accept(*, actor, referral: Referral, expected_version: int | None) -> Referral:
    referral = _lock(referral)
    require(can_view_referral(actor, referral), NOT_ALLOWED)
    check_version(referral, expected_version)
    referral_move(referral, "accept")
    referral.accepted_at, referral.accepted_by = timezone.now(), actor
    save_as(referral, actor)
    event_record(
        referral.case, CaseEvent.Kind.REFERRAL_ACCEPTED, actor, f"Accepted by {referral.service}"
    )
    followups_schedule(referral=referral, actor=actor)
    return referral


def _return_to_police(referral: Referral, actor, *, action: str, reason: str) -> None:
    require(reason.strip(), REASON_NEEDED, "reason")
    referral_move(referral, action)
    referral.returned_at, referral.returned_by = timezone.now(), actor
    referral.return_kind = (
        Referral.ReturnKind.DECLINED
        if action == "decline"
        else Referral.ReturnKind.UNABLE_TO_CONTACT
    )
    referral.return_reason = reason.strip()
    save_as(referral, actor)
    what = referral.get_return_kind_display().lower()
    event_record(
        referral.case,
        CaseEvent.Kind.REFERRAL_RETURNED,
        actor,
        f"{referral.service}: {what}. {referral.return_reason}",
    )
    _followups_close(referral, actor)
    alerts_raise(
        referral=referral,
        kind=Alert.Kind.REFERRAL_RETURNED,
        recipients=police_alert_recipients(referral.case),
        message=RETURN_ALERT.format(
            ref=referral.case.crime_reference, service=referral.service, kind=what
        ),
    )


@transaction.atomic
def referral_decline(
    *, actor, referral: Referral, reason: str, expected_version: int | None
) -> Referral:
    """The service declines the referral: it goes back to the police with the reason."""
    referral = _lock(referral)
    require(can_view_referral(actor, referral), NOT_ALLOWED)
    check_version(referral, expected_version)
    _return_to_police(referral, actor, action="decline", reason=reason)
    return referral


@transaction.atomic
def referral_unable_to_contact(
    *, actor, referral: Referral, reason: str, expected_version: int | None
) -> Referral:
    """Contact failed: the referral goes back to the police so other measures can be taken."""
    referral = _lock(referral)
    require(can_log_contact(actor, referral), NOT_ALLOWED)
    check_version(referral, expected_version)
    _return_to_police(referral, actor, action="unable_to_contact", reason=reason)
    return referral


@transaction.atomic
def referral_close(*, actor, referral: Referral, expected_version: int | None) -> Referral:
    """Support finished or declined. Scheduled follow-ups stay due."""
    referral = _lock(referral)
    require(can_log_contact(actor, referral), NOT_ALLOWED)
    check_version(referral, expected_version)
    referral_move(referral, "close")
    referral.closed_at = timezone.now()
    save_as(referral, actor)
    event_record(
        referral.case, CaseEvent.Kind.REFERRAL_CLOSED, actor, f"Closed by {referral.service}"
    )
    return referral


# --- Contact attempts -----------------------------------------------------------------------


def escalate_after() -> int:
    """settings.REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS (default 3, at least 1)."""
    return settings.REFERRAL_ESCALATE_AFTER_FAILED_ATTEMPTS


def _check_attempt(referral: Referral, *, at: datetime, method: str) -> None:
    require(
        referral.status in rules.WITH_SERVICE, NOT_WITH_SERVICE.format(status=_status(referral))
    )
    require(at <= timezone.now(), ATTEMPT_IN_FUTURE, "at")
    require(
        at >= referral.sent_at,
        ATTEMPT_BEFORE_SENT.format(at=deadlines.format_instant(referral.sent_at)),
        "at",
    )
    permissions = selectors.contact_permissions(selectors.safe_contact_of(referral.victim))
    problem = rules.method_problem(method, permissions)
    if problem:
        raise ActionRefused(problem, field="method")


def _escalate_if_due(referral: Referral, now: datetime) -> bool:
    outcomes = list(referral.attempts.values_list("outcome", flat=True))
    failed = sum(1 for outcome in outcomes if rules.attempt_failed(outcome))
    due = rules.escalation_due(
        failed_attempts=failed,
        contact_made=any(not rules.attempt_failed(outcome) for outcome in outcomes),
        threshold=escalate_after(),
        escalated=referral.escalated_at is not None,
    )
    if due:
        referral.escalated_at = now
    return due


@transaction.atomic
def contact_attempt_log(
    *,
    actor,
    referral: Referral,
    at: datetime,
    outcome: str,
    method: str = rules.PHONE_WITHHELD,
    notes: str = "",
    call_near_expiry: bool = False,
) -> ContactAttempt:
    """Log an attempt to reach the victim. Only methods the victim allowed; after N
    failed attempts (never reached) the referral goes to the manager's queue; P present
    or unsafe to talk alerts the police at once."""
    referral = _lock(referral)
    require(can_log_contact(actor, referral), NOT_ALLOWED)
    _check_attempt(referral, at=at, method=method)
    require(
        not call_near_expiry or outcome == rules.DECLINED_SUPPORT,
        NEAR_EXPIRY_WHEN_DECLINED,
        "call_near_expiry",
    )
    now = timezone.now()
    attempt = ContactAttempt(
        referral=referral,
        at=at,
        method=method,
        outcome=outcome,
        notes=notes,
        by=actor,
        recorded_at=now,
    )
    save_as(attempt, actor)
    escalated = _escalate_if_due(referral, now)
    if escalated or call_near_expiry:
        referral.call_near_expiry_ok = referral.call_near_expiry_ok or call_near_expiry
        save_as(referral, actor)
    if outcome in rules.SUSPECTED_BREACH:
        what = (
            f"{attempt.get_outcome_display().lower()} on a call at {deadlines.format_instant(at)}"
        )
        _suspected_breach(referral, actor, what=what, at=at)
    if call_near_expiry:
        followups_schedule(referral=referral, actor=actor)
    return attempt


# --- Suspected breach and alerts ----------------------------------------------------------------


def _bcu_users(case: Case, role: Role):
    return (
        User.objects.filter(
            is_active=True,
            organisation_id=case.force_id,
            bcu_id=case.bcu_id,
            groups__name=role.value,
        )
        .distinct()
        .order_by("pk")
    )


def police_alert_recipients(case: Case) -> list[User]:
    """Who the police side alerts about a case ("referral returned", "suspected breach"):
    the active owner and the supervisors of the case's BCU; when none of them is active,
    the BCU's DVPO officers. Nobody at all is logged as a warning."""
    recipients = {case.owner_id: case.owner} if case.owner.is_active else {}
    for user in _bcu_users(case, Role.SUPERVISOR):
        recipients.setdefault(user.pk, user)
    if not recipients:
        recipients = {user.pk: user for user in _bcu_users(case, Role.DVPO_OFFICER)}
    if not recipients:
        log.warning(NOBODY_TO_ALERT, case.pk, case.crime_reference)
    return list(recipients.values())


def alerts_raise(
    *, referral: Referral, kind: str, recipients: list[User], message: str
) -> list[Alert]:
    """One alert per recipient, and an e-mail to each once the transaction commits."""
    now = timezone.now()
    alerts = Alert.objects.bulk_create(
        Alert(
            recipient=user,
            case=referral.case,
            referral=referral,
            kind=kind,
            message=message,
            created_at=now,
        )
        for user in recipients
    )
    addresses = [user.email for user in recipients if user.email]
    case = referral.case
    template = (
        (BREACH_MAIL_SUBJECT, BREACH_MAIL_BODY)
        if kind == Alert.Kind.SUSPECTED_BREACH
        else (RETURN_MAIL_SUBJECT, RETURN_MAIL_BODY)
    )
    values = {
        "ref": case.crime_reference,
        "at": deadlines.format_instant(now),
        "path": reverse("case_detail", args=[case.pk]),
    }
    transaction.on_commit(lambda: _mail(addresses, template, values))
    return alerts


def _mail(addresses: list[str], template: tuple[str, str], values: dict) -> None:
    subject, body = template
    for address in addresses:  # one each: recipients do not see each other
        try:
            send_mail(subject.format(**values), body.format(**values), None, [address])
        except Exception:  # the in-app alert stands; say so loudly, then go on
            log.exception("Alert e-mail to %s about case %s failed", address, values["ref"])


def _suspected_breach(referral: Referral, actor, *, what: str, at: datetime) -> None:
    case = referral.case
    event_record(
        case,
        CaseEvent.Kind.SUSPECTED_BREACH,
        actor,
        f"{referral.service}: {what}",
        at=at,
    )
    alerts_raise(
        referral=referral,
        kind=Alert.Kind.SUSPECTED_BREACH,
        recipients=police_alert_recipients(case),
        message=BREACH_ALERT.format(ref=case.crime_reference, service=referral.service, what=what),
    )


@transaction.atomic
def breach_report(
    *, actor, referral: Referral, details: str, occurred_at: datetime | None = None
) -> None:
    """A caseworker reports a suspected breach. `details` are written for the police
    (they show on the case timeline); they are not a support note."""
    referral = _lock(referral)
    require(can_report_breach(actor, referral), NOT_ALLOWED)
    require(details.strip(), BREACH_DETAILS_NEEDED, "details")
    now = timezone.now()
    at = occurred_at or now
    require(at <= now, BREACH_IN_FUTURE, "occurred_at")
    _suspected_breach(referral, actor, what=f"reported: {details.strip()}", at=at)


@transaction.atomic
def alert_read(*, actor, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    require(alert.recipient_id == actor.pk, NOT_YOUR_ALERT)
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return alert


# --- Follow-ups ---------------------------------------------------------------------------------


def _followups_eligible(referral: Referral) -> bool:
    """Referrals a service received and did not hand back (closed ones still get the
    safety check after the order ends)."""
    return referral.sent_at is not None and referral.status != rules.RETURNED


def _followups_close(referral: Referral, actor) -> int:
    """A returned referral owes the victim no more calls: its open follow-ups close."""
    now = timezone.now()
    open_followups = FollowUp.objects.select_for_update().filter(
        referral=referral, done_at__isnull=True
    )
    closed = 0
    for followup in open_followups:
        followup.done_at, followup.done_by = now, actor
        followup.outcome = followup.outcome or FOLLOWUP_CLOSED_ON_RETURN
        save_as(followup, actor)
        closed += 1
    return closed


def followups_schedule(*, referral: Referral, actor=None) -> list[FollowUp]:
    """Make the referral's scheduled follow-ups match its order now: the safety check
    after the order ends and, if the victim agreed, a call near its expiry. Idempotent;
    a follow-up not yet done moves with the order (variation, discharge)."""
    if not _followups_eligible(referral):
        return []
    order = selectors.latest_order(referral.case)
    planned = rules.followups_planned(
        order_expires_at=order.expires_at if order else None,
        order_ends_at=order.ends_at if order else None,
        call_near_expiry=referral.call_near_expiry_ok,
    )
    followups = []
    for kind, due_at in planned.items():
        followup = FollowUp.objects.select_for_update().filter(referral=referral, kind=kind).first()
        if followup is None:
            followup = FollowUp(referral=referral, kind=kind, due_at=due_at)
            save_as(followup, actor)
        elif followup.done_at is None and followup.due_at != due_at:
            followup.due_at = due_at
            save_as(followup, actor, update_fields=["due_at"])
        followups.append(followup)
    return followups


def followups_for_case_schedule(*, case: Case, actor=None) -> int:
    """On hooks.order_changed (an order made, varied or discharged): schedule the
    follow-ups of every referral on the case. Returns how many follow-ups it holds."""
    referrals = Referral.objects.select_for_update().filter(case=case, sent_at__isnull=False)
    return sum(len(followups_schedule(referral=r, actor=actor)) for r in referrals)


@transaction.atomic
def followup_add(
    *, actor, referral: Referral, due_at: datetime | None, outcome: str = ""
) -> FollowUp:
    """Ongoing support: a further call the caseworker plans (also after the order ends)."""
    referral = _lock(referral)
    require(can_log_contact(actor, referral), NOT_ALLOWED)
    require(referral.status != rules.RETURNED, NOT_WITH_SERVICE.format(status=_status(referral)))
    require(due_at is not None, FOLLOWUP_DUE_NEEDED, "due_at")
    followup = FollowUp(referral=referral, kind=rules.ONGOING, due_at=due_at, outcome=outcome)
    save_as(followup, actor)
    return followup


@transaction.atomic
def followup_done(
    *, actor, followup: FollowUp, outcome: str, expected_version: int | None
) -> FollowUp:
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("referral")
        .get(pk=followup.pk)
    )
    require(can_log_contact(actor, followup.referral), NOT_ALLOWED)
    check_version(followup, expected_version)
    require(followup.done_at is None, FOLLOWUP_DONE)
    require(outcome.strip(), FOLLOWUP_OUTCOME_NEEDED, "outcome")
    followup.done_at, followup.done_by, followup.outcome = timezone.now(), actor, outcome.strip()
    save_as(followup, actor)
    return followup


# --- MARAC --------------------------------------------------------------------------------------


@transaction.atomic
def marac_outcome_record(
    *, actor, referral: Referral, meeting_date, outcome: str, expected_version: int | None
) -> Referral:
    """The MARAC meeting date and outcome: recorded by the police or by the service."""
    referral = _lock(referral)
    require(
        can_manage_referrals(actor, referral.case) or can_log_contact(actor, referral), NOT_ALLOWED
    )
    check_version(referral, expected_version)
    require(referral.kind == rules.MARAC, MARAC_ONLY)
    require(meeting_date is not None and outcome.strip(), MARAC_OUTCOME_NEEDED, "marac_outcome")
    referral.meeting_date, referral.marac_outcome = meeting_date, outcome.strip()
    save_as(referral, actor)
    event_record(
        referral.case,
        CaseEvent.Kind.MARAC_OUTCOME,
        actor,
        f"Meeting {meeting_date:%a} {meeting_date.day} {meeting_date:%b %Y}: {outcome.strip()}",
    )
    return referral


# --- Calendar changes ---------------------------------------------------------------------------


@transaction.atomic
def referral_deadlines_recompute(*, actor, calendar: deadlines.Calendar) -> int:
    """After a bank-holiday change, work out again the due time of each referral whose
    duty is not yet met, and the first-contact time of each referral the service has
    not yet tried. Returns how many moved."""
    moved = 0
    open_referrals = Referral.objects.select_for_update(of=("self",)).select_related("case")
    for referral in open_referrals.filter(duty_met_at__isnull=True, status=rules.DRAFT):
        due = referral_due_at(referral.case, referral.kind, calendar)
        if due != referral.due_at:
            referral.due_at = due
            save_as(referral, actor, update_fields=["due_at"])
            moved += 1
    untried = open_referrals.filter(
        status__in=rules.WITH_SERVICE, sent_at__isnull=False, attempts__isnull=True
    )
    for referral in untried:
        due = rules.first_contact_due(referral.sent_at, calendar)
        if due != referral.first_contact_due_at:
            referral.first_contact_due_at = due
            save_as(referral, actor, update_fields=["first_contact_due_at"])
            moved += 1
    return moved


def referrals_due_for_case_recompute(*, actor, case: Case) -> int:
    """On hooks.case_reported_at_changed (cases.services.case_update): its draft Victims'
    Code referrals are due two working days after the new report time."""
    moved = 0
    drafts = Referral.objects.select_for_update().filter(
        case=case, kind=rules.VICTIMS_CODE, status=rules.DRAFT, duty_met_at__isnull=True
    )
    calendar = current_calendar()
    for referral in drafts:
        referral.case = case
        due = referral_due_at(case, referral.kind, calendar)
        if due != referral.due_at:
            referral.due_at = due
            save_as(referral, actor, update_fields=["due_at"])
            moved += 1
    return moved
