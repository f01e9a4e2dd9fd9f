"""Pure rules for referrals to support (domain.md §3 steps 9-11): no database, no clock.

Services gather plain values (the safe-contact answers, the risk grade, the notice or
order as it stands now) and call these; every message a person may see is a constant
here or in referrals/services.py.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dvpo.deadlines import LONDON

# --- Kinds, statuses, consent -------------------------------------------------------

VICTIMS_CODE, DVPO_SUPPORT, MARAC = "victims_code", "dvpo_support", "marac"
DRAFT, SENT, ACCEPTED, RETURNED, CLOSED = "draft", "sent", "accepted", "returned", "closed"
ACTIVE = (DRAFT, SENT, ACCEPTED)  # one active referral of each kind per victim
WITH_SERVICE = (SENT, ACCEPTED)  # the service is working on it
NOT_ASKED, GIVEN, DECLINED = "not_asked", "given", "declined"

# action: (statuses it may follow, the new status)
TRANSITIONS = {
    "send": ({DRAFT}, SENT),
    "consent_declined": ({DRAFT}, CLOSED),
    "accept": ({SENT}, ACCEPTED),
    "decline": ({SENT}, RETURNED),
    "unable_to_contact": ({SENT, ACCEPTED}, RETURNED),
    "close": ({ACCEPTED}, CLOSED),
}

STATUS_LABELS = {
    DRAFT: "a draft",
    SENT: "sent",
    ACCEPTED: "accepted",
    RETURNED: "returned to the police",
    CLOSED: "closed",
}
CANNOT = "This referral is {status}, so it cannot be {done}."
DONE_WORDS = {
    "send": "sent",
    "consent_declined": "closed as declined",
    "accept": "accepted",
    "decline": "declined",
    "unable_to_contact": "returned as unable to contact",
    "close": "closed",
}


def referral_transition(status: str, action: str) -> str | None:
    allowed_from, target = TRANSITIONS[action]
    return target if status in allowed_from else None


def referral_refusal(status: str, action: str) -> str:
    return CANNOT.format(status=STATUS_LABELS[status], done=DONE_WORDS[action])


# --- Completeness (Victims' Code: a referral is useless without these) ---------------

SERVICE_NEEDED = "Choose the support service to refer the victim to."
CONSENT_NEEDED = "Ask the victim whether they agree to the referral and record their answer."
CONSENT_WAS_DECLINED = "The victim declined the referral: it is recorded and is not sent."
SAFE_NUMBER_NEEDED = (
    "Record a safe contact number for the victim, or that there is none and how to "
    "make contact instead."
)
PERMISSIONS_NEEDED = (
    "Ask the victim whether a voicemail or a text may be left and whether callers may "
    "say who they are, and record the answers."
)
SAFE_TIMES_NEEDED = "Record the safe times to call the victim."
RISK_GRADE_NEEDED = "Record the DASH risk assessment: the referral carries the risk grade."
ORDER_UNKNOWN = (
    "Record the decision on the DVPN first: the referral says whether a notice or order "
    "protects the victim (a refused DVPN is fine)."
)
ORDER_PROHIBITIONS_NEEDED = "Record the prohibitions of the {kind}."
ORDER_EXPIRY_NEEDED = (
    "Record service of the DVPN: the referral must say until when the {kind} protects the victim."
)
WHAT_DONE_NEEDED = (
    "Say what has been done so far (for example the arrest, the DVPN, safeguarding, "
    "other referrals)."
)


@dataclass(frozen=True)
class OrderFacts:
    """The notice or order protecting the victim, as it stands now."""

    kind: str  # "DVPN" or "DVPO"
    status: str  # a person-readable status, e.g. "In force", "Refused"
    decided: bool  # False while a DVPN application awaits its decision
    live: bool  # protects the victim now (an authorised or served DVPN, a DVPO in force)
    prohibitions: tuple[str, ...] = ()
    ends_at: dt.datetime | None = None  # a DVPO's end; None for a DVPN (no fixed end)
    ends_note: str = ""  # a DVPN's end in words ("until the DVPO application is decided")

    @property
    def ends_known(self) -> bool:
        return self.ends_at is not None or bool(self.ends_note)


@dataclass(frozen=True)
class ContactFacts:
    """The victim's safe-contact answers (None when none were recorded)."""

    safe_phone: str = ""
    no_safe_number: bool = False
    contact_through: str = ""
    permissions_confirmed: bool = False
    safe_times: str = ""


def referral_missing(
    *,
    kind: str,
    service_chosen: bool,
    consent: str,
    contact: ContactFacts | None,
    risk_grade: str,
    order: OrderFacts | None,
    what_done: str,
) -> list[tuple[str, str]]:
    """Everything a referral still needs before it is sent: (field, message), in the
    order a referral form reads. A refused DVPN or DVPO is fine: it is the order's
    status. Only support during the DVPN/DVPO needs a decided notice or order: a Victims'
    Code referral is due two working days after the report, often before any DVPN, so
    "no notice or order (yet)" is a status it may carry; MARAC needs none."""
    missing = []
    if not service_chosen:
        missing.append(("service", SERVICE_NEEDED))
    if consent != GIVEN:
        missing.append(("consent", CONSENT_WAS_DECLINED if consent == DECLINED else CONSENT_NEEDED))
    missing += _contact_missing(contact or ContactFacts())
    if not risk_grade:
        missing.append(("risk_grade", RISK_GRADE_NEEDED))
    missing += _order_missing(order, needed=kind == DVPO_SUPPORT)
    if not what_done.strip():
        missing.append(("what_done", WHAT_DONE_NEEDED))
    return missing


def _contact_missing(contact: ContactFacts) -> list[tuple[str, str]]:
    missing = []
    has_number = bool(contact.safe_phone.strip())
    has_alternative = contact.no_safe_number and bool(contact.contact_through.strip())
    if not (has_number or has_alternative):
        missing.append(("safe_phone", SAFE_NUMBER_NEEDED))
    if not contact.permissions_confirmed:
        missing.append(("permissions_confirmed", PERMISSIONS_NEEDED))
    if not contact.safe_times.strip():
        missing.append(("safe_times", SAFE_TIMES_NEEDED))
    return missing


def _order_missing(order: OrderFacts | None, *, needed: bool) -> list[tuple[str, str]]:
    if order is None or not order.decided:
        return [("order", ORDER_UNKNOWN)] if needed else []
    if not order.live:
        return []
    missing = []
    if not order.prohibitions:
        missing.append(("order", ORDER_PROHIBITIONS_NEEDED.format(kind=order.kind)))
    if not order.ends_known:
        missing.append(("order", ORDER_EXPIRY_NEEDED.format(kind=order.kind)))
    return missing


# --- Contact attempts ------------------------------------------------------------------

PHONE_WITHHELD, PHONE_SHOWN, VOICEMAIL = "phone_withheld", "phone_shown", "voicemail"
TEXT, EMAIL, LETTER, VISIT = "text", "email", "letter", "visit"
AGREED_ROUTE = "agreed_route"  # no safe number: through the route the victim agreed
SPOKE, NO_ANSWER, ENGAGED, WRONG_NUMBER = "spoke", "no_answer", "engaged", "wrong_number"
UNSAFE_TO_TALK, P_PRESENT, DECLINED_SUPPORT = "unsafe_to_talk", "p_present", "declined_support"

CONTACT_MADE = frozenset({SPOKE, DECLINED_SUPPORT})
SUSPECTED_BREACH = frozenset({P_PRESENT, UNSAFE_TO_TALK})

# method: (the SafeContact permission it needs, why it is refused without it)
METHOD_NEEDS = {
    PHONE_SHOWN: (
        "identify_ok",
        "The victim has not agreed that callers may say who they are: call from a withheld number.",
    ),
    VOICEMAIL: ("voicemail_ok", "The victim has not agreed to voicemails: leave no message."),
    TEXT: ("text_ok", "The victim has not agreed to texts: do not send one."),
    EMAIL: ("email_ok", "The victim has not agreed to e-mails: do not send one."),
    LETTER: ("letter_ok", "The victim has not agreed to letters: do not send one."),
    VISIT: ("visit_ok", "The victim has not agreed to visits: do not visit."),
}
PHONE_METHODS = frozenset({PHONE_WITHHELD, PHONE_SHOWN, VOICEMAIL, TEXT})
NO_NUMBER = "There is no safe number for the victim: make contact through {through}."
NO_EMAIL = "There is no safe e-mail address for the victim."
NO_ROUTE = (
    "No contact route was agreed with the victim: use a method the victim allowed, or ask "
    "the police to record the route."
)


def attempt_failed(outcome: str) -> bool:
    """No contact was made (the victim was not reached, or could not talk)."""
    return outcome not in CONTACT_MADE


def method_problem(method: str, permissions: dict) -> str | None:
    """Why this method may not be used for this victim (None when it may).

    `permissions` holds the SafeContact answers: identify_ok, voicemail_ok, text_ok,
    email_ok, letter_ok, visit_ok (missing means no), plus safe_phone,
    no_safe_number, contact_through and email. Caseworkers call from a withheld
    number and leave no trace unless the victim agreed (domain.md §3.10)."""
    needs = METHOD_NEEDS.get(method)
    if needs and not permissions.get(needs[0]):
        return needs[1]
    if method in PHONE_METHODS and not str(permissions.get("safe_phone", "")).strip():
        return NO_NUMBER.format(through=permissions.get("contact_through") or "the agreed route")
    if method == EMAIL and not str(permissions.get("email", "")).strip():
        return NO_EMAIL
    if method == AGREED_ROUTE and not str(permissions.get("contact_through", "")).strip():
        return NO_ROUTE
    return None


def escalation_due(
    *, failed_attempts: int, contact_made: bool, threshold: int, escalated: bool
) -> bool:
    """Put the referral in the manager's queue once `threshold` attempts have failed
    and the victim has never been reached; once only."""
    return not escalated and not contact_made and failed_attempts >= threshold


# --- Times of day tried ------------------------------------------------------------------

WEEKDAY, WEEKEND = "weekday", "weekend"
MORNING, AFTERNOON, EVENING, NIGHT = "morning", "afternoon", "evening", "night"
# (band, first hour, hour after the last); NIGHT is everything else and never suggested.
BANDS = ((MORNING, 8, 12), (AFTERNOON, 12, 17), (EVENING, 17, 21))
BAND_LABELS = {
    MORNING: "morning (8:00 to 12:00)",
    AFTERNOON: "afternoon (12:00 to 17:00)",
    EVENING: "evening (17:00 to 21:00)",
    NIGHT: "night",
}
DAY_LABELS = {WEEKDAY: "Weekday", WEEKEND: "Weekend"}


@dataclass(frozen=True, order=True)
class TimeSlot:
    days: str  # WEEKDAY or WEEKEND
    band: str

    @property
    def label(self) -> str:
        return f"{DAY_LABELS[self.days]} {BAND_LABELS[self.band]}"


def time_slot(at: dt.datetime) -> TimeSlot:
    """The London day kind and hour band of an instant."""
    if at.utcoffset() is None:
        raise ValueError(f"at must be a timezone-aware datetime, not {at!r}.")
    local = at.astimezone(LONDON)
    days = WEEKEND if local.weekday() >= 5 else WEEKDAY
    band = next((name for name, start, end in BANDS if start <= local.hour < end), NIGHT)
    return TimeSlot(days, band)


def times_tried(times: Iterable[dt.datetime]) -> dict[TimeSlot, int]:
    """How many attempts fell in each slot (London time), slots in order."""
    tried: dict[TimeSlot, int] = {}
    for at in times:
        slot = time_slot(at)
        tried[slot] = tried.get(slot, 0) + 1
    return dict(sorted(tried.items()))


ALL_SLOTS = tuple(TimeSlot(days, band) for days in (WEEKDAY, WEEKEND) for band, _, _ in BANDS)


def suggest_times(times: Iterable[dt.datetime]) -> list[TimeSlot]:
    """The day and hour slots not yet tried, weekday slots first: many victims work
    office hours, so calls should go on at different times (domain.md §3.10)."""
    tried = set(times_tried(times))
    return [slot for slot in ALL_SLOTS if slot not in tried]


# --- Follow-ups ------------------------------------------------------------------------

NEAR_EXPIRY, AFTER_EXPIRY, ONGOING = "near_expiry", "after_expiry", "ongoing"
SCHEDULED_FOLLOWUPS = (NEAR_EXPIRY, AFTER_EXPIRY)
NEAR_EXPIRY_NOTICE = dt.timedelta(days=2)


def followups_planned(
    *,
    order_expires_at: dt.datetime | None,
    order_ends_at: dt.datetime | None,
    call_near_expiry: bool,
) -> dict[str, dt.datetime]:
    """The scheduled follow-ups a referral should have now, by kind: a safety check
    once the order ends (for every referral with an order) and, when the victim
    agreed, a call two days before the order expires."""
    if order_expires_at is None:
        return {}
    planned = {AFTER_EXPIRY: order_ends_at or order_expires_at}
    if call_near_expiry:
        planned[NEAR_EXPIRY] = london_wall_clock_before(order_expires_at, NEAR_EXPIRY_NOTICE)
    return planned


def london_wall_clock_before(instant: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`delta` earlier on the London wall clock: two days before an order ending at
    midnight BST is midnight too, even when the clocks changed in between."""
    local = instant.astimezone(LONDON).replace(tzinfo=None)
    return (local - delta).replace(tzinfo=LONDON)


# --- The caseworker's first contact ----------------------------------------------------------


def first_contact_due(sent_at: dt.datetime, calendar) -> dt.datetime:
    """When the service should have tried to reach the victim: one working day after the
    referral was sent, at the same London clock time (sent Fri 09:00, due Mon 09:00;
    weekends, bank holidays, Good Friday and Christmas Day are not working days).
    `calendar` is a dvpo.deadlines.Calendar (administrators' changes included)."""
    if sent_at.utcoffset() is None:
        raise ValueError(f"sent_at must be a timezone-aware datetime, not {sent_at!r}.")
    local = sent_at.astimezone(LONDON).replace(tzinfo=None)
    day = local.date() + dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, local.time()).replace(tzinfo=LONDON)
