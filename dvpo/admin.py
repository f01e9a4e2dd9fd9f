from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_log import DeletionLoggedAdmin
from dvpo.calendar import calendar_day_delete, calendar_day_save
from dvpo.models import BCU, CalendarDay, Organisation, Team, User
from dvpo.roles import Role, role_problems
from dvpo.signin import second_factor_reset

admin.site.site_header = "dvpo administration"
admin.site.site_title = "dvpo administration"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the services (or never): the admin may look, not
    add, change or delete. Who may look is the model's view permission, unless a subclass
    narrows it (audit's AccessLogAdmin: superusers only)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups") or []
        organisation = cleaned.get("organisation")
        roles = [g.name for g in groups if g.name in Role.values]
        problems = role_problems(
            roles,
            organisation_kind=organisation.kind if organisation else None,
            rank=cleaned.get("rank"),
        )
        if problems:
            raise ValidationError(problems)
        return cleaned


@admin.register(User)
class UserAdmin(DeletionLoggedAdmin, BaseUserAdmin, SimpleHistoryAdmin):
    form = UserForm
    list_display = ["username", "first_name", "last_name", "organisation", "bcu", "rank"]
    list_filter = ["organisation", "bcu", "groups", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisation", {"fields": ("organisation", "bcu", "team", "rank", "shoulder_number")}),
    )
    actions = ["reset_second_factor"]

    @admin.action(
        description="Reset two-factor sign-in (they must set up an authenticator again)",
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        """For a lost or replaced phone: removes the person's authenticator and backup codes,
        signs out their sessions at the next request and makes them set up again after their
        password. Recorded in the admin log ("Recent actions", the user's history)."""
        for user in queryset:
            removed = second_factor_reset(user=user)
            self.log_change(
                request,
                user,
                f"Reset two-factor sign-in ({removed} device(s) removed); "
                "they must set it up again at their next sign-in.",
            )
        self.message_user(
            request,
            f"Two-factor sign-in reset for {queryset.count()} user(s). "
            "They must set up an authenticator at their next sign-in.",
        )


@admin.register(Organisation)
class OrganisationAdmin(DeletionLoggedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]


@admin.register(BCU)
class BCUAdmin(DeletionLoggedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "force"]


@admin.register(Team)
class TeamAdmin(DeletionLoggedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "bcu"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """Changes to the bank-holiday calendar; every open case's deadlines follow at once."""

    list_display = ["date", "change", "name"]

    def save_model(self, request, obj, form, change):
        moved = calendar_day_save(actor=request.user, day=obj)
        self._report(request, moved)

    def delete_model(self, request, obj):
        self._report(request, calendar_day_delete(actor=request.user, days=[obj]))

    def delete_queryset(self, request, queryset):
        self._report(request, calendar_day_delete(actor=request.user, days=list(queryset)))

    def _report(self, request, moved):
        self.message_user(request, f"Deadlines recomputed: {moved} open case(s) changed.")
