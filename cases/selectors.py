"""Reads for cases: every list a person sees is filtered by what they may see, in the query."""

from cases.models import DVPN, Case, Party, RiskAssessment
from cases.permissions import can_authorise, case_visibility
from cases.services import dvpn_involvement


def cases_visible(*, viewer):
    return Case.objects.filter(case_visibility(viewer))


def open_cases_owned(*, viewer):
    return cases_visible(viewer=viewer).filter(owner=viewer, status=Case.Status.OPEN)


def open_cases_in_bcu(*, viewer):
    return cases_visible(viewer=viewer).filter(bcu_id=viewer.bcu_id, status=Case.Status.OPEN)


def dvpns_awaiting_authorisation(*, viewer):
    """Submitted applications in the authoriser's force that they may decide, oldest first
    (s.24): not those they applied for, drafted, edited or submitted themselves. (The full
    queue, cases.views.dvpn.authorisation_queue, lists those too, marked as theirs.)"""
    if not can_authorise(viewer):
        return DVPN.objects.none()
    return (
        DVPN.objects.filter(status=DVPN.Status.SUBMITTED, case__force_id=viewer.organisation_id)
        .exclude(dvpn_involvement(viewer))
        .select_related("case", "applicant")
        .order_by("submitted_at", "pk")
    )


def risk_awaiting_review(*, viewer):
    """DASH grades waiting for a supervisor's quality assurance, oldest first."""
    if not viewer.has_perm("dvpo.quality_assure_dash"):
        return RiskAssessment.objects.none()
    return (
        RiskAssessment.objects.filter(
            review=RiskAssessment.Review.AWAITING, case__in=cases_visible(viewer=viewer)
        )
        .select_related("case", "victim__person", "assessed_by")
        .order_by("assessed_at", "pk")
    )


def people_named_in(*, case_ids) -> list[int]:
    """The victims and perpetrators of these cases (the people a list of the cases is about),
    for the access log of pages that list cases by crime reference: one query."""
    ids = {case_id for case_id in case_ids if case_id is not None}
    if not ids:
        return []
    return list(
        Party.objects.filter(
            case_id__in=ids, role__in=[Party.Role.VICTIM, Party.Role.PERPETRATOR]
        ).values_list("person_id", flat=True)
    )
