"""The police side of a referral to support (domain.md §3 step 9): start it, see what it will
carry and what is missing, record the victim's consent, send it, record a MARAC outcome;
and the police user's alerts (suspected breaches, returned referrals).

Police users see a referral's status, attempt count and outcomes, never a caseworker's
notes: every page here reads through `selectors.referrals_for_case` and
`selectors.referral_facts`, which never load them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import DVPN, Party
from cases.permissions import access_case
from dvpo.deadlines import format_instant
from dvpo.pages import run_service
from referrals import rules, selectors, services
from referrals.forms import police as forms
from referrals.models import Referral
from referrals.permissions import can_manage_referrals

STARTED = "Referral started. Check what it still needs, then send it."
SAVED = "Referral updated"
CONSENT_GIVEN = "Consent recorded: the victim agrees to the referral"
CONSENT_DECLINED = (
    "The victim's refusal is recorded at {at}. The referral is closed and the Victims' Code "
    "duty is met."
)
SENT = "Referral sent to {service}. It was due by {due}{late}."
MARAC_SAVED = "MARAC meeting and outcome recorded"
NOT_A_DRAFT = "Only a draft referral can be changed; this one is {status}."


# --- Access ---------------------------------------------------------------------------------


def _access(user, case_id, referral_id, *, work: bool = False):
    """The case and its referral: 404 for anyone who may not see the case (a caseworker, an
    outsider), 403 for an action this user may not take on it."""
    case = access_case(user, case_id, work=work)
    referral = get_object_or_404(
        Referral.objects.select_related("victim__person", "service"), pk=referral_id, case=case
    )
    referral.case = case
    return case, referral


# --- What is missing, with where to fix it -----------------------------------------------------


def _order_link(case) -> str:
    dvpn = case.dvpns.order_by("-version").first()
    if dvpn is None:
        return reverse("dvpn_start", args=[case.pk])
    if dvpn.status == DVPN.Status.AUTHORISED:
        return reverse("dvpn_serve", args=[case.pk, dvpn.pk])
    return reverse("case_detail", args=[case.pk]) + "#dvpn"


def missing_with_links(case, referral) -> list[dict]:
    """Each missing item (selectors.referral_missing) with the page that puts it right."""
    contact = reverse("safe_contact", args=[case.pk, referral.victim_id])
    edit = reverse("referral_edit", args=[case.pk, referral.pk])
    links = {
        "service": edit + "#id_service",
        "consent": reverse("referral_consent", args=[case.pk, referral.pk]),
        "safe_phone": contact + "#id_safe_phone",
        "permissions_confirmed": contact + "#id_permissions_confirmed",
        "safe_times": contact + "#id_safe_times",
        "risk_grade": reverse("risk_new", args=[case.pk]) + f"?victim={referral.victim_id}",
        "what_done": edit + "#id_what_done",
    }
    items = []
    for field, message in selectors.referral_missing(referral):
        link = _order_link(case) if field == "order" else links.get(field, "")
        if field == "consent" and referral.consent == rules.DECLINED:
            link = ""
        items.append({"field": field, "message": message, "link": link})
    return items


def _summary(case, referral):
    """The police view of this referral (status, attempts and outcomes, never notes)."""
    return next(s for s in selectors.referrals_for_case(case) if s.id == referral.pk)


# --- Start a referral -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, case_id):
    case = access_case(request.user, case_id, work=True)
    victims = list(case.parties.filter(role=Party.Role.VICTIM).select_related("person"))
    form = forms.ReferralNewForm(
        request.POST if request.method == "POST" else None, victims=victims
    )
    if request.method == "POST" and form.is_valid():
        referral = run_service(
            form,
            lambda: services.referral_create(
                actor=request.user, case=case, **form.service_kwargs()
            ),
        )
        if referral is not None:
            messages.success(request, STARTED)
            return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    return render(
        request,
        "referrals/police/new.html",
        {"case": case, "form": form, "victims": victims},
    )


# --- The referral ---------------------------------------------------------------------------


def _detail_page(request, case, referral, *, send_form=None, refused=False):
    can_manage = can_manage_referrals(request.user, case)
    draft = referral.status == rules.DRAFT
    missing = missing_with_links(case, referral) if draft else []
    if not can_manage:  # the pages that put them right are not theirs to use
        missing = [{**item, "link": ""} for item in missing]
    return render(
        request,
        "referrals/police/detail.html",
        {
            "case": case,
            "referral": referral,
            "summary": _summary(case, referral),
            "facts": selectors.referral_facts(referral, for_service=False),
            "missing": missing,
            "refused": refused,
            "form": send_form,
            "can_manage": can_manage,
            "can_edit": can_manage and draft,
            "can_consent": can_manage and draft,
            "can_send": can_manage and draft,
            "can_marac": can_manage and referral.kind == rules.MARAC,
            "consent_by": referral.consent_recorded_by,
        },
    )


@login_required
def referral_detail(request, case_id, referral_id):
    case, referral = _access(request.user, case_id, referral_id)  # 404 before 405
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _detail_page(request, case, referral)


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request, case_id, referral_id):
    case, referral = _access(request.user, case_id, referral_id, work=True)
    if referral.status != rules.DRAFT:
        messages.error(request, NOT_A_DRAFT.format(status=rules.STATUS_LABELS[referral.status]))
        return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    if request.method == "POST":
        form = forms.ReferralEditForm(request.POST)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.referral_update(
                    actor=request.user,
                    referral=referral,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.service_kwargs(),
                ),
            )
            if saved is not None:
                messages.success(request, SAVED)
                return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    else:
        form = forms.ReferralEditForm(
            initial={
                "service": referral.service_id,
                "what_done": referral.what_done,
                "expected_version": referral.lock_version,
            }
        )
    return render(
        request, "referrals/police/edit.html", {"case": case, "referral": referral, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_consent(request, case_id, referral_id):
    case, referral = _access(request.user, case_id, referral_id, work=True)
    if referral.status != rules.DRAFT:
        messages.error(request, NOT_A_DRAFT.format(status=rules.STATUS_LABELS[referral.status]))
        return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    if request.method == "POST":
        form = forms.ConsentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved = run_service(
                form,
                lambda: services.referral_consent_record(
                    actor=request.user,
                    referral=referral,
                    consent=data["consent"],
                    self_referral_explained=data["self_referral_explained"],
                    expected_version=data["expected_version"],
                ),
            )
            if saved is not None:
                if saved.consent == rules.DECLINED:
                    at = format_instant(saved.consent_recorded_at)
                    messages.success(request, CONSENT_DECLINED.format(at=at))
                else:
                    messages.success(request, CONSENT_GIVEN)
                return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    else:
        initial = {"expected_version": referral.lock_version}
        if referral.consent != rules.NOT_ASKED:
            initial["consent"] = referral.consent
        form = forms.ConsentForm(initial=initial)
    return render(
        request,
        "referrals/police/consent.html",
        {"case": case, "referral": referral, "form": form},
    )


@login_required
def referral_send(request, case_id, referral_id):
    case, referral = _access(request.user, case_id, referral_id, work=True)  # 404/403 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = forms.SendForm(request.POST)
    incomplete = []

    def send():
        try:
            return services.referral_send(
                actor=request.user,
                referral=referral,
                expected_version=form.cleaned_data["expected_version"],
            )
        except services.ReferralIncomplete as refusal:
            incomplete.extend(refusal.missing)  # listed item by item, each with its link
            return None

    if form.is_valid():
        sent = run_service(form, send)
        if sent is not None:
            late = " (sent after the due time)" if sent.sent_at > sent.due_at else ""
            messages.success(
                request,
                SENT.format(service=sent.service, due=format_instant(sent.due_at), late=late),
            )
            return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    referral.refresh_from_db()
    referral.case = case
    return _detail_page(request, case, referral, send_form=form, refused=bool(incomplete))


@login_required
@require_http_methods(["GET", "POST"])
def marac_outcome(request, case_id, referral_id):
    case, referral = _access(request.user, case_id, referral_id, work=True)
    if referral.kind != rules.MARAC:
        raise Http404
    if request.method == "POST":
        form = forms.MaracOutcomeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            saved = run_service(
                form,
                lambda: services.marac_outcome_record(
                    actor=request.user,
                    referral=referral,
                    meeting_date=data["meeting_date"],
                    outcome=data["marac_outcome"],
                    expected_version=data["expected_version"],
                ),
            )
            if saved is not None:
                messages.success(request, MARAC_SAVED)
                return redirect("referral_detail", case_id=case.pk, referral_id=referral.pk)
    else:
        form = forms.MaracOutcomeForm(
            initial={
                "meeting_date": referral.meeting_date,
                "marac_outcome": referral.marac_outcome,
                "expected_version": referral.lock_version,
            }
        )
    return render(
        request, "referrals/police/marac.html", {"case": case, "referral": referral, "form": form}
    )
