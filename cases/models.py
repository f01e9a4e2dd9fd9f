"""The front half of the lifecycle (domain.md §3 steps 1-5): the incident, its
people, the DASH risk assessment, the DVPN application, its authorisation and
service, with a timeline of domain events.

Writes go through cases/services.py; nothing here changes state by itself.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Concat, Upper
from simple_history.models import HistoricalRecords

from dvpo.models import BCU, Organisation, Team

USER = settings.AUTH_USER_MODEL


class Regime(models.TextChoices):
    DVPN = "dvpn", "DVPN/DVPO (Crime and Security Act 2010)"
    DAPN = "dapn", "DAPN/DAPO (Domestic Abuse Act 2021)"


class Case(models.Model):
    """One domestic abuse incident and everything that follows from it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class CriminalOutcome(models.TextChoices):
        NOT_KNOWN = "", "Not known yet"
        CHARGED = "charged", "Charged"
        CAUTIONED = "cautioned", "Cautioned"
        NFA = "nfa", "No further action"

    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    crime_reference = models.CharField(max_length=40)
    reported_at = models.DateTimeField()
    bcu = models.ForeignKey(BCU, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    location = models.CharField(max_length=300)
    summary = models.TextField()
    regime = models.CharField(max_length=10, choices=Regime, default=Regime.DVPN)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="owned_cases")
    p_arrested = models.BooleanField("P was arrested", default=False)
    criminal_outcome = models.CharField(
        max_length=20, choices=CriminalOutcome, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "crime_reference"], name="unique_crime_reference_per_force"
            )
        ]
        indexes = [
            models.Index(fields=["bcu", "status", "-reported_at"]),
            # A force's cases newest first (force-wide lists and searches, the reports' date
            # ranges).
            models.Index(fields=["force", "-reported_at"], name="case_force_reported"),
            # The queues page's owner filter: the distinct owners of a force's, a BCU's or a
            # team's cases, one index probe per owner (cases.queues.visible_owners).
            models.Index(fields=["force", "owner"], name="case_force_owner"),
            models.Index(fields=["bcu", "owner"], name="case_bcu_owner"),
            models.Index(fields=["team", "owner"], name="case_team_owner"),
            # Search by the start of a crime reference (istartswith: UPPER(...) LIKE 'X%').
            models.Index(
                OpClass(
                    Upper(Cast("crime_reference", models.TextField())), name="text_pattern_ops"
                ),
                name="case_crime_reference_prefix",
            ),
        ]

    def __str__(self):
        return self.crime_reference


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "In another way"
    NOT_STATED = "not_stated", "Not stated"


class Ethnicity(models.TextChoices):
    """Self-defined ethnicity: the 2021 census categories for England and Wales."""

    ASIAN_BANGLADESHI = "A1", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "A2", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "A3", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "A4", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "A5", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "B1", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "B2", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "B3", "Black, Black British, Caribbean or African: any other background"
    MIXED_WHITE_ASIAN = "M1", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "M2", "Mixed or multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "M3", "Mixed or multiple: White and Black Caribbean"
    MIXED_OTHER = "M4", "Mixed or multiple: any other background"
    WHITE_BRITISH = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "W2", "White: Irish"
    WHITE_TRAVELLER = "W3", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "W4", "White: Roma"
    WHITE_OTHER = "W9", "White: any other White background"
    OTHER_ARAB = "O1", "Other ethnic group: Arab"
    OTHER_ANY = "O9", "Other ethnic group: any other"
    NOT_STATED = "NS", "Not stated"


# A person's full name as search matches it (cases.views.incident.search_filter); the
# trigram index below is on exactly this expression, upper-cased as icontains compares.
FULL_NAME = Concat("first_name", models.Value(" "), "last_name")


class Person(models.Model):
    """A person known to a force, who may appear in many cases (repeat victims)."""

    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender, default=Gender.NOT_STATED)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity, default=Ethnicity.NOT_STATED)
    address = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["force", "last_name", "first_name"]),
            models.Index(fields=["force", "date_of_birth"]),
            GinIndex(
                OpClass(Upper(Cast(FULL_NAME, models.TextField())), name="gin_trgm_ops"),
                name="person_full_name_trgm",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Party(models.Model):
    """A person's part in one case."""

    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        PERPETRATOR = "perpetrator", "Perpetrator (P)"
        CHILD = "child", "Child"
        HOUSEHOLD = "household", "Other household member"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=20, choices=Role)
    relationship_to_p = models.CharField("relationship to P", max_length=100, blank=True)
    lives_with_p = models.BooleanField("lives with P", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "role", "pk"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_part_per_person"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(role="perpetrator"), name="one_perpetrator"
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class SafeContact(models.Model):
    """How a victim can be contacted safely (domain.md §3.1)."""

    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="safe_contact")
    safe_phone = models.CharField("safe contact number", max_length=30, blank=True)
    no_safe_number = models.BooleanField("there is no safe number", default=False)
    contact_through = models.CharField(
        "contact through", max_length=200, blank=True, help_text="When there is no safe number."
    )
    voicemail_ok = models.BooleanField("safe to leave a voicemail", default=False)
    text_ok = models.BooleanField("safe to send a text", default=False)
    identify_ok = models.BooleanField("callers may say who they are", default=False)
    email_ok = models.BooleanField("safe to send an e-mail", default=False)
    email = models.EmailField("safe e-mail address", blank=True)
    letter_ok = models.BooleanField("safe to send a letter", default=False)
    visit_ok = models.BooleanField("safe to visit", default=False)
    permissions_confirmed = models.BooleanField(
        "the victim was asked about voicemail, texts and callers saying who they are",
        default=False,
        help_text="The permissions above default to no; this records that they were asked.",
    )
    safe_times = models.CharField("safe times to call", max_length=200, blank=True)
    language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    accessibility_needs = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    def __str__(self):
        return f"Safe contact for {self.party}"


class RiskInstrument(models.Model):
    """A risk checklist defined as data (our DASH topics, a force's licensed wording, DARA)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    high_risk_yes_threshold = models.PositiveSmallIntegerField(default=14)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class RiskQuestion(models.Model):
    instrument = models.ForeignKey(
        RiskInstrument, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="unique_question_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"


class RiskGrade(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


GRADE_ORDER = {RiskGrade.STANDARD: 0, RiskGrade.MEDIUM: 1, RiskGrade.HIGH: 2}


class RiskAssessment(models.Model):
    """One DASH (or other instrument) assessment of one victim in one case."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    class Review(models.TextChoices):
        AWAITING = "awaiting", "Awaiting quality assurance"
        CONFIRMED = "confirmed", "Confirmed by supervisor"
        CHANGED = "changed", "Changed by supervisor"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    victim = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="risk_assessments")
    instrument = models.ForeignKey(RiskInstrument, on_delete=models.PROTECT)
    answers = models.JSONField(help_text="{question number: yes | no | not_known}")
    yes_count = models.PositiveSmallIntegerField()
    suggested_grade = models.CharField(max_length=10, choices=RiskGrade)
    potential_escalation = models.BooleanField(default=False)
    grade = models.CharField("officer's grade", max_length=10, choices=RiskGrade)
    rationale = models.TextField(blank=True)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    review = models.CharField(max_length=10, choices=Review, default=Review.AWAITING)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    final_grade = models.CharField(max_length=10, choices=RiskGrade)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at"]
        indexes = [
            # The DASH queue counts the grades awaiting review among the cases a supervisor
            # may see: with the case in the index, that count reads no assessment rows.
            models.Index(
                fields=["review", "assessed_at"], include=["case"], name="dash_review_queue"
            )
        ]

    def __str__(self):
        return f"{self.get_final_grade_display()} risk, assessed {self.assessed_at:%d %b %Y}"


class Task(models.Model):
    """Work someone must do for a case: a MARAC referral, PNC entry or removal, ..."""

    class Kind(models.TextChoices):
        MARAC_REFERRAL = "marac_referral", "Refer to MARAC"
        PNC_ENTRY = "pnc_entry", "Enter on the PNC"
        PNC_REMOVAL = "pnc_removal", "Remove from the PNC"
        PNC_UPDATE = "pnc_update", "Update the PNC"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Kind)
    # The notice a PNC task is about (one task per notice, not one per case).
    dvpn = models.ForeignKey(
        "DVPN", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["kind", "done_at"]),
            # The reminder scan's range query over open PNC tasks (dvpo/reminders.py).
            models.Index(
                fields=["kind", "created_at"],
                condition=models.Q(done_at__isnull=True),
                name="task_open_kind_created",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({'done' if self.done_at else 'to do'})"


class DVPN(models.Model):
    """One version of a DVPN application; a refused one can be revised as a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting authorisation"
        AUTHORISED = "authorised", "Authorised"
        REFUSED = "refused", "Refused"
        REVISED = "revised", "Refused, then revised"
        SERVED = "served", "Served"
        ENDED = "ended", "Ended: application decided"
        LAPSED = "lapsed", "Lapsed: no hearing by the deadline"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dvpns")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    applicant = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="dvpn_applications")
    # What the application asks for (s.24, s.24(3), s.24(8)).
    grounds = models.TextField(blank=True)
    shares_premises = models.BooleanField("victim and P share premises", default=False)
    premises_no_evict = models.BooleanField("P must not evict or exclude the victim", default=False)
    premises_no_enter = models.BooleanField("P must not enter the premises", default=False)
    premises_leave = models.BooleanField("P must leave the premises", default=False)
    exclusion_distance_m = models.PositiveIntegerField(
        "P must not come within (metres)", null=True, blank=True
    )
    premises_address = models.TextField("address of the premises the provisions cover", blank=True)
    child_welfare = models.TextField("welfare of any child under 18", blank=True)
    victim_opinion = models.TextField("the victim's opinion", blank=True)
    victim_opinion_steps = models.TextField(
        "steps taken to find out the victim's opinion", blank=True
    )
    p_representations = models.TextField("P's representations", blank=True)
    occupants_opinion = models.TextField("opinion of other associated occupants", blank=True)
    why_other_means_insufficient = models.TextField(
        "why other means (such as bail) are not enough", blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The authorising officer's decision.
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="dvpn_decisions"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    # Service (s.25): the 48-hour clock starts here.
    served_at = models.DateTimeField(null=True, blank=True)
    served_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="dvpns_served"
    )
    p_notice_address = models.TextField("address P gave for notice of the hearing", blank=True)
    p_gave_no_address = models.BooleanField("P gave no address", default=False)
    hearing_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    lock_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = "DVPN"
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="unique_dvpn_version"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"DVPN v{self.version} for {self.case}"


class CaseEvent(models.Model):
    """A legally meaningful event on a case: who, what, when and why. Drives the timeline."""

    class Kind(models.TextChoices):
        CASE_CREATED = "case_created", "Incident recorded"
        CASE_UPDATED = "case_updated", "Incident details changed"
        PERSON_ADDED = "person_added", "Person added"
        SAFE_CONTACT = "safe_contact", "Safe-contact details recorded"
        DASH_RECORDED = "dash_recorded", "Risk assessment recorded"
        DASH_REVIEWED = "dash_reviewed", "Risk grade quality-assured"
        TASK_CREATED = "task_created", "Task created"
        TASK_DONE = "task_done", "Task done"
        DVPN_DRAFTED = "dvpn_drafted", "DVPN application drafted"
        DVPN_SUBMITTED = "dvpn_submitted", "DVPN submitted for authorisation"
        DVPN_AUTHORISED = "dvpn_authorised", "DVPN authorised"
        DVPN_REFUSED = "dvpn_refused", "DVPN refused"
        DVPN_REVISED = "dvpn_revised", "Refused DVPN revised"
        DVPN_SERVED = "dvpn_served", "DVPN served"
        DEADLINE_RECOMPUTED = "deadline_recomputed", "Deadline recomputed after a calendar change"
        DVPO_APPLIED = "dvpo_applied", "DVPO application listed"
        DVPO_APPLICATION_CHANGED = "dvpo_application_changed", "DVPO application changed"
        HEARING_ADJOURNED = "hearing_adjourned", "DVPO hearing adjourned"
        DVPO_GRANTED = "dvpo_granted", "DVPO made"
        DVPO_REFUSED = "dvpo_refused", "DVPO application refused"
        DVPO_WITHDRAWN = "dvpo_withdrawn", "DVPO application withdrawn"
        DVPN_LAPSED = "dvpn_lapsed", "DVPN lapsed: no hearing by the deadline"
        DVPN_REINSTATED = "dvpn_reinstated", "DVPN lapse corrected: a hearing had started"
        DVPO_VARIED = "dvpo_varied", "DVPO varied"
        DVPO_DISCHARGED = "dvpo_discharged", "DVPO discharged"
        DVPO_EXPIRED = "dvpo_expired", "DVPO expired"
        BREACH_RECORDED = "breach_recorded", "Breach recorded"
        BREACH_ARREST = "breach_arrest", "Arrest for a breach recorded"
        BREACH_OUTCOME = "breach_outcome", "Breach hearing outcome recorded"
        REFERRAL_STARTED = "referral_started", "Referral to support started"
        REFERRAL_CONSENT = "referral_consent", "Victim's consent to a referral recorded"
        REFERRAL_SENT = "referral_sent", "Referral sent to the support service"
        REFERRAL_ACCEPTED = "referral_accepted", "Referral accepted by the support service"
        REFERRAL_RETURNED = "referral_returned", "Referral returned to the police"
        REFERRAL_CLOSED = "referral_closed", "Referral closed"
        SUSPECTED_BREACH = "suspected_breach", "Suspected breach reported by the support service"
        MARAC_OUTCOME = "marac_outcome", "MARAC meeting and outcome recorded"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind)
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
