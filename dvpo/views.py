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


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "home.html",
        {"panels": panels_for(user.roles), "role_labels": sorted(r.label for r in user.roles)},
    )
