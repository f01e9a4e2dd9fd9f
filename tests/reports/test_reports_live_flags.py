"""The record flags are stored by the services that make them true, at the moment each first
became true, and the migration's backfill gives the same flags as courts.services."""

from django.db import connection

from courts import services as court_services
from reports import services
from reports.models import Flag
from tests.helpers import when


def stored(case):
    return {f.code: f.flagged_at for f in Flag.objects.filter(case=case)}


def test_authorising_and_serving_store_fp_and_fq(served_dvpn):
    assert stored(served_dvpn.case) == {
        "FP": when("2026-03-06T09:00:00+00:00"),
        "FQ": when("2026-03-06T09:00:00+00:00"),
    }
    assert set(Flag.objects.values_list("source", flat=True)) == {"live"}


def test_a_refused_dvpn_stores_no_flag(march_6, submitted_dvpn, superintendent):
    from tests.helpers import decide

    decide(submitted_dvpn, by=superintendent, authorise=False)
    assert stored(submitted_dvpn.case) == {}


def test_an_order_and_breaches_store_fs_ft_fu(order, officer, march_6):
    case = order.case
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    court_services.breach_record(
        actor=officer,
        case=case,
        order=order,
        occurred_at=when("2026-03-09T20:00:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
    )
    court_services.breach_record(
        actor=officer,
        case=case,
        order=order,
        occurred_at=when("2026-03-08T20:00:00+00:00"),  # recorded later, happened earlier
        prohibition="molestation",
        reported_by="caseworker",
    )
    flags = stored(case)
    assert flags["FS"] == order.made_at == when("2026-03-07T10:00:00+00:00")
    assert flags["FU"] == when("2026-03-08T20:00:00+00:00")  # the earlier breach
    assert "FT" not in flags


def test_a_dvpn_breach_stores_ft(served_dvpn, officer, march_6):
    march_6.move_to(when("2026-03-07T12:00:00+00:00"))
    court_services.breach_record(
        actor=officer,
        case=served_dvpn.case,
        dvpn=served_dvpn,
        occurred_at=when("2026-03-07T08:00:00+00:00"),
        prohibition="molestation",
        reported_by="police",
    )
    assert stored(served_dvpn.case)["FT"] == when("2026-03-07T08:00:00+00:00")


def test_backfill_matches_the_flags_the_case_page_shows(order, officer, march_6):
    case = order.case
    march_6.move_to(when("2026-03-10T12:00:00+00:00"))
    court_services.breach_record(
        actor=officer,
        case=case,
        order=order,
        occurred_at=when("2026-03-09T23:30:00+00:00"),
        prohibition="molestation",
        reported_by="victim",
    )
    live = stored(case)
    Flag.objects.all().delete()
    assert services.flags_backfill() == 4
    assert stored(case) == live
    assert services.flags_backfill() == 0  # runs twice, writes once
    from courts.rules import local_date

    shown = {code: day for code, _, day in court_services.case_record_flags(case)}
    assert {code: local_date(at) for code, at in live.items()} == shown


def test_the_migration_backfill_is_the_services_sql():
    import importlib

    migration = importlib.import_module("reports.migrations.0001_record_flags")
    frozen = migration.BACKFILL_SQL.split("ON CONFLICT")[0]
    assert frozen == services.BACKFILL_SQL.split("ON CONFLICT")[0]
    assert connection.vendor == "postgresql"
