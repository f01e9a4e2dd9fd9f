"""Import of historical flags (issue 8 item 6): `manage.py import_flags FILE.csv`.

The file has the header `crime_reference,recorded_at,flag,flagged_at,bcu`, one flag a row.
Steps:
1. Read the whole file: it must be UTF-8 text (a byte-order mark is allowed), a CSV file,
   with exactly that header. Otherwise nothing is read further.
2. Check every row: all five fields, a known flag (FP, FQ, FS, FT, FU), ISO dates or
   date-times (London time when no offset is given; a date is its London midnight; a time
   that never happened or happened twice in London is refused), nothing in the future,
   flagged no earlier than recorded, a BCU of the force, a crime reference not used by a
   case recorded in this system, and the same recorded time and BCU on every row of one
   crime reference.
3. If any row is bad, report each with its line number and reason and write nothing,
   unless --skip-bad, which imports the good rows.
4. In one transaction, create or update a minimal historical case per crime reference
   (closed, owned by the force's inactive import account, marked ImportedCase) and its
   flags. A row that changes nothing is "unchanged", so the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from dvpo.deadlines import LONDON
from dvpo.models import BCU, Organisation, User
from reports.models import Flag, ImportedCase

HEADER = ["crime_reference", "recorded_at", "flag", "flagged_at", "bcu"]
CODES = [code.value for code in Flag.Code]

NOT_UTF8 = "The file is not UTF-8 text (save it as CSV UTF-8)."
NOT_CSV = "The file is not a CSV file."
EMPTY = "The file is empty: expected the header " + ",".join(HEADER) + "."
WRONG_HEADER = "The first line must be the header {expected}; found {found}."
FIELD_COUNT = "expected 5 fields, found {count}"
MISSING = "missing {names}"
UNKNOWN_FLAG = "unknown flag {flag!r} (expected one of " + ", ".join(CODES) + ")"
BAD_DATE = "{name} {value!r} is not an ISO date (YYYY-MM-DD) or date-time"
IMPOSSIBLE_DATE = "{name} {value!r} is not a real date or time"
NO_SUCH_TIME = "{name} {value!r} did not happen in London (the clocks went forward)"
TWICE_TIME = "{name} {value!r} happened twice in London (the clocks went back): give the offset"
IN_FUTURE = "{name} {value!r} is in the future"
FLAGGED_BEFORE_RECORDED = "flagged_at is before recorded_at"
UNKNOWN_BCU = "unknown BCU {bcu!r} in {force}"
LIVE_CASE = "crime reference {reference!r} is a case recorded in this system, not a historical one"
DIFFERS = "{what} differs from line {line} for the same crime reference"
TOO_LONG = "crime reference is longer than 40 characters"
NO_FORCE = "There is no police force: create one first."
WHICH_FORCE = "There is more than one police force: name one with --force ({codes})."
UNKNOWN_FORCE = "Unknown police force {code!r} (one of: {codes})."

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not UTF-8, not CSV, wrong header)."""


@dataclass
class Row:
    line: int
    crime_reference: str
    recorded_at: dt.datetime
    code: str
    flagged_at: dt.datetime
    bcu: BCU


@dataclass
class Outcome:
    imported: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    written: bool = False


def parse_instant(name: str, value: str, now: dt.datetime) -> dt.datetime:
    """An ISO date (its London midnight) or date-time (London when it has no offset)."""
    if ISO_DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(IMPOSSIBLE_DATE.format(name=name, value=value)) from None
        moment = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)
    elif ISO_DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(IMPOSSIBLE_DATE.format(name=name, value=value)) from None
        if moment.tzinfo is None:
            moment = _london(name, value, moment)
    else:
        raise ValueError(BAD_DATE.format(name=name, value=value))
    if moment > now:
        raise ValueError(IN_FUTURE.format(name=name, value=value))
    return moment


def _london(name: str, value: str, naive: dt.datetime) -> dt.datetime:
    early, late = naive.replace(tzinfo=LONDON, fold=0), naive.replace(tzinfo=LONDON, fold=1)
    if early.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        raise ValueError(NO_SUCH_TIME.format(name=name, value=value))
    if early.utcoffset() != late.utcoffset():
        raise ValueError(TWICE_TIME.format(name=name, value=value))
    return early


def read_file(data: bytes) -> list[tuple[int, list[str]]]:
    """The data rows with their line numbers; raises ImportFileError for a bad file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None
    if "\x00" in text:
        raise ImportFileError(NOT_CSV)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(EMPTY)
        found = [name.strip().lower() for name in header]
        if found != HEADER:
            raise ImportFileError(
                WRONG_HEADER.format(expected=",".join(HEADER), found=",".join(header)[:200])
            )
        rows = []
        line = reader.line_num + 1
        for values in reader:
            if any(value.strip() for value in values):
                rows.append((line, values))
            line = reader.line_num + 1
        return rows
    except csv.Error:
        raise ImportFileError(NOT_CSV) from None


def find_force(code: str | None) -> Organisation:
    forces = Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE).order_by("code")
    codes = ", ".join(forces.values_list("code", flat=True))
    if code:
        force = forces.filter(code=code).first()
        if force is None:
            raise ImportFileError(UNKNOWN_FORCE.format(code=code, codes=codes or "none"))
        return force
    found = list(forces[:2])
    if not found:
        raise ImportFileError(NO_FORCE)
    if len(found) > 1:
        raise ImportFileError(WHICH_FORCE.format(codes=codes))
    return found[0]


def check_rows(raw: list[tuple[int, list[str]]], force: Organisation) -> tuple[list[Row], list]:
    """The good rows and the rejected ones (line, reason)."""
    now = timezone.now()
    bcus = {bcu.code.lower(): bcu for bcu in BCU.objects.filter(force=force)}
    references = {values[0].strip() for _, values in raw if values}
    live = set(
        Case.objects.filter(force=force, crime_reference__in=references)
        .exclude(historical_import__isnull=False)
        .values_list("crime_reference", flat=True)
    )
    good, rejected, first_seen, flag_seen = [], [], {}, {}
    for line, values in raw:
        try:
            row = _check_row(line, values, force, bcus, live, now)
            seen = first_seen.setdefault(row.crime_reference, row)
            if seen.recorded_at != row.recorded_at:
                raise ValueError(DIFFERS.format(what="recorded_at", line=seen.line))
            if seen.bcu != row.bcu:
                raise ValueError(DIFFERS.format(what="bcu", line=seen.line))
            same_flag = flag_seen.setdefault((row.crime_reference, row.code), row)
            if same_flag.flagged_at != row.flagged_at:
                raise ValueError(
                    DIFFERS.format(what=f"flagged_at of {row.code}", line=same_flag.line)
                )
            good.append(row)
        except ValueError as problem:
            rejected.append((line, str(problem)))
    return good, rejected


def _check_row(line, values, force, bcus, live, now) -> Row:
    if len(values) != len(HEADER):
        raise ValueError(FIELD_COUNT.format(count=len(values)))
    reference, recorded, code, flagged, bcu_code = (value.strip() for value in values)
    missing = [
        name
        for name, value in zip(HEADER, (reference, recorded, code, flagged, bcu_code), strict=True)
        if not value
    ]
    if missing:
        raise ValueError(MISSING.format(names=", ".join(missing)))
    if len(reference) > 40:
        raise ValueError(TOO_LONG)
    if code.upper() not in CODES:
        raise ValueError(UNKNOWN_FLAG.format(flag=code))
    recorded_at = parse_instant("recorded_at", recorded, now)
    flagged_at = parse_instant("flagged_at", flagged, now)
    if flagged_at < recorded_at:
        raise ValueError(FLAGGED_BEFORE_RECORDED)
    bcu = bcus.get(bcu_code.lower())
    if bcu is None:
        raise ValueError(UNKNOWN_BCU.format(bcu=bcu_code, force=force.name))
    if reference in live:
        raise ValueError(LIVE_CASE.format(reference=reference))
    return Row(line, reference, recorded_at, code.upper(), flagged_at, bcu)


def import_account(force: Organisation) -> User:
    """The inactive account that owns a force's historical cases (it can never sign in)."""
    user, created = User.objects.get_or_create(
        username=f"historical-import-{force.code}",
        defaults={
            "organisation": force,
            "is_active": False,
            "first_name": "Historical",
            "last_name": "import",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def rows_import(rows: list[Row], *, force: Organisation, file_name: str = "") -> tuple[int, int]:
    """Create or update the historical cases and their flags; (imported, unchanged)."""
    owner = import_account(force)
    now = timezone.now()
    cases = {
        case.crime_reference: case
        for case in Case.objects.select_for_update().filter(
            force=force, crime_reference__in={row.crime_reference for row in rows}
        )
    }
    flags = {
        (flag.case_id, flag.code): flag
        for flag in Flag.objects.select_for_update().filter(case__in=list(cases.values()))
    }
    imported = unchanged = 0
    for row in rows:
        changed = False
        case = cases.get(row.crime_reference)
        if case is None:
            case = Case.objects.create(
                force=force,
                crime_reference=row.crime_reference,
                reported_at=row.recorded_at,
                bcu=row.bcu,
                location="Not recorded (historical record)",
                summary=f"Historical record imported from {file_name or 'a file'}: "
                "only its police record flags are known.",
                status=Case.Status.CLOSED,
                owner=owner,
            )
            ImportedCase.objects.create(case=case, imported_at=now, file_name=file_name[:255])
            cases[row.crime_reference], changed = case, True
        elif case.reported_at != row.recorded_at or case.bcu_id != row.bcu.pk:
            case.reported_at, case.bcu = row.recorded_at, row.bcu
            case.save(update_fields=["reported_at", "bcu"])
            changed = True
        flag = flags.get((case.pk, row.code))
        if flag is None:
            flags[(case.pk, row.code)] = Flag.objects.create(
                case=case, code=row.code, flagged_at=row.flagged_at, source=Flag.Source.IMPORTED
            )
            changed = True
        elif flag.flagged_at != row.flagged_at:
            flag.flagged_at = row.flagged_at
            flag.save(update_fields=["flagged_at"])
            changed = True
        imported, unchanged = imported + changed, unchanged + (not changed)
    return imported, unchanged


def import_flags(
    data: bytes, *, force_code: str | None = None, skip_bad: bool = False, file_name: str = ""
) -> Outcome:
    """Steps 1-4 above. Raises ImportFileError when the file cannot be read at all."""
    raw = read_file(data)
    force = find_force(force_code)
    good, rejected = check_rows(raw, force)
    outcome = Outcome(rejected=rejected)
    if rejected and not skip_bad:
        return outcome
    outcome.imported, outcome.unchanged = rows_import(good, force=force, file_name=file_name)
    outcome.written = True
    return outcome
