"""Writes for reports: the record flags, as each first becomes true.

`flag_record` is called by the services that make a flag true, inside their transaction:
cases.services.dvpn_decide (FP), dvpn_serve (FQ), courts.services.order_make (FS) and
breach_record (FT, FU). A flag that is already stored keeps the earlier of the two moments,
so a breach recorded late but found to have happened earlier moves the flag back.
"""

from datetime import datetime

from django.db import connection

from reports.models import Flag

UPSERT_SQL = """
INSERT INTO reports_flag (case_id, code, flagged_at, source)
VALUES (%s, %s, %s, %s)
ON CONFLICT (case_id, code) DO UPDATE SET flagged_at = EXCLUDED.flagged_at
WHERE EXCLUDED.flagged_at < reports_flag.flagged_at
"""

# The flags the records support, each at the moment it first became true (the reading of
# courts.services.case_record_flags). The migration holds a frozen copy; a data generator
# that writes cases, DVPNs, orders and breaches in bulk can call flags_backfill() after.
BACKFILL_SQL = """
INSERT INTO reports_flag (case_id, code, flagged_at, source)
SELECT case_id, code, MIN(at), 'live' FROM (
    SELECT case_id, 'FP' AS code, decided_at AS at FROM cases_dvpn
     WHERE decided_at IS NOT NULL AND status NOT IN ('refused', 'revised')
    UNION ALL
    SELECT case_id, 'FQ', served_at FROM cases_dvpn WHERE served_at IS NOT NULL
    UNION ALL
    SELECT case_id, CASE WHEN order_id IS NULL THEN 'FT' ELSE 'FU' END, occurred_at
      FROM courts_breach
    UNION ALL
    SELECT case_id, 'FS',
           COALESCE(made_at, (made_on::timestamp AT TIME ZONE 'Europe/London'))
      FROM courts_dvpo
) AS facts
GROUP BY case_id, code
ON CONFLICT (case_id, code) DO UPDATE SET flagged_at = EXCLUDED.flagged_at
WHERE EXCLUDED.flagged_at < reports_flag.flagged_at
"""


def flag_record(*, case_id: int, code: str, at: datetime) -> None:
    """Store that the case's record carries `code` from `at` (or from earlier, if stored)."""
    Flag.Code(code)  # refuses an unknown code
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_SQL, [case_id, code, at, Flag.Source.LIVE])


def flags_backfill() -> int:
    """Store every flag the records support that is not stored yet; returns rows written."""
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL_SQL)
        return cursor.rowcount
