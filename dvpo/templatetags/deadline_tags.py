"""One way to show a statutory deadline on every page.

    {% load deadline_tags %}{% deadline dvpn.hearing_deadline rule="hearing" start=dvpn.served_at %}

renders the instant, the time left or overdue, and (in a details element that
works without JavaScript) the rule and the disregarded days it skipped. A page showing
many deadlines passes `calendar=` (loaded once) so that each does not query it again.
"""

from django import template
from django.utils import timezone

from dvpo import deadlines
from dvpo.calendar import current_calendar

register = template.Library()

RULES = {
    "hearing": "48 counted hours after service (Crime and Security Act 2010 s.27). "
    "Sundays, Christmas Day, Good Friday and bank holidays in England and Wales are not counted.",
    "production": "24 counted hours after the arrest, or the DVPO hearing if sooner "
    "(s.26 and s.29). Sundays, Christmas Day, Good Friday and bank holidays are not counted.",
    "order": "The order lasts the number of days the court states, beginning with the day it "
    "is made (s.28(10)); it ends at midnight after its last day.",
    "referral": "Within 2 working days of the report (Victims' Code), ending at midnight "
    "after the second working day.",
}


@register.inclusion_tag("includes/deadline.html")
def deadline(value, rule="", start=None, calendar=None):
    if not value:  # None, or a missing variable rendered as ""
        return {"value": None}
    now = timezone.now()
    skipped = []
    if start and rule in ("hearing", "production"):
        skipped = deadlines.skipped_days(start, value, calendar=calendar or current_calendar())
    return {
        "value": value,
        "text": deadlines.format_deadline(value, now),
        "overdue": value < now,
        "rule": RULES.get(rule, ""),
        "skipped": skipped,
    }
