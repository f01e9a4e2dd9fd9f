"""The support service's pages (domain.md §3 steps 9-11): the inbox, a referral as the
caseworker sees it (only `referral_facts`, never DASH answers or police-only content),
contact attempts, follow-ups, suspected breaches, the manager's queue, a print and a CSV
export. Anyone outside the service the referral was sent to gets 404 on every page."""

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import log
from cases.models import RiskGrade
from dvpo.exports import csv_download
from dvpo.pages import paginate, run_service
from referrals import rules, selectors, services
from referrals.forms import service as forms
from referrals.models import ContactAttempt, FollowUp, Referral
from referrals.permissions import (
    access_referral,
    can_log_contact,
    can_report_breach,
    can_see_service_queues,
    in_support_service,
    referral_visibility,
)

ACCEPTED = "Referral accepted"
DECLINED = "Referral declined and returned to the police"
UNABLE = "Referral returned to the police as unable to contact"
CLOSED = "Referral closed"
ATTEMPT_LOGGED = "Contact attempt logged"
BREACH_TOLD = "The police have been told of a suspected breach"
ESCALATED = "{n} attempts have failed: the referral is now in the service manager's queue"
FOLLOWUP_ADDED = "Follow-up added"
FOLLOWUP_RECORDED = "Follow-up recorded"
NOTES_HINT = (
    "Confidential to {service}: the police never see these notes. They see only when "
    "contact was tried and what happened."
)

CSV_HEADER = ["Crime reference", "Due", "Status", "Risk grade", "Contact attempts"]


# --- Access -------------------------------------------------------------------------------


def _service_user(user) -> None:
    """404 for anyone outside a support service (police, administrators)."""
    if not in_support_service(user):
        raise Http404


def _grade_label(grade: str | None) -> str:
    return RiskGrade(grade).label if grade else "Not known"


def _referrals(user, status: str):
    """The referrals this user's service may see, with the grade and attempt counts: open
    ones (new and accepted) by default, else those of one status. Soonest due, then risk."""
    if not status:
        referrals = selectors.inbox(viewer=user)
    else:
        referrals = selectors._with_grade(
            Referral.objects.filter(referral_visibility(user), status=status).select_related(
                "case", "victim__person"
            )
        ).order_by("due_at", "-grade_rank", "pk")
    return selectors.attempt_counts(referrals)


def _status_filter(request) -> str:
    form = forms.StatusFilterForm(request.GET)
    return form.cleaned_data["status"] if form.is_valid() else ""


# --- Lists --------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    _service_user(request.user)
    status = _status_filter(request)
    page = paginate(request, _referrals(request.user, status))
    for referral in page:
        referral.grade_label = _grade_label(referral.grade)
    _listed(request, page, "referral inbox")
    return render(
        request,
        "referrals/service/inbox.html",
        {
            "page": page,
            "status": status,
            "filters": forms.STATUS_FILTERS,
            "is_manager": can_see_service_queues(request.user),
        },
    )


@login_required
@require_GET
def manager_queue(request):
    _service_user(request.user)
    if not can_see_service_queues(request.user):
        raise PermissionDenied
    referrals = selectors.manager_queue(viewer=request.user, now=timezone.now())
    page = paginate(request, selectors.attempt_counts(referrals))
    for referral in page:
        referral.grade_label = _grade_label(referral.grade)
    _listed(request, page, "service manager's queue")
    return render(
        request,
        "referrals/service/queue.html",
        {"page": page, "threshold": services.escalate_after()},
    )


@login_required
@require_GET
def followups(request):
    _service_user(request.user)
    page = paginate(request, selectors.followups_due(viewer=request.user, now=timezone.now()))
    _listed(request, [followup.referral for followup in page], "follow-ups due")
    return render(request, "referrals/service/followups.html", {"page": page})


def _listed(request, referrals, reason: str) -> None:
    """The victims a service list names, for the access log."""
    log.record_listed(request, [referral.victim.person_id for referral in referrals], reason=reason)


# --- The referral ---------------------------------------------------------------------------


def _referral_context(user, referral: Referral) -> dict:
    facts = selectors.referral_facts(referral)
    with_service = referral.status in rules.WITH_SERVICE
    may_log = can_log_contact(user, referral)
    followups = list(referral.followups.order_by("due_at", "pk"))
    return {
        "referral": referral,
        "facts": facts,
        "log": selectors.contact_log(referral),
        "followups": followups,
        "permission_rows": [
            ("Voicemail", facts.permissions["voicemail_ok"]),
            ("Text messages", facts.permissions["text_ok"]),
            ("Callers may say who they are", facts.permissions["identify_ok"]),
            ("E-mail", facts.permissions["email_ok"]),
            ("Letters", facts.permissions["letter_ok"]),
            ("Visits", facts.permissions["visit_ok"]),
        ],
        "may_accept": referral.status == rules.SENT,
        "may_log": may_log and with_service,
        "may_close": may_log and referral.status == rules.ACCEPTED,
        "may_follow_up": may_log and referral.status != rules.RETURNED,
        "may_report_breach": can_report_breach(user, referral),
        "service_name": referral.service.name,
    }


def _show_referral(request, referral: Referral, form=None, status=200):
    context = _referral_context(request.user, referral)
    context["form"] = form
    return render(request, "referrals/service/referral.html", context, status=status)


@login_required
@require_GET
def referral(request, referral_id):
    return _show_referral(request, access_referral(request.user, referral_id))


@login_required
@require_http_methods(["GET", "POST"])
def accept(request, referral_id):
    """POST from the referral page; a GET (a reloaded or typed address) goes back to it."""
    referral = access_referral(request.user, referral_id)
    if request.method == "GET":
        return redirect("service_referral", referral_id=referral.pk)
    form = forms.VersionForm(request.POST)
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.referral_accept(
                actor=request.user,
                referral=referral,
                expected_version=form.cleaned_data["expected_version"],
            ),
        )
        if done is not None:
            messages.success(request, ACCEPTED)
            return redirect("service_referral", referral_id=referral.pk)
    return _show_referral(request, referral, form)


def _return_page(request, referral_id, *, action: str):
    perm = "dvpo.log_contact" if action == "unable" else None
    referral = access_referral(request.user, referral_id, perm=perm)
    call, done_message = (
        (services.referral_decline, DECLINED)
        if action == "decline"
        else (services.referral_unable_to_contact, UNABLE)
    )
    if request.method == "POST":
        form = forms.ReturnForm(request.POST)
        if form.is_valid():
            done = run_service(
                form,
                lambda: call(
                    actor=request.user,
                    referral=referral,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if done is not None:
                messages.success(request, done_message)
                return redirect("service_referral", referral_id=referral.pk)
    else:
        form = forms.ReturnForm(initial={"expected_version": referral.lock_version})
    return render(
        request,
        "referrals/service/return.html",
        {
            "referral": referral,
            "facts": selectors.referral_facts(referral),
            "form": form,
            "action": action,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, referral_id):
    return _return_page(request, referral_id, action="decline")


@login_required
@require_http_methods(["GET", "POST"])
def unable_to_contact(request, referral_id):
    return _return_page(request, referral_id, action="unable")


@login_required
@require_http_methods(["GET", "POST"])
def close(request, referral_id):
    referral = access_referral(request.user, referral_id, perm="dvpo.log_contact")
    if request.method == "POST":
        form = forms.VersionForm(request.POST)
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.referral_close(
                    actor=request.user,
                    referral=referral,
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if done is not None:
                messages.success(request, CLOSED)
                return redirect("service_referral", referral_id=referral.pk)
    else:
        form = forms.VersionForm(initial={"expected_version": referral.lock_version})
    return render(
        request,
        "referrals/service/close.html",
        {"referral": referral, "facts": selectors.referral_facts(referral), "form": form},
    )


# --- Contact attempts ---------------------------------------------------------------------


def _method_options(referral: Referral, form) -> list[dict]:
    """Each method as a radio: disabled, with the reason, when the victim has not allowed it."""
    permissions = selectors.contact_permissions(selectors.safe_contact_of(referral.victim))
    chosen = form["method"].value()
    return [
        {
            "value": value,
            "label": label,
            "id": f"id_method_{index}",
            "problem": rules.method_problem(value, permissions),
            "checked": str(chosen) == value,
        }
        for index, (value, label) in enumerate(ContactAttempt.Method.choices)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def attempt_new(request, referral_id):
    referral = access_referral(request.user, referral_id, perm="dvpo.log_contact")
    if request.method == "POST":
        form = forms.AttemptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            before = referral.escalated_at
            attempt = run_service(
                form,
                lambda: services.contact_attempt_log(
                    actor=request.user,
                    referral=referral,
                    at=data["at"],
                    method=data["method"],
                    outcome=data["outcome"],
                    notes=data["notes"].strip(),
                    call_near_expiry=data["call_near_expiry"],
                ),
            )
            if attempt is not None:
                messages.success(request, ATTEMPT_LOGGED)
                if attempt.outcome in rules.SUSPECTED_BREACH:
                    messages.warning(request, BREACH_TOLD)
                referral.refresh_from_db(fields=["escalated_at"])
                if before is None and referral.escalated_at is not None:
                    messages.info(request, ESCALATED.format(n=services.escalate_after()))
                return redirect("service_referral", referral_id=referral.pk)
    else:
        form = forms.AttemptForm(
            initial={"at_date": timezone.localdate(), "method": rules.PHONE_WITHHELD}
        )
    facts = selectors.referral_facts(referral)
    return render(
        request,
        "referrals/service/attempt_new.html",
        {
            "referral": referral,
            "facts": facts,
            "form": form,
            "methods": (methods := _method_options(referral, form)),
            "methods_not_allowed": [option for option in methods if option["problem"]],
            "log": selectors.contact_log(referral),
            "notes_hint": NOTES_HINT.format(service=referral.service.name),
        },
    )


# --- Suspected breach -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def breach_report(request, referral_id):
    referral = access_referral(request.user, referral_id, perm="dvpo.report_breach")
    if request.method == "POST":
        form = forms.BreachForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: (
                    services.breach_report(
                        actor=request.user,
                        referral=referral,
                        details=data["details"],
                        occurred_at=data["occurred_at"],
                    )
                    or True
                ),
            )
            if done is not None:
                messages.warning(request, BREACH_TOLD)
                return redirect("service_referral", referral_id=referral.pk)
    else:
        form = forms.BreachForm()
    return render(
        request,
        "referrals/service/breach.html",
        {"referral": referral, "facts": selectors.referral_facts(referral), "form": form},
    )


# --- Follow-ups -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def followup_new(request, referral_id):
    referral = access_referral(request.user, referral_id, perm="dvpo.log_contact")
    if request.method == "POST":
        form = forms.FollowUpForm(request.POST)
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.followup_add(
                    actor=request.user, referral=referral, due_at=form.cleaned_data["due_at"]
                ),
            )
            if done is not None:
                messages.success(request, FOLLOWUP_ADDED)
                return redirect("service_referral", referral_id=referral.pk)
    else:
        form = forms.FollowUpForm()
    facts = selectors.referral_facts(referral)
    return render(
        request,
        "referrals/service/followup_new.html",
        {"referral": referral, "facts": facts, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_done(request, referral_id, followup_id):
    referral = access_referral(request.user, referral_id, perm="dvpo.log_contact")
    followup = get_object_or_404(FollowUp, pk=followup_id, referral=referral)
    if request.method == "POST":
        form = forms.FollowUpDoneForm(request.POST)
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.followup_done(
                    actor=request.user,
                    followup=followup,
                    outcome=form.cleaned_data["outcome"],
                    expected_version=form.cleaned_data["expected_version"],
                ),
            )
            if done is not None:
                messages.success(request, FOLLOWUP_RECORDED)
                return redirect("service_referral", referral_id=referral.pk)
    else:
        form = forms.FollowUpDoneForm(initial={"expected_version": followup.lock_version})
    return render(
        request,
        "referrals/service/followup_done.html",
        {
            "referral": referral,
            "facts": selectors.referral_facts(referral),
            "followup": followup,
            "form": form,
            "outcome_hint": NOTES_HINT.format(service=referral.service.name),
        },
    )


# --- Print and export -----------------------------------------------------------------------


@login_required
@require_GET
def referral_print(request, referral_id):
    referral = access_referral(request.user, referral_id)
    context = _referral_context(request.user, referral)
    context["printed_at"] = timezone.now()
    return render(request, "referrals/service/print.html", context)


def _csv_rows(referrals: Iterable[Referral]) -> Iterable[list[str]]:
    for referral in referrals:
        yield [
            referral.case.crime_reference,
            f"{timezone.localtime(referral.due_at):%Y-%m-%d %H:%M}",
            referral.get_status_display(),
            _grade_label(referral.grade),
            str(referral.attempt_count),
        ]


@login_required
@require_GET
def export_csv(request):
    """The inbox rows (same filter) as CSV: no names, contact details or notes."""
    _service_user(request.user)
    referrals = list(
        _referrals(request.user, _status_filter(request))
        .select_related(None)
        .select_related("case", "victim")
        .only("id", "due_at", "status", "case__crime_reference", "victim__person_id")
    )
    log.record(
        request,
        log.Action.EXPORT,
        people=[referral.victim.person_id for referral in referrals],
        reason="referral export",
    )
    filename = f"referrals-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_download(filename, _csv_rows(referrals), header=CSV_HEADER)
