"""Hand-built records for the reports tests: incidents, flags, DVPNs, hearings, referrals and
people made directly (the figures read the stored rows; how services store flags is tested in
test_reports_live_flags.py). Every instant is UTC; comments give London time."""

from datetime import date

from cases.models import DVPN, Case, Party, Person, RiskAssessment
from courts.models import Court, DVPOApplication, Hearing
from dvpo.models import BCU
from referrals.models import ContactAttempt, Referral
from reports.models import Flag, ImportedCase
from tests.helpers import when


def make_case(reference, reported_at, bcu, owner, *, force=None):
    return Case.objects.create(
        force=force or bcu.force,
        crime_reference=reference,
        reported_at=when(reported_at),
        bcu=bcu,
        location="1 Fictional Road",
        summary="A fictional incident.",
        owner=owner,
    )


def flag(case, code, at, source="live"):
    return Flag.objects.create(case=case, code=code, flagged_at=when(at), source=source)


def dvpn(case, applicant, *, status="submitted", served_at=None, deadline=None, version=1):
    return DVPN.objects.create(
        case=case,
        version=version,
        applicant=applicant,
        status=status,
        submitted_at=case.reported_at,
        served_at=when(served_at) if served_at else None,
        hearing_deadline=when(deadline) if deadline else None,
    )


def court():
    return Court.objects.get_or_create(code="fictional", defaults={"name": "Fictional Court"})[0]


def application(notice, by, *, status, held_at=None, outcome=None):
    app = DVPOApplication.objects.create(
        dvpn=notice,
        court=court(),
        listed_for=notice.hearing_deadline or notice.case.reported_at,
        status=status,
        created_by=by,
        created_at=notice.case.reported_at,
    )
    if held_at:
        Hearing.objects.create(
            application=app, held_at=when(held_at), outcome=outcome or status, recorded_by=by
        )
    return app


def party(case, person, role):
    return Party.objects.create(case=case, person=person, role=role)


def person(force, name, *, gender, born=None, ethnicity="NS"):
    first, last = name.split()
    return Person.objects.create(
        force=force,
        first_name=first,
        last_name=last,
        gender=gender,
        date_of_birth=born,
        ethnicity=ethnicity,
    )


def flags_dataset(force, officer, other_force):
    """Incidents for the monthly flag counts and the annual return (see the tests' tables).

    EAST: A (1 Apr 2025 00:30 BST), B (31 Mar 2025 23:30 BST), E, I (imported); WEST: C, D,
    G, J; F recorded in February; H in another force."""
    east = BCU.objects.get(force=force, code="EAST")
    west = BCU.objects.get(force=force, code="WEST")
    h_bcu = BCU.objects.create(force=other_force, code="ELSE", name="Elsewhere BCU")
    cases = {}
    # A: recorded 31 Mar 23:30 UTC = 1 Apr 00:30 BST (April); FP and FQ (counted once); FS.
    a = cases["A"] = make_case("A/25", "2025-03-31T23:30:00+00:00", east, officer)
    flag(a, "FP", "2025-04-01T10:00:00+00:00")
    flag(a, "FQ", "2025-04-01T12:00:00+00:00")
    flag(a, "FS", "2025-04-03T10:00:00+00:00")
    notice = dvpn(a, officer, status="ended", served_at="2025-04-01T12:00:00+00:00")
    application(notice, officer, status="granted")
    # B: recorded 31 Mar 22:30 UTC = 23:30 BST (March); flagged in April: FP, FQ, FT.
    b = cases["B"] = make_case("B/25", "2025-03-31T22:30:00+00:00", east, officer)
    flag(b, "FP", "2025-04-02T09:00:00+00:00")
    flag(b, "FQ", "2025-04-02T10:00:00+00:00")
    flag(b, "FT", "2025-04-02T20:00:00+00:00")
    dvpn(b, officer, status="served", served_at="2025-04-02T10:00:00+00:00")
    # C: recorded 30 Apr 23:30 BST (April); FQ only, in May; FS; FU. No DVPN row.
    c = cases["C"] = make_case("C/25", "2025-04-30T22:30:00+00:00", west, officer)
    flag(c, "FQ", "2025-05-01T09:00:00+00:00")
    flag(c, "FS", "2025-05-02T09:00:00+00:00")
    flag(c, "FU", "2025-05-20T09:00:00+00:00")
    # D: May; FP only (authorised, never served).
    d = cases["D"] = make_case("D/25", "2025-05-15T10:00:00+00:00", west, officer)
    flag(d, "FP", "2025-05-15T15:00:00+00:00")
    dvpn(d, officer, status="authorised")
    # E: 30 Jun 23:59 BST (June); a DVPN refused: no flags.
    e = cases["E"] = make_case("E/25", "2025-06-30T22:59:00+00:00", east, officer)
    dvpn(e, officer, status="refused")
    # F: recorded in February; FQ on 1 Mar 00:30 GMT, FT in March.
    f = cases["F"] = make_case("F/25", "2025-02-20T10:00:00+00:00", east, officer)
    flag(f, "FQ", "2025-03-01T00:30:00+00:00")
    flag(f, "FT", "2025-03-05T10:00:00+00:00")
    # G: June; FP 30 Jun 23:30 BST (June), FQ 1 Jul 00:30 BST (July), FS in July.
    g = cases["G"] = make_case("G/25", "2025-06-29T10:00:00+00:00", west, officer)
    flag(g, "FP", "2025-06-30T22:30:00+00:00")
    flag(g, "FQ", "2025-06-30T23:30:00+00:00")
    flag(g, "FS", "2025-07-02T10:00:00+00:00")
    notice = dvpn(g, officer, status="ended", served_at="2025-06-30T23:30:00+00:00")
    application(notice, officer, status="granted")
    # J: July; served, DVPO application refused.
    j = cases["J"] = make_case("J/25", "2025-07-10T09:00:00+00:00", west, officer)
    flag(j, "FP", "2025-07-10T12:00:00+00:00")
    flag(j, "FQ", "2025-07-10T14:00:00+00:00")
    notice = dvpn(j, officer, status="ended", served_at="2025-07-10T14:00:00+00:00")
    application(notice, officer, status="refused")
    # H: another force, every flag: never counted.
    h = cases["H"] = make_case("H/25", "2025-04-10T10:00:00+00:00", h_bcu, officer)
    for code in ("FP", "FQ", "FS", "FT", "FU"):
        flag(h, code, "2025-04-11T10:00:00+00:00")
    # I: an imported historical record, recorded 5 May 2025 (London midnight), FQ, FS.
    i = cases["I"] = make_case("I/25", "2025-05-04T23:00:00+00:00", east, officer)
    i.status = Case.Status.CLOSED
    i.save()
    ImportedCase.objects.create(case=i, imported_at=when("2026-01-01T00:00:00+00:00"))
    flag(i, "FQ", "2025-05-06T00:00:00+00:00", source="imported")
    flag(i, "FS", "2025-05-07T00:00:00+00:00", source="imported")
    return cases


def management_dataset(force, officer, other_force, instrument, service):
    """Incidents recorded in January 2026 for the management figures (see the test)."""
    east = BCU.objects.get(force=force, code="EAST")
    west = BCU.objects.get(force=force, code="WEST")
    vera = person(force, "Vera Fictional", gender="female", born=date(1990, 1, 2), ethnicity="W1")
    sam = person(force, "Sam Madeup", gender="male", born=date(2010, 3, 1), ethnicity="A3")
    paul = person(force, "Paul Pretend", gender="male", born=date(2000, 6, 1), ethnicity="B2")
    pete = person(force, "Pete Invented", gender="male")

    def assess(case, victim, grade, at):
        return RiskAssessment.objects.create(
            case=case,
            victim=victim,
            instrument=instrument,
            answers={},
            yes_count=0,
            suggested_grade=grade,
            grade=grade,
            final_grade=grade,
            assessed_by=officer,
            assessed_at=when(at),
        )

    def referral(case, victim, kind, *, due, met=None, sent=None, to=service, status="sent"):
        return Referral.objects.create(
            case=case,
            victim=victim,
            service=to,
            kind=kind,
            status=status,
            due_at=when(due),
            duty_met_at=when(met) if met else None,
            sent_at=when(sent) if sent else None,
            created_by=officer,
            created_at=case.reported_at,
        )

    def attempt(ref, outcome, at):
        return ContactAttempt.objects.create(
            referral=ref, at=when(at), outcome=outcome, by=officer, recorded_at=when(at)
        )

    # M1: EAST, 5 Jan; graded standard then high; DVPN 4 h after the report; heard in time
    # 42 h after service; granted; the order breached. Referral in time; victim spoke.
    m1 = make_case("M1/26", "2026-01-05T10:00:00+00:00", east, officer)
    v1 = party(m1, vera, "victim")
    party(m1, paul, "perpetrator")
    assess(m1, v1, "standard", "2026-01-05T11:00:00+00:00")
    assess(m1, v1, "high", "2026-01-05T12:00:00+00:00")
    for code, at in (("FP", "05T14"), ("FQ", "05T16"), ("FS", "07T10"), ("FU", "09T10")):
        flag(m1, code, f"2026-01-{at}:00:00+00:00")
    notice = dvpn(
        m1,
        officer,
        status="ended",
        served_at="2026-01-05T16:00:00+00:00",
        deadline="2026-01-07T16:00:00+00:00",
    )
    application(notice, officer, status="granted", held_at="2026-01-07T10:00:00+00:00")
    r1 = referral(
        m1,
        v1,
        "victims_code",
        due="2026-01-08T00:00:00+00:00",
        met="2026-01-06T10:00:00+00:00",
        sent="2026-01-06T10:00:00+00:00",
    )
    attempt(r1, "spoke", "2026-01-06T15:00:00+00:00")
    # M2: WEST, 10 Jan; the same victim again (repeat); medium; DVPN 10 h after; heard late,
    # 85 h after service; refused; the notice breached. Referral late; victim declined.
    m2 = make_case("M2/26", "2026-01-10T10:00:00+00:00", west, officer)
    v2 = party(m2, vera, "victim")
    party(m2, pete, "perpetrator")
    assess(m2, v2, "medium", "2026-01-10T11:00:00+00:00")
    for code, at in (("FP", "10T20"), ("FQ", "10T21"), ("FT", "11T10")):
        flag(m2, code, f"2026-01-{at}:00:00+00:00")
    notice = dvpn(
        m2,
        officer,
        status="ended",
        served_at="2026-01-10T21:00:00+00:00",
        deadline="2026-01-13T21:00:00+00:00",
    )
    application(notice, officer, status="refused", held_at="2026-01-14T10:00:00+00:00")
    r2 = referral(
        m2,
        v2,
        "victims_code",
        due="2026-01-14T00:00:00+00:00",
        met="2026-01-15T10:00:00+00:00",
        sent="2026-01-15T10:00:00+00:00",
    )
    attempt(r2, "no_answer", "2026-01-15T12:00:00+00:00")
    attempt(r2, "declined_support", "2026-01-16T12:00:00+00:00")
    # M3: EAST, 20 Jan; a child victim, no DASH; DVPN 24 h after; no hearing by the deadline.
    # A draft referral not due yet; a MARAC referral (to no service).
    m3 = make_case("M3/26", "2026-01-20T10:00:00+00:00", east, officer)
    v3 = party(m3, sam, "victim")
    for code, at in (("FP", "21T10"), ("FQ", "21T11")):
        flag(m3, code, f"2026-01-{at}:00:00+00:00")
    dvpn(
        m3,
        officer,
        status="lapsed",
        served_at="2026-01-21T11:00:00+00:00",
        deadline="2026-01-23T11:00:00+00:00",
    )
    referral(m3, v3, "dvpo_support", due="2026-02-20T00:00:00+00:00", status="draft")
    referral(
        m3,
        v3,
        "marac",
        due="2026-01-22T00:00:00+00:00",
        met="2026-01-21T10:00:00+00:00",
        sent="2026-01-21T10:00:00+00:00",
        to=None,
    )
    # M5: EAST, January 2025 (outside the period and over 12 months before M3): Sam again.
    m5 = make_case("M5/25", "2025-01-19T10:00:00+00:00", east, officer)
    party(m5, sam, "victim")
    # M6: 31 Dec 2025 23:30 GMT: outside the period.
    m6 = make_case("M6/25", "2025-12-31T23:30:00+00:00", east, officer)
    flag(m6, "FP", "2026-01-01T10:00:00+00:00")
    # M4: another force, in the period: never counted.
    else_bcu = BCU.objects.create(force=other_force, code="ELSE", name="Elsewhere BCU")
    m4 = make_case("M4/26", "2026-01-12T10:00:00+00:00", else_bcu, officer)
    party(m4, person(other_force, "Olga Other", gender="female"), "victim")
    for code in ("FP", "FQ", "FS", "FT", "FU"):
        flag(m4, code, "2026-01-12T12:00:00+00:00")
    return {"M1": m1, "M2": m2, "M3": m3}
