"""The court pages of a case: the DVPO application and its listing, a hearing's outcome,
varying and discharging the order, and the court pack PDF (Crime and Security Act 2010
s.27-s.28). The case page shows all of it ({% court_section case %}, court_tags.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import DVPN, RiskAssessment
from cases.permissions import access_case
from cases.rules import premises_sought
from cases.views.dvpn import _people, prohibitions
from courts import rules, selectors, services
from courts.forms import court as forms
from courts.models import DVPO, DVPOApplication
from dvpo.deadlines import format_instant
from dvpo.forms import time_as_typed
from dvpo.pages import run_service
from dvpo.pdf import filename_safe, pdf_response

NO_SERVED_DVPN = "There is no served DVPN on this case to apply to court for."
LISTED_LATE_WARNING = (
    "The hearing is listed after the deadline ({deadline}). If no hearing starts by then the "
    "DVPN lapses (s.27(3)): it can no longer be enforced and must come off the PNC."
)
APPLIED_MESSAGE = "DVPO hearing listed at {court}, {when}"
CHANGED_MESSAGE = "DVPO application changed"
OUTCOME_MESSAGES = {
    rules.GRANTED: "DVPO made: last day {last_day}. Add it to the PNC.",
    rules.REFUSED: "Application refused. The DVPN has ended: remove it from the PNC.",
    rules.WITHDRAWN: "Application withdrawn. The DVPN has ended: remove it from the PNC.",
    rules.ADJOURNED: "Hearing adjourned to {when}. The DVPN stays in force.",
}
VARIED_MESSAGE = "DVPO varied: last day {last_day}"
DISCHARGED_MESSAGE = "DVPO discharged. Remove it from the PNC."


def _day(value) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def _court_case(request, case_id):
    """The case (404 for anyone who may not see it), 403 for those who may not do court work."""
    case = access_case(request.user, case_id)
    if not services.can_record_court_work(request.user, case):
        raise PermissionDenied
    return case


def _outcome_case(request, case_id):
    """As _court_case, for hearing outcomes and changes to an order: court coordinators only."""
    case = access_case(request.user, case_id)
    if not services.can_record_court_outcome(request.user, case):
        raise PermissionDenied
    return case


def _application(case, application_id) -> DVPOApplication:
    application = get_object_or_404(
        DVPOApplication.objects.select_related("dvpn", "court", "presenting_officer"),
        pk=application_id,
        dvpn__case=case,
    )
    application.dvpn.case = case
    return application


def _order(case, order_id) -> DVPO:
    order = get_object_or_404(
        DVPO.objects.select_related("application__dvpn"), pk=order_id, case=case
    )
    order.case = case
    return order


# --- The application (s.27) -----------------------------------------------------------


def _listing_context(case, dvpn, form, **extra) -> dict:
    return {
        "case": case,
        "dvpn": dvpn,
        "form": form,
        "deadline_text": format_instant(dvpn.hearing_deadline) if dvpn.hearing_deadline else "",
        **extra,
    }


def _after_listing(request, application) -> None:
    if application.listed_late:
        messages.warning(
            request,
            LISTED_LATE_WARNING.format(deadline=format_instant(application.dvpn.hearing_deadline)),
        )


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request, case_id):
    case = _court_case(request, case_id)
    dvpn = case.dvpns.order_by("-version").first()
    if dvpn is None or dvpn.status != DVPN.Status.SERVED:
        messages.error(request, NO_SERVED_DVPN)
        return redirect("case_detail", case_id=case.pk)
    existing = DVPOApplication.objects.filter(dvpn=dvpn).first()
    if existing is not None:
        return redirect("court_application_edit", case_id=case.pk, application_id=existing.pk)
    choices = {"courts": selectors.courts(), "officers": selectors.presenting_officers(case.force)}
    if request.method == "POST":
        form = forms.ApplicationForm(request.POST, **choices)
        if form.is_valid():
            application = run_service(
                form,
                lambda: services.application_create(
                    actor=request.user, dvpn=dvpn, **form.service_kwargs()
                ),
            )
            if application is not None:
                messages.success(
                    request,
                    APPLIED_MESSAGE.format(
                        court=application.court, when=format_instant(application.listed_for)
                    ),
                )
                _after_listing(request, application)
                return redirect("case_detail", case_id=case.pk)
    else:
        form = forms.ApplicationForm(
            initial={"fee": DVPOApplication.Fee.UNCONTESTED, "presenting_officer": request.user.pk},
            **choices,
        )
    return render(
        request,
        "courts/court/application_form.html",
        _listing_context(case, dvpn, form, editing=False),
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, case_id, application_id):
    case = _court_case(request, case_id)
    application = _application(case, application_id)
    dvpn = application.dvpn
    choices = {"courts": selectors.courts(), "officers": selectors.presenting_officers(case.force)}
    if request.method == "POST":
        form = forms.ApplicationEditForm(request.POST, **choices)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.application_update(
                    actor=request.user,
                    application=application,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.service_kwargs(),
                ),
            )
            if saved is not None:
                messages.success(request, CHANGED_MESSAGE)
                _after_listing(request, saved)
                return redirect("case_detail", case_id=case.pk)
    else:
        form = forms.ApplicationEditForm(
            initial=forms.ApplicationForm.initial_from(application), **choices
        )
    return render(
        request,
        "courts/court/application_form.html",
        _listing_context(
            case,
            dvpn,
            form,
            editing=True,
            application=application,
            decided=application.decided,
            heard=application.hearings.exists(),
        ),
    )


# --- A hearing's outcome -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hearing_outcome(request, case_id, application_id):
    case = _outcome_case(request, case_id)
    application = _application(case, application_id)
    dvpn = application.dvpn
    options = {
        "officers": selectors.presenting_officers(case.force),
        "shares_premises": dvpn.shares_premises,
    }
    if request.method == "POST":
        form = forms.HearingForm(request.POST, **options)
        if form.is_valid():
            hearing = run_service(
                form,
                lambda: services.hearing_record(
                    actor=request.user, application=application, **form.service_kwargs()
                ),
            )
            if hearing is not None:
                text = OUTCOME_MESSAGES[hearing.outcome]
                if hearing.outcome == rules.GRANTED:
                    text = text.format(last_day=_day(hearing.order.last_day))
                elif hearing.outcome == rules.ADJOURNED:
                    text = text.format(when=format_instant(hearing.adjourned_to))
                messages.success(request, text)
                return redirect("case_detail", case_id=case.pk)
    else:
        listed = timezone.localtime(application.listed_for)
        form = forms.HearingForm(
            initial={
                "expected_version": application.lock_version,
                "held_at": listed.date(),
                "held_time": time_as_typed(application.listed_for),
                "decided_at": listed.date(),
                "decided_time": time_as_typed(application.listed_for),
                "presented_by": application.presenting_officer_id,
                **forms.PremisesMixin.premises_initial(dvpn),
            },
            **options,
        )
    return render(
        request,
        "courts/court/outcome.html",
        {
            "case": case,
            "dvpn": dvpn,
            "application": application,
            "form": form,
            "decided": application.decided,
            "lapsed": application.status == rules.APPLICATION_LAPSED,
        },
    )


# --- The order (s.28) --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def order_vary(request, case_id, order_id):
    case = _outcome_case(request, case_id)
    order = _order(case, order_id)
    shares = order.application.dvpn.shares_premises
    if request.method == "POST":
        form = forms.VaryForm(request.POST, shares_premises=shares)
        if form.is_valid():
            varied = run_service(
                form,
                lambda: services.order_vary(
                    actor=request.user, order=order, **form.service_kwargs()
                ),
            )
            if varied is not None:
                messages.success(request, VARIED_MESSAGE.format(last_day=_day(varied.last_day)))
                return redirect("case_detail", case_id=case.pk)
    else:
        form = forms.VaryForm(initial=forms.VaryForm.initial_from(order), shares_premises=shares)
    return render(
        request,
        "courts/court/order_vary.html",
        {"case": case, "order": order, "form": form, "in_force": order.in_force},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_discharge(request, case_id, order_id):
    case = _outcome_case(request, case_id)
    order = _order(case, order_id)
    if request.method == "POST":
        form = forms.DischargeForm(request.POST)
        if form.is_valid():
            discharged = run_service(
                form,
                lambda: services.order_discharge(
                    actor=request.user,
                    order=order,
                    reason=form.cleaned_data["reason"].strip(),
                    discharged_at=form.cleaned_data["discharged"],
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if discharged is not None:
                messages.success(request, DISCHARGED_MESSAGE)
                return redirect("case_detail", case_id=case.pk)
    else:
        now = timezone.localtime()
        form = forms.DischargeForm(
            initial={
                "expected_version": order.lock_version,
                "discharged_at": now.date(),
                "discharged_time": time_as_typed(now),
            }
        )
    return render(
        request,
        "courts/court/order_discharge.html",
        {"case": case, "order": order, "form": form, "in_force": order.in_force},
    )


# --- The court pack -------------------------------------------------------------------


def pack_filename(crime_reference: str) -> str:
    return f"court-pack-{filename_safe(crime_reference)}.pdf"


def _pack_context(case, application) -> dict:
    dvpn = application.dvpn
    victim, perpetrator = _people(case)
    victim_name = str(victim.person) if victim else "the victim"
    risk = None
    if victim is not None:
        risk = (
            RiskAssessment.objects.filter(case=case, victim=victim)
            .order_by("-assessed_at", "-pk")
            .first()
        )
    return {
        "case": case,
        "dvpn": dvpn,
        "application": application,
        "victim": victim,
        "perpetrator": perpetrator,
        "risk": risk,
        # For cases/dvpn/_notice_body.html, the notice as served.
        "prohibitions": prohibitions(dvpn, subject="You", victim_name=victim_name),
        "p_prohibitions": prohibitions(dvpn, subject="P", victim_name=victim_name),
        # The address the application names, never the victim's own (a refuge, perhaps).
        "premises_address": dvpn.premises_address if premises_sought(dvpn) else "",
        "decided_at": format_instant(dvpn.decided_at) if dvpn.decided_at else "",
        "served_at": format_instant(dvpn.served_at) if dvpn.served_at else "",
        "hearing_by": format_instant(dvpn.hearing_deadline) if dvpn.hearing_deadline else "",
        "listed_for": format_instant(application.listed_for),
        "paperwork_missing": application.paperwork_missing(),
        "prepared_at": format_instant(timezone.now()),
    }


@login_required
@require_GET
def court_pack_pdf(request, case_id, application_id):
    case = access_case(request.user, case_id)
    application = get_object_or_404(
        DVPOApplication.objects.select_related(
            "court", "presenting_officer", "dvpn__decided_by", "dvpn__served_by"
        ),
        pk=application_id,
        dvpn__case=case,
    )
    application.dvpn.case = case
    return pdf_response(
        request,
        "courts/court/pack_pdf.html",
        _pack_context(case, application),
        filename=pack_filename(case.crime_reference),
    )
