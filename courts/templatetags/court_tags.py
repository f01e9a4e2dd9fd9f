"""The court part of the case page: the DVPO application and its hearings, a lapsed DVPN,
the case's orders, breaches and the PNC record flags.

    {% load court_tags %}{% court_section case %}
"""

from django import template
from django.utils import timezone

from cases.views.dvpn import prohibitions
from courts import rules, selectors, services
from dvpo.calendar import current_calendar

register = template.Library()


def request_calendar(request):
    """The bank-holiday calendar, loaded once per request (every deadline on the page uses it)."""
    if request is None:
        return current_calendar()
    calendar = getattr(request, "_dvpo_calendar", None)
    if calendar is None:
        calendar = request._dvpo_calendar = current_calendar()
    return calendar


def _order_status(order, now) -> str:
    if order.in_force and order.expires_at <= now:
        return rules.EXPIRED  # the expiry job has not run yet
    return order.status


@register.inclusion_tag("courts/includes/court_section.html", takes_context=True)
def court_section(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    dvpn = context.get("dvpn")
    earlier = context.get("earlier_dvpns")
    if dvpn is not None and dvpn.served_at is None and earlier is not None:
        # A newer version not served yet: the court part is the last served version's.
        dvpn = next((d for d in earlier if d.served_at is not None), None)
        if dvpn is None:
            return {"shown": False}
    section = selectors.court_section(case, dvpn)
    can_court = bool(user and services.can_record_court_work(user, case))
    can_outcome = bool(user and services.can_record_court_outcome(user, case))
    can_breach = bool(user and services.can_record_breach(user, case))
    dvpn, application = section.dvpn, section.application
    undecided = application is not None and not application.decided
    lapsed_application = application is not None and application.status == rules.APPLICATION_LAPSED
    now = timezone.now()
    orders = []
    for order in section.orders:
        status = _order_status(order, now)
        orders.append(
            {
                "order": order,
                "status": status,
                "prohibitions": prohibitions(order, subject="P", victim_name="the victim"),
                "can_change": bool(can_outcome and status in rules.ORDER_LIVE),
            }
        )
    has_arrests = any(b.arrested_at and not b.outcome for b in section.breaches)
    return {
        "case": case,
        "section": section,
        "dvpn": dvpn,
        "application": application,
        "hearings": section.hearings,
        "orders": orders,
        "breaches": section.breaches,
        "flags": section.flags,
        "lapsed": section.lapsed,
        "missing": application.paperwork_missing() if application else [],
        "can_court": can_court,
        "can_list": bool(can_court and dvpn and dvpn.status == "served" and application is None),
        "can_change_application": bool(can_court and undecided and not lapsed_application),
        "can_record_outcome": bool(can_outcome and undecided and not lapsed_application),
        # A hearing that did start in time, recorded after the lapse, corrects it.
        "can_correct_lapse": bool(can_outcome and lapsed_application),
        "can_breach": bool(can_breach and dvpn),
        "shown": bool(dvpn),
        "calendar": request_calendar(request) if has_arrests else None,
    }
