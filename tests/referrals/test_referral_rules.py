"""Pure rules for referrals: completeness, method safety, times tried, escalation, follow-ups."""

from datetime import datetime, timedelta

import pytest

from referrals import rules
from referrals.rules import ContactFacts, OrderFacts, TimeSlot

CONTACT = ContactFacts(safe_phone="07700 900123", permissions_confirmed=True, safe_times="Evenings")
SERVED_DVPN = OrderFacts(
    "DVPN",
    "Served",
    decided=True,
    live=True,
    prohibitions=("P must not molest the victim",),
    ends_note="Until the DVPO application is decided",
)


def missing(**overrides):
    values = {
        "kind": rules.VICTIMS_CODE,
        "service_chosen": True,
        "consent": rules.GIVEN,
        "contact": CONTACT,
        "risk_grade": "medium",
        "order": SERVED_DVPN,
        "what_done": "P arrested.",
    }
    values.update(overrides)
    return rules.referral_missing(**values)


def test_a_complete_referral_misses_nothing():
    assert missing() == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"service_chosen": False}, "service", rules.SERVICE_NEEDED),
        ({"consent": rules.NOT_ASKED}, "consent", rules.CONSENT_NEEDED),
        ({"consent": rules.DECLINED}, "consent", rules.CONSENT_WAS_DECLINED),
        ({"contact": ContactFacts(permissions_confirmed=True, safe_times="x")}, "safe_phone",
         rules.SAFE_NUMBER_NEEDED),
        ({"contact": ContactFacts(safe_phone="1", safe_times="x")}, "permissions_confirmed",
         rules.PERMISSIONS_NEEDED),
        ({"contact": ContactFacts(safe_phone="1", permissions_confirmed=True)}, "safe_times",
         rules.SAFE_TIMES_NEEDED),
        ({"risk_grade": ""}, "risk_grade", rules.RISK_GRADE_NEEDED),
        ({"kind": rules.DVPO_SUPPORT, "order": None}, "order", rules.ORDER_UNKNOWN),
        ({"kind": rules.DVPO_SUPPORT,
          "order": OrderFacts("DVPN", "Awaiting authorisation", decided=False, live=False)},
         "order", rules.ORDER_UNKNOWN),
        ({"order": OrderFacts("DVPN", "Authorised", decided=True, live=True,
                              prohibitions=("x",))},
         "order", rules.ORDER_EXPIRY_NEEDED.format(kind="DVPN")),
        ({"order": OrderFacts("DVPO", "In force", decided=True, live=True,
                              ends_at=datetime(2026, 4, 4))},
         "order", rules.ORDER_PROHIBITIONS_NEEDED.format(kind="DVPO")),
        ({"what_done": "  "}, "what_done", rules.WHAT_DONE_NEEDED),
    ],
)  # fmt: skip
def test_each_missing_item_has_its_message(overrides, field, message):
    assert missing(**overrides) == [(field, message)]


def test_everything_missing_is_listed_in_form_order():
    found = missing(
        kind=rules.DVPO_SUPPORT, service_chosen=False, consent=rules.NOT_ASKED, contact=None,
        risk_grade="", order=None, what_done="",
    )  # fmt: skip
    assert [field for field, _ in found] == [
        "service", "consent", "safe_phone", "permissions_confirmed", "safe_times",
        "risk_grade", "order", "what_done",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "order",
    [None, OrderFacts("DVPN", "Awaiting authorisation", decided=False, live=False)],
)
def test_a_victims_code_referral_may_go_without_a_decided_notice_or_order(order):
    assert missing(kind=rules.VICTIMS_CODE, order=order) == []
    assert missing(kind=rules.MARAC, order=order) == []
    assert missing(kind=rules.DVPO_SUPPORT, order=order) == [("order", rules.ORDER_UNKNOWN)]


def test_no_safe_number_needs_the_route_instead():
    through = ContactFacts(no_safe_number=True, permissions_confirmed=True, safe_times="x")
    assert missing(contact=through) == [("safe_phone", rules.SAFE_NUMBER_NEEDED)]
    through = ContactFacts(
        no_safe_number=True, contact_through="Her sister", permissions_confirmed=True,
        safe_times="x",
    )  # fmt: skip
    assert missing(contact=through) == []


@pytest.mark.parametrize("status", ["Refused", "Ended: DVPO application refused", "Lapsed"])
def test_a_refused_or_ended_notice_is_allowed(status):
    assert missing(order=OrderFacts("DVPN", status, decided=True, live=False)) == []


def test_marac_needs_no_order_but_checks_one_there_is():
    assert missing(kind=rules.MARAC, order=None) == []
    live = OrderFacts("DVPN", "Authorised", decided=True, live=True, prohibitions=("x",))
    assert [f for f, _ in missing(kind=rules.MARAC, order=live)] == ["order"]


# --- Transitions -------------------------------------------------------------------------


def test_transitions_and_refusal_wording():
    assert rules.referral_transition(rules.DRAFT, "send") == rules.SENT
    assert rules.referral_transition(rules.SENT, "send") is None
    assert rules.referral_transition(rules.ACCEPTED, "unable_to_contact") == rules.RETURNED
    assert rules.referral_transition(rules.ACCEPTED, "decline") is None
    assert (
        rules.referral_refusal(rules.CLOSED, "send")
        == "This referral is closed, so it cannot be sent."
    )


# --- Method safety ------------------------------------------------------------------------

ALLOWED_NOTHING = {"safe_phone": "07700 900123"}


@pytest.mark.parametrize(
    ("method", "permission"),
    [
        (rules.PHONE_SHOWN, "identify_ok"),
        (rules.VOICEMAIL, "voicemail_ok"),
        (rules.TEXT, "text_ok"),
        (rules.EMAIL, "email_ok"),
        (rules.LETTER, "letter_ok"),
        (rules.VISIT, "visit_ok"),
    ],
)
def test_each_trace_leaving_method_needs_the_victims_permission(method, permission):
    assert rules.method_problem(method, ALLOWED_NOTHING) == rules.METHOD_NEEDS[method][1]
    allowed = {**ALLOWED_NOTHING, permission: True, "email": "v@example.org"}
    assert rules.method_problem(method, allowed) is None


def test_a_withheld_call_is_always_allowed_with_a_number():
    assert rules.method_problem(rules.PHONE_WITHHELD, ALLOWED_NOTHING) is None


def test_no_phone_methods_without_a_safe_number():
    no_number = {"no_safe_number": True, "contact_through": "her sister", "text_ok": True}
    assert rules.method_problem(rules.PHONE_WITHHELD, no_number) == rules.NO_NUMBER.format(
        through="her sister"
    )
    assert rules.method_problem(rules.TEXT, no_number) is not None


def test_email_needs_an_address_too():
    assert rules.method_problem(rules.EMAIL, {"email_ok": True}) == rules.NO_EMAIL


def test_failed_outcomes():
    assert rules.attempt_failed(rules.NO_ANSWER) and rules.attempt_failed(rules.P_PRESENT)
    assert not rules.attempt_failed(rules.SPOKE)
    assert not rules.attempt_failed(rules.DECLINED_SUPPORT)


@pytest.mark.parametrize(
    ("failed", "made", "escalated", "due"),
    [(2, False, False, False), (3, False, False, True), (4, False, True, False),
     (5, True, False, False)],
)  # fmt: skip
def test_escalation_at_exactly_the_threshold(failed, made, escalated, due):
    assert (
        rules.escalation_due(
            failed_attempts=failed, contact_made=made, threshold=3, escalated=escalated
        )
        is due
    )


# --- Times of day ----------------------------------------------------------------------------


def london(text: str) -> datetime:
    from dvpo.deadlines import LONDON

    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_slots_use_london_time_across_the_clock_change():
    # Mon 30 Mar 2026 is in BST: 11:30 UTC is 12:30 in London, the afternoon.
    assert rules.time_slot(datetime.fromisoformat("2026-03-30T11:30:00+00:00")) == TimeSlot(
        rules.WEEKDAY, rules.AFTERNOON
    )
    assert rules.time_slot(london("2026-03-28T09:00")) == TimeSlot(rules.WEEKEND, rules.MORNING)
    assert rules.time_slot(london("2026-03-27T23:00")).band == rules.NIGHT


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        rules.time_slot(datetime(2026, 3, 9, 10))


def test_times_tried_counts_each_slot():
    times = [london("2026-03-09T10:00"), london("2026-03-10T11:00"), london("2026-03-10T18:00")]
    assert rules.times_tried(times) == {
        TimeSlot(rules.WEEKDAY, rules.EVENING): 1,
        TimeSlot(rules.WEEKDAY, rules.MORNING): 2,
    }


def test_suggestions_are_the_slots_not_yet_tried_weekdays_first():
    times = [london("2026-03-09T10:00"), london("2026-03-10T14:00")]
    suggested = rules.suggest_times(times)
    assert suggested == [
        TimeSlot(rules.WEEKDAY, rules.EVENING),
        TimeSlot(rules.WEEKEND, rules.MORNING),
        TimeSlot(rules.WEEKEND, rules.AFTERNOON),
        TimeSlot(rules.WEEKEND, rules.EVENING),
    ]
    assert suggested[0].label == "Weekday evening (17:00 to 21:00)"
    assert len(rules.suggest_times([])) == 6


# --- Follow-ups ------------------------------------------------------------------------------


def test_followups_planned():
    expires = london("2026-04-04T00:00")
    assert (
        rules.followups_planned(order_expires_at=None, order_ends_at=None, call_near_expiry=True)
        == {}
    )
    assert rules.followups_planned(
        order_expires_at=expires, order_ends_at=expires, call_near_expiry=False
    ) == {rules.AFTER_EXPIRY: expires}
    discharged = london("2026-03-20T15:00")
    assert rules.followups_planned(
        order_expires_at=expires, order_ends_at=discharged, call_near_expiry=True
    ) == {rules.AFTER_EXPIRY: discharged, rules.NEAR_EXPIRY: expires - timedelta(days=2)}
