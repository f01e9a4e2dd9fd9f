"""Pure rules for cases: no database, no clock. Services gather the facts and call these."""

from dataclasses import dataclass

# --- DASH -----------------------------------------------------------------------

STANDARD, MEDIUM, HIGH = "standard", "medium", "high"
GRADE_RANK = {STANDARD: 0, MEDIUM: 1, HIGH: 2}
ESCALATION_INCIDENTS = 3  # incidents between the same victim and P within 12 months

NEEDS_RATIONALE = "needs_rationale"
LOWERS_VISIBLE_HIGH = "lowers_visible_high"


@dataclass(frozen=True)
class Suggestion:
    yes_count: int
    suggested: str
    visible_high: bool


def grade_suggestion(answers: dict, high_threshold: int) -> Suggestion:
    """14 or more 'yes' answers is visible high risk; otherwise the officer's judgement.

    Below the threshold the product suggests medium when there is any 'yes', else
    standard; the officer may grade differently with a rationale.
    """
    yes = sum(1 for value in answers.values() if value == "yes")
    if yes >= high_threshold:
        return Suggestion(yes, HIGH, True)
    return Suggestion(yes, MEDIUM if yes else STANDARD, False)


def potential_escalation(incidents_in_12_months: int) -> bool:
    return incidents_in_12_months >= ESCALATION_INCIDENTS


def grade_problem(grade: str, suggested: str, visible_high: bool, rationale: str) -> str | None:
    """Professional judgement may raise a grade (explained), never lower a visible high."""
    if visible_high and GRADE_RANK[grade] < GRADE_RANK[HIGH]:
        return LOWERS_VISIBLE_HIGH
    if grade != suggested and not rationale.strip():
        return NEEDS_RATIONALE
    return None


# --- DVPN state machine -----------------------------------------------------------

DRAFT, SUBMITTED, AUTHORISED, REFUSED, REVISED, SERVED = (
    "draft",
    "submitted",
    "authorised",
    "refused",
    "revised",
    "served",
)

ENDED, LAPSED = "ended", "lapsed"

# action: (allowed from, to)
DVPN_TRANSITIONS = {
    "submit": ({DRAFT}, SUBMITTED),
    "authorise": ({SUBMITTED}, AUTHORISED),
    "refuse": ({SUBMITTED}, REFUSED),
    "revise": ({REFUSED}, REVISED),
    "serve": ({AUTHORISED}, SERVED),
    "end": ({SERVED}, ENDED),
    "lapse": ({SERVED}, LAPSED),
    "reinstate": ({LAPSED}, SERVED),
}

ACTION_WORDS = {
    "submit": "submitted for authorisation",
    "authorise": "authorised",
    "refuse": "refused",
    "revise": "revised",
    "serve": "served",
    "end": "ended",
    "lapse": "marked as lapsed",
    "reinstate": "reinstated",
}
STATUS_WORDS = {
    DRAFT: "a draft",
    SUBMITTED: "awaiting authorisation",
    AUTHORISED: "already authorised",
    REFUSED: "refused",
    REVISED: "refused and already revised",
    SERVED: "already served",
    ENDED: "ended: its DVPO application has been decided",
    LAPSED: "lapsed: no hearing started by the deadline",
}
REFUSAL_HINTS = {
    ("serve", DRAFT): " It must be submitted and authorised first.",
    ("serve", SUBMITTED): " It must be authorised first.",
    ("serve", REFUSED): " A refused DVPN can be revised and submitted again.",
    ("authorise", DRAFT): " It has not been submitted yet.",
    ("refuse", DRAFT): " It has not been submitted yet.",
}


def dvpn_transition(status: str, action: str) -> str | None:
    allowed_from, target = DVPN_TRANSITIONS[action]
    return target if status in allowed_from else None


def dvpn_refusal(status: str, action: str) -> str:
    return (
        f"This DVPN cannot be {ACTION_WORDS[action]}: it is {STATUS_WORDS[status]}."
        + REFUSAL_HINTS.get((action, status), "")
    )


def premises_sought(dvpn) -> bool:
    return bool(
        dvpn.premises_no_evict
        or dvpn.premises_no_enter
        or dvpn.premises_leave
        or dvpn.exclusion_distance_m
    )


MISSING_VICTIM = "Add the victim to the case."
MISSING_PERPETRATOR = "Add P to the case."
MISSING_P_AGE = "Record P's date of birth: P must be 18 or over (s.24(1))."
P_TOO_YOUNG = "P must be 18 or over (s.24(1))."
MISSING_FIELDS = {
    "grounds": "Give the grounds: the violence or threat, and why the notice is necessary.",
    "why_other_means_insufficient": "Say why other means, such as bail, are not enough.",
    "child_welfare": "Record your consideration of the welfare of any child (s.24(3)(a)).",
    "p_representations": "Record P's representations, or that P made none (s.24(3)(c)).",
}
MISSING_VICTIM_OPINION = (
    "Record the victim's opinion, or the steps taken to find it out (s.24(3)(b), s.24(4))."
)
MISSING_OCCUPANTS = (
    "Record the opinion of other associated people living there, or the steps taken "
    "(s.24(3)(d)), because premises provisions are sought."
)
MISSING_SHARING = "Premises provisions need the victim and P to share premises (s.24(8))."
MISSING_PREMISES_ADDRESS = "Enter the address of the premises the provisions cover."


def dvpn_missing(dvpn, *, has_victim: bool, has_perpetrator: bool, p_age: int | None):
    """(field, message) for everything the application still lacks, in form order."""
    missing = []
    if not has_victim:
        missing.append(("victim", MISSING_VICTIM))
    if not has_perpetrator:
        missing.append(("perpetrator", MISSING_PERPETRATOR))
    elif p_age is None:
        missing.append(("perpetrator", MISSING_P_AGE))
    elif p_age < 18:
        missing.append(("perpetrator", P_TOO_YOUNG))
    for field, message in MISSING_FIELDS.items():
        if not getattr(dvpn, field).strip():
            missing.append((field, message))
    if not (dvpn.victim_opinion.strip() or dvpn.victim_opinion_steps.strip()):
        missing.append(("victim_opinion", MISSING_VICTIM_OPINION))
    if premises_sought(dvpn):
        if not dvpn.shares_premises:
            missing.append(("shares_premises", MISSING_SHARING))
        if not dvpn.premises_address.strip():
            missing.append(("premises_address", MISSING_PREMISES_ADDRESS))
        if not dvpn.occupants_opinion.strip():
            missing.append(("occupants_opinion", MISSING_OCCUPANTS))
    return missing
