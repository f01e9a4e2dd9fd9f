"""PNC tasks: what an officer must enter, update or remove on the Police National Computer
after a notice or order starts, changes or ends."""

from django.utils import timezone

from cases.models import DVPN, Case, CaseEvent, Task
from cases.services import event_record
from dvpo.errors import save_as


def pnc_task(case: Case, kind: str, actor, note: str, *, dvpn: DVPN | None = None, at=None) -> Task:
    """A PNC task for one notice or order (not folded into another open task of its kind):
    callers are idempotent through the state change they make."""
    task = Task(case=case, kind=kind, dvpn=dvpn, created_at=at or timezone.now(), note=note)
    save_as(task, actor)
    event_record(case, CaseEvent.Kind.TASK_CREATED, actor, f"{task.get_kind_display()}: {note}", at)
    return task
