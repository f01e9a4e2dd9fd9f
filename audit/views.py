"""The break-glass question, the supervisors' review, the administrators' log search and
subject access request listing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from audit import log, selectors
from audit.breakglass import break_glass_open, break_glass_review, may_break_glass
from audit.forms import BreakGlassForm, LogSearchForm, PersonSearchForm, ReviewForm
from audit.models import BreakGlass
from audit.permissions import (
    break_glass_scope,
    can_answer_sar,
    can_review_break_glass,
    is_log_administrator,
    require,
)
from cases.models import Case
from cases.permissions import view_basis
from dvpo.exports import csv_download
from dvpo.pages import paginate, run_service

REVIEWED = "Break-glass access marked as reviewed"
SAR_REASON = "Subject access request"
SAR_SEARCH_REASON = "Subject access request: person search"


def _next_url(request, case: Case, wanted: str) -> str:
    prefix = f"/cases/{case.pk}/"
    if wanted.startswith(prefix) and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}
    ):
        return wanted
    return f"{prefix}"


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request, case_id):
    case = get_object_or_404(Case.objects.select_related("force"), pk=case_id)
    if view_basis(request.user, case) is not None:
        return redirect("case_detail", case.pk)
    if not may_break_glass(request.user, case):
        raise Http404
    form = BreakGlassForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        opened = run_service(
            form,
            lambda: break_glass_open(
                user=request.user,
                case=case,
                reason=form.cleaned_data["reason"],
                path=request.get_full_path(),
            ),
        )
        if opened is not None:
            return redirect(_next_url(request, case, form.cleaned_data.get("next") or ""))
    return render(
        request,
        "audit/break_glass.html",
        {"case_id": case.pk, "form": form, "break_glass_hours": settings.BREAK_GLASS_HOURS},
    )


@login_required
@require_http_methods(["GET"])
def review_list(request):
    require(can_review_break_glass(request.user))
    show_all = request.GET.get("show") == "all"
    grants = selectors.break_glass_for_review(viewer=request.user, show_all=show_all)
    return render(
        request,
        "audit/review_list.html",
        {"page": paginate(request, grants), "show_all": show_all},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, grant_id):
    require(can_review_break_glass(request.user))
    grant = get_object_or_404(
        BreakGlass.objects.filter(break_glass_scope(request.user)).select_related(
            "user", "case", "case_bcu", "reviewed_by"
        ),
        pk=grant_id,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: break_glass_review(
                grant_id=grant.pk, reviewer=request.user, note=form.cleaned_data["note"]
            ),
        )
        if done is not None:
            messages.success(request, REVIEWED)
            return redirect("break_glass_reviews")
    return render(request, "audit/review.html", {"grant": grant, "form": form})


@login_required
@require_http_methods(["GET"])
def log_search(request):
    require(is_log_administrator(request.user))
    searched = any(request.GET.get(key) for key in request.GET if key != "page")
    form = LogSearchForm(request.GET if searched else None)
    page = None
    if searched and form.is_valid():
        entries = selectors.log_search(viewer=request.user, filters=form.cleaned_data)
        page = paginate(request, entries)
        log.record(
            request, log.Action.SEARCH, reason="Access log search", basis=log.Basis.ADMINISTRATOR
        )
    return render(request, "audit/log_search.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET"])
def person_search(request):
    require(can_answer_sar(request.user))
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    page = None
    if form.is_bound and form.is_valid():
        people = selectors.people_search(viewer=request.user, text=form.cleaned_data["q"])
        page = paginate(request, people)
        log.record_listed(request, list(page), reason=SAR_SEARCH_REASON)
    return render(request, "audit/person_search.html", {"form": form, "page": page})


def _sar_person(request, person_id):
    require(can_answer_sar(request.user))
    person = selectors.person_for_sar(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404
    return person


@login_required
@require_http_methods(["GET"])
def person_detail(request, person_id):
    person = _sar_person(request, person_id)
    records = selectors.sar_records(viewer=request.user, person=person)
    page = paginate(request, selectors.sar_log(viewer=request.user, person=person))
    log.record(
        request,
        log.Action.VIEW,
        people=[person.pk],
        obj=person,
        reason=SAR_REASON,
        basis=log.Basis.ADMINISTRATOR,
    )
    return render(request, "audit/person_detail.html", {"person": person, "page": page, **records})


def _local(instant) -> str:
    return timezone.localtime(instant).strftime("%Y-%m-%d %H:%M") if instant else ""


def _sar_rows(person, records, entries):
    yield ["Section", "Item", "Detail", "When", "By"]
    for label, value in (
        ("First name", person.first_name),
        ("Last name", person.last_name),
        ("Date of birth", person.date_of_birth or ""),
        ("Gender", person.get_gender_display()),
        ("Ethnicity", person.get_ethnicity_display()),
        ("Address", person.address),
    ):
        yield ["Person", label, value, "", ""]
    for party in records["parties"]:
        yield [
            "Case",
            party.case.crime_reference,
            f"{party.get_role_display()}; {party.case.bcu}; {party.case.get_status_display()}",
            _local(party.case.reported_at),
            "",
        ]
    for referral in records["referrals"]:
        yield [
            "Referral",
            referral.get_kind_display(),
            f"{referral.get_status_display()}; {referral.service or ''}",
            _local(referral.sent_at or referral.created_at),
            "",
        ]
    for entry in entries:
        what = entry.case.crime_reference if entry.case_id and entry.case else entry.object_type
        yield [
            "Access log",
            entry.get_action_display(),
            f"{what}; {entry.get_basis_display()}; {entry.reason}".strip("; "),
            _local(entry.at),
            f"{entry.username} ({entry.organisation_name})",
        ]


@login_required
@require_http_methods(["GET"])
def person_sar_csv(request, person_id):
    person = _sar_person(request, person_id)
    records = selectors.sar_records(viewer=request.user, person=person)
    entries = selectors.sar_log(viewer=request.user, person=person).iterator()
    filename = f"subject-access-{person.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    response = csv_download(filename, _sar_rows(person, records, entries))
    log.record(
        request,
        log.Action.DISCLOSE,
        people=[person.pk],
        obj=person,
        reason=SAR_REASON,
        basis=log.Basis.ADMINISTRATOR,
    )
    return response
