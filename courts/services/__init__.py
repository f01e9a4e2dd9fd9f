"""Writes (and a few reads) for the court half: the DVPO application, hearings, the order,
lapse and expiry, and breaches (Crime and Security Act 2010 s.26-s.29).

Same style as cases/services.py: keyword-only arguments, one transaction, the row
locked, ActionRefused (having changed nothing) with a readable message, history
saved as the acting user, and a CaseEvent for the timeline. Jobs (lapse, expiry)
take `now` and an optional actor (None: the system) and are idempotent.

One module per subject; this package re-exports every name callers used from the old
courts/services.py, so `from courts import services; services.hearing_record(...)` keeps
working. A test that patches a name must patch it in the module that uses it
(e.g. courts.services.jobs.pnc_task), not here.

    _common       the messages (tests assert on these) and time formatting
    applications  application_create, application_update (s.27)
    hearings      hearing_record: the check, the write and the follow-ups
    orders        order_make, order_vary, order_discharge (s.28)
    breaches      breach_record, breach_arrest, breach_outcome_record (s.26, s.29)
    jobs          the lapse and expiry jobs, one transaction per row; dvpn_lapse_correct
    recompute     court_deadlines_recompute after a calendar change; production deadlines
    pnc           pnc_task
    flags         case_record_flags
Who may do what: courts/permissions.py.
"""

from courts.permissions import (  # noqa: F401
    can_record_breach,
    can_record_court_outcome,
    can_record_court_work,
)
from courts.services._common import (  # noqa: F401
    ADJOURNED_TO_BEFORE,
    ADJOURNED_TO_NEEDED,
    ADJOURNMENT_REASON_NEEDED,
    ALREADY_APPLIED,
    APPLICATION_DECIDED,
    APPLICATION_LAPSED,
    BREACH_NEEDS_ONE,
    BREACH_OUTCOME_BEFORE,
    BREACH_OUTCOME_IN_FUTURE,
    DECIDED_BEFORE_HEARING,
    DECIDED_IN_FUTURE,
    DISCHARGE_BEFORE_MADE,
    DISCHARGE_IN_FUTURE,
    DISCHARGE_REASON_NEEDED,
    DUPLICATE_BREACH,
    DUPLICATE_WINDOW,
    DVPN_NEVER_SERVED,
    HEARING_BEFORE_LAST,
    HEARING_BEFORE_SERVICE,
    HEARING_IN_FUTURE,
    HEARING_TOO_LATE,
    LISTED_BEFORE_SERVICE,
    NO_SUCH_PROHIBITION,
    NOT_ALLOWED,
    NOT_ALLOWED_BREACH,
    NOT_ALLOWED_OUTCOME,
    NOT_GRANTED,
    NOT_SERVED,
    NOT_THIS_CASE,
    ORDER_DAYS_NEEDED,
    ORDER_EXISTS,
    ORDER_NOT_IN_FORCE,
    PREMISES_WITHOUT_SHARING,
    UNKNOWN_FIELDS,
    VARIATION_NOTHING,
    VARIATION_REASON_NEEDED,
    VARIED_BEFORE_MADE,
    VARIED_ORDER_ALREADY_ENDED,
)
from courts.services.applications import (  # noqa: F401
    APPLICATION_EDITABLE,
    PAPERWORK_FIELDS,
    application_create,
    application_update,
)
from courts.services.breaches import (  # noqa: F401
    PROHIBITION_NEEDS,
    breach_arrest,
    breach_outcome_record,
    breach_record,
    dvpn_ends_at,
)
from courts.services.flags import (  # noqa: F401
    case_record_flags,
)
from courts.services.hearings import (  # noqa: F401
    OUTCOME_EVENTS,
    hearing_record,
)
from courts.services.jobs import (  # noqa: F401
    dvpn_lapse_correct,
    dvpn_lapse_due,
    dvpns_deadline_passed,
    dvpns_lapse,
    orders_expire,
    orders_expiry_due,
)
from courts.services.orders import (  # noqa: F401
    PROHIBITION_FIELDS,
    order_discharge,
    order_make,
    order_vary,
)
from courts.services.pnc import (  # noqa: F401
    pnc_task,
)
from courts.services.recompute import (  # noqa: F401
    court_deadlines_recompute,
)
