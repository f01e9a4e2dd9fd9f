"""The check of a hearing's outcome on its own: pure, so no database. The DVPN was served
Fri 6 Mar 2026 09:00 (GMT); the hearing must start by Mon 9 Mar 2026 09:00."""

import pytest

from courts import rules, services
from courts.services.hearings import HearingDecision, hearing_outcome_check
from dvpo.errors import ActionRefused
from tests.helpers import when

SERVED = when("2026-03-06T09:00:00+00:00")
DEADLINE = when("2026-03-09T09:00:00+00:00")
HELD = when("2026-03-07T10:00:00+00:00")
NOW = when("2026-03-07T12:00:00+00:00")


def check(**changes) -> HearingDecision:
    inputs = {
        "status": rules.LISTED,
        "status_label": "Listed",
        "outcome": rules.GRANTED,
        "held_at": HELD,
        "now": NOW,
        "served_at": SERVED,
        "hearing_deadline": DEADLINE,
        "previous_held_at": None,
        "first_held_at": None,
        "adjournment_reason": "",
        "adjourned_to": None,
        "decided_at": None,
        "order_terms_given": False,
    }
    return hearing_outcome_check(**(inputs | changes))


def test_a_decision_defaults_to_when_the_hearing_started():
    assert check() == HearingDecision(rules.GRANTED, "", None, HELD)


def test_an_adjournment_keeps_its_reason_and_date_and_has_no_decision_time():
    later = when("2026-03-08T10:00:00+00:00")
    decision = check(
        outcome=rules.ADJOURNED,
        adjournment_reason=" P's solicitor is ill ",
        adjourned_to=later,
        decided_at=NOW,
    )
    assert decision == HearingDecision(rules.ADJOURNED, "P's solicitor is ill", later, None)


def test_a_lapsed_application_is_heard_as_if_listed():
    assert check(status=rules.APPLICATION_LAPSED).target == rules.GRANTED


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        (
            {"status": rules.GRANTED, "status_label": "Granted"},
            services.APPLICATION_DECIDED.format(outcome="granted"),
            None,
        ),
        ({"held_at": when("2026-03-07T12:01:00+00:00")}, services.HEARING_IN_FUTURE, "held_at"),
        (
            {"held_at": when("2026-03-06T08:59:00+00:00")},
            services.HEARING_BEFORE_SERVICE.format(at="Fri 6 Mar 2026, 09:00"),
            "held_at",
        ),
        (
            {"previous_held_at": when("2026-03-07T11:00:00+00:00")},
            services.HEARING_BEFORE_LAST.format(at="Sat 7 Mar 2026, 11:00"),
            "held_at",
        ),
        (
            {"now": when("2026-03-10T12:00:00+00:00"), "held_at": when("2026-03-09T09:01:00Z")},
            services.HEARING_TOO_LATE.format(at="Mon 9 Mar 2026, 09:00"),
            "held_at",
        ),
        (
            {"outcome": rules.ADJOURNED, "adjourned_to": NOW},
            services.ADJOURNMENT_REASON_NEEDED,
            "adjournment_reason",
        ),
        (
            {"outcome": rules.ADJOURNED, "adjournment_reason": "Ill"},
            services.ADJOURNED_TO_NEEDED,
            "adjourned_to",
        ),
        (
            {"outcome": rules.ADJOURNED, "adjournment_reason": "Ill", "adjourned_to": HELD},
            services.ADJOURNED_TO_BEFORE,
            "adjourned_to",
        ),
        (
            {"decided_at": when("2026-03-07T09:59:00+00:00")},
            services.DECIDED_BEFORE_HEARING.format(at="Sat 7 Mar 2026, 10:00"),
            "decided_at",
        ),
        (
            {"decided_at": when("2026-03-07T12:01:00+00:00")},
            services.DECIDED_IN_FUTURE,
            "decided_at",
        ),
        (
            {"outcome": rules.REFUSED, "order_terms_given": True},
            services.NOT_GRANTED,
            None,
        ),
    ],
)
def test_each_problem_is_refused_with_its_message(changes, message, field):
    with pytest.raises(ActionRefused) as refused:
        check(**changes)
    assert refused.value.message == message
    assert refused.value.field == field


def test_a_later_hearing_is_in_time_when_the_first_was():
    later = when("2026-03-10T10:00:00+00:00")
    decision = check(
        held_at=later,
        now=when("2026-03-10T12:00:00+00:00"),
        previous_held_at=HELD,
        first_held_at=HELD,
    )
    assert decision.decided_at == later
