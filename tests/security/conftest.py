"""Fixtures of the security tests: one world per module (tests/security/world.py) and the tally
of fuzzed inputs, printed at the end of the run."""

import pytest

from tests.security.world import FUZZ_TALLY, MATRIX_TALLY, WALK_TALLY, world_fixture


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_fixture(django_db_blocker)


def pytest_terminal_summary(terminalreporter):
    if MATRIX_TALLY["passed"]:
        terminalreporter.write_line(
            f"permission matrix: {MATRIX_TALLY['passed']} of {MATRIX_TALLY['cells']} "
            "(role, URL, method) cells checked and as the rules say"
        )
    if WALK_TALLY["fetched"]:
        terminalreporter.write_line(
            f"access-log walk: {WALK_TALLY['fetched']} pages fetched, {WALK_TALLY['showing']} "
            "showing a name or crime reference, each with its log row"
        )
    if FUZZ_TALLY["inputs"]:
        terminalreporter.write_line(
            f"fuzz: {FUZZ_TALLY['inputs']} inputs sent, {FUZZ_TALLY['server_errors']} answered 5xx"
        )
