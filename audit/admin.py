"""The access log in the admin: read-only (the database refuses changes anyway)."""

from django.contrib import admin

from audit.admin_log import AccessLoggedAdmin
from audit.models import AccessLog, BreakGlass, CaseErasure
from dvpo.admin import ReadOnlyAdmin


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Every organisation's rows, unscoped: superusers only. Administrators search their own
    organisation's log on the Access log page (audit/views.py)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    list_display = ["at", "username", "organisation_name", "action", "case_id", "basis", "path"]
    list_filter = ["action", "basis"]
    search_fields = ["username", "path"]
    date_hierarchy = "at"


@admin.register(BreakGlass)
class BreakGlassAdmin(AccessLoggedAdmin, ReadOnlyAdmin):
    list_display = ["granted_at", "user", "case", "case_bcu", "reviewed_at", "reviewed_by"]


@admin.register(CaseErasure)
class CaseErasureAdmin(ReadOnlyAdmin):
    list_display = ["case_id", "erased_at", "erased_by", "fields_erased", "people_erased"]
