"""What the court services share: the messages a person may read (tests assert on these)
and the formatting of times and days in them."""

from datetime import date, datetime, timedelta

from dvpo import deadlines
from dvpo.errors import ActionRefused

# --- Messages (tests assert on these) ----------------------------------------
NOT_ALLOWED = "You do not have permission to record court work on this case."
NOT_ALLOWED_BREACH = "You do not have permission to record a breach on this case."
NOT_ALLOWED_OUTCOME = (
    "Only a court coordinator can record hearing outcomes and vary or discharge an order."
)
APPLICATION_LAPSED = (
    "The DVPN lapsed with no hearing by the deadline, so this application can no longer be "
    "changed. If a hearing did start in time, record its outcome."
)
DECIDED_BEFORE_HEARING = "The court cannot have decided before the hearing started ({at})."
DECIDED_IN_FUTURE = "The time the court decided cannot be in the future."
DUPLICATE_BREACH = (
    "This breach has already been recorded (at {at}): same {what}, time and prohibition. "
    "Check the breaches on the case page before recording it again."
)
DUPLICATE_WINDOW = timedelta(minutes=2)
NOT_SERVED = "A DVPO application follows service of the DVPN; this DVPN is {status}."
ALREADY_APPLIED = "This DVPN already has a DVPO application."
LISTED_BEFORE_SERVICE = "The hearing cannot be listed before the DVPN was served ({at})."
APPLICATION_DECIDED = "This application has already been decided ({outcome})."
UNKNOWN_FIELDS = "Cannot change {fields} here."
HEARING_IN_FUTURE = "The time the hearing started cannot be in the future."
HEARING_BEFORE_SERVICE = "The hearing cannot have started before the DVPN was served ({at})."
HEARING_BEFORE_LAST = "The hearing cannot have started before the previous hearing ({at})."
HEARING_TOO_LATE = (
    "No hearing started by the deadline ({at}), so the DVPN has lapsed (s.27(3)). "
    "It can no longer be enforced and must come off the PNC."
)
ADJOURNMENT_REASON_NEEDED = "Give the reason the hearing was adjourned."
ADJOURNED_TO_NEEDED = "Enter the date and time the hearing was adjourned to."
ADJOURNED_TO_BEFORE = "The adjourned hearing must be after this one."
ORDER_DAYS_NEEDED = "Enter how many days the order lasts: 14 to 28 (s.28(10))."
PREMISES_WITHOUT_SHARING = (
    "Premises provisions can only be made when the victim and P share premises (s.28(8))."
)
NOT_GRANTED = "An order is made only when the application is granted."
ORDER_EXISTS = "An order has already been made on this application."
ORDER_NOT_IN_FORCE = "This order is no longer in force: it is {status}."
VARIATION_REASON_NEEDED = "Give the reason for the variation."
VARIATION_NOTHING = "Nothing was changed: say what the court varied."
VARIED_ORDER_ALREADY_ENDED = "With {days} days the order would already have ended ({at})."
VARIED_BEFORE_MADE = "The order cannot be varied before it was made."
DISCHARGE_REASON_NEEDED = "Give the reason the order was discharged."
DISCHARGE_IN_FUTURE = "The time of discharge cannot be in the future."
DISCHARGE_BEFORE_MADE = "The order cannot be discharged before it was made."
BREACH_NEEDS_ONE = "Choose the DVPN or the DVPO that was breached."
NOT_THIS_CASE = "That notice or order belongs to another case."
DVPN_NEVER_SERVED = "Only a served DVPN can be breached."
NO_SUCH_PROHIBITION = "The {what} has no such prohibition: {prohibition}."
BREACH_OUTCOME_IN_FUTURE = "The date of the breach hearing cannot be in the future."
BREACH_OUTCOME_BEFORE = "The breach hearing cannot be before the breach."


def _refuse_if(problem: tuple[str, str] | None) -> None:
    if problem:
        field, message = problem
        raise ActionRefused(message, field=field)


def _when(value: datetime) -> str:
    return deadlines.format_instant(value)


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"
