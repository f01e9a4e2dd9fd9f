"""Django's `migrate`, connected as the owner role when DATABASE_OWNER_URL is set.

The owner creates the tables and the access log's trigger, and after the migrations (in
post_migrate, audit.apps) grants the app's role what it may do (dvpo/dbroles.py).
"""

from django.core.management.commands.migrate import Command as MigrateCommand

from dvpo.dbroles import connected_as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with connected_as_owner(options["database"]):
            return super().handle(*args, **options)
