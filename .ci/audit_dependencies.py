"""Dependency vulnerability audit for CI: pip-audit over the lock files.

    .venv/bin/python .ci/audit_dependencies.py requirements.lock requirements-dev.lock

Exits 1 when any locked package has a known vulnerability (and lists them), 0 when every
package was checked and none has one. A network hiccup must not fail CI, and a silent pass
must not hide an audit that never happened:

- pip-audit asks PyPI's per-release JSON for each package, then OSV as a second source;
- a run that fails, times out, or checks none or only some of the packages ("Dependency not
  found on PyPI and could not be audited", which is what a registry mirror without that JSON
  answers) is retried, three rounds in all;
- if no round checks every package, it prints "skipped: cannot reach the vulnerability
  service ..." with the reason and exits 0.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVICES = ("pypi", "osv")
ROUNDS = 3
WAIT_SECONDS = (0, 5, 15)
TIMEOUT_SECONDS = 300
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def verdict(report: dict) -> tuple[str, list[str]]:
    """('vulnerable', lines) when a package has a known vulnerability; ('clean', []) when
    every package was checked; ('incomplete', reasons) when some could not be checked."""
    dependencies = report.get("dependencies", [])
    vulnerable = [
        f"{d['name']} {d.get('version', '')}: "
        + ", ".join(
            f"{v['id']} (fixed in {', '.join(v.get('fix_versions', [])) or 'no release'})"
            for v in d["vulns"]
        )
        for d in dependencies
        if d.get("vulns")
    ]
    if vulnerable:
        return "vulnerable", vulnerable
    skipped = [d["skip_reason"] for d in dependencies if d.get("skip_reason")]
    if skipped or not dependencies:
        return "incomplete", skipped or ["no packages were audited"]
    return "clean", []


def run(service: str, lock_files: list[str]) -> tuple[str, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "audit.json"
        command = [str(PIP_AUDIT), "--vulnerability-service", service, "--no-deps"]
        command += ["--disable-pip", "--progress-spinner", "off", "--format", "json"]
        command += ["--output", str(out)]
        for lock in lock_files:
            command += ["--requirement", lock]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            return "incomplete", [f"pip-audit ({service}) timed out after {TIMEOUT_SECONDS} s"]
        try:
            report = json.loads(out.read_text())
        except (OSError, ValueError):
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return "incomplete", [f"pip-audit ({service}) failed: {last}"]
        return verdict(report)


def main(lock_files: list[str]) -> int:
    reasons: list[str] = []
    for wait in WAIT_SECONDS[:ROUNDS]:
        time.sleep(wait)
        for service in SERVICES:
            outcome, lines = run(service, lock_files)
            if outcome == "vulnerable":
                print(f"Known vulnerabilities (pip-audit, {service}):")
                print("\n".join(f"  {line}" for line in lines))
                return 1
            if outcome == "clean":
                print(f"No known vulnerabilities in {', '.join(lock_files)} ({service}).")
                return 0
            reasons = lines
    print(
        "skipped: cannot reach the vulnerability service (PyPI's per-release JSON or OSV) "
        f"after {ROUNDS} rounds; the dependencies were NOT audited. Last reason: "
        f"{reasons[0] if reasons else 'unknown'}"
        + (f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.lock"]))
