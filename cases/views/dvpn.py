"""The DVPN pages: the application one question a page, check your answers, the
authorising officer's queue and decision, revising a refused application, recording
service and the printable notice (Crime and Security Act 2010 s.24-s.25)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import log
from cases import rules, services
from cases.forms import dvpn as forms
from cases.models import DVPN, Party
from cases.permissions import access_case, can_authorise
from dvpo.deadlines import format_duration, format_instant
from dvpo.errors import ActionRefused
from dvpo.pages import paginate, run_service
from dvpo.pdf import filename_safe, pdf_response
from dvpo.signin import identity_confirmed_recently, require_recent_identity, stashed_form

SUBMITTED_MESSAGE = "Submitted for authorisation"

NOTHING_TO_DECIDE = "This DVPN is {status}: there is nothing to decide."
UNSERVED_DEADLINE = (
    "48 hours after this notice is served, not counting Sundays, Christmas Day, Good Friday "
    "and bank holidays"
)


# --- The question pages ----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type
    premises_only: bool = False

    def applies(self, dvpn) -> bool:
        return not self.premises_only or rules.premises_sought(dvpn)


STEPS = [
    Step("grounds", "Grounds", forms.GroundsForm),
    Step("prohibitions", "What the notice prohibits", forms.ProhibitionsForm),
    Step("children", "Welfare of any child", forms.ChildrenForm),
    Step("victim", "The victim's opinion", forms.VictimForm),
    Step("p-representations", "P's representations", forms.PRepresentationsForm),
    Step(
        "other-occupants",
        "Other people living at the premises",
        forms.OtherOccupantsForm,
        premises_only=True,
    ),
    Step("other-means", "Why other means are not enough", forms.OtherMeansForm),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
# Where each missing item (cases.rules.dvpn_missing) is answered.
STEP_FOR_FIELD = {
    "grounds": "grounds",
    "shares_premises": "prohibitions",
    "premises_address": "prohibitions",
    "child_welfare": "children",
    "victim_opinion": "victim",
    "p_representations": "p-representations",
    "occupants_opinion": "other-occupants",
    "why_other_means_insufficient": "other-means",
}


def _get_dvpn(case, dvpn_id) -> DVPN:
    dvpn = get_object_or_404(
        DVPN.objects.select_related("applicant", "decided_by", "served_by"), pk=dvpn_id, case=case
    )
    dvpn.case = case
    return dvpn


def _step_url(dvpn, slug, from_check=False) -> str:
    url = reverse("dvpn_step", args=[dvpn.case_id, dvpn.pk, slug])
    return url + "?next=check" if from_check else url


def _check_url(dvpn) -> str:
    return reverse("dvpn_check", args=[dvpn.case_id, dvpn.pk])


def _after_step(dvpn, step: Step, from_check: bool) -> str:
    """The page after a saved step: the next question, or back to check your answers."""
    if from_check:
        occupants = STEP_BY_SLUG["other-occupants"]
        needs_occupants = occupants.applies(dvpn) and not dvpn.occupants_opinion.strip()
        if step.slug == "prohibitions" and needs_occupants:
            return _step_url(dvpn, occupants.slug, from_check=True)
        return _check_url(dvpn)
    following = STEPS[STEPS.index(step) + 1 :]
    for candidate in following:
        if candidate.applies(dvpn):
            return _step_url(dvpn, candidate.slug)
    return _check_url(dvpn)


def _back_url(dvpn, step: Step, from_check: bool) -> str:
    if from_check:
        return _check_url(dvpn)
    before = [s for s in STEPS[: STEPS.index(step)] if s.applies(dvpn)]
    if before:
        return _step_url(dvpn, before[-1].slug)
    return reverse("case_detail", args=[dvpn.case_id])


@login_required
@require_POST
def dvpn_start(request, case_id):
    case = access_case(request.user, case_id, work=True)
    try:
        dvpn = services.dvpn_start(actor=request.user, case=case)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("case_detail", case_id=case.pk)
    return redirect("dvpn_step", case_id=case.pk, dvpn_id=dvpn.pk, step=STEPS[0].slug)


@login_required
@require_http_methods(["GET", "POST"])
def dvpn_step(request, case_id, dvpn_id, step):
    case = access_case(request.user, case_id, work=True)
    dvpn = _get_dvpn(case, dvpn_id)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    from_check = request.GET.get("next") == "check"
    if request.method == "POST":
        form = current.form(request.POST)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.dvpn_update(
                    actor=request.user,
                    dvpn=dvpn,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.service_kwargs(),
                ),
            )
            if saved is not None:
                return redirect(_after_step(saved, current, from_check))
    else:
        if dvpn.status != DVPN.Status.DRAFT:
            messages.error(
                request, services.NOT_A_DRAFT.format(status=dvpn.get_status_display().lower())
            )
            return redirect(_check_url(dvpn))
        form = current.form(initial=current.form.initial_from(dvpn))
    applicable = [s for s in STEPS if s.applies(dvpn)]
    number = applicable.index(current) + 1 if current in applicable else None
    return render(
        request,
        "cases/dvpn/step.html",
        {
            "case": case,
            "dvpn": dvpn,
            "step": current,
            "form": form,
            "number": number,
            "total": len(applicable),
            "back_url": _back_url(dvpn, current, from_check),
            "single_question": len(form.visible_fields()) == 1,
        },
    )


# --- What the application says, for check-your-answers, the decision and the notice ---


def _people(case):
    """The victim and P on the case (the first victim when there are several)."""
    victim = perpetrator = None
    for party in case.parties.select_related("person").filter(
        role__in=[Party.Role.VICTIM, Party.Role.PERPETRATOR]
    ):
        if party.role == Party.Role.VICTIM and victim is None:
            victim = party
        elif party.role == Party.Role.PERPETRATOR:
            perpetrator = party
    return victim, perpetrator


def prohibitions(dvpn, *, subject: str, victim_name: str) -> list[str]:
    """Each prohibition in plain words (s.24(6)-(8)): "P must not ..." or "You must not ..."."""
    said = [
        f"{subject} must not molest {victim_name}. This includes using or threatening violence "
        "against them, and intimidating, harassing or pestering them."
    ]
    if dvpn.premises_no_evict:
        said.append(f"{subject} must not evict or exclude {victim_name} from the premises.")
    if dvpn.premises_no_enter:
        said.append(f"{subject} must not enter the premises.")
    if dvpn.premises_leave:
        said.append(f"{subject} must leave the premises.")
    if dvpn.exclusion_distance_m:
        said.append(
            f"{subject} must not come within {dvpn.exclusion_distance_m} metres of the premises."
        )
    return said


def _summary(dvpn, victim) -> list[dict]:
    """Check-your-answers rows: key, value (lines of text) and the step that changes it."""
    victim_name = str(victim.person) if victim else "the victim"
    if dvpn.victim_opinion.strip():
        opinion = [dvpn.victim_opinion]
    elif dvpn.victim_opinion_steps.strip():
        opinion = ["Not known. Steps taken: " + dvpn.victim_opinion_steps]
    else:
        opinion = []
    rows = [
        ("Grounds", [dvpn.grounds], "grounds"),
        (
            "Victim and P share premises",
            ["Yes" if dvpn.shares_premises else "No"],
            "prohibitions",
        ),
        (
            "The notice prohibits",
            prohibitions(dvpn, subject="P", victim_name=victim_name),
            "prohibitions",
        ),
    ]
    if rules.premises_sought(dvpn):
        rows.append(("The premises", [dvpn.premises_address], "prohibitions"))
    rows += [
        ("Welfare of any child", [dvpn.child_welfare], "children"),
        ("The victim's opinion", opinion, "victim"),
        ("P's representations", [dvpn.p_representations], "p-representations"),
    ]
    if rules.premises_sought(dvpn):
        rows.append(
            ("Other people living at the premises", [dvpn.occupants_opinion], "other-occupants")
        )
    rows.append(
        ("Why other means are not enough", [dvpn.why_other_means_insufficient], "other-means")
    )
    return [
        {
            "key": key,
            "lines": [line for line in lines if line.strip()],
            "change_url": _step_url(dvpn, slug, from_check=True),
        }
        for key, lines, slug in rows
    ]


def _missing_links(dvpn) -> list[dict]:
    """What the application still lacks, each linked to the page that answers it."""
    links = []
    for field, message in services.dvpn_missing(dvpn):
        if field in STEP_FOR_FIELD:
            url = _step_url(dvpn, STEP_FOR_FIELD[field], from_check=True)
        else:  # the victim or P: added to the case on the people pages
            url = reverse("party_add", args=[dvpn.case_id])
        links.append({"url": url, "message": message})
    return links


@login_required
@require_http_methods(["GET", "POST"])
def dvpn_check(request, case_id, dvpn_id):
    case = access_case(request.user, case_id, work=True)
    dvpn = _get_dvpn(case, dvpn_id)
    if request.method == "POST":
        form = forms.SubmitForm(request.POST)
        if form.is_valid():
            submitted = run_service(
                form,
                lambda: services.dvpn_submit(
                    actor=request.user,
                    dvpn=dvpn,
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if submitted is not None:
                messages.success(request, SUBMITTED_MESSAGE)
                return redirect("case_detail", case_id=case.pk)
    else:
        form = forms.SubmitForm(initial={"expected_version": dvpn.lock_version})
    victim, perpetrator = _people(case)
    editable = dvpn.status == DVPN.Status.DRAFT
    missing = _missing_links(dvpn) if editable else []
    # The service's "not complete" refusal repeats the missing items, which are listed already.
    refusals = [
        error for error in form.non_field_errors() if not (missing and "not complete" in error)
    ]
    return render(
        request,
        "cases/dvpn/check.html",
        {
            "case": case,
            "dvpn": dvpn,
            "form": form,
            "victim": victim,
            "perpetrator": perpetrator,
            "rows": _summary(dvpn, victim),
            "editable": editable,
            "missing": missing,
            "refusals": refusals,
        },
    )


# --- Authorisation ------------------------------------------------------------------


@login_required
@require_GET
def authorisation_queue(request):
    if not can_authorise(request.user):
        raise PermissionDenied
    waiting = (
        DVPN.objects.filter(
            status=DVPN.Status.SUBMITTED, case__force_id=request.user.organisation_id
        )
        .annotate(
            own=ExpressionWrapper(
                services.dvpn_involvement(request.user), output_field=BooleanField()
            )
        )
        .select_related("case", "applicant")
        .prefetch_related(
            Prefetch(
                "case__parties",
                queryset=Party.objects.filter(
                    role__in=[Party.Role.VICTIM, Party.Role.PERPETRATOR]
                ).select_related("person"),
                to_attr="named_parties",
            )
        )
        .order_by("submitted_at", "pk")
    )
    page = paginate(request, waiting)
    now = timezone.now()
    rows = []
    for dvpn in page:
        parties = dvpn.case.named_parties
        rows.append(
            {
                "dvpn": dvpn,
                "waiting": format_duration(now - dvpn.submitted_at),
                "victims": [p.person for p in parties if p.role == Party.Role.VICTIM],
                "perpetrator": next(
                    (p.person for p in parties if p.role == Party.Role.PERPETRATOR), None
                ),
                "own": dvpn.own,
            }
        )
    log.record_listed(
        request,
        [party.person_id for dvpn in page for party in dvpn.case.named_parties],
        reason="authorisation queue",
    )
    return render(request, "cases/dvpn/queue.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def dvpn_decide(request, case_id, dvpn_id):
    case = access_case(request.user, case_id)
    if not can_authorise(request.user):
        raise PermissionDenied
    dvpn = _get_dvpn(case, dvpn_id)
    # A decision needs the password and a code given within REAUTH_MINUTES: otherwise
    # "Confirm it's you" first, keeping what was typed to show it again here.
    confirm_first = require_recent_identity(request) if request.method == "POST" else None
    if confirm_first is not None:
        return confirm_first
    restored = stashed_form(request) if request.method == "GET" else None
    if request.method == "POST":
        form = forms.DecideForm(request.POST)
        if form.is_valid():
            authorise = form.cleaned_data["decision"] == "authorise"
            decided = run_service(
                form,
                lambda: services.dvpn_decide(
                    actor=request.user,
                    dvpn=dvpn,
                    authorise=authorise,
                    reasons=form.cleaned_data["reasons"].strip(),
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if decided is not None:
                if authorise:
                    text = f"DVPN for {case.crime_reference} authorised. It can now be served on P."
                else:
                    text = (
                        f"DVPN for {case.crime_reference} refused. "
                        "The applicant can revise it and submit it again."
                    )
                messages.success(request, text)
                return redirect("authorisation_queue")
    elif restored:
        form = forms.DecideForm(initial=restored)
    else:
        form = forms.DecideForm(initial={"expected_version": dvpn.lock_version})
    victim, perpetrator = _people(case)
    earlier = case.dvpns.filter(version__lt=dvpn.version, decided_at__isnull=False).select_related(
        "decided_by"
    )
    return render(
        request,
        "cases/dvpn/decide.html",
        {
            "restored": bool(restored),
            "confirm_needed": not identity_confirmed_recently(request),
            "reauth_minutes": settings.REAUTH_MINUTES,
            "case": case,
            "dvpn": dvpn,
            "form": form,
            "victim": victim,
            "perpetrator": perpetrator,
            "rows": _summary(dvpn, victim),
            "earlier": earlier,
            "own": services.dvpn_involved(dvpn, request.user),
            "waiting": dvpn.status == DVPN.Status.SUBMITTED,
            "nothing_to_decide": NOTHING_TO_DECIDE.format(status=dvpn.get_status_display().lower()),
        },
    )


@login_required
@require_POST
def dvpn_revise(request, case_id, dvpn_id):
    case = access_case(request.user, case_id, work=True)
    dvpn = _get_dvpn(case, dvpn_id)
    try:
        revised = services.dvpn_revise(actor=request.user, dvpn=dvpn)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("case_detail", case_id=case.pk)
    messages.success(
        request,
        f"Version {revised.version} started from the refused application. "
        "Change what is needed, then submit it again.",
    )
    return redirect("dvpn_check", case_id=case.pk, dvpn_id=revised.pk)


# --- Service and the notice ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dvpn_serve(request, case_id, dvpn_id):
    case = access_case(request.user, case_id, work=True)
    dvpn = _get_dvpn(case, dvpn_id)
    if request.method == "POST":
        form = forms.ServeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            served = run_service(
                form,
                lambda: services.dvpn_serve(
                    actor=request.user,
                    dvpn=dvpn,
                    served_at=form.served_instant(),
                    p_notice_address=data["p_notice_address"],
                    p_gave_no_address=data["p_gave_no_address"],
                    expected_version=data["expected_version"],
                ),
            )
            if served is not None:
                messages.success(
                    request,
                    f"Served. The hearing must be by {format_instant(served.hearing_deadline)}",
                )
                return redirect("case_detail", case_id=case.pk)
    else:
        form = forms.ServeForm(
            initial={"expected_version": dvpn.lock_version, "served_at": timezone.localdate()}
        )
    victim, perpetrator = _people(case)
    return render(
        request,
        "cases/dvpn/serve.html",
        {
            "case": case,
            "dvpn": dvpn,
            "form": form,
            "perpetrator": perpetrator,
            "authorised": dvpn.status == DVPN.Status.AUTHORISED,
        },
    )


# The notice exists from authorisation on; once ended or lapsed it can still be read.
NOTICE_STATUSES = (
    DVPN.Status.AUTHORISED,
    DVPN.Status.SERVED,
    DVPN.Status.ENDED,
    DVPN.Status.LAPSED,
)


def _notice_context(request, case_id, dvpn_id) -> dict:
    case = access_case(request.user, case_id)
    dvpn = _get_dvpn(case, dvpn_id)
    if dvpn.status not in NOTICE_STATUSES:
        raise Http404
    victim, perpetrator = _people(case)
    victim_name = str(victim.person) if victim else "the victim"
    return {
        "case": case,
        "dvpn": dvpn,
        "victim": victim,
        "perpetrator": perpetrator,
        "prohibitions": prohibitions(dvpn, subject="You", victim_name=victim_name),
        # The address the application names, never the victim's own (a refuge, perhaps).
        "premises_address": dvpn.premises_address if rules.premises_sought(dvpn) else "",
        "decided_at": format_instant(dvpn.decided_at),
        "served_at": format_instant(dvpn.served_at) if dvpn.served_at else "",
        "hearing_by": (
            format_instant(dvpn.hearing_deadline) if dvpn.hearing_deadline else UNSERVED_DEADLINE
        ),
    }


@login_required
@require_GET
def dvpn_notice(request, case_id, dvpn_id):
    return render(request, "cases/dvpn/notice.html", _notice_context(request, case_id, dvpn_id))


def pdf_filename(crime_reference: str, version: int) -> str:
    return f"dvpn-{filename_safe(crime_reference)}-v{version}.pdf"


@login_required
@require_GET
def dvpn_notice_pdf(request, case_id, dvpn_id):
    context = _notice_context(request, case_id, dvpn_id)
    filename = pdf_filename(context["case"].crime_reference, context["dvpn"].version)
    return pdf_response(request, "cases/dvpn/notice_pdf.html", context, filename=filename)
