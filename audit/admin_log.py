"""The Django admin's pages of case data in the s.62 access log.

`AccessLoggedAdmin` goes first in the bases of a ModelAdmin whose records hold case data
(courts/admin.py, referrals/admin.py, audit/admin.py). Like the app's own pages it writes one
row per page, with the middleware's one INSERT:

- the list (changelist): "named on a list", the victims and perpetrators of the cases on
  the page, so a subject access request shows who saw their case in the admin;
- a record's change page, its history and one old version (django-simple-history): the
  record and its case, a view (or a change, for a POST).

`access_log_case` is the path from the model to its case (`"application__dvpn__case"`).

`DeletionLoggedAdmin` (which `AccessLoggedAdmin` includes) goes on every other ModelAdmin
whose delete confirmation can list case data: deleting a force, a BCU, a team, a user or a
court lists the people and cases that would go with it (or that stop it), so that page is
logged with those people.
"""

from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import PermissionDenied
from django.db import router

from audit import log
from cases.models import Case, Party, Person
from cases.selectors import people_named_in


def _follow(obj, path: str):
    """The object at the end of `path` ("dvpn__case"), or None where a link is empty."""
    for hop in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, hop)
    return obj


def _case_id(obj, path: str) -> int | None:
    *hops, last = path.split("__")
    holder = _follow(obj, "__".join(hops)) if hops else obj
    return getattr(holder, f"{last}_id", None) if holder is not None else None


def _people_listed(objs) -> list[int]:
    """The people a delete confirmation lists with `objs`: people and parts in cases by
    name, and the victims and perpetrators of every case whose records it lists."""
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    instances = [obj for group in collector.data.values() for obj in group]
    instances += list(collector.protected)
    people = [obj.pk for obj in instances if isinstance(obj, Person)]
    people += [obj.person_id for obj in instances if isinstance(obj, Party)]
    case_ids = [
        obj.pk if isinstance(obj, Case) else getattr(obj, "case_id", None) for obj in instances
    ]
    return people + people_named_in(case_ids=case_ids)


class DeletionLoggedAdmin:
    """Logs the delete confirmation (one record's, or the "delete selected" action's) with
    the people it lists; nothing when it lists nobody."""

    def get_deleted_objects(self, objs, request):
        found = super().get_deleted_objects(objs, request)
        objs = list(objs)
        people = _people_listed(objs) if objs else []
        if people:
            log.note_access(
                people=people,
                basis=log.Basis.ADMINISTRATOR,
                reason=f"admin: deleting {self.model._meta.verbose_name_plural}",
            )
        return found


class AccessLoggedAdmin(DeletionLoggedAdmin):
    """Logs the admin's list, change, history, old-version and delete pages of the model."""

    access_log_case = "case"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            self._log_list(request, list(changelist.result_list))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._log_record(request, object_id, response)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._log_record(request, object_id, response)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history shows an old version as an editable form (every case in a
        # drop-down) and saves it on a POST, even where the admin may only look: here
        # the version is shown read-only and a POST refused, as the change page does.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._log_record(request, object_id, response)

    def get_readonly_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return super().get_readonly_fields(request, obj)
        opts = self.model._meta
        return [
            field.name
            for field in (*opts.concrete_fields, *opts.many_to_many)
            if field.editable and not field.auto_created
        ]

    def _log_list(self, request, rows) -> None:
        if not rows:
            return
        case_ids = [_case_id(row, self.access_log_case) for row in rows]
        log.record(
            request,
            log.Action.LIST,
            people=people_named_in(case_ids=case_ids),
            reason=f"admin: {self.model._meta.verbose_name_plural}",
            basis=log.Basis.ADMINISTRATOR,
        )

    def _log_record(self, request, object_id, response):
        if response.status_code >= 400:
            return response
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            log.note_access(
                case=_follow(obj, self.access_log_case),
                obj=obj,
                basis=log.Basis.ADMINISTRATOR,
                reason=f"admin: {self.model._meta.verbose_name}",
            )
        return response
