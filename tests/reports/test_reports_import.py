"""import_flags: historical records in, the published table out; idempotent; bad rows and bad
files refused with their line numbers and reasons, nothing written unless --skip-bad."""

import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cases.models import Case
from cases.selectors import open_cases_in_bcu, open_cases_owned
from reports.models import Flag, ImportedCase
from tests.helpers import when

# Historical flags as a force's old system would export them: dates, London date-times
# without an offset, UTC and BST offsets.
HISTORY = """crime_reference,recorded_at,flag,flagged_at,bcu
R01/24,2024-04-03,FP,2024-04-03,EAST
R01/24,2024-04-03,FQ,2024-04-04,EAST
R01/24,2024-04-03,FS,2024-04-06,EAST
R02/24,2024-04-30T23:30:00,FQ,2024-05-01T01:00:00,WEST
R03/24,2024-04-30T23:30:00+00:00,FP,2024-05-01T09:00:00+01:00,EAST
R03/24,2024-04-30T23:30:00+00:00,FT,2024-05-02,EAST
R04/24,2024-05-10,FQ,2024-05-11,WEST
R04/24,2024-05-10,FS,2024-05-12,WEST
R04/24,2024-05-10,FU,2024-05-20,WEST
R05/24,2024-06-01,FP,2024-06-01,east
R06/24,2024-06-15T10:00:00Z,FQ,2024-06-15T12:00:00Z,EAST
R06/24,2024-06-15T10:00:00Z,FT,2024-06-20,EAST
R07/24,2024-08-31T23:59:00,FS,2024-09-02,WEST
R08/24,2024-09-30T23:00:00Z,FP,2024-10-01,EAST
R09/24,2024-03-31,FP,2024-04-01,EAST
"""

# The table the force would publish for April to September 2024, by the month each incident
# was recorded (London): worked out by hand from the rows above. R02 was recorded at 23:30
# BST on 30 April; R03 at 23:30 UTC, which is 00:30 BST on 1 May; R08 on 1 October (BST)
# and R09 in March fall outside.
PUBLISHED = """month,dvpn_granted,dvpn_breached,dvpo_granted,dvpo_breached
2024-04,2,0,1,0
2024-05,2,1,1,1
2024-06,2,1,0,0
2024-07,0,0,0,0
2024-08,0,0,1,0
2024-09,0,0,0,0
total,6,2,3,1
"""

NOW = "2026-03-06T09:00:00+00:00"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(when(NOW), tick=False) as traveller:
        yield traveller


@pytest.fixture
def west(force):
    from dvpo.models import BCU

    return BCU.objects.create(force=force, code="WEST", name="West BCU")


def write(tmp_path, content, name="flags.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_then_report_reproduces_the_published_table(tmp_path, bcu, west):
    out, _ = run("import_flags", write(tmp_path, HISTORY))
    assert out == "imported: 15\nunchanged: 0\nrejected: 0\n"
    report, _ = run("report", "monthly-flags", "--from", "2024-04-01", "--to", "2024-09-30")
    assert report == PUBLISHED


def test_the_same_file_twice_changes_nothing(tmp_path, bcu, west):
    path = write(tmp_path, HISTORY)
    run("import_flags", path)
    before = list(
        Flag.objects.order_by("pk").values_list("case_id", "code", "flagged_at", "source")
    )
    cases = list(Case.objects.order_by("pk").values_list("pk", "reported_at", "bcu_id"))
    out, _ = run("import_flags", path)
    assert out == "imported: 0\nunchanged: 15\nrejected: 0\n"
    assert (
        list(Flag.objects.order_by("pk").values_list("case_id", "code", "flagged_at", "source"))
        == before
    )
    assert list(Case.objects.order_by("pk").values_list("pk", "reported_at", "bcu_id")) == cases


def test_a_corrected_file_updates_the_historical_case(tmp_path, bcu, west):
    run("import_flags", write(tmp_path, HISTORY))
    corrected = HISTORY.replace(
        "R05/24,2024-06-01,FP,2024-06-01,east", "R05/24,2024-06-01,FP,2024-06-02,WEST"
    )
    out, _ = run("import_flags", write(tmp_path, corrected, "corrected.csv"))
    assert out == "imported: 1\nunchanged: 14\nrejected: 0\n"
    case = Case.objects.get(crime_reference="R05/24")
    assert case.bcu == west
    assert case.record_flags.get().flagged_at == when("2024-06-01T23:00:00+00:00")


def test_historical_cases_are_closed_and_in_no_working_list(tmp_path, bcu, west, supervisor):
    run("import_flags", write(tmp_path, HISTORY))
    cases = Case.objects.filter(crime_reference__startswith="R")
    assert cases.count() == 9
    assert set(cases.values_list("status", flat=True)) == {"closed"}
    assert ImportedCase.objects.count() == 9
    owner = cases.first().owner
    assert owner.username == "historical-import-testshire"
    assert not owner.is_active and not owner.has_usable_password()
    assert not open_cases_in_bcu(viewer=supervisor).exists()
    assert not open_cases_owned(viewer=owner).exists()
    assert set(Flag.objects.values_list("source", flat=True)) == {"imported"}
    assert Case.objects.get(crime_reference="R02/24").reported_at == when(
        "2024-04-30T22:30:00+00:00"
    )


BAD = """crime_reference,recorded_at,flag,flagged_at,bcu
OK1/24,2024-04-03,FP,2024-04-03,EAST
X1/24,2024-04-03,FX,2024-04-03,EAST
X2/24,2024-04-31,FP,2024-05-01,EAST
X3/24,yesterday,FP,2024-05-01,EAST
X4/24,2024-04-03,FP,2024-04-03,NORTH
X5/24,,FP,2024-04-03,
X6/24,2024-04-03,FP,2024-04-02,EAST
X7/24,2024-04-03,FP
X8/24,2024-03-31T01:30:00,FP,2024-04-01,EAST
X9/24,2024-10-27T01:30:00,FP,2024-10-28,EAST
Y1/24,2027-01-01,FP,2027-01-01,EAST
OK1/24,2024-04-04,FQ,2024-04-05,EAST
LIVE/1,2024-04-03,FP,2024-04-03,EAST
OK2/24,2024-04-03,FQ,2024-04-04,EAST
OK2/24,2024-04-03,FQ,2024-04-05,EAST
"""

BAD_LINES = [
    "line 3: unknown flag 'FX' (expected one of FP, FQ, FT, FS, FU)",
    "line 4: recorded_at '2024-04-31' is not a real date or time",
    "line 5: recorded_at 'yesterday' is not an ISO date (YYYY-MM-DD) or date-time",
    "line 6: unknown BCU 'NORTH' in Testshire Police",
    "line 7: missing recorded_at, bcu",
    "line 8: flagged_at is before recorded_at",
    "line 9: expected 5 fields, found 3",
    "line 10: recorded_at '2024-03-31T01:30:00' did not happen in London (the clocks went forward)",
    "line 11: recorded_at '2024-10-27T01:30:00' happened twice in London (the clocks went back): "
    "give the offset",
    "line 12: recorded_at '2027-01-01' is in the future",
    "line 13: recorded_at differs from line 2 for the same crime reference",
    "line 14: crime reference 'LIVE/1' is a case recorded in this system, not a historical one",
    "line 16: flagged_at of FQ differs from line 15 for the same crime reference",
]


@pytest.fixture
def live_case(officer, bcu):
    from tests.reports.dataset import make_case

    return make_case("LIVE/1", "2024-04-03T10:00:00+00:00", bcu, officer)


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path, bcu, live_case):
    with pytest.raises(CommandError, match="13 bad row"):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_flags", write(tmp_path, BAD), stdout=out, stderr=err)
        finally:
            assert err.getvalue().splitlines() == BAD_LINES
            assert out.getvalue() == "imported: 0\nunchanged: 0\nrejected: 13\n"
    assert not Flag.objects.exists()
    assert list(Case.objects.values_list("crime_reference", flat=True)) == ["LIVE/1"]


def test_skip_bad_imports_the_good_rows(tmp_path, bcu, live_case):
    out, err = run("import_flags", write(tmp_path, BAD), "--skip-bad")
    assert out == "imported: 2\nunchanged: 0\nrejected: 13\n"
    assert err.splitlines() == BAD_LINES
    assert sorted(Flag.objects.values_list("case__crime_reference", "code")) == [
        ("OK1/24", "FP"),
        ("OK2/24", "FQ"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "crime_reference,recorded_at,flag\nA,2024-01-01,FP\n",
            "The first line must be the header",
        ),
        ("ref;recorded;flag;flagged;bcu\n", "The first line must be the header"),
        ("caf\xe9,x\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV file"),
        ("", "The file is empty"),
        ('crime_reference,recorded_at,flag,flagged_at,bcu\n"A,2024-01-01\n', "not a CSV file"),
    ],
)
def test_a_file_that_is_not_the_csv_is_refused(tmp_path, bcu, content, message):
    with pytest.raises(CommandError, match=message):
        run("import_flags", write(tmp_path, content))
    assert not Case.objects.exists()


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path, bcu):
    content = (
        "\ufeffcrime_reference,recorded_at,flag,flagged_at,bcu\r\n"
        "Café/1,2024-04-03,FP,2024-04-03,EAST\r\n"
    )
    out, _ = run("import_flags", write(tmp_path, content))
    assert out == "imported: 1\nunchanged: 0\nrejected: 0\n"
    assert Case.objects.get().crime_reference == "Café/1"


def test_the_force_must_be_named_when_there_are_several(tmp_path, bcu, other_force):
    with pytest.raises(CommandError, match="name one with --force"):
        run("import_flags", write(tmp_path, HISTORY))
    with pytest.raises(CommandError, match="Unknown police force 'nowhere'"):
        run("import_flags", write(tmp_path, HISTORY), "--force", "nowhere")
    out, err = run("import_flags", write(tmp_path, HISTORY), "--force", "testshire", "--skip-bad")
    assert out.startswith("imported: 10\n")  # the WEST rows: no such BCU here
    assert "unknown BCU 'WEST'" in err


def test_a_missing_file(tmp_path, bcu):
    with pytest.raises(CommandError, match="No such file"):
        run("import_flags", str(tmp_path / "nothing.csv"))
