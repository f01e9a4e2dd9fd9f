"""Compare the calendar the app uses with a list in the government's published format.

    python manage.py check_bank_holidays bank-holidays.json

The file is what https://www.gov.uk/bank-holidays.json serves (or just its
"england-and-wales" part). Every difference is printed; the exit status is 1 if
there is any, so a scheduled job can alert an administrator.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from dvpo.calendar import current_calendar

DIVISION = "england-and-wales"


def published_events(document) -> dict[dt.date, str]:
    if isinstance(document, dict) and DIVISION in document:
        document = document[DIVISION]
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise CommandError(f'Expected the published format: {{"{DIVISION}": {{"events": [...]}}}}.')
    try:
        return {dt.date.fromisoformat(e["date"]): e["title"] for e in document["events"]}
    except (KeyError, TypeError, ValueError) as error:
        raise CommandError(
            f"An event in the file is not in the published format: {error}"
        ) from None


class Command(BaseCommand):
    help = "Compare the bank-holiday calendar with the published JSON (exit 1 on a difference)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON in the format of gov.uk/bank-holidays.json")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        published = published_events(document)
        if not published:
            raise CommandError("The file lists no bank holidays.")
        calendar = current_calendar()
        ours = {}
        for year in range(min(published).year, max(published).year + 1):
            ours.update(calendar.bank_holidays(year))
        differences = 0
        for day in sorted(published.keys() | ours.keys()):
            if day not in ours:
                self.stdout.write(f"{day:%a %d %b %Y}: published ({published[day]}), missing here")
                differences += 1
            elif day not in published:
                self.stdout.write(f"{day:%a %d %b %Y}: here ({ours[day]}), not published")
                differences += 1
        first, last = min(published), max(published)
        if differences:
            self.stdout.write(
                self.style.ERROR(f"{differences} difference(s) from {first} to {last}.")
            )
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"The calendar matches all {len(published)} days ({first} to {last})."
            )
        )
