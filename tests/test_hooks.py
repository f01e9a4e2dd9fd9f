"""The ordered hooks (dvpo.hooks): who runs on each, and in what order. Why the calendar's
order matters (courts after cases) is shown in tests/courts/test_court_calendar.py."""

import pytest
from django.apps import apps

from dvpo import hooks
from dvpo.hooks import Hook

WIRED = {
    hooks.calendar_changed: [
        "cases.services.hearing_deadlines_recompute",
        "courts.services.recompute.court_deadlines_recompute",
        "referrals.services.referral_deadlines_recompute",
    ],
    hooks.case_reported_at_changed: ["referrals.services.referrals_due_for_case_recompute"],
    hooks.order_changed: ["referrals.services.followups_for_case_schedule"],
}


@pytest.mark.parametrize("hook", WIRED, ids=lambda hook: hook.name)
def test_each_hook_runs_its_receivers_in_order(hook):
    assert hook.receiver_names() == WIRED[hook]


def test_ready_twice_connects_nothing_twice():
    for label in ("cases", "courts", "referrals"):
        apps.get_app_config(label).ready()
    for hook, names in WIRED.items():
        assert hook.receiver_names() == names


def test_receivers_run_by_order_not_by_connection_and_hand_back_their_results():
    calls = []

    def second(**kwargs):
        calls.append(("second", kwargs))
        return 2

    def first(**kwargs):
        calls.append(("first", kwargs))
        return 1

    hook = Hook("example", "For the test.")
    hook.connect(second, order=20)
    hook.connect(first, order=10)
    assert hook.send(x=1) == [1, 2]
    assert calls == [("first", {"x": 1}), ("second", {"x": 1})]


def test_a_hook_with_no_receivers_hands_back_nothing():
    assert Hook("example", "For the test.").send(x=1) == []


def test_a_receiver_that_raises_stops_the_rest_and_reaches_the_sender():
    ran = []

    def refuses(**kwargs):
        raise RuntimeError("no")

    def later(**kwargs):
        ran.append(True)

    hook = Hook("example", "For the test.")
    hook.connect(refuses, order=10)
    hook.connect(later, order=20)
    with pytest.raises(RuntimeError, match="no"):
        hook.send()
    assert ran == []


def _receiver(**kwargs):
    return None


def _other(**kwargs):
    return None


def test_wiring_mistakes_are_refused():
    hook = Hook("example", "For the test.")
    hook.connect(_receiver, order=10)
    hook.connect(_receiver, order=10)  # idempotent
    with pytest.raises(ValueError, match="already connected to example at order 10"):
        hook.connect(_receiver, order=20)
    with pytest.raises(ValueError, match=r"already runs \S*test_hooks._receiver at order 10"):
        hook.connect(_other, order=10)
    assert hook.receiver_names() == [f"{__name__}._receiver"]
