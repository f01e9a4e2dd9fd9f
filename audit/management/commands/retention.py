"""List cases past their retention review and deletion dates; anonymise those past deletion.

python manage.py retention                     # list (changes nothing)
python manage.py retention --anonymise         # dry run: what would be anonymised
python manage.py retention --anonymise --yes --operator "J. Smith (records manager)"
"""

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.retention import case_anonymise, cases_due


class Command(BaseCommand):
    help = "List cases past retention review/deletion; --anonymise --yes erases personal data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anonymise",
            action="store_true",
            help="Anonymise the cases past deletion (a dry run unless --yes is given too).",
        )
        parser.add_argument("--yes", action="store_true", help="Really anonymise.")
        parser.add_argument(
            "--operator",
            default="",
            help="Who runs this, for the access log (default: the operating-system user).",
        )

    def handle(self, *args, anonymise, yes, operator, **options):
        due = cases_due()
        past_deletion = [item for item in due if item.past_deletion]
        self.stdout.write(
            f"Review after {settings.RETENTION_REVIEW_YEARS} years, anonymise after "
            f"{settings.RETENTION_DELETE_YEARS} years without activity."
        )
        self.stdout.write(
            f"{len(due)} case(s) past review, of which {len(past_deletion)} past deletion."
        )
        for item in due:
            marker = "DELETE" if item.past_deletion else "REVIEW"
            self.stdout.write(
                f"  {marker}  case {item.case_id}  {item.crime_reference}  {item.force}  "
                f"{item.status}  last activity {timezone.localtime(item.last_activity):%Y-%m-%d}"
            )
        if not anonymise:
            return
        if not yes:
            self.stdout.write(
                f"Dry run: {len(past_deletion)} case(s) would be anonymised. "
                "Add --yes to anonymise them."
            )
            return
        erased_by = f"manage.py retention by {operator or getpass.getuser()}"
        done = sum(
            case_anonymise(case_id=item.case_id, erased_by=erased_by) for item in past_deletion
        )
        self.stdout.write(self.style.SUCCESS(f"Anonymised {done} case(s)."))
