"""The sign-in attempts in the admin (django-axes' models), each organisation's to its own.

axes' own admin (switched off: AXES_ENABLE_ADMIN = False) shows every organisation's failed
sign-ins to anyone with the view permission. Here an organisation's administrator sees
only the attempts, sign-ins and failures recorded for usernames of their own organisation's
people, and clears a wait by deleting those attempts; another organisation's rows do not
exist for them (404). A superuser (the platform administrator) sees everything, including
usernames that belong to nobody (password spraying) and addresses' counts. Registered from
DvpoConfig.ready().
"""

from datetime import timedelta

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.http import Http404

from dvpo.lockout import lockout_wait, wait_words
from dvpo.models import User

NOT_WAITING = "Not waiting"


def usernames_visible_to(user):
    """None for everything (a superuser); otherwise a query of the usernames of the
    administrator's own organisation (empty without one)."""
    if user.is_superuser:
        return None
    if not user.organisation_id:
        return User.objects.none().values("username")
    return User.objects.filter(organisation_id=user.organisation_id).values("username")


class OrganisationScopedMixin:
    """Rows whose username is one of the viewer's organisation's people; any other row is
    not found (404), for viewing, changing and deleting alike."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        usernames = usernames_visible_to(request.user)
        return queryset if usernames is None else queryset.filter(username__in=usernames)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such sign-in record for your organisation.")
        return obj

    def has_change_permission(self, request, obj=None):
        return False  # records of what happened: look, or delete an attempt to clear a wait


class ScopedAccessAttemptAdmin(OrganisationScopedMixin, AccessAttemptAdmin):
    """Failed sign-ins still counted. Deleting one forgets those failures, which ends a wait
    for that username (the address's own count stays, unless a superuser clears it)."""

    list_display = [
        "attempt_time",
        "ip_address",
        "username",
        "failures_since_start",
        "wait",
        "user_agent",
    ]
    list_filter = ["attempt_time"]
    actions = ["delete_selected"]

    @admin.display(description="Wait before the next password is checked")
    def wait(self, obj):
        remaining = lockout_wait(ip_address=obj.ip_address, username=obj.username)
        return wait_words(remaining) if remaining > timedelta(0) else NOT_WAITING


class ScopedAccessLogAdmin(OrganisationScopedMixin, AccessLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class ScopedAccessFailureLogAdmin(OrganisationScopedMixin, AccessFailureLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def register(site=admin.site) -> None:
    for model, model_admin in (
        (AccessAttempt, ScopedAccessAttemptAdmin),
        (AccessLog, ScopedAccessLogAdmin),
        (AccessFailureLog, ScopedAccessFailureLogAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
