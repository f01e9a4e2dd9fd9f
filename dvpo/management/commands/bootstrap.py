from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, sync roles and (with --demo) load demo data, in one process."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, demo=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("sync_roles", verbosity=0)
        call_command("load_instrument", verbosity=0)
        if demo:
            call_command("load_demo")
