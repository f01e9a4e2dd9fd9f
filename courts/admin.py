from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from courts.models import Court


@admin.register(Court)
class CourtAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "specialist_dv_court"]
    search_fields = ["name", "code"]
