from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.instruments import DEFAULT, InstrumentFileError, instrument_load


class Command(BaseCommand):
    help = "Load a risk instrument (DASH wording, DARA, ...) from a JSON file; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)

    def handle(self, *args, file, **options):
        try:
            instrument, changed = instrument_load(file)
        except InstrumentFileError as error:
            raise CommandError(str(error)) from error
        state = "loaded" if changed else "already up to date"
        count = instrument.questions.count()
        self.stdout.write(self.style.SUCCESS(f"{instrument.name}: {count} questions, {state}."))
