"""One GOV.UK tag for every status, its colour (and, where the page words it, its text) as data.

{% load status_tags %}{% status_tag "dvpn" dvpn.status dvpn.get_status_display %}
"""

from django import template

register = template.Library()

# kind: (the colour of each value, the colour of any other value)
COLOURS = {
    "case": ({"closed": "grey"}, "blue"),
    "dvpn": (
        {
            "draft": "grey",
            "submitted": "yellow",
            "authorised": "turquoise",
            "refused": "red",
            "revised": "grey",
            "served": "green",
            "ended": "grey",
            "lapsed": "red",
        },
        "",
    ),
    "risk": ({"high": "red", "medium": "orange"}, "green"),
    "application": (
        {
            "listed": "blue",
            "adjourned": "yellow",
            "granted": "green",
            "refused": "red",
            "lapsed": "red",
        },
        "grey",
    ),
    "order": ({"in_force": "green", "varied": "turquoise", "discharged": "orange"}, "grey"),
    "referral": ({"sent": "blue", "accepted": "green", "returned": "red"}, "grey"),
    "consent": ({"given": "green", "declined": "orange"}, "yellow"),
    # A referral as the support service sees it: a draft or withdrawn one shows no tag.
    "service_referral": (
        {"sent": "blue", "accepted": "green", "returned": "orange", "closed": "grey"},
        "",
    ),
}

# The kinds whose text is not the model's display value.
LABELS = {
    "order": (
        {"in_force": "In force", "varied": "In force (varied)", "discharged": "Discharged"},
        "Expired",
    ),
    "service_referral": (
        {
            "sent": "New",
            "accepted": "Accepted",
            "returned": "Returned to the police",
            "closed": "Closed",
        },
        "",
    ),
}


def _lookup(table: dict, kind: str, value) -> str:
    by_value, other = table[kind]
    return by_value.get(value, other)


@register.inclusion_tag("includes/status_tag.html")
def status_tag(kind: str, value, label=None, testid: str = "") -> dict:
    """The tag for value, a status of kind (a key of COLOURS); label defaults to LABELS."""
    return {
        "colour": _lookup(COLOURS, kind, value),
        "label": _lookup(LABELS, kind, value) if label is None else label,
        "testid": testid,
    }
