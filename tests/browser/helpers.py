"""What the browser journeys share: two ways of working a page (`Mouse` clicks and fills by
selector; `Keys` uses only Tab, Shift+Tab, Enter, Space and the arrow keys, and types into the
field that has focus) and the steps of the journeys, written once for both.

Every step calls `ui.look(what)` on each page it reaches: an axe scan for WCAG 2.2 A/AA
failures, a check that the page reflows at 320 CSS px, and a screenshot (see conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Locator, Page, expect

# --- Working a page ---------------------------------------------------------------------------


def press(page, name):
    """Follow a link or press a button by its text (GOV.UK start links are role=button)."""
    page.get_by_role("link", name=name, exact=True).or_(
        page.get_by_role("button", name=name, exact=True)
    ).first.click()


class Mouse:
    """Clicks and fills by selector, as most people work a page."""

    keyboard_only = False

    def __init__(self, page: Page, look):
        self.page = page
        self._look = look

    def look(self, what: str) -> None:
        self._look(what)

    # Finding things; the same for both ways of working.
    def field(self, label: str, group: str | None = None) -> Locator:
        scope = self.page.get_by_role("group", name=group) if group else self.page
        exact = scope.get_by_label(label, exact=True)
        return exact if exact.count() else scope.get_by_label(label)

    def radio(self, option: str, group: str | None = None, within: Locator | None = None):
        scope = within or (self.page.get_by_role("group", name=group) if group else self.page)
        return scope.get_by_role("radio", name=option, exact=True).first

    def action(self, name: str, exact: bool = True) -> Locator:
        return (
            self.page.get_by_role("link", name=name, exact=exact)
            .or_(self.page.get_by_role("button", name=name, exact=exact))
            .first
        )

    # Doing things.
    def fill(self, label: str, text: str, group: str | None = None) -> None:
        self.field(label, group).fill(text)

    def choose(self, option: str, group: str | None = None, within: Locator | None = None):
        self.radio(option, group, within).check()

    def tick(self, label: str) -> None:
        self.field(label).check()

    def select(self, label: str, option: str) -> None:
        self.field(label).select_option(label=option)

    def go(self, name: str, exact: bool = True) -> None:
        """Follow a link or press a button, and wait for the page it leads to."""
        with self.page.expect_navigation():
            self._activate(self.action(name, exact))

    def _activate(self, target: Locator) -> None:
        target.click()

    # Shared shapes.
    def fill_date(self, group: str, when: dt.date) -> None:
        self.fill("Day", str(when.day), group)
        self.fill("Month", str(when.month), group)
        self.fill("Year", str(when.year), group)

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()


FOCUSED = "el => el === document.activeElement"
RADIO_OF_GROUP_FOCUSED = (
    "el => document.activeElement && document.activeElement.type === 'radio'"
    " && document.activeElement.name === el.name"
)
BEFORE_FOCUS = (
    "el => !!document.activeElement && document.activeElement !== document.body"
    " && !!(el.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)"
)
FOCUSED_LABEL = (
    "() => { const el = document.activeElement;"
    " return el && el.labels && el.labels.length ? el.labels[0].innerText.trim() : ''; }"
)


class Keys(Mouse):
    """Only the keyboard: Tab or Shift+Tab to a control (whichever way is shorter in document
    order), then Enter, Space, the arrow keys, or typing into the focused field. Locators are
    used only to know which element is meant, never to act on it."""

    keyboard_only = True
    MAX_TABS = 250

    def focus(self, target: Locator, reached: str = FOCUSED) -> None:
        target.wait_for(state="visible")
        handle = target.element_handle()
        key = "Shift+Tab" if handle.evaluate(BEFORE_FOCUS) else "Tab"
        for _ in range(self.MAX_TABS):
            if handle.evaluate(reached):
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"{key} never reached {target} on {self.page.url}")

    def fill(self, label: str, text: str, group: str | None = None) -> None:
        self.focus(self.field(label, group))
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(text)

    def choose(self, option: str, group: str | None = None, within: Locator | None = None):
        """Tab into the radio group (focus lands on its checked or first radio), then Space on
        the wanted one or arrow down to it (an arrow key also selects)."""
        target = self.radio(option, group, within)
        self.focus(target, RADIO_OF_GROUP_FOCUSED)
        for _ in range(20):
            if target.evaluate(FOCUSED):
                if not target.is_checked():
                    self.page.keyboard.press("Space")
                expect(target).to_be_checked()
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"arrow keys never reached the radio {option!r}")

    def tick(self, label: str) -> None:
        target = self.field(label)
        self.focus(target)
        if not target.is_checked():
            self.page.keyboard.press("Space")
        expect(target).to_be_checked()

    def select(self, label: str, option: str) -> None:
        """On a closed <select>, the arrow keys change the choice."""
        target = self.field(label)
        self.focus(target)
        for _ in range(50):
            chosen = target.evaluate("el => el.options[el.selectedIndex].text.trim()")
            if chosen == option:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{option!r} is not among the choices of {label!r}")

    def _activate(self, target: Locator) -> None:
        self.focus(target)
        self.page.keyboard.press("Enter")


# --- Steps: signing in -----------------------------------------------------------------------


def sign_in_with_keys(ui: Mouse, user, *, look: bool = False) -> None:
    """The two-step sign-in worked from the keyboard: the address typed in, then the password
    and the authenticator's code (a fresh device with the demo key, as the `sign_in` fixture
    gives, so a second sign-in in the same 30 seconds is not refused as a replay)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dvpo.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, demo_totp_token

    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="default", key=DEMO_TOTP_KEY)
    ui.page.goto("/sign-in/")
    if look:
        ui.look("sign in")
    ui.fill("Username", user.username)
    ui.fill("Password", DEMO_PASSWORD)
    ui.go("Sign in")
    if look:
        ui.look("sign in: the code")
    ui.fill("Enter the code from your authenticator app", demo_totp_token())
    ui.go("Continue")
    expect(ui.page).to_have_url(re.compile(r"/$"))


# --- Steps: the police ------------------------------------------------------------------------


def open_case(ui: Mouse, crime_reference: str, *, look: bool = False) -> None:
    """From any page: Cases in the navigation, then the case in the list. (The next step
    usually looks at the case page, or the page it leads to.)"""
    ui.go("Cases")
    if look:
        ui.look("case list")
    ui.go(crime_reference, exact=False)
    if look:
        ui.look("case page")


def record_incident(ui: Mouse, *, reference: str, reported: dt.datetime, mistake_first=True):
    ui.go("Cases")
    ui.look("case list")
    ui.go("Record an incident")
    ui.look("new incident")
    if mistake_first:  # no reference, a time in the wrong form
        ui.fill("Time the incident was reported", "7pm")
        ui.go("Record the incident")
        expect(ui.page).to_have_title(re.compile(r"^Error:"))
        assert ui.page.get_by_text("Enter the crime reference").first.is_visible()
        ui.look("new incident with errors")
    ui.fill("Crime reference", reference)
    ui.fill_date("Date the incident was reported", reported.date())
    ui.fill("Time the incident was reported", f"{reported:%H:%M}")
    ui.fill("Location", "Flat 2, 3 Sample Road, Testtown")
    ui.fill("Summary", "A fictional incident for the journey test.")
    ui.choose("No", group="Was P (the perpetrator) arrested?")
    ui.go("Record the incident")
    expect(ui.page).to_have_url(re.compile(r"/cases/\d+/$"))
    ui.look("case page, new")


def add_person(ui: Mouse, *, role, first, last, dob, gender, lives_with_p=True):
    ui.go("Add a person")
    ui.look("add a person")
    ui.choose(role)
    ui.fill("First name", first)
    ui.fill("Last name", last)
    ui.fill_date("Date of birth", dob)
    ui.choose(gender)
    ui.fill("Address", "1 Example Street, Testtown")
    if role != "Perpetrator (P)":
        ui.fill("Relationship to P", "Partner")
    ui.choose("Yes" if lives_with_p else "No", group="Do they live with P?")
    ui.go("Continue")
    expect(ui.page).to_have_url(re.compile(r"/cases/\d+/$"))


def record_dash(ui: Mouse, *, yes: int, grade: str) -> None:
    """The DASH checklist: the first `yes` questions answered yes, the rest no."""
    ui.go("Record a risk assessment")
    ui.look("DASH form")
    questions = ui.page.locator("fieldset:has(.govuk-radios--small)")
    for index in range(questions.count()):
        ui.choose("Yes" if index < yes else "No", within=questions.nth(index))
    ui.choose(grade, group="Your risk grade")
    ui.go("Record the risk assessment")
    expect(ui.page).to_have_url(re.compile(r".*/risk/\d+/$"))
    assert str(yes) in ui.main_text()
    ui.look("DASH result")
    ui.go("Back to the case")


APPLICATION_ANSWERS = {
    "What are the grounds for the DVPN?": "P hit the victim and threatened her.",
    "How have you considered the welfare of any child?": "No children live there.",
    "What is the victim's opinion about the notice?": "She wants P kept away.",
    "What representations did P make about the notice?": "P said nothing.",
    "Why are other means, such as bail conditions, not enough?": "No charge yet: no bail.",
}


SAME_PREMISES = "Do the victim and P live in the same premises?"


def apply_for_dvpn(ui: Mouse) -> None:
    """The application one question a page, then check your answers and submit."""
    ui.go("Start a DVPN application")
    for _ in range(8):
        ui.look("application step")
        if ui.page.get_by_role("button", name="Submit for authorisation").count():
            break
        for label, text in APPLICATION_ANSWERS.items():
            if ui.page.get_by_label(label, exact=True).count():
                ui.fill(label, text)
        if ui.page.get_by_role("group", name=SAME_PREMISES).count():
            ui.choose("No", group=SAME_PREMISES)
        ui.go("Save and continue")
    ui.go("Submit for authorisation")
    assert ui.page.get_by_text("Awaiting authorisation").first.is_visible()


def decide_dvpn(ui: Mouse, *, reference: str, authorise: bool, reasons: str) -> None:
    """The superintendent, from the Authorisations queue."""
    ui.go("Authorisations")
    ui.look("authorisation queue")
    ui.go(reference, exact=False)
    ui.look("decide")
    ui.choose("Yes, authorise it" if authorise else "No, refuse it")
    ui.fill("Your reasons", reasons)
    ui.go("Record the decision")
    decided = "authorised" if authorise else "refused"
    assert ui.page.get_by_text(f"DVPN for {reference} {decided}.").is_visible()
    ui.look("authorisation queue after the decision")


def record_service(ui: Mouse, *, served: str, p_address="4 Other Road") -> None:
    ui.go("Record service")
    ui.look("record service")
    ui.fill("Time served", served)
    ui.fill("Address P gave for notice of the hearing", p_address)
    ui.go("Record service")
    expect(ui.page).to_have_url(re.compile(r"/cases/\d+/$"))
    ui.look("case page, served")


def record_safe_contact(ui: Mouse) -> None:
    ui.fill("Safe contact number", "07700 900123")
    ui.tick("I have confirmed these with the victim")
    ui.fill("Safe times to call", "Weekday evenings")
    ui.go("Save safe-contact details")


def start_referral(ui: Mouse, *, service: str) -> None:
    ui.go("Refer to a support service")
    ui.look("new referral")
    ui.select("Support service", service)
    ui.fill("What has been done so far", "DVPO granted; P removed from the home.")
    ui.go("Start the referral")
    ui.look("referral (draft)")


def record_consent(ui: Mouse, *, given: bool) -> None:
    ui.go("Record the victim's consent")
    ui.look("consent")
    ui.choose("Yes, they agree to be referred" if given else "No, they decline the referral")
    if not given:
        ui.tick("I have told the victim how they can refer themselves to support at any time")
    ui.go("Record the answer")


def record_breach(ui: Mouse, *, when: dt.datetime, arrested: dt.datetime) -> None:
    """A breach of the order (the first prohibition), reported by the victim, P arrested."""
    ui.go("Record a breach")
    ui.look("record a breach")
    ui.choose(
        ui.page.get_by_role("group", name="What did P breach?")
        .get_by_role("radio")
        .first.evaluate("el => el.labels[0].innerText.trim()"),
        group="What did P breach?",
    )
    ui.fill_date("Date of the breach", when.date())
    ui.fill("Time of the breach", f"{when:%H:%M}")
    ui.choose("Molested the victim")
    ui.choose("Victim", group="Who reported the breach?")
    ui.fill("What happened?", "P came to the door and shouted.")
    ui.fill_date("Date of the arrest (optional)", arrested.date())
    ui.fill("Time of the arrest (optional)", f"{arrested:%H:%M}")
    ui.go("Record the breach")
    ui.look("breach")


# --- Steps: the court -------------------------------------------------------------------------


def list_hearing(ui: Mouse, *, court: str, listed_for: dt.datetime) -> None:
    ui.go("List the DVPO hearing")
    ui.look("list the hearing")
    ui.select("Magistrates' court", court)
    ui.fill_date("Date the hearing is listed for", listed_for.date())
    ui.fill("Time the hearing is listed for", f"{listed_for:%H:%M}")
    ui.go("List the hearing")
    expect(ui.page).to_have_url(re.compile(r"/cases/\d+/$"))


def record_outcome(ui: Mouse, *, outcome: str, held: dt.datetime, **extra) -> None:
    """`extra` maps a label to text, or a date group's legend to a date."""
    ui.go("Record the hearing outcome")
    ui.look("hearing outcome")
    ui.choose(outcome)
    ui.fill_date("Date the hearing started", held.date())
    ui.fill("Time the hearing started", f"{held:%H:%M}")
    ui.fill("The court's reasons", "Reasons given in court.")
    for label, value in extra.items():
        if isinstance(value, dt.date):
            ui.fill_date(label, value)
        else:
            ui.fill(label, value)
    ui.go("Record the outcome")
    expect(ui.page).to_have_url(re.compile(r"/cases/\d+/$"))


# --- Steps: the support service ---------------------------------------------------------------


def open_referral(ui: Mouse, *, victim_first_name: str) -> None:
    ui.go("Referrals")
    ui.look("inbox")
    ui.go(victim_first_name, exact=False)
    ui.look("referral (caseworker)")


def log_attempt(ui: Mouse, *, when: dt.datetime, outcome: str, notes: str = "") -> None:
    ui.go("Log a contact attempt")
    ui.look("log an attempt")
    ui.fill_date("Date of the attempt", when.date())
    ui.fill("Time of the attempt", f"{when:%H:%M}")
    ui.choose("Phone call from a withheld number")
    ui.choose(outcome)
    if notes:
        ui.fill("Notes (optional)", notes)
    ui.go("Log the attempt")
