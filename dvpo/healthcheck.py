"""Container health check: `python -m dvpo.healthcheck` exits 0 when /healthz says ok.

Sends the first ALLOWED_HOSTS name as the Host header so the probe passes
Django's host validation without adding 127.0.0.1 to production hosts.
"""

import os
import sys
import urllib.request


def main() -> int:
    host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip()
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(  # noqa: S310 - fixed loopback URL
        f"http://127.0.0.1:{port}/healthz", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
