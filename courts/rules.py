"""Pure rules for the court half (domain.md §3 steps 6-8): no database, no clock.

Services gather the facts (instants, statuses, amounts) and call these; every
message a person may see is a constant here or in courts/services/_common.py.
Statute references are to the Crime and Security Act 2010.
"""

import datetime as dt
from decimal import Decimal

from dvpo import deadlines

# --- The DVPO application ----------------------------------------------------------

LISTED, ADJOURNED = "listed", "adjourned"
GRANTED, REFUSED, WITHDRAWN = "granted", "refused", "withdrawn"
DECIDED = frozenset({GRANTED, REFUSED, WITHDRAWN})
# The DVPN lapsed before any hearing: the application is no longer listed. A hearing that
# did start in time, recorded afterwards, corrects it (it is treated as listed again).
APPLICATION_LAPSED = "lapsed"

# hearing outcome: (application statuses it may follow, the application's new status)
APPLICATION_TRANSITIONS = {
    GRANTED: ({LISTED, ADJOURNED}, GRANTED),
    REFUSED: ({LISTED, ADJOURNED}, REFUSED),
    WITHDRAWN: ({LISTED, ADJOURNED}, WITHDRAWN),
    ADJOURNED: ({LISTED, ADJOURNED}, ADJOURNED),
}

# The paperwork the court needs, in the order a bundle is put together.
PAPERWORK = (
    ("has_dvpn_copy", "a copy of the DVPN"),
    ("has_complaint", "the complaint (application)"),
    ("has_officer_statement", "the officer's statement"),
    ("has_dash", "the DASH risk assessment"),
    ("has_victim_view", "the victim's view"),
    ("has_p_address", "P's address for notice of the hearing"),
    ("has_evidence", "the evidence"),
)


def application_transition(status: str, outcome: str) -> str | None:
    allowed_from, target = APPLICATION_TRANSITIONS[outcome]
    return target if status in allowed_from else None


def paperwork_missing(values: dict) -> list[str]:
    """The labels of the paperwork not yet ticked, in bundle order."""
    return [label for field, label in PAPERWORK if not values.get(field)]


def listed_late(listed_for: dt.datetime, hearing_deadline: dt.datetime | None) -> bool:
    """Listed after the 48-hour deadline (s.27(3)): allowed, but flagged and recorded."""
    return hearing_deadline is not None and listed_for > hearing_deadline


def hearing_in_time(first_held_at: dt.datetime | None, hearing_deadline: dt.datetime) -> bool:
    """Whether a hearing started at or before the deadline (the DVPN then runs on)."""
    return first_held_at is not None and first_held_at <= hearing_deadline


def lapse_due(
    *,
    status: str,
    hearing_deadline: dt.datetime | None,
    first_held_at: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    """A served DVPN lapses once its deadline has passed with no hearing started by it."""
    return (
        status == "served"
        and hearing_deadline is not None
        and hearing_deadline < now
        and not hearing_in_time(first_held_at, hearing_deadline)
    )


def dvpn_ends_at(
    *,
    status: str,
    hearing_deadline: dt.datetime | None,
    first_held_at: dt.datetime | None,
    decided_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """When the notice stopped being in force; None while it still is (or may be).

    It lasts until the application is decided (s.25(2)(c)) or, with no hearing
    started by the deadline, until the deadline (it lapsed), whether or not the
    lapse job has marked it yet. It is in force at the instant it ends.
    """
    if decided_at is not None:
        return decided_at
    if hearing_deadline is None:
        return None
    if status == "lapsed":
        return hearing_deadline
    if hearing_in_time(first_held_at, hearing_deadline):
        return None  # a hearing started in time: it runs on until the decision
    passed = first_held_at is not None or (now is not None and hearing_deadline < now)
    return hearing_deadline if passed else None


# --- The order (s.28) ----------------------------------------------------------

IN_FORCE, VARIED, EXPIRED, DISCHARGED = "in_force", "varied", "expired", "discharged"
ORDER_LIVE = frozenset({IN_FORCE, VARIED})


def order_dates(made_on: dt.date, days: int) -> tuple[dt.date, dt.datetime]:
    """(last day, the instant it stops) for an order of `days` days beginning with `made_on`.
    Raises ValueError with the statute's message outside 14 to 28 days."""
    return deadlines.order_last_day(made_on, days), deadlines.order_expires_at(made_on, days)


def order_starts_at(made_on: dt.date) -> dt.datetime:
    """The start of the day an order is made: its days are counted from it ("beginning with
    the day", s.28(10)). The order itself is in force only from when the court made it
    (DVPO.made_at); orders recorded before that was kept fall back to this."""
    return dt.datetime.combine(made_on, deadlines.MIDNIGHT, tzinfo=deadlines.LONDON)


def order_ends_at(*, expires_at: dt.datetime, discharged_at: dt.datetime | None) -> dt.datetime:
    return min(expires_at, discharged_at) if discharged_at is not None else expires_at


def expiry_due(*, status: str, expires_at: dt.datetime, now: dt.datetime) -> bool:
    return status in ORDER_LIVE and expires_at <= now


# --- Breaches (s.26, s.29) ---------------------------------------------------------

NO_ACTION, FINE, COMMITTAL = "no_action", "fine", "committal"
MAX_FINE = Decimal("5000")
MAX_COMMITTAL_DAYS = 60

BREACH_IN_FUTURE = "The breach cannot be in the future."
BREACH_BEFORE_SERVICE = "The breach cannot be before the DVPN was served ({at})."
BREACH_AFTER_DVPN_ENDED = "The breach cannot be after the DVPN ended ({at})."
BREACH_BEFORE_ORDER = (
    "The breach must be after the DVPO was made ({at}). Until then the DVPN was in force: "
    "record it as a breach of the DVPN."
)
BREACH_AFTER_ORDER_ENDED = "The breach cannot be after the DVPO ended ({at})."
ARREST_IN_FUTURE = "The arrest cannot be in the future."
ARREST_BEFORE_BREACH = "The arrest cannot be before the breach ({at})."
FINE_NEEDED = "Enter the fine in pounds, more than £0 and at most £5,000."
FINE_TOO_HIGH = "A fine for breaching a DVPO is at most £5,000."
COMMITTAL_NEEDED = "Enter the committal in days, at least 1 and at most 60."
COMMITTAL_TOO_LONG = "Committal for breaching a DVPO is at most 2 months (60 days)."
SANCTION_DVPN = (
    "A fine or committal is a sanction for breaching a DVPO. A DVPN breach is dealt with "
    "when the DVPO application is heard: record no action or adjourned."
)
SANCTION_EXTRA = "Give an amount only for a fine, and days only for a committal."


def breach_time_problem(
    *,
    occurred_at: dt.datetime,
    now: dt.datetime,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    is_order: bool,
) -> tuple[str, str] | None:
    """(field, message) when the breach cannot have happened when it is said to, else None.

    A DVPN is in force from service up to and including the moment it ends (the court's
    decision, or the hearing deadline when it lapses). An order is in force from just after
    the court made it (at that moment the DVPN still was) until it expires or is discharged.
    """
    if occurred_at > now:
        return "occurred_at", BREACH_IN_FUTURE
    if is_order and occurred_at <= starts_at:
        return "occurred_at", BREACH_BEFORE_ORDER.format(at=deadlines.format_instant(starts_at))
    if not is_order and occurred_at < starts_at:
        return "occurred_at", BREACH_BEFORE_SERVICE.format(at=deadlines.format_instant(starts_at))
    if ends_at is not None and (occurred_at >= ends_at if is_order else occurred_at > ends_at):
        message = BREACH_AFTER_ORDER_ENDED if is_order else BREACH_AFTER_DVPN_ENDED
        return "occurred_at", message.format(at=deadlines.format_instant(ends_at))
    return None


def arrest_problem(
    *, arrested_at: dt.datetime, occurred_at: dt.datetime, now: dt.datetime
) -> tuple[str, str] | None:
    if arrested_at > now:
        return "arrested_at", ARREST_IN_FUTURE
    if arrested_at < occurred_at:
        return "arrested_at", ARREST_BEFORE_BREACH.format(at=deadlines.format_instant(occurred_at))
    return None


def production_deadline(
    *,
    arrested_at: dt.datetime,
    is_order: bool,
    listed_for: dt.datetime | None,
    calendar: deadlines.Calendar | None = None,
) -> dt.datetime:
    """24 counted hours from the arrest; for a DVPN breach, the DVPO hearing if that is sooner
    (s.26(2)). A listing already past at the time of arrest does not count."""
    hearing_at = None
    if not is_order and listed_for is not None and listed_for >= arrested_at:
        hearing_at = listed_for
    return deadlines.production_deadline(arrested_at, hearing_at, calendar)


def sanction_problem(
    *,
    outcome: str,
    is_order: bool,
    fine_pounds: Decimal | None,
    committal_days: int | None,
) -> tuple[str, str] | None:
    """(field, message) when a breach outcome's sanction is not one the court can give."""
    if outcome in (FINE, COMMITTAL) and not is_order:
        return "outcome", SANCTION_DVPN
    if outcome == FINE:
        if committal_days is not None:
            return "committal_days", SANCTION_EXTRA
        if fine_pounds is None or fine_pounds <= 0:
            return "fine_pounds", FINE_NEEDED
        if fine_pounds > MAX_FINE:
            return "fine_pounds", FINE_TOO_HIGH
        return None
    if outcome == COMMITTAL:
        if fine_pounds is not None:
            return "fine_pounds", SANCTION_EXTRA
        if committal_days is None or committal_days < 1:
            return "committal_days", COMMITTAL_NEEDED
        if committal_days > MAX_COMMITTAL_DAYS:
            return "committal_days", COMMITTAL_TOO_LONG
        return None
    if fine_pounds is not None or committal_days is not None:
        return ("fine_pounds" if fine_pounds is not None else "committal_days"), SANCTION_EXTRA
    return None


# --- Police National Computer record flags (domain.md §6) -----------------------------

FLAGS = (
    ("FP", "DVPN authorised"),
    ("FQ", "DVPN served"),
    ("FT", "DVPN breached"),
    ("FS", "DVPO issued"),
    ("FU", "DVPO breached"),
)


def record_flags(
    *,
    dvpn_authorised_on: dt.date | None = None,
    dvpn_served_on: dt.date | None = None,
    dvpn_breached_on: dt.date | None = None,
    dvpo_issued_on: dt.date | None = None,
    dvpo_breached_on: dt.date | None = None,
) -> list[tuple[str, str, dt.date]]:
    """The flags a case's record carries, each with the date it first became true."""
    dates = {
        "FP": dvpn_authorised_on,
        "FQ": dvpn_served_on,
        "FT": dvpn_breached_on,
        "FS": dvpo_issued_on,
        "FU": dvpo_breached_on,
    }
    return [(code, label, dates[code]) for code, label in FLAGS if dates[code] is not None]


def local_date(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else value.astimezone(deadlines.LONDON).date()
