"""The breach pages: record a breach of a served DVPN (s.26) or of a DVPO (s.29), the
arrest and the production deadline that follows, and what the court did about it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.permissions import access_case
from courts import services
from courts.forms import breaches as forms
from courts.models import Breach
from courts.services import PROHIBITION_NEEDS
from dvpo.deadlines import format_instant
from dvpo.forms import time_as_typed
from dvpo.pages import run_service

RECORDED = "Breach recorded"
ARREST_RECORDED = "Arrest recorded"
OUTCOME_RECORDED = "Breach hearing outcome recorded"
PRODUCTION = "P must be before the court by {at}"


def _with_production(message: str, breach: Breach) -> str:
    if breach.production_deadline is None:
        return message
    return f"{message}. {PRODUCTION.format(at=format_instant(breach.production_deadline))}"


def _access(user, case_id, *, record: bool):
    """The case (404 for anyone who may not see it); 403 for recording without the right."""
    case = access_case(user, case_id)
    if record and not services.can_record_breach(user, case):
        raise PermissionDenied
    return case


def _get_breach(case, breach_id) -> Breach:
    breach = get_object_or_404(
        Breach.objects.select_related("dvpn", "order", "recorded_by"), pk=breach_id, case=case
    )
    breach.case = case
    return breach


def _day(value) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


# --- What can be breached ------------------------------------------------------------


def _dvpn_label(dvpn) -> str:
    label = f"DVPN (version {dvpn.version}), served {format_instant(dvpn.served_at)}"
    if dvpn.status != dvpn.Status.SERVED:
        label += f" ({dvpn.get_status_display().lower()})"
    return label


def _order_label(order) -> str:
    label = f"DVPO made {_day(order.made_on)} for {order.days} days"
    if order.in_force:
        return f"{label}: in force until {format_instant(order.ends_at)}"
    return f"{label}: {order.get_status_display().lower()} (ended {format_instant(order.ends_at)})"


def _breachables(case) -> list[tuple[str, str, object]]:
    """(key, label, notice or order): the case's orders, then its served notices, newest first."""
    options = [(f"dvpo-{o.pk}", _order_label(o), o) for o in case.dvpos.order_by("-made_on")]
    dvpns = case.dvpns.filter(served_at__isnull=False).order_by("-served_at")
    options += [(f"dvpn-{d.pk}", _dvpn_label(d), d) for d in dvpns]
    return options


def _prohibitions(things) -> list[tuple[str, str]]:
    """The prohibitions at least one of the notices or orders has, in the model's order."""
    return [
        (value, label)
        for value, label in Breach.Prohibition.choices
        if any(
            PROHIBITION_NEEDS[Breach.Prohibition(value)] is None
            or getattr(thing, PROHIBITION_NEEDS[Breach.Prohibition(value)])
            for thing in things
        )
    ]


def _initial_breached(options) -> str | None:
    """The one choice, else the order in force, else nothing chosen."""
    if len(options) == 1:
        return options[0][0]
    live = [key for key, _, thing in options if key.startswith("dvpo-") and thing.in_force]
    return live[0] if live else None


# --- Pages -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def breach_new(request, case_id):
    case = _access(request.user, case_id, record=True)
    options = _breachables(case)
    by_key = {key: thing for key, _, thing in options}
    choices = {
        "breached_choices": [(key, label) for key, label, _ in options],
        "prohibition_choices": _prohibitions([thing for _, _, thing in options]),
    }
    if request.method == "POST":
        form = forms.BreachForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            thing = by_key[data["breached"]]
            is_order = data["breached"].startswith("dvpo-")
            breach = run_service(
                form,
                lambda: services.breach_record(
                    actor=request.user,
                    case=case,
                    dvpn=None if is_order else thing,
                    order=thing if is_order else None,
                    occurred_at=form.occurred_instant(),
                    prohibition=data["prohibition"],
                    reported_by=data["reported_by"],
                    description=data["description"].strip(),
                    arrested_at=form.arrest_instant(),
                ),
            )
            if breach is not None:
                messages.success(request, _with_production(RECORDED, breach))
                return redirect("breach_detail", case_id=case.pk, breach_id=breach.pk)
    else:
        form = forms.BreachForm(
            initial={
                "breached": _initial_breached(options),
                "occurred_at": timezone.localdate(),
                "prohibition": Breach.Prohibition.MOLESTATION,
            },
            **choices,
        )
    return render(
        request,
        "courts/breaches/new.html",
        {"case": case, "form": form, "nothing_to_breach": not options},
    )


@login_required
@require_GET
def breach_detail(request, case_id, breach_id):
    case = _access(request.user, case_id, record=False)
    breach = _get_breach(case, breach_id)
    may_record = services.can_record_breach(request.user, case)
    breached = _order_label(breach.order) if breach.order_id else _dvpn_label(breach.dvpn)
    return render(
        request,
        "courts/breaches/detail.html",
        {
            "case": case,
            "breach": breach,
            "breached": breached,
            "may_record": may_record,
            "outcome_open": breach.outcome in (Breach.Outcome.PENDING, Breach.Outcome.ADJOURNED),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_arrest(request, case_id, breach_id):
    case = _access(request.user, case_id, record=True)
    breach = _get_breach(case, breach_id)
    if request.method == "POST":
        form = forms.ArrestForm(request.POST)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.breach_arrest(
                    actor=request.user,
                    breach=breach,
                    arrested_at=form.arrest_instant(),
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if saved is not None:
                messages.success(request, _with_production(ARREST_RECORDED, saved))
                return redirect("breach_detail", case_id=case.pk, breach_id=breach.pk)
    else:
        initial = {"expected_version": breach.lock_version, "arrested_at": timezone.localdate()}
        if breach.arrested_at:
            local = timezone.localtime(breach.arrested_at)
            # As typed: '01:30 GMT' when the clocks repeated that time, so saving keeps it.
            initial.update(arrested_at=local.date(), arrested_time=time_as_typed(local))
        form = forms.ArrestForm(initial=initial)
    return render(
        request, "courts/breaches/arrest.html", {"case": case, "breach": breach, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_outcome(request, case_id, breach_id):
    case = _access(request.user, case_id, record=True)
    breach = _get_breach(case, breach_id)
    if request.method == "POST":
        form = forms.OutcomeForm(request.POST)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: services.breach_outcome_record(
                    actor=request.user, breach=breach, **form.service_kwargs()
                ),
            )
            if saved is not None:
                messages.success(request, OUTCOME_RECORDED)
                return redirect("breach_detail", case_id=case.pk, breach_id=breach.pk)
    else:
        form = forms.OutcomeForm(
            initial={
                "expected_version": breach.lock_version,
                "outcome_on": breach.outcome_on or timezone.localdate(),
            }
        )
    return render(
        request, "courts/breaches/outcome.html", {"case": case, "breach": breach, "form": form}
    )
