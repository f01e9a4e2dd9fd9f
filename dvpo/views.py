import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dvpo.roles import Role

# What each role's home page shows, in order. Each panel is an empty state
# until the capability behind it exists; the later issues fill them in.
HOME_PANELS = {
    Role.OFFICER: ("my_cases",),
    Role.DVPO_OFFICER: ("bcu_cases", "hearings"),
    Role.SUPERVISOR: ("queues", "dash_review"),
    Role.AUTHORISING_OFFICER: ("awaiting_authorisation",),
    Role.COURT_COORDINATOR: ("hearings",),
    Role.CASEWORKER: ("referral_inbox",),
    Role.SERVICE_MANAGER: ("referral_inbox", "service_queues"),
    Role.ADMINISTRATOR: ("administration",),
}


def panels_for(roles) -> list[str]:
    seen: list[str] = []
    for role in Role:  # a stable order whatever the set of roles
        if role in roles:
            seen += [panel for panel in HOME_PANELS[role] if panel not in seen]
    return seen


PANEL_SIZE = 5


def panel_lists(user, panels) -> dict:
    """The first few rows and the total of each panel that has data behind it."""
    from cases import selectors
    from courts.selectors import hearings_upcoming
    from referrals import selectors as referral_selectors

    sources = {
        "my_cases": lambda: selectors.open_cases_owned(viewer=user).order_by("-reported_at"),
        "bcu_cases": lambda: selectors.open_cases_in_bcu(viewer=user).order_by("-reported_at"),
        "awaiting_authorisation": lambda: selectors.dvpns_awaiting_authorisation(viewer=user),
        "dash_review": lambda: selectors.risk_awaiting_review(viewer=user),
        "hearings": lambda: hearings_upcoming(viewer=user),
        "referral_inbox": lambda: referral_selectors.inbox(viewer=user),
        "service_queues": lambda: referral_selectors.manager_queue(viewer=user, now=timezone.now()),
    }
    lists = {}
    for panel in panels:
        if panel in sources:
            queryset = sources[panel]()
            lists[panel] = {"rows": list(queryset[:PANEL_SIZE]), "total": queryset.count()}
    return lists


# For the access log: how each panel's rows lead to the people they name (a victim) or to
# the case they list by crime reference (whose victims and perpetrators are then logged).
PANEL_VICTIM = {"dash_review", "referral_inbox", "service_queues"}
PANEL_CASE = {
    "my_cases": lambda case: case.pk,
    "bcu_cases": lambda case: case.pk,
    "awaiting_authorisation": lambda dvpn: dvpn.case_id,
    "hearings": lambda application: application.dvpn.case_id,
}


def people_named(lists: dict) -> list[int]:
    """The people the home page's panels are about (for the access log): the victims they
    name, and the victims and perpetrators of the cases they list (one query)."""
    from cases.selectors import people_named_in

    def rows(panel):
        return lists.get(panel, {}).get("rows", [])

    victims = [row.victim.person_id for panel in PANEL_VICTIM for row in rows(panel)]
    case_ids = [PANEL_CASE[panel](row) for panel in PANEL_CASE for row in rows(panel)]
    return victims + people_named_in(case_ids=case_ids)


@login_required
def home(request):
    from audit import log

    user = request.user
    panels = panels_for(user.roles)
    lists = panel_lists(user, panels)
    log.record_listed(request, people_named(lists), reason="home page")
    return render(
        request,
        "home.html",
        {"panels": panels, "lists": lists, "role_labels": sorted(r.label for r in user.roles)},
    )


@login_required
@require_GET
def notifications(request):
    """The signed-in person's alerts and reminders, newest first; only their own. The
    access log has the victims and perpetrators of the cases they are about."""
    from audit import log
    from cases.selectors import people_named_in
    from dvpo.pages import paginate
    from dvpo.reminders import link_for, notifications_for

    page = paginate(request, notifications_for(request.user))
    user = request.user
    police = bool(user.organisation_id and user.organisation.is_police)
    for alert in page:
        alert.link = (
            link_for(user, alert.case_id, alert.referral_id) if police or alert.referral_id else ""
        )
    log.record_listed(
        request,
        people_named_in(case_ids=[alert.case_id for alert in page]),
        reason="notifications",
    )
    return render(request, "notifications.html", {"page": page})


@login_required
def notification_read(request, alert_id):
    """Mark one of the person's own notifications read (anyone else's: 404, before 405)."""
    from referrals.models import Alert
    from referrals.services import alert_read

    alert = get_object_or_404(Alert, pk=alert_id, recipient=request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    alert_read(actor=request.user, alert=alert)
    messages.success(request, "Notification marked as read")
    page = request.POST.get("page", "")
    url = reverse("notifications")
    return redirect(f"{url}?page={page}" if re.fullmatch(r"[0-9]{1,6}", page) else url)


@login_required
@require_POST
def notifications_mark_read(request):
    from dvpo.reminders import notifications_mark_all_read

    changed = notifications_mark_all_read(actor=request.user)
    if changed:
        messages.success(request, "All notifications marked as read")
    return redirect("notifications")
