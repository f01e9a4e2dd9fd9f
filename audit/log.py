"""Writing the s.62 access log: one INSERT per request.

Permission helpers (`cases.permissions.access_case`, `referrals.permissions.access_referral`)
note what a request opened with `note_access`; views may add what they disclosed with
`record`. `AccessLogMiddleware` writes everything noted as one INSERT after the view
answered, with the action read from the answer (a PDF is a download, a CSV an export,
a print page a print, a POST a change). Outside a request (shell, tasks, commands)
`note_access` does nothing and `write` inserts at once.

    from audit import log
    log.record(request, log.Action.EXPORT, case=case, people=[person.pk], reason="...")
"""

from contextvars import ContextVar
from dataclasses import dataclass, field

from audit.models import AccessLog, Action, Basis

__all__ = ["Action", "Basis", "note_access", "record", "record_listed", "write"]

MAX_PATH = 500


@dataclass
class Entry:
    action: str | None = None  # None: read from the response
    case_id: int | None = None
    people: set[int] = field(default_factory=set)
    object_type: str = ""
    object_id: int | None = None
    basis: str = ""
    reason: str = ""


@dataclass
class RequestLog:
    request: object
    entries: dict[tuple, Entry] = field(default_factory=dict)


_current: ContextVar[RequestLog | None] = ContextVar("audit_request_log", default=None)


def begin(request) -> object:
    return _current.set(RequestLog(request))


def end(token) -> RequestLog | None:
    current = _current.get()
    _current.reset(token)
    return current


def _entry(key: tuple) -> Entry | None:
    current = _current.get()
    if current is None:
        return None
    return current.entries.setdefault(key, Entry())


def note_access(*, case=None, basis: str = "", reason: str = "", people=(), obj=None) -> None:
    """The request opened this case (and object): logged once when the answer is sent."""
    entry = _entry(("case", case.pk if case is not None else None))
    if entry is None:
        return
    entry.case_id = case.pk if case is not None else None
    entry.basis = entry.basis or basis
    entry.reason = entry.reason or reason
    entry.people.update(people)
    if obj is not None and not entry.object_type:
        entry.object_type, entry.object_id = _describe(obj)


def record(
    request, action: str, *, case=None, people=(), obj=None, reason: str = "", basis: str = ""
) -> None:
    """Log that this request did `action` (view, export, print, download, disclose, report...)
    to `case`/`obj` concerning `people` (Person objects or ids), for `reason`.

    Inside a request this joins the request's one INSERT (and takes over the automatic
    entry for the same case); outside one it is written at once."""
    person_ids = {getattr(p, "pk", p) for p in people}
    current = _current.get()
    if current is None or current.request is not request:
        write(
            user=getattr(request, "user", None),
            action=action,
            case=case,
            people=person_ids,
            obj=obj,
            basis=basis,
            reason=reason,
            method=getattr(request, "method", ""),
            path=request.get_full_path() if request is not None else "",
        )
        return
    entry = _entry(("case", case.pk if case is not None else None))
    entry.action = action
    entry.case_id = case.pk if case is not None else None
    entry.people.update(person_ids)
    entry.reason = reason or entry.reason
    entry.basis = basis or entry.basis
    if obj is not None:
        entry.object_type, entry.object_id = _describe(obj)


def record_listed(request, people, *, reason: str) -> None:
    """A list or search page named these people (Person objects or ids): logged, with the
    page's address (the search typed is in it), so a subject access request shows who saw a
    person's name in a list. Nothing is logged for a page that names nobody."""
    people = [person for person in people if person is not None]
    if people:
        record(request, Action.LIST, people=people, reason=reason)


def write(
    *,
    user,
    action: str,
    case=None,
    people=(),
    obj=None,
    basis: str = "",
    reason: str = "",
    method: str = "",
    path: str = "",
    username: str = "",
) -> AccessLog:
    """Insert one log row now (break glass, erasures, commands)."""
    object_type, object_id = _describe(obj) if obj is not None else ("", None)
    return AccessLog.objects.create(
        **_who(user, username),
        action=action,
        case_id=case.pk if case is not None else None,
        people=sorted({getattr(p, "pk", p) for p in people}),
        object_type=object_type,
        object_id=object_id,
        basis=basis,
        reason=reason,
        method=method,
        path=path[:MAX_PATH],
    )


def flush(current: RequestLog, response) -> None:
    """Write the request's entries as one INSERT (called by the middleware)."""
    request = current.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or response.status_code >= 400:
        return
    entries = list(current.entries.values())
    if not entries:
        if _inferred_action(request, response) not in (Action.EXPORT, Action.DOWNLOAD):
            return
        entries = [Entry()]  # an export of a list (no single case): who, when, which page
    who = _who(user, "")
    path = request.get_full_path()[:MAX_PATH]
    url_object = object_from_url(request)
    default_action = _inferred_action(request, response)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                **who,
                action=entry.action or default_action,
                case_id=entry.case_id,
                people=sorted(entry.people),
                object_type=entry.object_type or url_object[0],
                object_id=entry.object_id if entry.object_type else url_object[1],
                basis=entry.basis,
                reason=entry.reason,
                method=request.method[:8],
                path=path,
            )
            for entry in entries
        ]
    )


def _who(user, username: str) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "username": username, "organisation": None, "organisation_name": ""}
    organisation = user.organisation if user.organisation_id else None
    return {
        "user_id": user.pk,
        "username": user.get_username(),
        "organisation_id": user.organisation_id,
        "organisation_name": organisation.name if organisation else "",
    }


def _describe(obj) -> tuple[str, int | None]:
    if isinstance(obj, tuple):
        return obj
    return obj._meta.model_name[:40], obj.pk


def _inferred_action(request, response) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return Action.DOWNLOAD
    if content_type.startswith(("text/csv", "text/calendar")):
        return Action.EXPORT
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    if "print" in name or name.endswith("_notice"):
        return Action.PRINT
    if request.method not in ("GET", "HEAD"):
        return Action.CHANGE
    return Action.VIEW


def object_from_url(request) -> tuple[str, int | None]:
    """The object a case page is about, from its URL (`party_id` -> ("party", 12))."""
    match = getattr(request, "resolver_match", None)
    for key, value in match.kwargs.items() if match else ():
        if key.endswith("_id") and key != "case_id" and isinstance(value, int):
            return key[:-3], value
    return "", None


def current_request():
    current = _current.get()
    return current.request if current is not None else None
