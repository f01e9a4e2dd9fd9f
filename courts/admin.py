from django import forms
from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from audit.admin_log import AccessLoggedAdmin, DeletionLoggedAdmin
from courts.models import DVPO, Breach, Court, DVPOApplication, Hearing, Weekday
from dvpo.admin import OrganisationScopedAdmin, ReadOnlyAdmin
from dvpo.forms import PlainTextModelForm


class CourtForm(PlainTextModelForm):
    sitting_days = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The days of the week the court sits for DVPO applications.",
    )

    class Meta:
        model = Court
        fields = ["name", "code", "force", "address", "specialist_dv_court", "sitting_days"]


@admin.register(Court)
class CourtAdmin(DeletionLoggedAdmin, OrganisationScopedAdmin):
    """A force's administrator keeps its own courts and sees the shared ones (no force),
    read-only; the platform administrator keeps the shared courts."""

    form = CourtForm
    organisation = "force"
    police_only = True
    list_display = ["name", "code", "force", "specialist_dv_court", "sitting_days_display"]
    list_filter = ["specialist_dv_court"]
    search_fields = ["name", "code"]

    def scope(self, request) -> Q:
        scope = super().scope(request)
        return scope if request.user.is_superuser else scope | Q(force__isnull=True)

    def has_change_permission(self, request, obj=None):
        user = request.user
        if obj is not None and not user.is_superuser and obj.force_id != user.organisation_id:
            return False  # a shared court: the platform administrator's
        return super().has_change_permission(request, obj)

    @admin.display(description="sitting days")
    def sitting_days_display(self, court):
        return court.sitting_days_display()


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Court records change only through the services (they write the case timeline); their
    history stays on show."""


@admin.register(DVPOApplication)
class DVPOApplicationAdmin(AccessLoggedAdmin, ReadOnlyHistoryAdmin):
    access_log_case = "dvpn__case"
    list_display = ["dvpn", "court", "listed_for", "status", "listed_late", "fee", "fee_paid"]
    list_filter = ["status", "listed_late", "court"]
    list_select_related = ["dvpn__case", "court"]


@admin.register(Hearing)
class HearingAdmin(AccessLoggedAdmin, ReadOnlyHistoryAdmin):
    access_log_case = "application__dvpn__case"
    list_display = ["application", "held_at", "outcome", "contested"]
    list_filter = ["outcome"]
    list_select_related = ["application__dvpn__case"]


@admin.register(DVPO)
class DVPOAdmin(AccessLoggedAdmin, ReadOnlyHistoryAdmin):
    list_display = ["case", "made_on", "days", "last_day", "expires_at", "status"]
    list_filter = ["status"]
    list_select_related = ["case"]


@admin.register(Breach)
class BreachAdmin(AccessLoggedAdmin, ReadOnlyHistoryAdmin):
    list_display = ["case", "occurred_at", "prohibition", "reported_by", "outcome"]
    list_filter = ["outcome", "reported_by"]
    list_select_related = ["case"]
