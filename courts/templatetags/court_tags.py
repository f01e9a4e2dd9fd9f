"""The court part of the case page: the DVPO application and its hearings, a lapsed DVPN,
the order, breaches and the PNC record flags.

    {% load court_tags %}{% court_section case %}
"""

from django import template
from django.utils import timezone

from cases.views.dvpn import prohibitions
from courts import rules, selectors, services

register = template.Library()


@register.inclusion_tag("courts/includes/court_section.html", takes_context=True)
def court_section(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    section = selectors.court_section(case, context.get("dvpn"))
    can_court = bool(user and services.can_record_court_work(user, case))
    can_breach = bool(user and services.can_record_breach(user, case))
    dvpn, application, order = section.dvpn, section.application, section.order
    undecided = application is not None and not application.decided
    order_status = None
    if order is not None:
        order_status = order.status
        if order.in_force and order.expires_at <= timezone.now():
            order_status = rules.EXPIRED  # the expiry job has not run yet
    return {
        "case": case,
        "section": section,
        "dvpn": dvpn,
        "application": application,
        "hearings": section.hearings,
        "order": order,
        "order_status": order_status,
        "order_prohibitions": (
            prohibitions(order, subject="P", victim_name="the victim") if order else []
        ),
        "breaches": section.breaches,
        "flags": section.flags,
        "lapsed": section.lapsed,
        "missing": application.paperwork_missing() if application else [],
        "can_court": can_court,
        "can_list": bool(can_court and dvpn and dvpn.status == "served" and application is None),
        "can_record_outcome": can_court and undecided,
        "can_change_order": bool(can_court and order_status in rules.ORDER_LIVE),
        "can_breach": bool(can_breach and dvpn and dvpn.served_at),
        "shown": bool(dvpn and dvpn.served_at),
    }
