from django.core.management.base import BaseCommand

from dvpo.services import roles_sync


class Command(BaseCommand):
    help = "Make the role groups and their permissions match dvpo/roles.py (safe to re-run)."

    def handle(self, *args, **options):
        changes = roles_sync()
        for line in changes:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Roles in sync ({len(changes)} changes)."))
