"""The incident pages: the list of cases, recording and changing an incident, the case page."""

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit import log
from cases.forms.incident import CaseEditForm, CaseForm, search_text
from cases.models import DVPN, FULL_NAME, Case, CaseEvent, Party, Person, RiskAssessment, Task
from cases.permissions import access_case, can_authorise, can_work_on_case, case_visibility
from cases.services import age_on, case_create, case_update, dvpn_involved
from dvpo.pages import paginate, run_service

ROLE_ORDER = [
    Party.Role.VICTIM,
    Party.Role.PERPETRATOR,
    Party.Role.CHILD,
    Party.Role.HOUSEHOLD,
]
DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\- ](?P<m>\d{1,2})[/.\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)


def parse_search_date(text: str) -> date | None:
    """A date of birth as people type it: 2/1/1990, 02-01-1990, 2.1.1990 or 1990-01-02."""
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


# The case list pages through the newest 10,000 matching cases (400 pages): more than that
# are counted no further and the page asks for a narrower search.
CASE_LIST_CAP = 10_000


def search_filter(q: str) -> Q:
    """Crime reference (exact or the start of it), a name on the case, or a date of birth."""
    # One UNION of case ids, each branch served by an index (the crime reference's upper-case
    # prefix, the trigram index on a person's full name, the date of birth), so a search
    # never reads every case of a force (issue 11; see docs/performance.md).
    named = Person.objects.annotate(full_name=FULL_NAME).filter(full_name__icontains=q)
    matches = (
        Case.objects.filter(crime_reference__istartswith=q)
        .order_by()
        .values("pk")
        .union(Party.objects.filter(person__in=named).order_by().values("case_id"))
    )
    born = parse_search_date(q)
    if born:
        matches = matches.union(
            Party.objects.filter(person__date_of_birth=born).order_by().values("case_id")
        )
    return Q(pk__in=matches)


@login_required
@require_http_methods(["GET"])
def case_list(request):
    q = search_text(request.GET.get("q", ""))
    latest_dvpn = DVPN.objects.filter(case=OuterRef("pk")).order_by("-version")
    cases = (
        Case.objects.filter(case_visibility(request.user))
        .select_related("bcu")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.filter(
                    role__in=[Party.Role.VICTIM, Party.Role.PERPETRATOR]
                ).select_related("person"),
                to_attr="named_parties",
            )
        )
        .annotate(
            dvpn_status=Subquery(latest_dvpn.values("status")[:1]),
            dvpn_hearing_deadline=Subquery(latest_dvpn.values("hearing_deadline")[:1]),
        )
        .order_by("-reported_at", "-pk")
    )
    if q:  # the matching ids once, then the page's cases by id
        page = paginate(request, cases.filter(search_filter(q)), cap=CASE_LIST_CAP, rows=cases)
    else:
        page = paginate(request, cases, cap=CASE_LIST_CAP)
    for case in page:
        case.victims = [p for p in case.named_parties if p.role == Party.Role.VICTIM]
        case.perpetrators = [p for p in case.named_parties if p.role == Party.Role.PERPETRATOR]
        case.dvpn_status_label = DVPN.Status(case.dvpn_status).label if case.dvpn_status else ""
    log.record_listed(
        request,
        [party.person_id for case in page for party in case.named_parties],
        reason="case search" if q else "case list",
    )
    return render(
        request,
        "cases/incident/list.html",
        {
            "page": page,
            "q": q,
            "can_record": request.user.has_perm("dvpo.record_incident"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    user = request.user
    if not user.has_perm("dvpo.record_incident") or not user.organisation_id:
        raise PermissionDenied
    if request.method == "POST":
        form = CaseForm(request.POST, user=user)
        if form.is_valid():
            case = run_service(form, lambda: case_create(actor=user, **form.service_fields()))
            if case is not None:
                messages.success(request, f"Incident {case.crime_reference} recorded")
                return redirect("case_detail", case_id=case.pk)
    else:
        form = CaseForm(user=user, initial={"bcu": user.bcu_id, "team": user.team_id})
    return render(
        request,
        "cases/incident/form.html",
        {"form": form, "case": None, "hint": user.organisation.crime_reference_hint},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, case_id):
    user = request.user
    case = access_case(user, case_id, work=True)
    if request.method == "POST":
        form = CaseEditForm(request.POST, user=user)
        if form.is_valid():
            updated = run_service(
                form,
                lambda: case_update(
                    actor=user,
                    case=case,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.service_fields(),
                ),
            )
            if updated is not None:
                messages.success(request, "Incident details saved")
                return redirect("case_detail", case_id=case.pk)
    else:
        form = CaseEditForm(user=user, initial=CaseEditForm.initial_for(case))
    return render(
        request,
        "cases/incident/form.html",
        {"form": form, "case": case, "hint": user.organisation.crime_reference_hint},
    )


def dvpn_actions(user, case, latest, *, can_work: bool) -> dict:
    """Which DVPN buttons this person sees, following DVPN_TRANSITIONS in cases/rules.py.
    The services check again on every POST; this only hides what would be refused."""
    may_apply = can_work and user.has_perm("dvpo.apply_dvpn")
    status = latest.status if latest else None
    return {
        "start": may_apply and status is None,
        "continue": may_apply and status == DVPN.Status.DRAFT,
        "decide": status == DVPN.Status.SUBMITTED
        and can_authorise(user)
        and user.organisation_id == case.force_id
        and not dvpn_involved(latest, user),
        "serve": status == DVPN.Status.AUTHORISED
        and can_work
        and user.has_perm("dvpo.serve_dvpn")
        and user.rank is not None,
        # The notice exists from authorisation on (also once ended or lapsed).
        "notice": status not in (None, "draft", "submitted", "refused", "revised"),
        "revise": may_apply and status == DVPN.Status.REFUSED,
    }


@login_required
@require_http_methods(["GET"])
def case_detail(request, case_id):
    user = request.user
    case = access_case(user, case_id)
    can_work = can_work_on_case(user, case)
    today = timezone.localdate()

    parties = sorted(
        case.parties.select_related("person", "safe_contact"),
        key=lambda party: (ROLE_ORDER.index(party.role), party.pk),
    )
    for party in parties:
        born = party.person.date_of_birth
        party.age = age_on(born, today) if born else None
        try:
            party.has_safe_contact = party.safe_contact is not None
        except Party.safe_contact.RelatedObjectDoesNotExist:
            party.has_safe_contact = False
    victims = [p for p in parties if p.role == Party.Role.VICTIM]

    # The latest assessment of each victim, in one query (PostgreSQL DISTINCT ON).
    latest_risks = {
        risk.victim_id: risk
        for risk in RiskAssessment.objects.filter(case=case)
        .order_by("victim_id", "-assessed_at", "-pk")
        .distinct("victim_id")
    }
    risks = [(victim, latest_risks.get(victim.pk)) for victim in victims]

    dvpns = list(
        case.dvpns.select_related("applicant", "decided_by", "served_by").order_by("-version")
    )
    latest = dvpns[0] if dvpns else None

    return render(
        request,
        "cases/incident/detail.html",
        {
            "case": case,
            "can_work": can_work,
            "parties": parties,
            "victims": victims,
            "risks": risks,
            "dvpn": latest,
            "earlier_dvpns": dvpns[1:],
            "actions": dvpn_actions(user, case, latest, can_work=can_work),
            "tasks": Task.objects.filter(case=case, done_at__isnull=True).order_by("created_at"),
            "events": CaseEvent.objects.filter(case=case)
            .select_related("actor")
            .order_by("-at", "-pk"),
        },
    )
