"""The DASH risk assessment: record it, see it, and a supervisor's quality assurance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit import log
from cases import services
from cases.forms.risk import ReviewForm, RiskForm
from cases.models import Case, Party, RiskAssessment, RiskInstrument, Task
from cases.permissions import access_case, case_visibility
from dvpo.deadlines import format_duration
from dvpo.pages import paginate, run_service

QA_PERMISSION = "dvpo.quality_assure_dash"


def active_instrument():
    return RiskInstrument.objects.filter(active=True).order_by("pk").first()


def _risk(case, risk_id):
    return get_object_or_404(
        RiskAssessment.objects.select_related(
            "victim__person", "instrument", "assessed_by", "reviewed_by"
        ),
        pk=risk_id,
        case=case,
    )


def _may_review(user, case, risk) -> bool:
    return (
        user.has_perm(QA_PERMISSION)
        and user.organisation_id == case.force_id
        and risk.review == RiskAssessment.Review.AWAITING
        and risk.assessed_by_id != user.pk  # nobody quality-assures their own grade
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_new(request, case_id):
    case = access_case(request.user, case_id, work=True)
    victims = list(case.parties.filter(role=Party.Role.VICTIM).select_related("person"))
    instrument = active_instrument()
    context = {"case": case, "instrument": instrument, "victims": victims}
    if instrument is None or not victims:
        return render(request, "cases/risk/risk_new.html", context)

    victim_qs = case.parties.filter(role=Party.Role.VICTIM).select_related("person")
    initial = {}
    chosen = request.GET.get("victim")
    if chosen and chosen in {str(v.pk) for v in victims}:
        initial["victim"] = chosen
    form = RiskForm(
        request.POST if request.method == "POST" else None,
        victims=victim_qs,
        questions=instrument.questions.order_by("number"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        risk = run_service(
            form,
            lambda: services.risk_assess(
                actor=request.user,
                case=case,
                victim=data["victim"],
                instrument=instrument,
                answers=form.answers(),
                grade=data["grade"],
                rationale=data["rationale"].strip(),
            ),
        )
        if risk is not None:
            messages.success(
                request,
                f"Risk assessment recorded: {risk.get_grade_display().lower()} risk. "
                "A supervisor will quality-assure the grade.",
            )
            return redirect("risk_detail", case_id=case.pk, risk_id=risk.pk)
    context["form"] = form
    context["unanswered"] = form.unanswered() if form.errors else set()
    return render(request, "cases/risk/risk_new.html", context)


@login_required
@require_http_methods(["GET"])
def risk_detail(request, case_id, risk_id):
    case = access_case(request.user, case_id)
    risk = _risk(case, risk_id)
    labels = dict(RiskAssessment.Answer.choices)
    answers = [
        (question, labels.get(risk.answers.get(str(question.number)), "Not recorded"))
        for question in risk.instrument.questions.order_by("number")
    ]
    marac = case.tasks.filter(kind=Task.Kind.MARAC_REFERRAL).order_by("-created_at").first()
    return render(
        request,
        "cases/risk/risk_detail.html",
        {
            "case": case,
            "risk": risk,
            "answers": answers,
            "marac": marac,
            "may_review": _may_review(request.user, case, risk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_review(request, case_id, risk_id):
    case = access_case(request.user, case_id, change=True)
    risk = _risk(case, risk_id)
    if not request.user.has_perm(QA_PERMISSION):
        raise PermissionDenied
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"grade": risk.grade, "expected_version": risk.lock_version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reviewed = run_service(
            form,
            lambda: services.risk_review(
                actor=request.user,
                risk=risk,
                grade=data["grade"],
                reason=data["reason"].strip(),
                expected_version=data["expected_version"],
            ),
        )
        if reviewed is not None:
            verdict = (
                "confirmed"
                if reviewed.review == RiskAssessment.Review.CONFIRMED
                else f"changed to {reviewed.get_final_grade_display().lower()}"
            )
            messages.success(request, f"Risk grade {verdict} for {risk.victim.person}.")
            return redirect("risk_detail", case_id=case.pk, risk_id=risk.pk)
    return render(
        request,
        "cases/risk/risk_review.html",
        {
            "case": case,
            "risk": risk,
            "form": form,
            "awaiting": risk.review == RiskAssessment.Review.AWAITING,
        },
    )


@login_required
@require_http_methods(["GET"])
def review_queue(request):
    if not request.user.has_perm(QA_PERMISSION):
        raise PermissionDenied
    visible = Case.objects.filter(case_visibility(request.user)).values("pk")
    waiting = (
        RiskAssessment.objects.filter(review=RiskAssessment.Review.AWAITING, case__in=visible)
        .select_related("case", "victim__person", "assessed_by")
        .order_by("assessed_at", "pk")
    )
    page = paginate(request, waiting)
    now = timezone.now()
    rows = [(risk, format_duration(now - risk.assessed_at)) for risk in page]
    log.record_listed(request, [risk.victim.person_id for risk in page], reason="DASH reviews")
    return render(request, "cases/risk/review_queue.html", {"page": page, "rows": rows})
