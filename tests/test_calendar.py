"""Administrators' changes to the bank-holiday calendar; checking it against the published list."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.models import CaseEvent
from dvpo.calendar import calendar_day_delete, calendar_day_save, current_calendar
from dvpo.deadlines import LONDON
from dvpo.models import CalendarDay

SAMPLE = Path(__file__).parent / "data" / "bank-holidays-2022-2023.json"


def london(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
def staff_admin(admin_client):
    return admin_client


def test_a_proclaimed_day_moves_open_hearing_deadlines(served_dvpn, staff_admin):
    assert served_dvpn.hearing_deadline == london("2026-03-09 09:00")
    response = staff_admin.post(
        "/admin/dvpo/calendarday/add/",
        {"date": "2026-03-07", "change": "add", "name": "Test proclamation", "reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Deadlines recomputed: 1 open case(s) changed." in response.content.decode()
    served_dvpn.refresh_from_db()
    assert served_dvpn.hearing_deadline == london("2026-03-10 09:00")
    event = served_dvpn.case.events.get(kind=CaseEvent.Kind.DEADLINE_RECOMPUTED)
    assert "Mon 9 Mar 2026, 09:00 to Tue 10 Mar 2026, 09:00" in event.summary
    assert served_dvpn.history.first().history_user.username == "admin"


def test_removing_the_change_moves_them_back(served_dvpn, admin_user):
    day = CalendarDay(date=dt.date(2026, 3, 7), change="add", name="Test proclamation")
    assert calendar_day_save(actor=admin_user, day=day) == 1
    assert calendar_day_delete(actor=admin_user, days=[day]) == 1
    served_dvpn.refresh_from_db()
    assert served_dvpn.hearing_deadline == london("2026-03-09 09:00")


def test_a_change_that_moves_nothing_records_nothing(served_dvpn, admin_user):
    day = CalendarDay(date=dt.date(2026, 5, 11), change="add", name="Far away")
    assert calendar_day_save(actor=admin_user, day=day) == 0
    assert not served_dvpn.case.events.filter(kind=CaseEvent.Kind.DEADLINE_RECOMPUTED).exists()


@pytest.mark.parametrize(
    ("date", "change", "message"),
    [
        ("2026-03-08", "add", "already not counted (Sunday)"),
        ("2026-04-06", "add", "already not counted (Easter Monday)"),
        ("2026-03-09", "remove", "is not a published bank holiday"),
        ("2026-12-25", "remove", "Christmas Day is named in the statute"),
        ("2026-04-03", "remove", "Good Friday is named in the statute"),
    ],
)
def test_changes_that_make_no_sense_are_refused(staff_admin, date, change, message):
    response = staff_admin.post(
        "/admin/dvpo/calendarday/add/", {"date": date, "change": change, "name": "X"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_current_calendar_applies_the_rows(db):
    CalendarDay.objects.create(date=dt.date(2026, 3, 6), change="add", name="Proclaimed")
    CalendarDay.objects.create(date=dt.date(2026, 12, 28), change="remove", name="Moved")
    calendar = current_calendar()
    assert calendar.is_disregarded(dt.date(2026, 3, 6)).reason == "Proclaimed"
    assert not calendar.is_disregarded(dt.date(2026, 12, 28))


def test_check_bank_holidays_matches_the_published_list(db, capsys):
    call_command("check_bank_holidays", str(SAMPLE))
    assert "matches all 19 days (2022-01-03 to 2023-12-26)" in capsys.readouterr().out


def test_check_bank_holidays_prints_every_difference(db, capsys, tmp_path):
    CalendarDay.objects.create(date=dt.date(2022, 3, 4), change="add", name="Proclaimed")
    CalendarDay.objects.create(date=dt.date(2022, 9, 19), change="remove", name="Moved")
    with pytest.raises(SystemExit) as exit_:
        call_command("check_bank_holidays", str(SAMPLE))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "Fri 04 Mar 2022: here (Proclaimed), not published" in out
    assert "Mon 19 Sep 2022: published (Bank Holiday for the State Funeral" in out
    assert "2 difference(s)" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot read"),
        ('{"scotland": {"events": []}}', "Expected the published format"),
        ('{"england-and-wales": {"events": [{"date": "2022-13-01", "title": "X"}]}}', "not in"),
        ('{"england-and-wales": {"events": []}}', "lists no bank holidays"),
    ],
)
def test_check_bank_holidays_refuses_bad_files(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("check_bank_holidays", str(path))


def test_benchmark_prints_a_rate(capsys):
    call_command("benchmark_deadlines", count=2000)
    out = capsys.readouterr().out
    assert "second pass: 2,000 hearing deadlines" in out
    assert "per second" in out
