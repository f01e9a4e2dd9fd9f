"""What each role may do with each page and action: the permission matrix as data.

One rule per URL name (dvpo/urls.py and everything it includes). A rule gives, for each
method the page answers (GET, and POST for forms and actions), what each person of
tests/security/world.py gets:

    OK          2xx, or a redirect somewhere other than sign-in (the page or action works;
                a form posted empty shows its errors)
    LOGIN       a redirect to sign-in (anonymous)
    FORBIDDEN   403: they may see the thing but not do this to it
    NOT_FOUND   404: they may not know the thing exists (outsiders, domain.md §2 and
                style.md §7: "Outsiders get 404")
    NOT_ALLOWED 405: the method is not one this page takes (after access was checked)
    BAD_REQUEST 400: a step of the two-factor wizards posted without its management form
    BREAK_GLASS 200 with the "why do you need this case?" page instead of the case: a police
                officer of the same force outside the case's BCU and team (audit/breakglass.py,
                issue 9 item 3); their POSTs to the case are 403. Once they have given a
                reason ("glass_officer") the read pages open and nothing else does.

The expectations come from domain.md §2 (who may do what; organisations are real
boundaries; administrators see no case content by default) and the permission functions
(cases/permissions.py, referrals/permissions.py, courts/permissions.py),
not from what the code happened to answer. A new URL without a rule fails
test_every_url_has_a_rule.
"""

from dataclasses import dataclass, field

from tests.security.world import ROLES

OK, LOGIN, BAD_REQUEST, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "ok", "login", 400, 403, 404, 405
BREAK_GLASS = "break glass"

# Groups of people (tests/security/world.py), from domain.md §2.
POLICE_IN_FORCE = ("officer", "dvpo_officer", "supervisor", "superintendent", "court_coordinator")
# Who may see the case: its owner (officer), the BCU (DVPO officer, supervisor) and the
# force-wide roles (authorising officer, court coordinator). Never a support service, an
# administrator (no case content by default) or another force.
CASE_VIEWERS = POLICE_IN_FORCE
# Who may record people, DASH, DVPN applications, service, breaches and referrals on it.
CASE_WORKERS = ("officer", "dvpo_officer")
SUPPORT = ("caseworker", "service_manager")  # the service the referral was sent to
# Police users of any BCU, for pages that are not about one case (own lists, own calendar).
POLICE_ANYWHERE = (*POLICE_IN_FORCE, "other_bcu_officer", "outsider_force")


def who(default, /, *, anonymous=LOGIN, **outcomes) -> dict:
    """Every role's outcome: `default`, except anonymous and those named."""
    unknown = set(outcomes) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {role: outcomes.get(role, default) for role in ROLES if role != "anonymous"} | {
        "anonymous": anonymous
    }


def allow(roles, *, others=NOT_FOUND, forbidden=(), anonymous=LOGIN) -> dict:
    """OK for `roles`, 403 for `forbidden`, `others` for everyone else."""
    return who(
        others,
        anonymous=anonymous,
        **(dict.fromkeys(forbidden, FORBIDDEN) | dict.fromkeys(roles, OK)),
    )


EVERYONE_SIGNED_IN = who(OK)
PUBLIC = who(OK, anonymous=OK)
# Case pages to read: the police who can see the case.
CASE_READ = allow(CASE_VIEWERS)
# Case pages to change: officers and DVPO officers; the other police who can see it get 403.
CASE_WORK = allow(CASE_WORKERS, forbidden=("supervisor", "superintendent", "court_coordinator"))
# Applying to court: officers and court coordinators; supervisors and superintendents get 403.
COURT_APPLY = allow(
    (*CASE_WORKERS, "court_coordinator"), forbidden=("supervisor", "superintendent")
)
# The support service's pages about one referral: only the service it was sent to.
REFERRAL_SERVICE = allow(SUPPORT)
# A support service's own lists: people of any support service (each sees its own service's).
SUPPORT_OWN_SERVICE = allow((*SUPPORT, "outsider_service"))
# Each police force's administrators (each in their own force).
FORCE_ADMINISTRATORS = ("administrator", "other_administrator")
# Force figures: supervisors, authorising officers and administrators; other police 403.
REPORT_READERS = allow(
    ("supervisor", "superintendent", *FORCE_ADMINISTRATORS), forbidden=POLICE_ANYWHERE
)
# The admin site (issue 22 item 1). Staff only: anyone else is sent to sign in. Every
# organisation's administrator, and the platform administrator (a superuser).
ADMINISTRATORS = ("administrator", "other_administrator", "service_administrator")
PLATFORM = "platform_administrator"
ADMIN_STAFF = who(LOGIN, **dict.fromkeys((*ADMINISTRATORS, PLATFORM), OK))
# Pages of a police force's places (BCUs, teams, courts): the forces' administrators and the
# platform's; a support service's administrator has none (403).
ADMIN_POLICE_PLACES = ADMIN_STAFF | {"service_administrator": FORBIDDEN}
# One record of this force (a user, a BCU, a team, the force itself, its own court): its own
# administrator and the platform's; another organisation's administrator is not told it
# exists (404).
ADMIN_OWN_RECORD = who(
    LOGIN,
    administrator=OK,
    platform_administrator=OK,
    other_administrator=NOT_FOUND,
    service_administrator=NOT_FOUND,
)
# National settings (the bank-holiday calendar) and case content: the platform
# administrator alone; organisations' administrators have no permission (403).
ADMIN_PLATFORM_ONLY = who(
    LOGIN, platform_administrator=OK, **dict.fromkeys(ADMINISTRATORS, FORBIDDEN)
)
ADMIN_CASE_CONTENT = ADMIN_PLATFORM_ONLY


def case_role(role: str) -> dict:
    """A case action for one role: the other police who can see the case get 403."""
    return allow((role,), forbidden=CASE_VIEWERS)


def on_case(outcomes: dict, method: str) -> dict:
    """A page under /cases/<id>/: the officer of another BCU of the same force gets the
    break-glass question on a GET and 403 on a POST, unless the rule says otherwise."""
    if outcomes.get("other_bcu_officer") in (None, NOT_FOUND):
        return outcomes | {"other_bcu_officer": BREAK_GLASS if method == "GET" else FORBIDDEN}
    return outcomes


def after_break_glass(outcomes: dict, method: str):
    """The officer of another BCU with a reason given in the last BREAK_GLASS_HOURS: the
    case's read pages (those every police user who can see the case may read) open; work on
    the case and every other action stay refused (403)."""
    reads = method == "GET" and all(outcomes[role] == OK for role in CASE_VIEWERS)
    return OK if reads else FORBIDDEN


@dataclass(frozen=True)
class Rule:
    name: str  # the URL name, with its namespace ("admin:index")
    why: str
    get: dict | None = None
    post: dict | None = None
    # URL arguments: kwarg -> object name in World.objects (defaults in DEFAULT_ARGS)
    args: dict = field(default_factory=dict)

    def methods(self) -> dict:
        return {m: o for m, o in (("GET", self.get), ("POST", self.post)) if o is not None}

    def cells(self, url_args) -> dict:
        """Each method's outcomes. On a page under /cases/<id>/ (a case_id argument) the
        officer of another BCU gets what on_case() says and the one who broke glass what
        after_break_glass() says, unless the rule says otherwise; elsewhere the one who
        broke glass is like any officer of another BCU."""
        cells = {}
        for method, outcomes in self.methods().items():
            if "case_id" in url_args and outcomes.get("other_bcu_officer") == NOT_FOUND:
                outcomes = on_case(outcomes, method)
                outcomes |= {"glass_officer": after_break_glass(outcomes, method)}
            else:
                outcomes |= {"glass_officer": outcomes["other_bcu_officer"]}
            cells[method] = outcomes
        return cells


# Which object of the world each URL argument names, unless a rule says otherwise.
DEFAULT_ARGS = {
    "case_id": "case",
    "party_id": "victim",
    "risk_id": "risk",
    "dvpn_id": "dvpn",
    "application_id": "application",
    "order_id": "order",
    "breach_id": "breach",
    "referral_id": "referral",
    "followup_id": "followup",
    "alert_id": "alert",
    "grant_id": "grant",
    "person_id": "person",
    "device_id": "officer_backup_codes",
}
LITERAL_ARGS = {"step": "grounds"}  # token: the officer's calendar token (World)


def get_and_post(name: str, why: str, outcomes: dict, **kwargs) -> Rule:
    """A form: the page (GET) and its submission (POST) answer the same people alike."""
    return Rule(name, why, get=outcomes, post=outcomes, **kwargs)


def case_read(name: str, why: str) -> Rule:
    """A case page to read: the police who can see the case."""
    return Rule(name, why, get=CASE_READ)


def case_work(name: str, why: str, **kwargs) -> Rule:
    """A form on a case: officers and DVPO officers; the other police who see it get 403."""
    return get_and_post(name, why, CASE_WORK, **kwargs)


RULES = [
    # --- Shell, sign-in, notifications ----------------------------------------------
    Rule("home", "Everyone signed in has a home page.", get=EVERYONE_SIGNED_IN),
    Rule("healthz", "The health check is public (load balancer).", get=PUBLIC),
    Rule(
        "login",
        "The sign-in page (a two-step wizard) answers anyone; a POST that is not a step of "
        "the wizard is a bad request.",
        get=PUBLIC,
        post=who(BAD_REQUEST, anonymous=BAD_REQUEST),
    ),
    Rule(
        "two_factor:login",
        "The same sign-in page under the two_factor namespace the package reverses.",
        get=PUBLIC,
        post=who(BAD_REQUEST, anonymous=BAD_REQUEST),
    ),
    Rule(
        "logout",
        "Signing out (POST only) ends the session and goes to the sign-in page.",
        get=who(NOT_ALLOWED, anonymous=NOT_ALLOWED),
        post=who(LOGIN),
    ),
    Rule("notifications", "Each person's own notifications.", get=EVERYONE_SIGNED_IN),
    Rule(
        "notifications_mark_read",
        "Marks the person's own notifications read.",
        post=EVERYONE_SIGNED_IN,
    ),
    Rule(
        "notification_read",
        "Only the recipient (the officer) may mark it read, by POST; others are not told "
        "it exists.",
        get=who(NOT_FOUND, officer=NOT_ALLOWED),
        post=who(NOT_FOUND, officer=OK),
    ),
    # --- Cases ------------------------------------------------------------------------
    Rule(
        "case_list",
        "Search and the list of cases: filtered to the cases the person may see (empty "
        "for anyone else), so every signed-in person may open it.",
        get=EVERYONE_SIGNED_IN,
    ),
    get_and_post(
        "case_new",
        "Officers and DVPO officers record incidents (in their own force: the outsider is a "
        "DVPO officer of another force); nobody else.",
        allow((*CASE_WORKERS, "other_bcu_officer", "outsider_force"), others=FORBIDDEN),
    ),
    case_read("case_detail", "The case page: the police who can see the case."),
    case_work("case_edit", "Change the incident: officers on the case."),
    case_work("party_add", "Add a person: officers on the case."),
    case_work("safe_contact", "The victim's safe-contact details: officers on the case."),
    case_work("risk_new", "Record DASH: officers on the case."),
    case_read("risk_detail", "A DASH assessment: the police who can see the case."),
    get_and_post(
        "risk_review",
        "Quality assurance of a DASH grade: supervisors (domain.md §2).",
        case_role("supervisor"),
    ),
    Rule(
        "risk_review_queue",
        "The DASH grades awaiting quality assurance: supervisors only.",
        get=who(FORBIDDEN, supervisor=OK),
    ),
    Rule(
        "dvpn_start",
        "Start a DVPN application: officers on the case (refused by the rules here, since "
        "the case has a served DVPN, and sent back to the case page).",
        post=CASE_WORK,
    ),
    case_work("dvpn_step", "A question page of the application."),
    case_work("dvpn_check", "Check your answers and submit."),
    Rule("dvpn_revise", "Revise a refused application.", post=CASE_WORK),
    get_and_post(
        "dvpn_decide",
        "Authorise or refuse (s.24(1)): a superintendent or above of the force.",
        case_role("superintendent"),
    ),
    case_work("dvpn_serve", "Record service (s.25): officers on the case."),
    case_read("dvpn_notice", "The notice: the police who can see the case."),
    case_read("dvpn_notice_pdf", "The notice as a PDF: as the notice."),
    Rule(
        "authorisation_queue",
        "DVPNs awaiting authorisation: authorising officers only.",
        get=who(FORBIDDEN, superintendent=OK),
    ),
    Rule(
        "queues",
        "Deadline queues: every police user (each sees only cases they may see; the "
        "administrator's own list is empty); support services get 404 like every case page.",
        get=allow((*POLICE_ANYWHERE, *FORCE_ADMINISTRATORS)),
    ),
    # --- Courts -----------------------------------------------------------------------
    get_and_post(
        "court_application_new",
        "Apply to court: officers (apply_to_court) and court coordinators on the case.",
        COURT_APPLY,
    ),
    get_and_post(
        "court_application_edit", "Change the application and listing: as applying.", COURT_APPLY
    ),
    get_and_post(
        "hearing_outcome",
        "Record a hearing's outcome and the order: court coordinators (domain.md §2).",
        case_role("court_coordinator"),
    ),
    case_read("court_pack_pdf", "The court pack: the police who can see the case."),
    get_and_post(
        "order_vary", "Vary the order: court coordinators.", case_role("court_coordinator")
    ),
    get_and_post(
        "order_discharge",
        "Discharge the order: court coordinators.",
        case_role("court_coordinator"),
    ),
    case_work("breach_new", "Record a breach: officers on the case."),
    case_read("breach_detail", "A breach: the police who can see the case."),
    case_work("breach_arrest", "Record the arrest: officers on the case."),
    case_work(
        "breach_outcome", "What the court did about a breach: officers on the case (record_breach)."
    ),
    Rule(
        "hearing_list",
        "Hearings by court and day: court coordinators, DVPO officers and supervisors "
        "(their own force's hearings; the outsider is a DVPO officer of another force).",
        get=who(
            FORBIDDEN,
            court_coordinator=OK,
            dvpo_officer=OK,
            supervisor=OK,
            outsider_force=OK,
        ),
    ),
    get_and_post(
        "hearing_calendar_subscribe",
        "The address of one's own hearings calendar: police users.",
        allow((*POLICE_ANYWHERE, *FORCE_ADMINISTRATORS), others=FORBIDDEN),
    ),
    Rule(
        "hearing_calendar_feed",
        "The calendar feed is opened by its secret address, not a session (a phone's "
        "calendar app): whoever holds the officer's token gets the officer's feed, which "
        "names no one. A wrong token is 404 (test_calendar_feed_wrong_token).",
        get=PUBLIC,
    ),
    # --- Referrals: the police side -------------------------------------------------------
    case_work("referral_new", "Start a referral: officers on the case."),
    case_read(
        "referral_detail",
        "A referral's status, attempts and outcomes (never notes): the police who can see "
        "the case; the service uses its own pages.",
    ),
    case_work("referral_edit", "Change a draft referral."),
    case_work("referral_consent", "Record the victim's consent."),
    Rule(
        "referral_send",
        "Send the referral (POST only).",
        get=allow((), forbidden=("supervisor", "superintendent", "court_coordinator"))
        | dict.fromkeys(CASE_WORKERS, NOT_ALLOWED),
        post=CASE_WORK,
    ),
    case_work(
        "marac_outcome",
        "The MARAC meeting and outcome: officers on the case.",
        args={"referral_id": "marac"},
    ),
    # --- Referrals: the support service ---------------------------------------------------
    Rule(
        "referral_inbox",
        "The service's inbox: people of a support service (each sees its own service's); "
        "police and administrators get 404.",
        get=SUPPORT_OWN_SERVICE,
    ),
    Rule(
        "referral_manager_queue",
        "Escalations and overdue first contacts: service managers.",
        get=allow(("service_manager",), forbidden=("caseworker", "outsider_service")),
    ),
    Rule(
        "referral_followups",
        "Follow-ups due: people of a support service (their own service's).",
        get=SUPPORT_OWN_SERVICE,
    ),
    Rule("service_referral", "A referral as its service sees it.", get=REFERRAL_SERVICE),
    get_and_post(
        "service_referral_accept",
        "Accept (POST; a GET goes back to the referral).",
        REFERRAL_SERVICE,
    ),
    get_and_post("service_referral_decline", "Decline and return to the police.", REFERRAL_SERVICE),
    get_and_post("contact_attempt_new", "Log a contact attempt.", REFERRAL_SERVICE),
    get_and_post("service_referral_unable", "Return as unable to contact.", REFERRAL_SERVICE),
    get_and_post("service_referral_close", "Close.", REFERRAL_SERVICE),
    get_and_post("service_breach_report", "Report a suspected breach.", REFERRAL_SERVICE),
    get_and_post("service_followup_new", "Add a follow-up.", REFERRAL_SERVICE),
    get_and_post("service_followup_done", "Record a follow-up.", REFERRAL_SERVICE),
    Rule("service_referral_print", "The printable referral.", get=REFERRAL_SERVICE),
    Rule(
        "service_referral_export",
        "The inbox as CSV: people of a support service (their own service's rows).",
        get=SUPPORT_OWN_SERVICE,
    ),
    # --- Two-factor sign-in (dvpo/signin.py) -----------------------------------------------
    get_and_post(
        "confirm_identity",
        "'Confirm it's you' before a DVPN decision: anyone signed in, for themselves.",
        EVERYONE_SIGNED_IN,
    ),
    Rule(
        "two_factor:setup",
        "Setting up one's own authenticator app: anyone signed in (a POST that is not a "
        "step of the wizard is a bad request).",
        get=EVERYONE_SIGNED_IN,
        post=who(BAD_REQUEST),
    ),
    Rule(
        "two_factor:qr",
        "The QR code of a set-up in progress: only in one's own set-up (404 without one).",
        get=who(NOT_FOUND),
    ),
    Rule(
        "two_factor:setup_complete",
        "The end of one's own set-up.",
        get=EVERYONE_SIGNED_IN,
    ),
    get_and_post(
        "two_factor:backup_tokens",
        "One's own backup codes (POST makes new ones): anyone signed in.",
        EVERYONE_SIGNED_IN,
    ),
    Rule(
        "account",
        "One's own account and sign-in devices: anyone signed in.",
        get=EVERYONE_SIGNED_IN,
    ),
    get_and_post(
        "password_change",
        "Changing one's own password (the current one first): anyone signed in.",
        EVERYONE_SIGNED_IN,
    ),
    Rule("password_change_done", "After changing one's password.", get=EVERYONE_SIGNED_IN),
    get_and_post(
        "device_remove",
        "Removing one of one's own sign-in devices (the officer's backup codes here): only "
        "its owner; nobody else learns it exists.",
        allow(("officer",)),
        args={"kind": "backup-codes"},
    ),
    # --- Access log, break glass, subject access (audit/) ----------------------------------
    Rule(
        "break_glass",
        "Why one needs a case outside one's BCU or team: police officers, DVPO officers and "
        "supervisors of the case's force (those who can already see it are sent to it); "
        "nobody else learns the case exists.",
        # GET: the question page itself; POST (with a reason): the case opens.
        get=allow(CASE_VIEWERS) | {"other_bcu_officer": BREAK_GLASS},
        post=allow((*CASE_VIEWERS, "other_bcu_officer")),
    ),
    Rule(
        "break_glass_reviews",
        "Break-glass openings to review: supervisors.",
        get=who(FORBIDDEN, supervisor=OK),
    ),
    get_and_post(
        "break_glass_review",
        "Review one opening (into their BCU's case): supervisors.",
        who(FORBIDDEN, supervisor=OK),
        args={"grant_id": "grant"},
    ),
    Rule(
        "access_log_search",
        "Search the access log (s.62): each organisation's administrators, their own "
        "organisation's rows.",
        get=who(FORBIDDEN, **dict.fromkeys(ADMINISTRATORS, OK)),
    ),
    Rule(
        "sar_person_search",
        "Find a person for a subject access request: a police force's administrators.",
        get=who(FORBIDDEN, **dict.fromkeys(FORCE_ADMINISTRATORS, OK)),
    ),
    Rule(
        "sar_person",
        "Everything held about one person: their force's administrators; another force's "
        "is not told the person exists.",
        get=who(FORBIDDEN, administrator=OK, other_administrator=NOT_FOUND),
        args={"person_id": "person"},
    ),
    Rule(
        "sar_person_csv",
        "The same as CSV.",
        get=who(FORBIDDEN, administrator=OK, other_administrator=NOT_FOUND),
        args={"person_id": "person"},
    ),
    # --- Reports (reports/) -------------------------------------------------------------
    Rule(
        "reports:dashboard",
        "Force figures (counts, never case content): supervisors, authorising officers and "
        "the force's administrators; other police 403; support services 404.",
        get=REPORT_READERS,
    ),
    Rule(
        "reports:csv",
        "A report as CSV: as the dashboard.",
        get=REPORT_READERS,
        args={"name": "monthly-flags"},
    ),
    # --- The admin site (representative pages; the rest of admin:* is Django's) ----------
    Rule("admin:index", "The admin site: administrators.", get=ADMIN_STAFF),
    Rule(
        "admin:dvpo_user_changelist",
        "Users: each administrator lists their own organisation's.",
        get=ADMIN_STAFF,
    ),
    Rule("admin:dvpo_user_add", "Add a user to one's own organisation.", get=ADMIN_STAFF),
    get_and_post(
        "admin:dvpo_user_change",
        "One user: their organisation's administrators and the platform's; another "
        "organisation's administrator cannot open, change or reset them (the takeover chain).",
        ADMIN_OWN_RECORD,
        args={"object_id": "officer_user"},
    ),
    get_and_post(
        "admin:auth_user_password_change",
        "Set another person's password: as changing them.",
        ADMIN_OWN_RECORD,
        args={"id": "officer_user"},
    ),
    Rule(
        "admin:dvpo_user_history",
        "A user's history: as changing them.",
        get=ADMIN_OWN_RECORD,
        args={"object_id": "officer_user"},
    ),
    Rule(
        "admin:dvpo_organisation_change",
        "An organisation: its own administrators (its crime-reference format) and the platform's.",
        get=ADMIN_OWN_RECORD,
        args={"object_id": "force"},
    ),
    Rule(
        "admin:dvpo_organisation_add",
        "Organisations are national: the platform administrator adds them.",
        get=ADMIN_PLATFORM_ONLY,
    ),
    Rule("admin:dvpo_bcu_changelist", "BCUs: each force's own.", get=ADMIN_POLICE_PLACES),
    get_and_post(
        "admin:dvpo_bcu_change",
        "A BCU: its force's administrators and the platform's.",
        ADMIN_OWN_RECORD,
        args={"object_id": "bcu"},
    ),
    get_and_post(
        "admin:dvpo_team_change",
        "A team: its force's administrators and the platform's.",
        ADMIN_OWN_RECORD,
        args={"object_id": "team"},
    ),
    Rule(
        "admin:dvpo_calendarday_changelist",
        "The bank-holiday calendar moves every force's deadlines: the platform administrator.",
        get=ADMIN_PLATFORM_ONLY,
    ),
    get_and_post(
        "admin:dvpo_calendarday_change",
        "One change to the calendar: the platform administrator.",
        ADMIN_PLATFORM_ONLY,
        args={"object_id": "calendar_day"},
    ),
    Rule(
        "admin:courts_court_changelist",
        "Courts: each force's and the shared ones.",
        get=ADMIN_POLICE_PLACES,
    ),
    get_and_post(
        "admin:courts_court_change",
        "A force's own court: its administrators and the platform's.",
        ADMIN_OWN_RECORD,
        args={"object_id": "own_court"},
    ),
    Rule(
        "admin:courts_court_history",
        "A shared court is read-only to the forces' administrators, and not a support service's.",
        get=ADMIN_POLICE_PLACES,
        args={"object_id": "court"},
    ),
    Rule(
        "admin:referrals_referral_changelist",
        "Referrals are case content: administrators have no permission (domain.md §2).",
        get=ADMIN_CASE_CONTENT,
    ),
    Rule(
        "admin:courts_breach_changelist",
        "Breaches are case content: administrators have no permission.",
        get=ADMIN_CASE_CONTENT,
    ),
]

RULES_BY_NAME = {rule.name: rule for rule in RULES}
assert len(RULES_BY_NAME) == len(RULES), "two rules for one URL name"

# URL namespaces whose pages are the framework's own: only the representative pages that
# have a rule above are checked. Everything else must have a rule.
FRAMEWORK_NAMESPACES = ("admin",)
