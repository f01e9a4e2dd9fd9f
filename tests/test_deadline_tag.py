"""The one deadline display: instant, time left or overdue, and how it was worked out."""

import datetime as dt

import time_machine
from django.template import Context, Template

from dvpo.deadlines import LONDON
from dvpo.models import CalendarDay

TEMPLATE = Template(
    '{% load deadline_tags %}{% deadline value rule="hearing" start=start %}|{% deadline missing %}'
)


def render(**context):
    return TEMPLATE.render(Context(context))


@time_machine.travel(dt.datetime(2026, 12, 28, 15, 40, tzinfo=LONDON), tick=False)
def test_shows_time_left_rule_and_skipped_days(db):
    html = render(
        value=dt.datetime(2026, 12, 29, 10, tzinfo=LONDON),
        start=dt.datetime(2026, 12, 24, 10, tzinfo=LONDON),
    )
    assert "Tue 29 Dec 2026, 10:00 (18 h 20 m left)" in html
    assert "48 counted hours after service" in html
    assert "Fri 25 Dec 2026: Christmas Day" in html
    assert "Mon 28 Dec 2026: Boxing Day (observed)" in html
    assert "Not set" in html.split("|")[1]


@time_machine.travel(dt.datetime(2026, 3, 10, 12, 5, tzinfo=LONDON), tick=False)
def test_overdue_and_days_added_by_an_administrator(db):
    CalendarDay.objects.create(date=dt.date(2026, 3, 9), change="add", name="Proclaimed day")
    html = render(
        value=dt.datetime(2026, 3, 10, 10, tzinfo=LONDON),
        start=dt.datetime(2026, 3, 7, 10, tzinfo=LONDON),
    )
    assert "(overdue by 2 h 5 m)" in html
    assert "app-deadline__remaining--overdue" in html
    assert "Mon 9 Mar 2026: Proclaimed day" in html
