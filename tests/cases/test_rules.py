"""The pure case rules: DASH suggestions and the DVPN transition table."""

import pytest

from cases import rules


def answers(yes: int, total: int = 27) -> dict:
    return {str(n): ("yes" if n <= yes else "no") for n in range(1, total + 1)}


@pytest.mark.parametrize(
    ("yes", "suggested", "visible_high"),
    [
        (0, "standard", False),
        (1, "medium", False),
        (13, "medium", False),
        (14, "high", True),
        (27, "high", True),
    ],
)
def test_grade_suggestion(yes, suggested, visible_high):
    result = rules.grade_suggestion(answers(yes), 14)
    assert (result.yes_count, result.suggested, result.visible_high) == (
        yes,
        suggested,
        visible_high,
    )


def test_not_known_is_not_yes():
    values = {"1": "not_known", "2": "yes", "3": "no"}
    assert rules.grade_suggestion(values, 14).yes_count == 1


@pytest.mark.parametrize(("incidents", "flag"), [(1, False), (2, False), (3, True), (7, True)])
def test_potential_escalation_at_three_incidents(incidents, flag):
    assert rules.potential_escalation(incidents) is flag


@pytest.mark.parametrize(
    ("grade", "suggested", "visible_high", "rationale", "problem"),
    [
        ("medium", "medium", False, "", None),
        ("high", "medium", False, "", rules.NEEDS_RATIONALE),
        ("high", "medium", False, "Strangulation last week", None),  # raising: explained
        ("standard", "medium", False, "  ", rules.NEEDS_RATIONALE),
        ("standard", "medium", False, "Isolated incident", None),
        ("medium", "high", True, "Good reasons", rules.LOWERS_VISIBLE_HIGH),
        ("high", "high", True, "", None),
    ],
)
def test_grade_problem(grade, suggested, visible_high, rationale, problem):
    assert rules.grade_problem(grade, suggested, visible_high, rationale) == problem


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        ("draft", "submit", "submitted"),
        ("submitted", "authorise", "authorised"),
        ("submitted", "refuse", "refused"),
        ("refused", "revise", "revised"),
        ("authorised", "serve", "served"),
        ("draft", "serve", None),
        ("submitted", "serve", None),
        ("served", "serve", None),
        ("authorised", "authorise", None),
        ("refused", "serve", None),
        ("submitted", "submit", None),
    ],
)
def test_dvpn_transitions(status, action, target):
    assert rules.dvpn_transition(status, action) == target


def test_every_status_and_action_has_a_readable_refusal():
    for action in rules.DVPN_TRANSITIONS:
        for status in rules.STATUS_WORDS:
            message = rules.dvpn_refusal(status, action)
            assert message.startswith("This DVPN cannot be ")
    assert rules.dvpn_refusal("submitted", "serve") == (
        "This DVPN cannot be served: it is awaiting authorisation. It must be authorised first."
    )
