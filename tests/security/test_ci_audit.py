"""The CI dependency audit (.ci/audit_dependencies.py): fails on a known vulnerability, passes
only when every package was checked, and says "skipped" when the service cannot be reached."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / ".ci/audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.0",
    "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.1"], "description": "..."}],
}
SKIPPED = {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_a_known_vulnerability_fails(audit):
    outcome, lines = audit.verdict({"dependencies": [CLEAN, VULNERABLE, SKIPPED]})
    assert outcome == "vulnerable"
    assert lines == ["django 5.2.0: PYSEC-2099-1 (fixed in 5.2.1)"]


def test_every_package_checked_and_none_vulnerable_is_clean(audit):
    assert audit.verdict({"dependencies": [CLEAN]}) == ("clean", [])


def test_a_package_that_could_not_be_checked_is_not_a_pass(audit):
    """What a registry mirror without PyPI's per-release JSON answers: pip-audit itself then
    says "No known vulnerabilities found" and exits 0."""
    assert audit.verdict({"dependencies": [CLEAN, SKIPPED]})[0] == "incomplete"
    assert audit.verdict({"dependencies": []})[0] == "incomplete"


def test_an_unreachable_service_is_skipped_with_a_clear_line(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "WAIT_SECONDS", (0, 0, 0))
    monkeypatch.setattr(audit, "run", lambda service, locks: ("incomplete", ["no route"]))
    assert audit.main(["requirements.lock"]) == 0
    assert capsys.readouterr().out.startswith("skipped: cannot reach the vulnerability service")


def test_a_vulnerability_found_on_a_retry_fails(audit, monkeypatch):
    answers = iter([("incomplete", ["hiccup"]), ("vulnerable", ["django 5.2.0: X"])])
    monkeypatch.setattr(audit, "WAIT_SECONDS", (0, 0, 0))
    monkeypatch.setattr(audit, "run", lambda service, locks: next(answers))
    assert audit.main(["requirements.lock"]) == 1


def test_ci_runs_the_audit(audit):
    assert (
        ".ci/audit_dependencies.py requirements.lock requirements-dev.lock"
        in (ROOT / ".ci/run").read_text()
    )
