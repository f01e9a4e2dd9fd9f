from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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

    sources = {
        "my_cases": lambda: selectors.open_cases_owned(viewer=user).order_by("-reported_at"),
        "bcu_cases": lambda: selectors.open_cases_in_bcu(viewer=user).order_by("-reported_at"),
        "awaiting_authorisation": lambda: selectors.dvpns_awaiting_authorisation(viewer=user),
        "dash_review": lambda: selectors.risk_awaiting_review(viewer=user),
        "hearings": lambda: hearings_upcoming(viewer=user),
    }
    lists = {}
    for panel in panels:
        if panel in sources:
            queryset = sources[panel]()
            lists[panel] = {"rows": list(queryset[:PANEL_SIZE]), "total": queryset.count()}
    return lists


@login_required
def home(request):
    user = request.user
    panels = panels_for(user.roles)
    return render(
        request,
        "home.html",
        {
            "panels": panels,
            "lists": panel_lists(user, panels),
            "role_labels": sorted(r.label for r in user.roles),
        },
    )
