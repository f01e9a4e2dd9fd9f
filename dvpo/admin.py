from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

# audit is above the kernel: its delete-page logging is the one upward import here, until
# the kernel admin moves out (issue 19).
from audit.admin_log import DeletionLoggedAdmin
from dvpo.account import SECOND_FACTOR_RESET, account_change_mail
from dvpo.calendar import calendar_day_delete, calendar_day_save
from dvpo.forms import PlainTextMixin
from dvpo.models import BCU, CalendarDay, Organisation, Team, User
from dvpo.roles import Role, role_problems
from dvpo.services import user_set_roles
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


# Roles are code (dvpo/roles.py, `sync_roles`): nobody edits a group's permissions here.
admin.site.unregister(Group)


class OrganisationScopedAdmin(SimpleHistoryAdmin):
    """An admin page an organisation's administrator sees for their own organisation only.

    `organisation` is the lookup from the model to its organisation ("force" for a BCU);
    rows of other organisations are not found (404), in the list, the change and password
    pages, the history and the actions alike. The field that says whose a row is
    (`organisation`'s first step) is fixed to the administrator's own organisation.
    `police_only` pages are not shown to a support service's administrator.
    """

    organisation = "organisation"
    police_only = False

    def scope(self, request) -> Q:
        user = request.user
        if user.is_superuser:
            return Q()
        if user.organisation_id is None:
            return Q(pk__in=[])
        return Q(**{self.organisation: user.organisation_id})

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope(request))

    def _for_this_kind(self, request) -> bool:
        user = request.user
        if user.is_superuser or not self.police_only:
            return True
        return bool(user.organisation_id and user.organisation.is_police)

    def has_module_permission(self, request):
        return self._for_this_kind(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._for_this_kind(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._for_this_kind(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._for_this_kind(request) and super().has_change_permission(request, obj)

    @property
    def owner_field(self) -> str:
        return self.organisation.split("__")[0]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and self.organisation != "pk":
            fields.append(self.owner_field)
        return fields

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and self.organisation in ("organisation", "force"):
            setattr(obj, self.organisation, request.user.organisation)
        super().save_model(request, obj, form, change)

    def _require_in_scope(self, request, object_id) -> None:
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):  # not an id at all
            found = False
        if not found:
            raise Http404("No such record.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Django's admin redirects to its index for a record it cannot find; an outsider
        # gets "not found", as on every other page.
        self._require_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the history rows of a record outside the queryset.
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history reads this page's record without the queryset, and saves an old
        # version on a POST (with the fields no form shows, such as the superuser flag, as
        # they were then), whatever may be changed: an old version is only ever looked at.
        self._require_in_scope(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


ROLE_GROUPS_ONLY = "Choose roles only."


class UserForm(PlainTextMixin, UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is None:  # not on the form (read-only here): the person's own
            groups = self.instance.groups.all() if self.instance.pk else []
        if any(g.name not in Role.values for g in groups):
            raise ValidationError(ROLE_GROUPS_ONLY)
        organisation = cleaned.get("organisation", self.instance.organisation)
        problems = role_problems(
            [g.name for g in groups],
            organisation_kind=organisation.kind if organisation else None,
            rank=cleaned.get("rank", self.instance.rank),
        )
        if problems:
            raise ValidationError(problems)
        return cleaned


@admin.register(User)
class UserAdmin(DeletionLoggedAdmin, OrganisationScopedAdmin, BaseUserAdmin):
    """People: an organisation's administrator adds and changes their own organisation's
    people and gives them roles (never superuser, staff or a direct permission: staff
    follows the roles, permissions come from the roles alone). Only the platform
    administrator moves someone between organisations or makes a platform administrator."""

    form = UserForm
    list_display = ["username", "first_name", "last_name", "organisation", "bcu", "rank"]
    search_fields = ["username", "first_name", "last_name", "email", "shoulder_number"]
    readonly_fields = ["last_login", "date_joined", "is_staff"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Organisation", {"fields": ("organisation", "bcu", "team", "rank", "shoulder_number")}),
        (
            "Roles",
            {
                "fields": ("is_active", "groups", "is_staff"),
                "description": "What the person may do comes from their roles only. "
                "Staff (the administration pages) follows the Administrator role.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.is_superuser:
            return fieldsets
        return (
            *fieldsets,
            ("Platform administrator", {"fields": ("is_superuser",)}),
        )

    def get_list_filter(self, request):
        bcu = ("bcu", admin.RelatedOnlyFieldListFilter)
        if request.user.is_superuser:
            return ["organisation", bcu, "groups", "is_active", "is_superuser"]
        return [bcu, "groups", "is_active"]

    def scope(self, request) -> Q:
        scope = super().scope(request)
        return scope if request.user.is_superuser else scope & Q(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            fields = [*fields, "groups", "rank", "is_active"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        organisation = request.user.organisation_id
        if not request.user.is_superuser:
            if db_field.name == "bcu":
                kwargs["queryset"] = BCU.objects.filter(force=organisation)
            elif db_field.name == "team":
                kwargs["queryset"] = Team.objects.filter(bcu__force=organisation)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """Staff follows the roles: the Administrator role opens the admin site."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        names = user.groups.values_list("name", flat=True)
        user_set_roles(user=user, roles=[Role(name) for name in names if name in Role.values])

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
            account_change_mail(user=user, change=SECOND_FACTOR_RESET)
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
class OrganisationAdmin(DeletionLoggedAdmin, OrganisationScopedAdmin):
    """Organisations are national: the platform administrator adds them and names their
    kind. An organisation's administrator sees their own and sets its crime-reference
    format."""

    organisation = "pk"
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["name", "code", "kind"]

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(BCU)
class BCUAdmin(DeletionLoggedAdmin, OrganisationScopedAdmin):
    organisation = "force"
    police_only = True
    list_display = ["name", "code", "force"]


@admin.register(Team)
class TeamAdmin(DeletionLoggedAdmin, OrganisationScopedAdmin):
    organisation = "bcu__force"
    police_only = True
    list_display = ["name", "bcu"]

    def get_readonly_fields(self, request, obj=None):
        return []  # the BCU is chosen from the administrator's own force's BCUs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bcu" and not request.user.is_superuser:
            kwargs["queryset"] = BCU.objects.filter(force=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """Changes to the bank-holiday calendar; every open case's deadlines follow at once.
    National: the platform administrator's alone (no role grants its permissions)."""

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
