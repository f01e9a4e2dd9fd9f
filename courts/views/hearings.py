"""Hearings across cases: the day's hearing list for court coordinators (and DVPO officers
and supervisors), and an officer's personal calendar feed of the hearings they present or
whose case they own (iCalendar, RFC 5545)."""

import re
from datetime import UTC, date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import log
from cases.models import Party
from cases.selectors import people_named_in
from courts import selectors
from courts.models import Court
from dvpo.pages import paginate

CALENDAR_NAME = "DVPO hearings"
FEED_REASON = "hearings calendar feed"
FEED_PATH_TOKEN = "hidden"  # noqa: S105 - in the access log's path instead of the secret
HEARING_MINUTES = 60


# --- The hearing list ---------------------------------------------------------------


def _chosen_day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _chosen_court(text: str | None) -> Court | None:
    if not text or not re.fullmatch(r"[0-9]{1,9}", text):
        return None
    return Court.objects.filter(pk=int(text)).first()


def _query(court, day) -> str:
    parts = [f"day={day.isoformat()}"]
    if court is not None:
        parts.insert(0, f"court={court.pk}")
    return "?" + "&".join(parts)


@login_required
@require_GET
def hearing_list(request):
    if not selectors.can_see_hearing_list(request.user):
        raise PermissionDenied
    day = _chosen_day(request.GET.get("day"))
    court = _chosen_court(request.GET.get("court"))
    page = paginate(request, selectors.hearings_listed(viewer=request.user, court=court, day=day))
    rows = []
    for application in page:
        parties = application.dvpn.case.named_parties
        rows.append(
            {
                "application": application,
                "case": application.dvpn.case,
                "victims": [p.person for p in parties if p.role == Party.Role.VICTIM],
                "perpetrators": [p.person for p in parties if p.role == Party.Role.PERPETRATOR],
                "missing": application.paperwork_missing(),
            }
        )
    log.record_listed(
        request,
        [person.pk for row in rows for person in (*row["victims"], *row["perpetrators"])],
        reason="hearing list",
    )
    url = reverse("hearing_list")
    return render(
        request,
        "courts/hearings/list.html",
        {
            "page": page,
            "rows": rows,
            "day": day,
            "is_today": day == timezone.localdate(),
            "court": court,
            "courts": selectors.courts(),
            "previous_url": url + _query(court, day - timedelta(days=1)),
            "next_url": url + _query(court, day + timedelta(days=1)),
            "today_url": url + (f"?court={court.pk}" if court else ""),
        },
    )


# --- The calendar feed -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_subscribe(request):
    """The secret address of the user's calendar. Only its hash is kept, so the address is
    shown once: when it is first made (on the first visit) and each time it is reset (POST,
    which stops the old address working)."""
    user = request.user
    if not (user.organisation_id and user.organisation.is_police):
        raise PermissionDenied
    feed = selectors.calendar_feed_of(user)
    token = None
    if request.method == "POST" or feed is None:
        token = selectors.calendar_token_new(user)
        feed = selectors.calendar_feed_of(user)
    upcoming = list(
        selectors.hearings_for_officer(user).filter(listed_for__gte=timezone.now())[:10]
    )
    _log_hearings(request, upcoming, reason="hearings calendar")
    context = {"feed": feed, "reset": request.method == "POST", "upcoming": upcoming}
    if token is not None:
        feed_url = request.build_absolute_uri(reverse("hearing_calendar_feed", args=[token]))
        context.update(feed_url=feed_url, webcal_url="webcal://" + feed_url.split("://", 1)[1])
    response = render(request, "courts/hearings/calendar_subscribe.html", context)
    response["Cache-Control"] = "private, no-store"  # the address is a secret
    return response


def ics_escape(text: str) -> str:
    """TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def ics_instant(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_lines(applications, *, host: str, case_url, now) -> list[str]:
    """The VCALENDAR as content lines. The crime reference identifies a hearing: never a
    name, since calendars are synced to phones and shared."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//dvpo//DVPO hearings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(CALENDAR_NAME)}",
    ]
    stamp = ics_instant(now)
    for application in applications:
        case = application.dvpn.case
        start = application.listed_for
        lines += [
            "BEGIN:VEVENT",
            f"UID:dvpo-application-{application.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{ics_instant(start)}",
            f"DTEND:{ics_instant(start + timedelta(minutes=HEARING_MINUTES))}",
            f"SUMMARY:{ics_escape(f'DVPO hearing: {case.crime_reference}')}",
            f"LOCATION:{ics_escape(application.court.name)}",
            "DESCRIPTION:"
            + ics_escape(
                f"DVPO application for crime reference {case.crime_reference} "
                f"at {application.court.name}.\nCase: {case_url(case)}"
            ),
            f"URL:{case_url(case)}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return lines


def _log_hearings(request, applications, *, reason: str) -> None:
    """A list of hearings by crime reference: the cases' victims and perpetrators."""
    case_ids = [application.dvpn.case_id for application in applications]
    log.record_listed(request, people_named_in(case_ids=case_ids), reason=reason)


def _log_feed(request, user, applications) -> None:
    """The feed is fetched with its secret address, not a session: the row is the feed
    owner's, written at once, and its path hides the token (the log is not a secret)."""
    case_ids = [application.dvpn.case_id for application in applications]
    if case_ids:
        log.write(
            user=user,
            action=log.Action.EXPORT,
            people=people_named_in(case_ids=case_ids),
            reason=FEED_REASON,
            method=request.method,
            path=reverse("hearing_calendar_feed", args=[FEED_PATH_TOKEN]),
        )


@require_GET
def calendar_feed(request, token):
    user = selectors.calendar_user(token)
    if user is None or not (user.organisation_id and user.organisation.is_police):
        raise Http404
    host = request.get_host().split(":")[0] or "dvpo"
    applications = list(selectors.hearings_for_officer(user))
    _log_feed(request, user, applications)
    lines = calendar_lines(
        applications,
        host=host,
        case_url=lambda case: request.build_absolute_uri(reverse("case_detail", args=[case.pk])),
        now=timezone.now(),
    )
    body = "".join(ics_fold(line) + "\r\n" for line in lines)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dvpo-hearings.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
