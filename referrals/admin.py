"""Referrals in the Django admin: read-only lists for administrators. Writes go through
referrals/services.py; contact notes are not shown (they belong to the service)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_log import AccessLoggedAdmin
from referrals.models import Alert, Referral


@admin.register(Referral)
class ReferralAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    list_display = ("case", "kind", "service", "status", "consent", "due_at", "escalated_at")
    list_filter = ("kind", "status", "consent", "service")
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    list_display = ("recipient", "case", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    readonly_fields = ("recipient", "case", "referral", "kind", "message", "created_at", "read_at")

    def has_add_permission(self, request):
        return False
