"""`manage.py import_flags FILE.csv [--skip-bad] [--force CODE]` (issue 8 item 6): see
reports/importer.py for the file and the steps."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.importer import ImportFileError, import_flags

NOTHING_WRITTEN = "{count} bad row(s): nothing was imported. Fix them, or use --skip-bad."


class Command(BaseCommand):
    help = "Import historical police record flags (FP, FQ, FS, FT, FU) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV: crime_reference,recorded_at,flag,flagged_at,bcu")
        parser.add_argument(
            "--skip-bad", action="store_true", help="import the good rows even if some are bad"
        )
        parser.add_argument("--force", help="the police force's code (when there are several)")

    def handle(self, *args, file, skip_bad, force, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            outcome = import_flags(
                path.read_bytes(), force_code=force, skip_bad=skip_bad, file_name=path.name
            )
        except ImportFileError as problem:
            raise CommandError(f"{file}: {problem}") from None
        for line, reason in outcome.rejected:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(f"imported: {outcome.imported}")
        self.stdout.write(f"unchanged: {outcome.unchanged}")
        self.stdout.write(f"rejected: {len(outcome.rejected)}")
        if not outcome.written:
            raise CommandError(NOTHING_WRITTEN.format(count=len(outcome.rejected)))
