"""Reads for the court pages: the court part of a case page, the day's hearing list, an
officer's hearings (for their calendar feed) and the calendar feed's token.

Every list is limited to the cases the viewer may see (cases.permissions.case_visibility)
and runs a small, fixed number of queries.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import DVPN, Case, Party
from cases.permissions import case_visibility
from courts import rules, services
from courts.models import DVPO, Breach, CalendarFeed, Court, DVPOApplication, Hearing
from courts.permissions import HEARING_LIST_ROLES, can_see_hearing_list  # noqa: F401 (moved)
from dvpo.models import User
from dvpo.roles import Role

UNDECIDED = (rules.LISTED, rules.ADJOURNED)

# Who may present a DVPO application or be recorded as having presented it.
PRESENTER_ROLES = (
    Role.OFFICER,
    Role.DVPO_OFFICER,
    Role.SUPERVISOR,
    Role.AUTHORISING_OFFICER,
    Role.COURT_COORDINATOR,
)


# --- The court part of the case page -------------------------------------------------


@dataclass
class CourtSection:
    dvpn: DVPN | None = None
    application: DVPOApplication | None = None
    hearings: list[Hearing] = field(default_factory=list)
    order: DVPO | None = None
    orders: list[DVPO] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    flags: list = field(default_factory=list)
    lapsed: bool = False


def court_section(case: Case, dvpn: DVPN | None = None) -> CourtSection:
    """What the case page shows of the court half: the application of the case's latest
    served DVPN (a newer draft or refused version does not hide it), and all the case's
    orders, breaches and record flags. At most eight queries whatever the case holds: DVPN
    (unless given), application with its court and presenting officer, hearings, orders,
    breaches, and the record flags (three)."""
    if dvpn is not None and dvpn.case_id == case.pk and dvpn.served_at is None:
        if dvpn.version == 1:
            return CourtSection()  # the first version, not served yet: nothing to show
        dvpn = None  # a newer draft: the court part follows the last served version
    if dvpn is None or dvpn.case_id != case.pk:
        dvpn = case.dvpns.filter(served_at__isnull=False).order_by("-version").first()
    section = CourtSection(dvpn=dvpn)
    if dvpn is None:
        return section
    section.application = (
        DVPOApplication.objects.filter(dvpn=dvpn)
        .select_related("court", "presenting_officer")
        .first()
    )
    if section.application is not None:
        section.hearings = list(
            section.application.hearings.select_related("presented_by").order_by("held_at")
        )
    section.orders = list(case.dvpos.order_by("-made_on", "-pk"))
    if section.application is not None:
        section.order = next(
            (o for o in section.orders if o.application_id == section.application.pk), None
        )
    section.breaches = list(
        case.breaches.select_related("order", "dvpn").order_by("occurred_at", "pk")
    )
    section.flags = services.case_record_flags(case)
    first_held_at = section.hearings[0].held_at if section.hearings else None
    section.lapsed = dvpn.status == DVPN.Status.LAPSED or rules.lapse_due(
        status=dvpn.status,
        hearing_deadline=dvpn.hearing_deadline,
        first_held_at=first_held_at,
        now=timezone.now(),
    )
    return section


# --- Choices for the forms ---------------------------------------------------------------


def presenting_officers(force) -> QuerySet[User]:
    """Police users of the force who may present an application in court."""
    return (
        User.objects.filter(
            organisation=force,
            is_active=True,
            groups__name__in=[role.value for role in PRESENTER_ROLES],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def courts() -> QuerySet[Court]:
    return Court.objects.order_by("name")


# --- Hearings across cases -----------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local (Europe/London) day as [start, end) instants; right across clock changes."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    return start, end


def _named_parties() -> Prefetch:
    return Prefetch(
        "dvpn__case__parties",
        queryset=Party.objects.filter(
            role__in=[Party.Role.VICTIM, Party.Role.PERPETRATOR]
        ).select_related("person"),
        to_attr="named_parties",
    )


def _visible(viewer) -> Q:
    return Q(dvpn__case__in=Case.objects.filter(case_visibility(viewer)).values("pk"))


def hearings_listed(
    *, viewer, court: Court | None = None, day: date | None = None
) -> QuerySet[DVPOApplication]:
    """The applications listed on `day` (today by default) at `court` (all courts by
    default), of the cases the viewer may see, in listing order. Each row carries the
    case's victims and P as `dvpn.case.named_parties` (one extra query in all)."""
    day = day or timezone.localdate()
    start, end = _day_bounds(day)
    listed = DVPOApplication.objects.filter(
        _visible(viewer), listed_for__gte=start, listed_for__lt=end
    )
    if court is not None:
        listed = listed.filter(court=court)
    return (
        listed.select_related("court", "dvpn__case", "presenting_officer")
        .prefetch_related(_named_parties())
        .order_by("court__name", "listed_for", "pk")
    )


def hearings_for_officer(user) -> QuerySet[DVPOApplication]:
    """Undecided applications the user presents or whose case they own (their calendar)."""
    return (
        DVPOApplication.objects.filter(
            _visible(user),
            Q(presenting_officer=user) | Q(dvpn__case__owner=user),
            status__in=UNDECIDED,
        )
        .select_related("court", "dvpn__case")
        .order_by("listed_for", "pk")
    )


def hearings_upcoming(*, viewer) -> QuerySet[DVPOApplication]:
    """Undecided applications of the cases the viewer may see, listed from now on."""
    return (
        DVPOApplication.objects.filter(
            _visible(viewer), status__in=UNDECIDED, listed_for__gte=timezone.now()
        )
        .select_related("court", "dvpn__case")
        .order_by("listed_for", "pk")
    )


# --- The calendar feed's token --------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def calendar_token_new(user) -> str:
    """A new random address for the user's calendar, replacing any old one (which stops
    working). Only its hash is kept, so the token is returned once, to be shown."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user,
        defaults={
            "token_hash": token_hash(token),
            "created_at": timezone.now(),
            "last_used_at": None,
        },
    )
    return token


def calendar_user(token: str) -> User | None:
    """The active police user whose calendar this token opens, or None. The lookup is by
    the token's hash (unique), so timing says nothing about the token; its use is noted."""
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token))
        .select_related("user__organisation")
        .first()
    )
    if feed is None:
        return None
    user = feed.user
    if not (user.is_active and user.organisation_id and user.organisation.is_police):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return user
