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
    from audit.permissions import can_review_break_glass, is_log_administrator
    from cases.permissions import can_authorise
    from courts.selectors import can_see_hearing_list
    from dvpo.reminders import unread_count
    from referrals.permissions import can_see_service_queues, in_support_service
    from reports.permissions import can_see_reports

    return {
        "nav_hearings": can_see_hearing_list(user),
        "nav_queues": bool(user.organisation_id and user.organisation.is_police),
        "nav_authorisations": can_authorise(user),
        "nav_referrals": in_support_service(user),
        "nav_service_queues": can_see_service_queues(user),
        "nav_reports": can_see_reports(user),
        "nav_break_glass": can_review_break_glass(user),
        "nav_access_log": is_log_administrator(user),
        "unread_notifications": unread_count(user),  # one indexed count
    }
