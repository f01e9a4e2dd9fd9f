"""Reads for the audit pages."""

from django.db.models import Q

from audit.models import AccessLog, BreakGlass
from audit.permissions import break_glass_scope, log_scope
from cases.models import Party, Person
from referrals.models import Referral


def break_glass_for_review(*, viewer, show_all: bool):
    grants = BreakGlass.objects.filter(break_glass_scope(viewer)).select_related(
        "user", "case", "case_bcu", "user_bcu", "reviewed_by"
    )
    if not show_all:
        grants = grants.filter(reviewed_at__isnull=True)
    return grants.order_by("reviewed_at", "-granted_at", "-pk")


def log_search(*, viewer, filters: dict):
    entries = AccessLog.objects.filter(log_scope(viewer))
    if filters.get("username"):
        entries = entries.filter(username__iexact=filters["username"].strip())
    if filters.get("crime_reference"):
        entries = entries.filter(
            case__crime_reference__iexact=filters["crime_reference"].strip(),
            case__force_id=viewer.organisation_id,
        )
    if filters.get("person"):
        entries = entries.filter(about_person(filters["person"]))
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("date_from"):
        entries = entries.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        entries = entries.filter(at__date__lte=filters["date_to"])
    return entries.select_related("case").order_by("-at", "-pk")


def about_person(person_id: int) -> Q:
    """Log rows naming the person, about one of their parts in a case, or about a case
    they are part of (a case page shows its people)."""
    parties = Party.objects.filter(person_id=person_id)
    return (
        Q(people__contains=[person_id])
        | Q(object_type="party", object_id__in=parties.values("pk"))
        | Q(case_id__in=parties.values("case_id"))
    )


def people_search(*, viewer, text: str):
    people = Person.objects.filter(force_id=viewer.organisation_id)
    text = " ".join(text.split())
    if text.isdigit():
        return people.filter(pk=int(text))
    words = text.split(" ")
    if len(words) == 1:
        return people.filter(last_name__iexact=words[0])
    return people.filter(first_name__iexact=words[0], last_name__iexact=" ".join(words[1:]))


def person_for_sar(*, viewer, person_id: int):
    return Person.objects.filter(force_id=viewer.organisation_id, pk=person_id).first()


def sar_records(*, viewer, person: Person) -> dict:
    """Everything held about one person: their details, their part in each case, the
    referrals made for them, and the access-log rows about them."""
    parties = list(
        Party.objects.filter(person=person, case__force_id=viewer.organisation_id)
        .select_related("case", "case__bcu")
        .order_by("-case__reported_at")
    )
    referrals = list(
        Referral.objects.filter(victim__person=person, case__force_id=viewer.organisation_id)
        .select_related("case", "service")
        .order_by("-pk")
    )
    return {"parties": parties, "referrals": referrals}


def sar_log(*, viewer, person: Person):
    return (
        AccessLog.objects.filter(log_scope(viewer))
        .filter(about_person(person.pk))
        .select_related("case")
        .order_by("-at", "-pk")
    )
