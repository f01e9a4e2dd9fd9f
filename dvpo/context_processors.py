from django.conf import settings


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
    }


def navigation(request):
    """Which primary-navigation links this person gets: the same checks the pages make."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from cases.permissions import can_authorise
    from courts.selectors import can_see_hearing_list
    from dvpo.reminders import unread_count

    return {
        "nav_hearings": can_see_hearing_list(user),
        "nav_authorisations": can_authorise(user),
        "unread_notifications": unread_count(user),  # one indexed count
    }
