from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dvpo.demo import ACCOUNTS, DEMO_PASSWORD, demo_load

REFUSED = (
    "Refusing to load demo accounts with a published password while DEBUG is off. "
    "Pass --allow-without-debug only on a throw-away test deployment."
)


class Command(BaseCommand):
    help = "Load the fictional demo force, service, court and one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-without-debug", action="store_true")

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(REFUSED)
        changes = demo_load()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded ({changes} rows created or changed).")
        )
        if options["verbosity"] > 1:
            for username in ACCOUNTS:
                self.stdout.write(f"  {username} / {DEMO_PASSWORD}")
