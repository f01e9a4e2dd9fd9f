from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from dvpo.demo import (
    ACCOUNTS,
    DEMO_BACKUP_CODES,
    DEMO_TOTP_KEY,
    demo_seconds_left,
    demo_totp_key_base32,
    demo_totp_token,
)

NOT_DEBUG = "Refusing to print demo sign-in codes while DEBUG is off: the demo is for development."
NOT_LOADED = "The demo accounts are not loaded: run `python manage.py load_demo` first."


class Command(BaseCommand):
    help = "Print the demo accounts' current two-factor code (demo data and DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(NOT_DEBUG)
        if not TOTPDevice.objects.filter(
            user__username__in=list(ACCOUNTS), key=DEMO_TOTP_KEY
        ).exists():
            raise CommandError(NOT_LOADED)
        self.stdout.write(demo_totp_token())
        if options["verbosity"] > 0:
            self.stdout.write(
                f"The code above works for every demo account for {demo_seconds_left()} more "
                "seconds (once per account: run this again for the next one).\n"
                f"Demo-only key for an authenticator app: {demo_totp_key_base32()}\n"
                f"Demo-only backup codes (each once per account until load_demo runs again): "
                f"{', '.join(DEMO_BACKUP_CODES)}"
            )
