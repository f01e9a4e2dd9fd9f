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
    from referrals.permissions import can_see_service_queues, in_support_service

    return {
        "nav_hearings": can_see_hearing_list(user),
        "nav_queues": bool(user.organisation_id and user.organisation.is_police),
        "nav_authorisations": can_authorise(user),
        "nav_referrals": in_support_service(user),
        "nav_service_queues": can_see_service_queues(user),
        "unread_notifications": unread_count(user),  # one indexed count
    }
