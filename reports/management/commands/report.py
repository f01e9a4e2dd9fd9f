"""`manage.py report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--bcu CODE]`: a report as CSV on
standard output (issue 8 item 5). NAME is monthly-flags, annual-return or management."""

import csv
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reports import figures, tables
from reports.importer import ImportFileError, find_force

UNKNOWN_REPORT = "Unknown report {name!r}: choose one of {names}."
BAD_DATE = "--{option} must be a date as YYYY-MM-DD, not {value!r}."
BACKWARDS = "--from must not be after --to."
UNKNOWN_BCU = "Unknown BCU {code!r} in {force} (one of: {codes})."


def parse_day(option: str, value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(option=option, value=value)) from None


class Command(BaseCommand):
    help = "Print a report (monthly-flags, annual-return, management) as CSV."

    def add_arguments(self, parser):
        parser.add_argument("name", help=", ".join(tables.REPORT_NAMES))
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--bcu", help="one BCU's code (default: the whole force)")
        parser.add_argument("--force", help="the police force's code (when there are several)")
        parser.add_argument(
            "--by-flag-date",
            action="store_true",
            help="monthly-flags: count by the flag's own month, not the incident's",
        )
        parser.add_argument("--suppress", action="store_true", help="show counts from 1 to 4 as *")

    def handle(self, *args, name, start, end, bcu, force, by_flag_date, suppress, **options):
        if name not in tables.REPORT_NAMES:
            raise CommandError(
                UNKNOWN_REPORT.format(name=name, names=", ".join(tables.REPORT_NAMES))
            )
        period = figures.Period(parse_day("from", start), parse_day("to", end))
        if period.start > period.end:
            raise CommandError(BACKWARDS)
        try:
            police = find_force(force)
        except ImportFileError as problem:
            raise CommandError(str(problem)) from None
        bcus = list(police.bcus.order_by("name"))
        chosen = None
        if bcu:
            chosen = next((b for b in bcus if b.code.lower() == bcu.lower()), None)
            if chosen is None:
                codes = ", ".join(b.code for b in bcus)
                raise CommandError(UNKNOWN_BCU.format(code=bcu, force=police.name, codes=codes))
            bcus = [chosen]
        scope = figures.Scope(police.pk, period, chosen.pk if chosen else None)
        table = tables.report_table(
            name, scope=scope, bcus=bcus, by_flag_date=by_flag_date, suppress=suppress
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(table.header)
        writer.writerows(table.rows)
