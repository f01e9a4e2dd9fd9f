"""The deadline queues page (issue 7 item 5): one tab per queue (`?queue=`), filters by BCU,
team and owner, sorting and paging, all as plain GET links and a GET form (no JavaScript).

Supervisors and DVPO officers see the cases they may see; any other police user sees the
same page limited to the cases they own ("Your deadlines"); anyone outside a police force
gets 404, like every other case page.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import log
from cases import queues
from cases.selectors import people_named_in
from dvpo.forms import PlainTextForm
from dvpo.models import User, display_name
from dvpo.pages import paginate


def _id_field(label: str, everyone: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=[("", everyone)], coerce=int, empty_value=None, required=False
    )


class QueueFilterForm(PlainTextForm):
    """The filters, limited to the viewer's force and the cases they may see.

    The choices are (id, label) pairs read with values_list, not model instances: the owner
    list of a BCU has a couple of hundred names and the page is read all night."""

    bcu = _id_field("BCU", "All BCUs")
    team = _id_field("Team", "All teams")
    owner = _id_field("Owner", "Anyone")
    sort = forms.ChoiceField(
        label="Sort by", choices=list(queues.SORTS.items()), required=False, initial=queues.DUE
    )

    def __init__(self, data, *, viewer, team_view: bool, places: queues.Places):
        super().__init__(data)
        if not team_view:  # "Your deadlines": only the sort applies
            for name in ("bcu", "team", "owner"):
                del self.fields[name]
            return
        bcus = sorted(places.bcus.items(), key=lambda bcu: bcu[1])
        teams = sorted(
            (places.bcus.get(bcu_id, ""), name, pk) for pk, (name, bcu_id) in places.teams.items()
        )
        # The owners of the cases the viewer may see (a skip scan: see visible_owners).
        owners = (
            User.objects.filter(
                organisation_id=viewer.organisation_id, pk__in=queues.visible_owners(viewer)
            )
            .order_by("last_name", "first_name", "username")
            .values("pk", "username", "first_name", "last_name", "rank")
        )
        self._add_choices("bcu", bcus)
        self._add_choices("team", [(pk, f"{name} ({bcu})") for bcu, name, pk in teams])
        self._add_choices("owner", [(owner.pop("pk"), display_name(**owner)) for owner in owners])

    def _add_choices(self, name: str, choices: list[tuple[int, str]]) -> None:
        field = self.fields[name]
        field.choices = [*field.choices, *choices]

    def chosen_filters(self) -> queues.Filters:
        """The valid filters; a value that is not a choice is ignored (and shown as an error)."""
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        return queues.Filters(
            bcu_id=data.get("bcu"), team_id=data.get("team"), owner_id=data.get("owner")
        )

    def chosen_sort(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or queues.DUE


@login_required
@require_GET
def queue_page(request):
    viewer = request.user
    if not queues.is_police(viewer):
        raise Http404
    team_view = queues.sees_team_queues(viewer)
    places = queues.Places.of_force(viewer.organisation_id)
    form = QueueFilterForm(request.GET or None, viewer=viewer, team_view=team_view, places=places)
    filters, sort = form.chosen_filters(), form.chosen_sort()
    code = request.GET.get("queue")
    queue = queues.QUEUES.get(code) or queues.QUEUES[queues.DEFAULT_QUEUE]
    now = timezone.now()
    counts = queues.queue_counts(viewer=viewer, now=now, filters=filters)
    rows = queues.queue_rows(queue, viewer=viewer, now=now, filters=filters, sort=sort)
    page = paginate(request, rows, count=counts[queue.code])  # counted with the tabs
    tabs = [
        {"code": q.code, "title": q.title, "count": counts[q.code], "current": q is queue}
        for q in queues.QUEUES.values()
    ]
    case_ids = [item.case_id for item in page]
    log.record_listed(request, people_named_in(case_ids=case_ids), reason="deadline queues")
    return render(
        request,
        "cases/queues/queues.html",
        {
            "title": "Deadline queues" if team_view else "Your deadlines",
            "team_view": team_view,
            "form": form,
            "queue": queue,
            "tabs": tabs,
            "page": page,
            "rows": [queues.queue_row(queue, item, now, places) for item in page],
            "filtered": any((filters.bcu_id, filters.team_id, filters.owner_id)),
        },
    )
