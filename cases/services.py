"""Writes for cases: one function per change, each in one transaction.

Each service locks the row it changes, checks the rules (raising ActionRefused
with a message a person can read, having changed nothing), saves with the
acting user recorded in the history, and writes the domain event that the
case timeline shows. Statute references are to the Crime and Security Act 2010.
"""

import re
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases import rules
from cases.models import (
    DVPN,
    Case,
    CaseEvent,
    Party,
    Person,
    RiskAssessment,
    RiskGrade,
    RiskInstrument,
    SafeContact,
    Task,
)
from cases.permissions import can_authorise, can_view_case, can_work_on_case
from dvpo import deadlines, hooks
from dvpo.calendar import current_calendar
from dvpo.errors import ActionRefused, check_version, require, save_as
from reports.services import flag_record

# --- Messages (tests assert on these) ----------------------------------------
NOT_ALLOWED = "You do not have permission to do that on this case."
REFERENCE_TAKEN = "Crime reference {ref} is already used by another case in this force."
# When the case holding the reference is one the officer may not see: do not confirm it exists.
REFERENCE_UNUSABLE = "Crime reference {ref} cannot be used. Check it, or ask your supervisor."
REFERENCE_FORMAT = "Enter the crime reference in the force's format: {hint}"
REPORTED_IN_FUTURE = "The time the incident was reported cannot be in the future."
BCU_OTHER_FORCE = "Choose a BCU of your own force."
TEAM_OTHER_BCU = "The team must belong to the chosen BCU."
PERSON_OTHER_FORCE = "That person belongs to another force's records."
PERSON_ALREADY_ON_CASE = "{person} is already on this case."
SECOND_PERPETRATOR = "This case already has a perpetrator (P). A DVPN is about one person."
P_UNDER_18 = "P must be 18 or over for a DVPN (s.24(1)); {person} was {age} when it was reported."
SAFE_CONTACT_VICTIMS_ONLY = "Safe-contact details are recorded for victims only."
SAFE_NUMBER_NEEDED = (
    "Enter a safe contact number, or say there is none and how to make contact instead."
)
NOT_A_VICTIM = "Choose a victim on this case."
ANSWER_EVERY_QUESTION = "Answer every question (yes, no or not known). Missing: {numbers}."
GRADE_RATIONALE_NEEDED = (
    "Explain why your grade ({grade}) differs from the suggested grade ({suggested})."
)
CANNOT_LOWER_VISIBLE_HIGH = (
    "{yes} 'yes' answers is visible high risk. Only a supervisor can lower it, "
    "when they quality-assure the grade."
)
NOT_A_SUPERVISOR = "Only a supervisor in this force can quality-assure a risk grade."
ALREADY_REVIEWED = "This risk grade has already been quality-assured."
REVIEW_REASON_NEEDED = "Give the reason for changing the grade."
OWN_ASSESSMENT = "You cannot quality-assure a risk assessment you made yourself."
DVPN_ALREADY_ACTIVE = "This case already has a DVPN application that is {status}."
NOT_A_DRAFT = "Only a draft application can be changed; this one is {status}."
PREMISES_WITHOUT_SHARING = (
    "Premises provisions can only be sought when the victim and P share premises (s.24(8))."
)
DECISION_REASONS_NEEDED = "Give the reasons for your decision."
OWN_APPLICATION = "You cannot decide a DVPN you applied for yourself."
USE_REVISE = (
    "The latest DVPN application on this case was refused. "
    "Revise it to start the next version instead of starting a new application."
)
NOT_LATEST_VERSION = "Only the latest version of a DVPN application can be revised."
NOT_AN_AUTHORISER = (
    "Only an authorising officer of superintendent rank or above may decide (s.24(1))."
)
SERVED_IN_FUTURE = "The time of service cannot be in the future."
SERVED_BEFORE_AUTHORISATION = "The DVPN cannot have been served before it was authorised ({at})."
NOTICE_ADDRESS_NEEDED = "Enter the address P gave for notice of the hearing, or say P gave none."
NOT_A_CONSTABLE = "A DVPN is served by a constable: only police officers can record service."


def event_record(
    case: Case, kind: str, actor, summary: str = "", at: datetime | None = None
) -> CaseEvent:
    """A line on the case timeline: who did what, when (in the caller's transaction)."""
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, summary=summary, at=at or timezone.now()
    )


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


# --- The case ----------------------------------------------------------------


def _check_case_fields(*, actor, crime_reference, reported_at, bcu, team, exclude_pk=None):
    force = actor.organisation
    pattern = force.crime_reference_pattern
    if pattern and not re.fullmatch(pattern, crime_reference):
        raise ActionRefused(
            REFERENCE_FORMAT.format(hint=force.crime_reference_hint or pattern),
            field="crime_reference",
        )
    _check_reference_free(actor, crime_reference, exclude_pk)
    require(reported_at <= timezone.now(), REPORTED_IN_FUTURE, "reported_at")
    require(bcu.force_id == force.pk, BCU_OTHER_FORCE, "bcu")
    require(team is None or team.bcu_id == bcu.pk, TEAM_OTHER_BCU, "team")


def _check_reference_free(actor, crime_reference, exclude_pk=None):
    taken = Case.objects.filter(force_id=actor.organisation_id, crime_reference=crime_reference)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    other = taken.select_related("force").first()
    if other is not None:
        message = REFERENCE_TAKEN if can_view_case(actor, other) else REFERENCE_UNUSABLE
        raise ActionRefused(message.format(ref=crime_reference), field="crime_reference")


def _save_case(case: Case, actor) -> None:
    """Save in a savepoint: when another case took the crime reference since the check,
    the unique constraint refuses it, as the check would have."""
    try:
        with transaction.atomic():
            save_as(case, actor)
    except IntegrityError:
        _check_reference_free(actor, case.crime_reference, exclude_pk=case.pk)
        raise


@transaction.atomic
def case_create(
    *,
    actor,
    crime_reference: str,
    reported_at: datetime,
    bcu,
    team=None,
    location: str,
    summary: str,
    p_arrested: bool = False,
    criminal_outcome: str = "",
) -> Case:
    require(actor.has_perm("dvpo.record_incident") and actor.organisation_id, NOT_ALLOWED)
    crime_reference = crime_reference.strip().upper()
    _check_case_fields(
        actor=actor, crime_reference=crime_reference, reported_at=reported_at, bcu=bcu, team=team
    )
    case = Case(
        force=actor.organisation,
        crime_reference=crime_reference,
        reported_at=reported_at,
        bcu=bcu,
        team=team,
        location=location,
        summary=summary,
        owner=actor,
        p_arrested=p_arrested,
        criminal_outcome=criminal_outcome,
    )
    _save_case(case, actor)
    event_record(case, CaseEvent.Kind.CASE_CREATED, actor, f"Crime reference {crime_reference}")
    return case


CASE_EDITABLE = (
    "crime_reference",
    "reported_at",
    "bcu",
    "team",
    "location",
    "summary",
    "p_arrested",
    "criminal_outcome",
)


@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int, **changes) -> Case:
    case = _lock(Case, case.pk)
    require(can_work_on_case(actor, case), NOT_ALLOWED)
    check_version(case, expected_version)
    unknown = set(changes) - set(CASE_EDITABLE)
    require(not unknown, f"Cannot change {', '.join(sorted(unknown))} here.")
    merged = {field: changes.get(field, getattr(case, field)) for field in CASE_EDITABLE}
    merged["crime_reference"] = merged["crime_reference"].strip().upper()
    _check_case_fields(
        actor=actor,
        exclude_pk=case.pk,
        **{k: merged[k] for k in ("crime_reference", "reported_at", "bcu", "team")},
    )
    changed = [f for f in CASE_EDITABLE if getattr(case, f) != merged[f]]
    if not changed:
        return case
    for field in changed:
        setattr(case, field, merged[field])
    _save_case(case, actor)
    event_record(
        case,
        CaseEvent.Kind.CASE_UPDATED,
        actor,
        "Changed: " + ", ".join(Case._meta.get_field(f).verbose_name for f in changed),
    )
    if "reported_at" in changed:  # draft Victims' Code referrals are due from the report
        hooks.case_reported_at_changed.send(actor=actor, case=case)
    return case


# --- People ------------------------------------------------------------------


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def party_add(
    *,
    actor,
    case: Case,
    role: str,
    person: Person | None = None,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    gender: str = "",
    ethnicity: str = "",
    address: str = "",
    relationship_to_p: str = "",
    lives_with_p: bool = False,
) -> Party:
    """Add someone to a case: an existing person (a repeat victim) or a new one."""
    case = _lock(Case, case.pk)
    require(can_work_on_case(actor, case), NOT_ALLOWED)
    if person is None:
        person = Person(
            force=case.force,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            date_of_birth=date_of_birth,
            gender=gender or Person._meta.get_field("gender").default,
            ethnicity=ethnicity or Person._meta.get_field("ethnicity").default,
            address=address,
        )
    else:
        require(person.force_id == case.force_id, PERSON_OTHER_FORCE)
        require(
            not case.parties.filter(person=person).exists(),
            PERSON_ALREADY_ON_CASE.format(person=person),
        )
    if role == Party.Role.PERPETRATOR:
        require(
            not case.parties.filter(role=Party.Role.PERPETRATOR).exists(),
            SECOND_PERPETRATOR,
            "role",
        )
        _check_p_age(person, case)
    if person.pk is None:
        save_as(person, actor)
    party = Party(
        case=case,
        person=person,
        role=role,
        relationship_to_p=relationship_to_p,
        lives_with_p=lives_with_p,
    )
    save_as(party, actor)
    event_record(
        case, CaseEvent.Kind.PERSON_ADDED, actor, f"{person} as {party.get_role_display()}"
    )
    return party


def _check_p_age(person: Person, case: Case) -> None:
    if person.date_of_birth is None:
        return  # checked again, strictly, when the DVPN is submitted
    age = age_on(person.date_of_birth, timezone.localdate(case.reported_at))
    require(age >= 18, P_UNDER_18.format(person=person, age=age), "date_of_birth")


@transaction.atomic
def safe_contact_save(
    *, actor, party: Party, expected_version: int | None, **fields
) -> SafeContact:
    # Lock the party first, so that two first saves cannot both create a SafeContact: the
    # second waits, then finds the first one's and gets the edit-conflict message.
    party = Party.objects.select_for_update(of=("self",)).select_related("case").get(pk=party.pk)
    require(can_work_on_case(actor, party.case), NOT_ALLOWED)
    require(party.role == Party.Role.VICTIM, SAFE_CONTACT_VICTIMS_ONLY)
    contact = SafeContact.objects.select_for_update().filter(party=party).first()
    if contact is None:
        contact = SafeContact(party=party)
    else:
        check_version(contact, expected_version)
    for field, value in fields.items():
        setattr(contact, field, value)
    has_number = bool(contact.safe_phone.strip())
    has_alternative = contact.no_safe_number and bool(contact.contact_through.strip())
    require(has_number != has_alternative or has_number, SAFE_NUMBER_NEEDED, "safe_phone")
    if has_number:
        contact.no_safe_number = False
    save_as(contact, actor)
    event_record(party.case, CaseEvent.Kind.SAFE_CONTACT, actor, str(party.person))
    return contact


# --- Risk (DASH) --------------------------------------------------------------


def task_open(case: Case, kind: str, actor, note: str = "", at: datetime | None = None) -> Task:
    """The case's open task of this kind, created (with a timeline event) if there is none."""
    task = case.tasks.filter(kind=kind, done_at__isnull=True).first()
    if task:
        return task
    task = Task(case=case, kind=kind, created_at=at or timezone.now(), note=note)
    save_as(task, actor)
    summary = f"{task.get_kind_display()}: {note}" if note else task.get_kind_display()
    event_record(case, CaseEvent.Kind.TASK_CREATED, actor, summary, at)
    return task


@transaction.atomic
def risk_assess(
    *,
    actor,
    case: Case,
    victim: Party,
    instrument: RiskInstrument,
    answers: dict,
    grade: str,
    rationale: str = "",
) -> RiskAssessment:
    """Record a DASH: count the yes answers, suggest a grade, flag escalation, check the grade."""
    case = _lock(Case, case.pk)
    require(can_work_on_case(actor, case), NOT_ALLOWED)
    require(victim.case_id == case.pk and victim.role == Party.Role.VICTIM, NOT_A_VICTIM)
    numbers = list(instrument.questions.values_list("number", flat=True))
    answers = {str(k): v for k, v in answers.items()}
    missing = [n for n in numbers if answers.get(str(n)) not in RiskAssessment.Answer.values]
    require(not missing, ANSWER_EVERY_QUESTION.format(numbers=", ".join(map(str, missing))))
    assessment = rules.grade_suggestion(answers, instrument.high_risk_yes_threshold)
    escalation = rules.potential_escalation(prior_incidents(case, victim))
    problem = rules.grade_problem(grade, assessment.suggested, assessment.visible_high, rationale)
    if problem == rules.LOWERS_VISIBLE_HIGH:
        raise ActionRefused(
            CANNOT_LOWER_VISIBLE_HIGH.format(yes=assessment.yes_count), field="grade"
        )
    if problem == rules.NEEDS_RATIONALE:
        raise ActionRefused(
            GRADE_RATIONALE_NEEDED.format(
                grade=RiskGrade(grade).label, suggested=RiskGrade(assessment.suggested).label
            ),
            field="rationale",
        )
    risk = RiskAssessment(
        case=case,
        victim=victim,
        instrument=instrument,
        answers={str(n): answers[str(n)] for n in numbers},
        yes_count=assessment.yes_count,
        suggested_grade=assessment.suggested,
        potential_escalation=escalation,
        grade=grade,
        rationale=rationale,
        assessed_by=actor,
        assessed_at=timezone.now(),
        final_grade=grade,
    )
    save_as(risk, actor)
    event_record(
        case,
        CaseEvent.Kind.DASH_RECORDED,
        actor,
        f"{victim.person}: {assessment.yes_count} yes, graded {risk.get_grade_display()}"
        + (" (potential escalation)" if escalation else ""),
    )
    if grade == RiskGrade.HIGH:
        task_open(case, Task.Kind.MARAC_REFERRAL, actor)
    return risk


def prior_incidents(case: Case, victim: Party) -> int:
    """Incidents between this victim and this case's P in the 12 months up to this one."""
    perpetrator = case.parties.filter(role=Party.Role.PERPETRATOR).first()
    if perpetrator is None:
        return 1
    since = case.reported_at - timedelta(days=365)
    return (
        Case.objects.filter(
            force=case.force,
            reported_at__gte=since,
            reported_at__lte=case.reported_at,
            parties__person=victim.person,
            parties__role=Party.Role.VICTIM,
        )
        .filter(parties__person=perpetrator.person, parties__role=Party.Role.PERPETRATOR)
        .distinct()
        .count()
    )


@transaction.atomic
def risk_review(
    *,
    actor,
    risk: RiskAssessment,
    grade: str,
    reason: str = "",
    expected_version: int | None,
) -> RiskAssessment:
    """A supervisor confirms the grade, or changes it (either way) with a reason."""
    risk = RiskAssessment.objects.select_for_update().select_related("case").get(pk=risk.pk)
    require(
        actor.has_perm("dvpo.quality_assure_dash") and actor.organisation_id == risk.case.force_id,
        NOT_A_SUPERVISOR,
    )
    require(risk.assessed_by_id != actor.pk, OWN_ASSESSMENT)
    require(risk.review == RiskAssessment.Review.AWAITING, ALREADY_REVIEWED)
    check_version(risk, expected_version)
    changed = grade != risk.grade
    require(not changed or reason.strip(), REVIEW_REASON_NEEDED, "reason")
    risk.review = RiskAssessment.Review.CHANGED if changed else RiskAssessment.Review.CONFIRMED
    risk.final_grade = grade
    risk.reviewed_by, risk.reviewed_at, risk.review_reason = actor, timezone.now(), reason
    save_as(risk, actor)
    verdict = (
        f"changed from {RiskGrade(risk.grade).label} to {RiskGrade(grade).label}"
        if changed
        else f"confirmed {RiskGrade(grade).label}"
    )
    event_record(risk.case, CaseEvent.Kind.DASH_REVIEWED, actor, verdict)
    if grade == RiskGrade.HIGH:
        task_open(risk.case, Task.Kind.MARAC_REFERRAL, actor)
    return risk


# --- The DVPN ------------------------------------------------------------------

ACTIVE = (DVPN.Status.DRAFT, DVPN.Status.SUBMITTED, DVPN.Status.AUTHORISED, DVPN.Status.SERVED)

DVPN_EDITABLE = (
    "grounds",
    "shares_premises",
    "premises_no_evict",
    "premises_no_enter",
    "premises_leave",
    "exclusion_distance_m",
    "premises_address",
    "child_welfare",
    "victim_opinion",
    "victim_opinion_steps",
    "p_representations",
    "occupants_opinion",
    "why_other_means_insufficient",
)


def _lock_dvpn(dvpn: DVPN) -> DVPN:
    return DVPN.objects.select_for_update().select_related("case", "case__force").get(pk=dvpn.pk)


def dvpn_move(dvpn: DVPN, action: str) -> None:
    """Apply a transition from the table in rules.py, or refuse it."""
    target = rules.dvpn_transition(dvpn.status, action)
    if target is None:
        raise ActionRefused(rules.dvpn_refusal(dvpn.status, action))
    dvpn.status = target


@transaction.atomic
def dvpn_start(*, actor, case: Case) -> DVPN:
    case = _lock(Case, case.pk)
    require(can_work_on_case(actor, case) and actor.has_perm("dvpo.apply_dvpn"), NOT_ALLOWED)
    active = case.dvpns.filter(status__in=ACTIVE).first()
    require(
        active is None,
        DVPN_ALREADY_ACTIVE.format(status=active.get_status_display().lower() if active else ""),
    )
    latest = case.dvpns.order_by("-version").first()
    require(latest is None or latest.status != DVPN.Status.REFUSED, USE_REVISE)
    version = (latest.version if latest else 0) + 1
    dvpn = DVPN(case=case, version=version, applicant=actor)
    save_as(dvpn, actor)
    event_record(case, CaseEvent.Kind.DVPN_DRAFTED, actor, f"Version {version}")
    return dvpn


@transaction.atomic
def dvpn_update(*, actor, dvpn: DVPN, expected_version: int, **changes) -> DVPN:
    dvpn = _lock_dvpn(dvpn)
    require(can_work_on_case(actor, dvpn.case) and actor.has_perm("dvpo.apply_dvpn"), NOT_ALLOWED)
    check_version(dvpn, expected_version)
    require(
        dvpn.status == DVPN.Status.DRAFT,
        NOT_A_DRAFT.format(status=dvpn.get_status_display().lower()),
    )
    unknown = set(changes) - set(DVPN_EDITABLE)
    require(not unknown, f"Cannot change {', '.join(sorted(unknown))} here.")
    for field, value in changes.items():
        setattr(dvpn, field, value)
    if not dvpn.shares_premises:
        require(not rules.premises_sought(dvpn), PREMISES_WITHOUT_SHARING, "shares_premises")
    save_as(dvpn, actor)
    return dvpn


def dvpn_missing(dvpn: DVPN) -> list[tuple[str, str]]:
    """What a DVPN application still needs before it can be submitted: (field, message)."""
    case = dvpn.case
    perpetrator = case.parties.filter(role=Party.Role.PERPETRATOR).select_related("person").first()
    has_victim = case.parties.filter(role=Party.Role.VICTIM).exists()
    p_age = None
    if perpetrator and perpetrator.person.date_of_birth:
        p_age = age_on(perpetrator.person.date_of_birth, timezone.localdate(case.reported_at))
    return rules.dvpn_missing(
        dvpn, has_victim=has_victim, has_perpetrator=bool(perpetrator), p_age=p_age
    )


@transaction.atomic
def dvpn_submit(*, actor, dvpn: DVPN, expected_version: int) -> DVPN:
    dvpn = _lock_dvpn(dvpn)
    require(can_work_on_case(actor, dvpn.case) and actor.has_perm("dvpo.apply_dvpn"), NOT_ALLOWED)
    check_version(dvpn, expected_version)
    dvpn_move(dvpn, "submit")
    missing = dvpn_missing(dvpn)
    if missing:
        raise ActionRefused("The application is not complete: " + " ".join(m for _, m in missing))
    dvpn.submitted_at = timezone.now()  # the applicant stays whoever drafted this version
    save_as(dvpn, actor)
    event_record(dvpn.case, CaseEvent.Kind.DVPN_SUBMITTED, actor, f"Version {dvpn.version}")
    return dvpn


def dvpn_involvement(user) -> Q:
    """DVPN versions this user had a hand in: applied for, or drafted, edited or submitted
    (any save of that version in its history). They may not decide those (s.24)."""
    touched = DVPN.history.filter(
        id=OuterRef("pk"),
        history_user_id=user.pk,
        status__in=(DVPN.Status.DRAFT, DVPN.Status.SUBMITTED),  # not the decision itself
    )
    return Q(applicant_id=user.pk) | Q(Exists(touched))


def dvpn_involved(dvpn: DVPN, user) -> bool:
    return DVPN.objects.filter(dvpn_involvement(user), pk=dvpn.pk).exists()


@transaction.atomic
def dvpn_decide(
    *,
    actor,
    dvpn: DVPN,
    authorise: bool,
    reasons: str,
    expected_version: int | None,
) -> DVPN:
    """The authorising officer's decision (s.24): authorise or refuse, with reasons."""
    dvpn = _lock_dvpn(dvpn)
    require(can_authorise(actor) and actor.organisation_id == dvpn.case.force_id, NOT_AN_AUTHORISER)
    require(not dvpn_involved(dvpn, actor), OWN_APPLICATION)
    check_version(dvpn, expected_version)
    dvpn_move(dvpn, "authorise" if authorise else "refuse")
    require(reasons.strip(), DECISION_REASONS_NEEDED, "reasons")
    dvpn.decided_by, dvpn.decided_at, dvpn.decision_reasons = actor, timezone.now(), reasons
    save_as(dvpn, actor)
    kind = CaseEvent.Kind.DVPN_AUTHORISED if authorise else CaseEvent.Kind.DVPN_REFUSED
    event_record(dvpn.case, kind, actor, reasons)
    if authorise:
        flag_record(case_id=dvpn.case_id, code="FP", at=dvpn.decided_at)  # reports: FP
    return dvpn


@transaction.atomic
def dvpn_revise(*, actor, dvpn: DVPN) -> DVPN:
    """Start a new draft from a refused application; the refused version is kept as it was."""
    case = _lock(Case, dvpn.case_id)  # one revision at a time per case, like dvpn_start
    dvpn = _lock_dvpn(dvpn)
    require(can_work_on_case(actor, dvpn.case) and actor.has_perm("dvpo.apply_dvpn"), NOT_ALLOWED)
    dvpn_move(dvpn, "revise")
    latest = case.dvpns.order_by("-version").values_list("version", flat=True).first()
    require(latest == dvpn.version, NOT_LATEST_VERSION)
    save_as(dvpn, actor, update_fields=["status"])
    revised = DVPN(
        case=dvpn.case,
        version=latest + 1,
        applicant=actor,
        **{field: getattr(dvpn, field) for field in DVPN_EDITABLE},
    )
    save_as(revised, actor)
    event_record(
        dvpn.case,
        CaseEvent.Kind.DVPN_REVISED,
        actor,
        f"Version {dvpn.version} revised as version {revised.version}",
    )
    return revised


@transaction.atomic
def dvpn_serve(
    *,
    actor,
    dvpn: DVPN,
    served_at: datetime,
    p_notice_address: str = "",
    p_gave_no_address: bool = False,
    expected_version: int | None,
) -> DVPN:
    """Record service on P (s.25). The 48-hour hearing clock starts now (s.27)."""
    dvpn = _lock_dvpn(dvpn)
    require(can_work_on_case(actor, dvpn.case) and actor.has_perm("dvpo.serve_dvpn"), NOT_ALLOWED)
    require(actor.rank is not None, NOT_A_CONSTABLE)
    check_version(dvpn, expected_version)
    dvpn_move(dvpn, "serve")
    require(served_at <= timezone.now(), SERVED_IN_FUTURE, "served_at")
    require(
        served_at >= dvpn.decided_at,
        SERVED_BEFORE_AUTHORISATION.format(
            at=timezone.localtime(dvpn.decided_at).strftime("%-d %b %Y %H:%M")
        ),
        "served_at",
    )
    require(
        bool(p_notice_address.strip()) != p_gave_no_address,
        NOTICE_ADDRESS_NEEDED,
        "p_notice_address",
    )
    dvpn.served_at, dvpn.served_by = served_at, actor
    dvpn.p_notice_address, dvpn.p_gave_no_address = p_notice_address.strip(), p_gave_no_address
    dvpn.hearing_deadline = deadlines.hearing_deadline(served_at, calendar=current_calendar())
    save_as(dvpn, actor)
    event_record(
        dvpn.case,
        CaseEvent.Kind.DVPN_SERVED,
        actor,
        "Hearing must be by " + deadlines.format_instant(dvpn.hearing_deadline),
        at=served_at,
    )
    flag_record(case_id=dvpn.case_id, code="FQ", at=served_at)  # reports: FQ
    # One PNC task per notice (not task_open, which would fold it into another open one).
    note = (
        f"Enter the DVPN on the PNC: version {dvpn.version}, served "
        f"{deadlines.format_instant(served_at)}."
    )
    task = Task(
        case=dvpn.case, kind=Task.Kind.PNC_ENTRY, dvpn=dvpn, created_at=timezone.now(), note=note
    )
    save_as(task, actor)
    event_record(dvpn.case, CaseEvent.Kind.TASK_CREATED, actor, f"Enter on the PNC: {note}")
    return dvpn


@transaction.atomic
def hearing_deadlines_recompute(*, actor, calendar: deadlines.Calendar) -> int:
    """After a change to the bank-holiday calendar, work out again the hearing deadline
    of every served or lapsed DVPN whose hearing has not started (once one has, its deadline
    is frozen: it was met or missed as it stood). Reinstating a lapsed DVPN whose new
    deadline is still to come is the court half's job (court_deadlines_recompute).
    Returns how many moved."""
    moved = 0
    open_dvpns = (
        DVPN.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(status__in=(DVPN.Status.SERVED, DVPN.Status.LAPSED))
        .exclude(dvpo_application__hearings__isnull=False)
    )
    for dvpn in open_dvpns:
        deadline = deadlines.hearing_deadline(dvpn.served_at, calendar=calendar)
        if deadline == dvpn.hearing_deadline:
            continue
        before = dvpn.hearing_deadline
        dvpn.hearing_deadline = deadline
        save_as(dvpn, actor, update_fields=["hearing_deadline"])
        event_record(
            dvpn.case,
            CaseEvent.Kind.DEADLINE_RECOMPUTED,
            actor,
            f"Hearing deadline moved from {deadlines.format_instant(before)} "
            f"to {deadlines.format_instant(deadline)}.",
        )
        moved += 1
    return moved
