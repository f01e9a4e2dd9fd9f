"""The referrals part of the case page: each referral to support as the police see it
(status, consent, due time, attempts and their outcomes, never a caseworker's notes),
suspected breaches reported by a service, and the button to refer the victim.

    {% load referral_tags %}{% referral_section case %}

A fixed number of queries however many referrals and attempts the case has."""

from django import template

from referrals import rules, selectors
from referrals.models import Alert, FollowUp, Referral
from referrals.permissions import can_manage_referrals, can_see_case_referrals

register = template.Library()


def suspected_breaches(case) -> list[dict]:
    """One row per suspected breach on the case (an alert goes to several people): the
    service that reported it and when, newest first. No details: those are on the timeline."""
    rows = (
        Alert.objects.filter(case=case, kind=Alert.Kind.SUSPECTED_BREACH)
        .values("referral_id", "referral__service__name", "created_at")
        .distinct()
        .order_by("-created_at", "referral_id")
    )
    return [
        {"service": row["referral__service__name"] or "a support service", "at": row["created_at"]}
        for row in rows
    ]


def followups_by_referral(case) -> dict[int, list[dict]]:
    """The scheduled follow-ups of each referral (near and after the order's expiry, never
    the service's ongoing support calls): kind, due and done (never the outcome)."""
    rows = (
        FollowUp.objects.filter(referral__case=case, kind__in=rules.SCHEDULED_FOLLOWUPS)
        .order_by("due_at", "pk")
        .values("referral_id", "kind", "due_at", "done_at")  # never the outcome
    )
    followups: dict[int, list[dict]] = {}
    for row in rows:
        followups.setdefault(row["referral_id"], []).append(
            {
                "kind": FollowUp.Kind(row["kind"]).label,
                "due_at": row["due_at"],
                "done_at": row["done_at"],
            }
        )
    return followups


# ReferralSummary carries labels; the tags are coloured by value.
STATUS_VALUES = {label: value for value, label in Referral.Status.choices}
CONSENT_VALUES = {label: value for value, label in Referral.Consent.choices}


@register.inclusion_tag("referrals/includes/referral_section.html", takes_context=True)
def referral_section(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_see_case_referrals(user, case):
        return {"shown": False}
    summaries = selectors.referrals_for_case(case)
    followups = followups_by_referral(case)
    referrals = [
        {
            "summary": summary,
            "status_value": STATUS_VALUES.get(summary.status, ""),
            "consent_value": CONSENT_VALUES.get(summary.consent, ""),
            "followups": followups.get(summary.id, []),
        }
        for summary in summaries
    ]
    return {
        "shown": True,
        "case": case,
        "referrals": referrals,
        "breaches": suspected_breaches(case),
        "can_manage": can_manage_referrals(user, case),
    }
