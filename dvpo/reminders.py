"""Reminders before (and after) every deadline the product knows, delivered in the app and
by e-mail (issue 7; style.md rule 6 "Background work is idempotent").

Each kind of due item is data (`KINDS`): the rows still due, their INDEXED deadline column
and the steps of settings.REMINDER_STEPS (hours before the deadline and who is told). The
scan, run by Celery beat every minute, works from the database state only:

1. For each kind, one range query on the deadline index finds the rows whose deadline lies
   between now - (catch-up window + latest step after it) and now + (earliest step before
   it): the cost grows with the due items, not with the cases.
2. For each row the CURRENT step is the latest whose moment (deadline - offset) has come.
   Missed earlier steps are not replayed (a worker that was down sends the current step,
   marked late); once even the last step passed more than REMINDER_CATCH_UP_HOURS ago the
   row is left alone.
3. Rows whose current step was already delivered are skipped (one query per kind).
4. Each remaining row is claimed with SELECT ... FOR UPDATE SKIP LOCKED in its own
   transaction, and re-checked: still in a due status, same deadline, same step.
5. The recipients are worked out now, and only those who may see the case
   (`can_view_case`, or `can_view_referral` for a support service) are kept.
6. A ReminderDelivery row per recipient (unique per kind, row, deadline, step and
   recipient: a moved deadline is reminded again) and the
   in-app Alert are written in that transaction; the e-mail goes after commit. A reminder
   sent more than REMINDER_LATE_AFTER_MINUTES after its moment is marked late.

The hearing and production steps are counted hours (Crime and Security Act 2010 s.27(3),
s.26(2)): "24 h left" means 24 counted hours, so Sundays and bank holidays between the
reminder and the deadline are not counted and the reminder comes earlier. The other kinds
use London clock time, so "the day before" an order's last day starts at local midnight
whatever the clock change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.models import DVPN, Case, RiskAssessment, Task
from cases.permissions import can_view_case
from courts.models import DVPO, Breach, Hearing
from dvpo import deadlines
from dvpo.calendar import current_calendar
from dvpo.deadlines import LONDON, Calendar
from dvpo.models import ReminderDelivery, User
from dvpo.roles import Role
from referrals import rules as referral_rules
from referrals.models import Alert, ContactAttempt, FollowUp, Referral
from referrals.permissions import can_view_referral

log = logging.getLogger(__name__)

COUNTED, WALL = "counted", "wall"
ALERT_KIND = Alert.Kind.REMINDER

OWNER = "owner"
BCU_DVPO_OFFICERS = "bcu_dvpo_officers"
BCU_SUPERVISORS = "bcu_supervisors"
AUTHORISING_OFFICERS = "authorising_officers"
SERVICE_CASEWORKERS = "service_caseworkers"
SERVICE_MANAGERS = "service_managers"
AUDIENCE_ROLES = {
    BCU_DVPO_OFFICERS: Role.DVPO_OFFICER,
    BCU_SUPERVISORS: Role.SUPERVISOR,
    AUTHORISING_OFFICERS: Role.AUTHORISING_OFFICER,
    SERVICE_CASEWORKERS: Role.CASEWORKER,
    SERVICE_MANAGERS: Role.SERVICE_MANAGER,
}
AUDIENCES = {OWNER, *AUDIENCE_ROLES}

UNKNOWN_AUDIENCE = "Reminder step for {kind} names an unknown audience {audience!r}."

# Counted-hours steps can reach back over a run of disregarded days (Good Friday to Easter
# Monday, Christmas); the query window allows for it and the pure rule decides exactly.
COUNTED_SLACK = dt.timedelta(days=6)
WALL_SLACK = dt.timedelta(hours=2)  # a clock change moves a wall-clock moment by an hour


# --- Steps (pure) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    hours: int  # before the deadline; 0 at it; negative after it
    audiences: tuple[str, ...]

    @property
    def minutes(self) -> int:
        return self.hours * 60


def steps_parse(kind: str, raw: Iterable) -> tuple[Step, ...]:
    """Steps from the setting, earliest moment first; an unknown audience fails loudly."""
    steps = []
    for hours, audiences in raw:
        for audience in audiences:
            if audience not in AUDIENCES:
                raise ValueError(UNKNOWN_AUDIENCE.format(kind=kind, audience=audience))
        steps.append(Step(int(hours), tuple(audiences)))
    return tuple(sorted(steps, key=lambda step: -step.hours))


def counted_hours_before(
    deadline: dt.datetime, hours: int, calendar: Calendar | None = None
) -> dt.datetime:
    """The instant with `hours` counted hours left before `deadline` (the inverse of
    deadlines.counted_hours_deadline): walk back through London days, spending only
    counted days (Sundays, Christmas Day, Good Friday and bank holidays are skipped)."""
    calendar = calendar or deadlines.PUBLISHED
    if hours <= 0:
        return deadlines.counted_hours_deadline(deadline, -hours, calendar) if hours else deadline
    local = deadline.astimezone(LONDON).replace(tzinfo=None)
    day = local.date()
    available = local - dt.datetime.combine(day, dt.time(0))
    remaining = dt.timedelta(hours=hours)
    while True:
        if available and not calendar.is_disregarded(day):
            if remaining <= available:
                start = dt.datetime.combine(day, dt.time(0))
                return (start + available - remaining).replace(tzinfo=LONDON)
            remaining -= available
        day -= dt.timedelta(days=1)
        available = dt.timedelta(days=1)


def wall_clock_before(deadline: dt.datetime, hours: int) -> dt.datetime:
    """`hours` before the deadline on London clocks: a whole day back keeps the clock time."""
    local = deadline.astimezone(LONDON).replace(tzinfo=None)
    return (local - dt.timedelta(hours=hours)).replace(tzinfo=LONDON)


def step_moment(
    deadline: dt.datetime, step: Step, clock: str, calendar: Calendar | None = None
) -> dt.datetime:
    if clock == COUNTED:
        return counted_hours_before(deadline, step.hours, calendar)
    return wall_clock_before(deadline, step.hours)


@dataclass(frozen=True)
class CurrentStep:
    step: Step
    moment: dt.datetime


def current_step(
    deadline: dt.datetime,
    now: dt.datetime,
    steps: tuple[Step, ...],
    *,
    clock: str,
    catch_up: dt.timedelta,
    calendar: Calendar | None = None,
) -> CurrentStep | None:
    """The latest step whose moment has come; None before the first step, and once even the
    last step passed longer ago than `catch_up` (a row left overdue is not nagged forever)."""
    moments = [(step, step_moment(deadline, step, clock, calendar)) for step in steps]
    if not moments or now - moments[-1][1] > catch_up:
        return None
    found = None
    for step, moment in moments:  # earliest moment first
        if moment > now:
            break
        found = CurrentStep(step, moment)
    return found


def is_late(moment: dt.datetime, now: dt.datetime, late_after: dt.timedelta) -> bool:
    return now - moment > late_after


def scan_window(
    now: dt.datetime, steps: tuple[Step, ...], clock: str, catch_up: dt.timedelta
) -> tuple[dt.datetime, dt.datetime]:
    """The deadlines that can have a current step now (a superset; `current_step` decides)."""
    before = dt.timedelta(hours=max(0, max(s.hours for s in steps)))
    after = dt.timedelta(hours=max(0, -min(s.hours for s in steps)))
    slack = COUNTED_SLACK if clock == COUNTED else WALL_SLACK
    if clock == COUNTED:
        after += slack  # counted hours after the deadline can also span skipped days
    return now - catch_up - after - slack, now + before + slack


# --- The kinds of due item --------------------------------------------------------------------


@dataclass(frozen=True)
class DueKind:
    code: str
    label: str  # "hearing deadline": the e-mail subject
    what: str  # "the DVPO application must be heard by": the message, before the deadline
    clock: str
    deadline_field: str
    pending: Callable[[], QuerySet]  # the rows still due, whatever their deadline
    case_of: Callable[[object], Case]
    referral_of: Callable[[object], Referral | None] = lambda item: None
    # Steps used when settings.REMINDER_STEPS does not name the kind.
    default_steps: tuple = ()


def _hearing_started_in_time():
    return Hearing.objects.filter(
        application__dvpn=OuterRef("pk"), held_at__lte=OuterRef("hearing_deadline")
    )


KINDS: dict[str, DueKind] = {
    kind.code: kind
    for kind in (
        DueKind(
            "hearing",
            "hearing deadline",
            "the DVPO application must be heard by",
            COUNTED,
            "hearing_deadline",
            lambda: (
                DVPN.objects.filter(status=DVPN.Status.SERVED)
                .filter(~Exists(_hearing_started_in_time()))
                .select_related("case")
            ),
            lambda dvpn: dvpn.case,
        ),
        DueKind(
            "production",
            "production deadline",
            "the person arrested for a breach must be brought before the court by",
            COUNTED,
            "production_deadline",
            lambda: Breach.objects.filter(
                arrested_at__isnull=False, outcome=Breach.Outcome.PENDING
            ).select_related("case"),
            lambda breach: breach.case,
        ),
        DueKind(
            "referral_due",
            "referral due",
            "the Victims' Code referral to support must be sent by",
            WALL,
            "due_at",
            lambda: Referral.objects.filter(
                status=referral_rules.DRAFT, duty_met_at__isnull=True
            ).select_related("case"),
            lambda referral: referral.case,
        ),
        DueKind(
            "order_expiry",
            "order expiring",
            "the DVPO ends at",
            WALL,
            "expires_at",
            lambda: DVPO.objects.filter(
                status__in=(DVPO.Status.IN_FORCE, DVPO.Status.VARIED)
            ).select_related("case"),
            lambda order: order.case,
        ),
        DueKind(
            "followup",
            "follow-up call due",
            "a follow-up call to the victim is due at",
            WALL,
            "due_at",
            lambda: (
                FollowUp.objects.filter(done_at__isnull=True, referral__sent_at__isnull=False)
                .exclude(referral__status=referral_rules.RETURNED)
                .select_related("referral__case")
            ),
            lambda followup: followup.referral.case,
            lambda followup: followup.referral,
        ),
        DueKind(
            "dvpn_authorisation",
            "DVPN awaiting authorisation",
            "a DVPN application has awaited authorisation since",
            WALL,
            "submitted_at",
            lambda: DVPN.objects.filter(status=DVPN.Status.SUBMITTED).select_related("case"),
            lambda dvpn: dvpn.case,
        ),
        DueKind(
            "dash_review",
            "DASH awaiting quality assurance",
            "a DASH risk grade has awaited quality assurance since",
            WALL,
            "assessed_at",
            lambda: RiskAssessment.objects.filter(
                review=RiskAssessment.Review.AWAITING
            ).select_related("case"),
            lambda assessment: assessment.case,
        ),
        DueKind(
            "pnc_removal",
            "PNC removal outstanding",
            "a notice or order is to be removed from the PNC; the task was opened",
            WALL,
            "created_at",
            lambda: Task.objects.filter(
                kind=Task.Kind.PNC_REMOVAL, done_at__isnull=True
            ).select_related("case"),
            lambda task: task.case,
        ),
        DueKind(
            "first_contact",
            "first contact attempt due",
            "the support service should have tried to contact the victim by",
            WALL,
            "first_contact_due_at",
            lambda: (
                Referral.objects.filter(status__in=referral_rules.WITH_SERVICE)
                .filter(~Exists(ContactAttempt.objects.filter(referral=OuterRef("pk"))))
                .select_related("case")
            ),
            lambda referral: referral.case,
            lambda referral: referral,
            default_steps=(
                (2, ("service_caseworkers",)),
                (0, ("service_caseworkers",)),
                (-4, ("service_caseworkers", "service_managers")),
            ),
        ),
        DueKind(
            "referral_escalated",
            "referral escalated",
            "the victim was not reached after repeated attempts; the referral was escalated",
            WALL,
            "escalated_at",
            lambda: Referral.objects.filter(
                status__in=referral_rules.WITH_SERVICE, escalated_at__isnull=False
            ).select_related("case"),
            lambda referral: referral.case,
            lambda referral: referral,
            default_steps=((0, ("service_managers",)),),
        ),
        DueKind(
            "pnc_entry",
            "PNC entry outstanding",
            "a notice or order is to be entered on the PNC; the task was opened",
            WALL,
            "created_at",
            lambda: Task.objects.filter(
                kind=Task.Kind.PNC_ENTRY, done_at__isnull=True
            ).select_related("case"),
            lambda task: task.case,
            default_steps=((0, (OWNER,)), (-24, (OWNER,))),
        ),
        DueKind(
            "pnc_update",
            "PNC update outstanding",
            "a varied order is to be updated on the PNC; the task was opened",
            WALL,
            "created_at",
            lambda: Task.objects.filter(
                kind=Task.Kind.PNC_UPDATE, done_at__isnull=True
            ).select_related("case"),
            lambda task: task.case,
            default_steps=((0, (OWNER,)), (-24, (OWNER,))),
        ),
    )
}


def kind_steps(code: str) -> tuple[Step, ...]:
    """The setting's steps for the kind, else the kind's own defaults."""
    kind = KINDS.get(code)
    default = kind.default_steps if kind is not None else ()
    return steps_parse(code, settings.REMINDER_STEPS.get(code, default))


def catch_up_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.REMINDER_CATCH_UP_HOURS)


def late_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REMINDER_LATE_AFTER_MINUTES)


# --- Finding what is due ----------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    kind: str
    subject_id: int
    deadline: dt.datetime
    step: Step
    moment: dt.datetime


def kind_due(
    kind: DueKind, now: dt.datetime, calendar: Calendar, catch_up: dt.timedelta
) -> list[DueReminder]:
    """The rows of one kind whose current step has not been delivered yet (two queries)."""
    steps = kind_steps(kind.code)
    if not steps:
        return []
    low, high = scan_window(now, steps, kind.clock, catch_up)
    field = kind.deadline_field
    rows = kind.pending().filter(**{f"{field}__range": (low, high)}).values_list("pk", field)
    due = []
    for pk, deadline in rows:
        current = current_step(
            deadline, now, steps, clock=kind.clock, catch_up=catch_up, calendar=calendar
        )
        if current is not None:
            due.append(DueReminder(kind.code, pk, deadline, current.step, current.moment))
    if not due:
        return []
    delivered = set(
        ReminderDelivery.objects.filter(
            kind=kind.code, subject_id__in=[r.subject_id for r in due]
        ).values_list("subject_id", "deadline", "step")
    )
    return [r for r in due if (r.subject_id, r.deadline, r.step.minutes) not in delivered]


def reminders_due(now: dt.datetime, calendar: Calendar | None = None) -> list[DueReminder]:
    calendar = calendar if calendar is not None else current_calendar()
    catch_up = catch_up_window()
    return [r for kind in KINDS.values() for r in kind_due(kind, now, calendar, catch_up)]


# --- Recipients -------------------------------------------------------------------------------


def audience_members(audiences: Iterable[str], case: Case, referral: Referral | None) -> list:
    """Active people in the step's audiences, each once, the owner first."""
    audiences = set(audiences)
    people: dict[int, User] = {}
    if OWNER in audiences and case.owner.is_active:
        people[case.owner_id] = case.owner
    wanted = Q(pk__in=[])
    for audience, role in AUDIENCE_ROLES.items():
        if audience not in audiences:
            continue
        in_role = Q(groups__name=role.value)
        if audience in (BCU_DVPO_OFFICERS, BCU_SUPERVISORS):
            wanted |= in_role & Q(organisation_id=case.force_id, bcu_id=case.bcu_id)
        elif audience == AUTHORISING_OFFICERS:
            wanted |= in_role & Q(organisation_id=case.force_id)
        elif referral is not None and referral.service_id:
            wanted |= in_role & Q(organisation_id=referral.service_id)
    users = User.objects.filter(wanted, is_active=True).select_related("organisation")
    for user in users.distinct().order_by("pk"):
        people.setdefault(user.pk, user)
    return list(people.values())


def may_be_told(user, case: Case, referral: Referral | None) -> bool:
    """Nobody is told about a case they may not see (cases/permissions, referrals/permissions)."""
    if user.organisation_id is None:
        return False
    if user.organisation.is_police:
        return can_view_case(user, case)
    return referral is not None and can_view_referral(user, referral)


def link_for(user, case_id: int, referral_id: int | None) -> str:
    """Police users open the case; a support service opens the referral it was sent."""
    if referral_id is not None and not user.organisation.is_police:
        return reverse("service_referral", args=[referral_id])
    return reverse("case_detail", args=[case_id])


# --- Sending ----------------------------------------------------------------------------------

MESSAGE = "{ref}: {what} {when}."
COUNTED_NOTE = " {hours} counted hours remain: Sundays and bank holidays do not count."
LATE_NOTE = " This reminder was due at {moment} and is sent late."
MAIL_SUBJECT = "{prefix}: {label} for {ref}"
MAIL_BODY = (
    "{message}\n\n"
    "Crime reference: {ref}\n"
    "Open the case: {path}\n\n"
    "You get this because you are responsible for this case or supervise it. "
    "Do not reply to this e-mail.\n"
)


def reminder_message(kind: DueKind, case: Case, reminder: DueReminder, now, late: bool) -> str:
    message = MESSAGE.format(
        ref=case.crime_reference,
        what=kind.what,
        when=deadlines.format_deadline(reminder.deadline, now),
    )
    if kind.clock == COUNTED and reminder.step.hours > 0:
        message += COUNTED_NOTE.format(hours=reminder.step.hours)
    if late:
        message += LATE_NOTE.format(moment=deadlines.format_instant(reminder.moment))
    return message


def _claim(kind: DueKind, reminder: DueReminder):
    """Lock the row if it is still due with the same deadline; None if taken or changed."""
    return (
        kind.pending()
        .select_for_update(skip_locked=True, of=("self",))
        .filter(pk=reminder.subject_id, **{kind.deadline_field: reminder.deadline})
        .first()
    )


def _still_current(kind: DueKind, reminder: DueReminder, now, calendar) -> bool:
    current = current_step(
        reminder.deadline,
        now,
        kind_steps(kind.code),
        clock=kind.clock,
        catch_up=catch_up_window(),
        calendar=calendar,
    )
    return current is not None and current.step == reminder.step


@transaction.atomic
def reminder_deliver(
    reminder: DueReminder, *, now: dt.datetime, calendar: Calendar | None = None
) -> int:
    """Deliver one step of one due row; returns how many people were told (0 when the row was
    taken by another worker, is no longer due, or everyone was told already)."""
    kind = KINDS[reminder.kind]
    item = _claim(kind, reminder)
    if item is None or not _still_current(kind, reminder, now, calendar):
        return 0
    case, referral = kind.case_of(item), kind.referral_of(item)
    already = set(
        ReminderDelivery.objects.filter(
            kind=kind.code,
            subject_id=reminder.subject_id,
            deadline=reminder.deadline,
            step=reminder.step.minutes,
        ).values_list("recipient_id", flat=True)
    )
    recipients = [
        user
        for user in audience_members(reminder.step.audiences, case, referral)
        if user.pk not in already and may_be_told(user, case, referral)
    ]
    if not recipients:
        return 0
    late = is_late(reminder.moment, now, late_after())
    message = reminder_message(kind, case, reminder, now, late)
    # The unique constraint makes a second delivery fail here, before anything is sent.
    ReminderDelivery.objects.bulk_create(
        ReminderDelivery(
            kind=kind.code,
            subject_id=reminder.subject_id,
            step=reminder.step.minutes,
            recipient=user,
            case=case,
            deadline=reminder.deadline,
            due_at=reminder.moment,
            delivered_at=now,
            late=late,
        )
        for user in recipients
    )
    Alert.objects.bulk_create(
        Alert(
            recipient=user,
            case=case,
            referral=referral,
            kind=ALERT_KIND,
            message=message,
            created_at=now,
        )
        for user in recipients
    )
    mails = [
        (
            user.email,
            MAIL_SUBJECT.format(
                prefix="Late reminder" if late else "Reminder",
                label=kind.label,
                ref=case.crime_reference,
            ),
            MAIL_BODY.format(
                message=message,
                ref=case.crime_reference,
                path=link_for(user, case.pk, referral.pk if referral else None),
            ),
        )
        for user in recipients
        if user.email
    ]
    transaction.on_commit(lambda: _mail(mails))
    return len(recipients)


def _mail(mails: list[tuple[str, str, str]]) -> None:
    for address, subject, body in mails:  # one each: recipients do not see each other
        try:
            send_mail(subject, body, None, [address])
        except Exception:  # the in-app alert stands; a mail server failure must not stop the scan
            log.exception("Reminder e-mail to %s failed", address)


def reminders_send(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """The scan (see the module docstring). `dry_run` finds the due reminders and sends none."""
    now = now or timezone.now()
    calendar = current_calendar()
    due = reminders_due(now, calendar)
    if dry_run:
        return {"due": len(due), "sent": 0}
    sent = failed = 0
    for reminder in due:  # one failing row must not stop the others (each is its own transaction)
        try:
            sent += reminder_deliver(reminder, now=now, calendar=calendar)
        except Exception:
            failed += 1
            log.exception(
                "Reminder %s for %s #%s failed", reminder.step, reminder.kind, reminder.subject_id
            )
    result = {"due": len(due), "sent": sent}
    if failed:
        result["failed"] = failed
    return result


# --- Notifications page -----------------------------------------------------------------------


def alerts_visible(user) -> QuerySet[Alert]:
    """The person's own alerts about cases or referrals they may still see, checked when
    read: an officer moved to another BCU, or a service whose referral was withdrawn, is
    no longer shown alerts about them."""
    from referrals.selectors import alert_visibility

    return Alert.objects.filter(alert_visibility(user), recipient=user)


def notifications_for(user) -> QuerySet[Alert]:
    return alerts_visible(user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    return alerts_visible(user).filter(read_at__isnull=True).count()


def notifications_mark_all_read(*, actor, now: dt.datetime | None = None) -> int:
    """Mark every unread alert of this person read (alerts carry no history)."""
    return Alert.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
