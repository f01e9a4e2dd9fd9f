"""The pure court rules: listing, lapse, order dates, breach times, sanctions, record flags."""

from datetime import date
from decimal import Decimal

import pytest

from courts import rules
from dvpo import deadlines
from tests.helpers import when

DEADLINE = when("2026-03-09T09:00:00+00:00")


def test_paperwork_missing_lists_what_is_not_ticked_in_bundle_order():
    everything = {field: True for field, _ in rules.PAPERWORK}
    assert rules.paperwork_missing(everything) == []
    assert rules.paperwork_missing({}) == [label for _, label in rules.PAPERWORK]
    assert rules.paperwork_missing({**everything, "has_dash": False, "has_evidence": False}) == [
        "the DASH risk assessment",
        "the evidence",
    ]


@pytest.mark.parametrize(
    ("listed_for", "late"),
    [
        ("2026-03-09T08:59:00+00:00", False),
        ("2026-03-09T09:00:00+00:00", False),
        ("2026-03-09T09:01:00+00:00", True),
    ],
)
def test_listed_late(listed_for, late):
    assert rules.listed_late(when(listed_for), DEADLINE) is late
    assert rules.listed_late(when(listed_for), None) is False


@pytest.mark.parametrize(
    ("status", "first_held_at", "now", "due"),
    [
        ("served", None, "2026-03-09T09:00:00+00:00", False),  # at the deadline: not yet
        ("served", None, "2026-03-09T09:01:00+00:00", True),
        ("served", "2026-03-09T09:00:00+00:00", "2026-03-10T09:00:00+00:00", False),
        ("served", "2026-03-09T10:00:00+00:00", "2026-03-10T09:00:00+00:00", True),
        ("lapsed", None, "2026-03-10T09:00:00+00:00", False),
        ("ended", None, "2026-03-10T09:00:00+00:00", False),
    ],
)
def test_lapse_due(status, first_held_at, now, due):
    held = when(first_held_at) if first_held_at else None
    assert (
        rules.lapse_due(status=status, hearing_deadline=DEADLINE, first_held_at=held, now=when(now))
        is due
    )


def test_dvpn_ends_when_decided_or_at_the_deadline_when_lapsed():
    decided = when("2026-03-07T10:30:00+00:00")
    assert (
        rules.dvpn_ends_at(
            status="ended", hearing_deadline=DEADLINE, first_held_at=decided, decided_at=decided
        )
        == decided
    )
    assert (
        rules.dvpn_ends_at(
            status="lapsed", hearing_deadline=DEADLINE, first_held_at=None, decided_at=None
        )
        == DEADLINE
    )
    adjourned = rules.dvpn_ends_at(
        status="served", hearing_deadline=DEADLINE, first_held_at=decided, decided_at=None
    )
    assert adjourned is None  # adjourned: runs on with no fixed end


@pytest.mark.parametrize(
    ("now", "ends"),
    [
        ("2026-03-08T12:00:00+00:00", None),  # before the deadline: still in force
        ("2026-03-09T09:00:00+00:00", None),  # at the deadline: still in force
        ("2026-03-09T09:01:00+00:00", DEADLINE),  # passed: ended then, lapse job or not
    ],
)
def test_an_unmet_deadline_ends_the_dvpn_whatever_its_status(now, ends):
    assert (
        rules.dvpn_ends_at(
            status="served",
            hearing_deadline=DEADLINE,
            first_held_at=None,
            decided_at=None,
            now=when(now),
        )
        == ends
    )


def test_application_transitions():
    assert rules.application_transition("listed", "adjourned") == "adjourned"
    assert rules.application_transition("adjourned", "granted") == "granted"
    for decided in rules.DECIDED:
        for outcome in rules.APPLICATION_TRANSITIONS:
            assert rules.application_transition(decided, outcome) is None


def test_28_day_order_across_the_spring_clock_change():
    last_day, expires_at = rules.order_dates(date(2026, 3, 7), 28)
    assert last_day == date(2026, 4, 3)
    # Midnight after Fri 3 Apr, in British Summer Time (clocks went forward Sun 29 Mar).
    assert expires_at == when("2026-04-04T00:00:00+01:00")
    assert expires_at == when("2026-04-03T23:00:00+00:00")
    assert rules.order_dates(date(2026, 3, 2), 28) == (
        date(2026, 3, 29),
        when("2026-03-30T00:00:00+01:00"),
    )


def test_order_days_outside_14_to_28_are_refused_with_the_statutory_message():
    assert rules.order_dates(date(2026, 3, 7), 14)[0] == date(2026, 3, 20)
    for days in (13, 29, 0):
        with pytest.raises(ValueError) as error:
            rules.order_dates(date(2026, 3, 7), days)
        assert str(error.value) == deadlines.ORDER_DAYS_RANGE.format(days=days)


def test_order_starts_at_local_midnight_and_ends_at_the_earlier_of_expiry_and_discharge():
    assert rules.order_starts_at(date(2026, 3, 7)) == when("2026-03-07T00:00:00+00:00")
    assert rules.order_starts_at(date(2026, 4, 1)) == when("2026-03-31T23:00:00+00:00")
    expires = when("2026-04-03T23:00:00+00:00")
    discharged = when("2026-03-20T15:00:00+00:00")
    assert rules.order_ends_at(expires_at=expires, discharged_at=None) == expires
    assert rules.order_ends_at(expires_at=expires, discharged_at=discharged) == discharged


def test_expiry_due():
    expires = when("2026-04-03T23:00:00+00:00")
    assert rules.expiry_due(status="in_force", expires_at=expires, now=expires)
    assert rules.expiry_due(status="varied", expires_at=expires, now=expires)
    assert not rules.expiry_due(
        status="in_force", expires_at=expires, now=when("2026-04-03T22:59:00+00:00")
    )
    assert not rules.expiry_due(status="expired", expires_at=expires, now=expires)
    assert not rules.expiry_due(status="discharged", expires_at=expires, now=expires)


SERVED = when("2026-03-06T09:00:00+00:00")
NOW = when("2026-03-08T12:00:00+00:00")


@pytest.mark.parametrize(
    ("occurred_at", "ends_at", "is_order", "message"),
    [
        ("2026-03-08T12:01:00+00:00", None, False, rules.BREACH_IN_FUTURE),
        (
            "2026-03-06T08:59:00+00:00",
            None,
            False,
            "The breach cannot be before the DVPN was served (Fri 6 Mar 2026, 09:00).",
        ),
        (
            "2026-03-07T11:00:00+00:00",
            "2026-03-07T10:30:00+00:00",
            False,
            "The breach cannot be after the DVPN ended (Sat 7 Mar 2026, 10:30).",
        ),
        (
            "2026-03-07T10:00:00+00:00",  # at the decision: the DVPN's, not the order's
            None,
            True,
            "The breach must be after the DVPO was made (Sat 7 Mar 2026, 10:00). Until then "
            "the DVPN was in force: record it as a breach of the DVPN.",
        ),
        ("2026-03-07T10:01:00+00:00", None, True, None),
        # A DVPN is in force at the moment it ends (the decision), not after.
        ("2026-03-07T10:30:00+00:00", "2026-03-07T10:30:00+00:00", False, None),
        (
            "2026-03-07T11:00:00+00:00",
            "2026-03-07T10:30:00+00:00",
            True,
            "The breach cannot be after the DVPO ended (Sat 7 Mar 2026, 10:30).",
        ),
        ("2026-03-06T09:00:00+00:00", None, False, None),
        ("2026-03-07T10:29:00+00:00", "2026-03-07T10:30:00+00:00", True, None),
    ],
)
def test_breach_time_problem(occurred_at, ends_at, is_order, message):
    starts_at = when("2026-03-07T10:00:00+00:00") if is_order else SERVED  # made at 10:00
    problem = rules.breach_time_problem(
        occurred_at=when(occurred_at),
        now=NOW,
        starts_at=starts_at,
        ends_at=when(ends_at) if ends_at else None,
        is_order=is_order,
    )
    assert problem == (("occurred_at", message) if message else None)


def test_arrest_problem():
    occurred = when("2026-03-07T20:00:00+00:00")
    assert rules.arrest_problem(
        arrested_at=when("2026-03-07T19:59:00+00:00"), occurred_at=occurred, now=NOW
    ) == ("arrested_at", "The arrest cannot be before the breach (Sat 7 Mar 2026, 20:00).")
    assert rules.arrest_problem(
        arrested_at=when("2026-03-08T12:01:00+00:00"), occurred_at=occurred, now=NOW
    ) == ("arrested_at", rules.ARREST_IN_FUTURE)
    assert rules.arrest_problem(arrested_at=occurred, occurred_at=occurred, now=NOW) is None


def test_dvpn_breach_production_is_at_the_hearing_when_that_is_sooner():
    arrested = when("2026-03-06T21:00:00+00:00")
    listed = when("2026-03-07T10:00:00+00:00")
    deadline = rules.production_deadline(arrested_at=arrested, is_order=False, listed_for=listed)
    assert deadline == listed
    # A listing later than 24 counted hours does not extend it.
    later = rules.production_deadline(
        arrested_at=arrested, is_order=False, listed_for=when("2026-03-09T10:00:00+00:00")
    )
    assert later == when("2026-03-07T21:00:00+00:00")
    # A listing already past when P was arrested does not count.
    past = rules.production_deadline(
        arrested_at=arrested, is_order=False, listed_for=when("2026-03-06T20:00:00+00:00")
    )
    assert past == when("2026-03-07T21:00:00+00:00")


def test_dvpo_breach_production_skips_the_sunday_and_ignores_listings():
    arrested = when("2026-03-14T22:00:00+00:00")  # Saturday night
    deadline = rules.production_deadline(
        arrested_at=arrested, is_order=True, listed_for=when("2026-03-15T10:00:00+00:00")
    )
    assert deadline == when("2026-03-16T22:00:00+00:00")  # Monday 22:00; Sunday not counted


@pytest.mark.parametrize(
    ("outcome", "is_order", "fine", "days", "problem"),
    [
        ("fine", True, Decimal("100"), None, None),
        ("fine", True, Decimal("5000"), None, None),
        ("fine", True, Decimal("5000.01"), None, ("fine_pounds", rules.FINE_TOO_HIGH)),
        ("fine", True, None, None, ("fine_pounds", rules.FINE_NEEDED)),
        ("fine", True, Decimal("0"), None, ("fine_pounds", rules.FINE_NEEDED)),
        ("fine", True, Decimal("50"), 3, ("committal_days", rules.SANCTION_EXTRA)),
        ("committal", True, None, 60, None),
        ("committal", True, None, 61, ("committal_days", rules.COMMITTAL_TOO_LONG)),
        ("committal", True, None, 0, ("committal_days", rules.COMMITTAL_NEEDED)),
        ("committal", True, None, None, ("committal_days", rules.COMMITTAL_NEEDED)),
        ("committal", True, Decimal("5"), 10, ("fine_pounds", rules.SANCTION_EXTRA)),
        ("fine", False, Decimal("100"), None, ("outcome", rules.SANCTION_DVPN)),
        ("committal", False, None, 7, ("outcome", rules.SANCTION_DVPN)),
        ("no_action", False, None, None, None),
        ("adjourned", True, None, None, None),
        ("no_action", True, Decimal("5"), None, ("fine_pounds", rules.SANCTION_EXTRA)),
    ],
)
def test_sanction_problem(outcome, is_order, fine, days, problem):
    assert (
        rules.sanction_problem(
            outcome=outcome, is_order=is_order, fine_pounds=fine, committal_days=days
        )
        == problem
    )


D1, D2, D3, D4, D5 = (date(2026, 3, d) for d in (6, 6, 7, 8, 20))


@pytest.mark.parametrize(
    ("facts", "codes"),
    [
        ({}, []),
        ({"dvpn_authorised_on": D1}, ["FP"]),
        ({"dvpn_authorised_on": D1, "dvpn_served_on": D2}, ["FP", "FQ"]),
        (
            {"dvpn_authorised_on": D1, "dvpn_served_on": D2, "dvpn_breached_on": D3},
            ["FP", "FQ", "FT"],
        ),
        (
            {"dvpn_authorised_on": D1, "dvpn_served_on": D2, "dvpo_issued_on": D4},
            ["FP", "FQ", "FS"],
        ),
        (
            {
                "dvpn_authorised_on": D1,
                "dvpn_served_on": D2,
                "dvpn_breached_on": D3,
                "dvpo_issued_on": D4,
                "dvpo_breached_on": D5,
            },
            ["FP", "FQ", "FT", "FS", "FU"],
        ),
    ],
)
def test_record_flags(facts, codes):
    flags = rules.record_flags(**facts)
    assert [code for code, _, _ in flags] == codes
    labels = dict(rules.FLAGS)
    keys = {
        "FP": "dvpn_authorised_on",
        "FQ": "dvpn_served_on",
        "FT": "dvpn_breached_on",
        "FS": "dvpo_issued_on",
        "FU": "dvpo_breached_on",
    }
    for code, label, day in flags:
        assert label == labels[code]
        assert day == facts[keys[code]]
