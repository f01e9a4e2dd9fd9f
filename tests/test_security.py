"""Security headers (Content Security Policy and friends); sign-in lockout is in test_lockout."""

import re

import pytest
from django.urls import reverse

from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


# --- Headers -----------------------------------------------------------------------------


def test_content_security_policy_has_no_unsafe_inline(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    policy = csp_directives(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert all(v == "'self'" or v.startswith("'nonce-") for v in policy["script-src"])
    assert all(v == "'self'" or v.startswith("'nonce-") for v in policy["style-src"])
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_other_security_headers(client, officer):
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" in response
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    sign_in(client, officer.username)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_settings_turn_on_hsts_and_secure_cookies():
    """settings_test switches these off for the plain-HTTP test server; production has them."""
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)",
        {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "dvpo.example.org"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"]


def test_templates_have_no_inline_styles_or_scripts_without_a_nonce():
    """style="" attributes cannot be allowed by a nonce; inline <script>/<style> need one.
    The PDF templates are rendered by WeasyPrint on the server, never served as HTML."""
    from django.conf import settings

    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        if path.name.endswith("_pdf.html") or path.name.endswith(".css.html"):
            continue
        text = path.read_text()
        if re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path}: style= or on...= attribute")
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag:
                offenders.append(f"{path}: {tag}")
    assert not offenders, offenders


def test_the_notice_page_print_style_carries_the_request_nonce(client, officer, served_dvpn):
    client.force_login(officer)
    response = client.get(reverse("dvpn_notice", args=[served_dvpn.case_id, served_dvpn.pk]))
    assert response.status_code == 200
    nonce = re.search(r'<style media="print" nonce="([^"]+)">', response.content.decode())
    assert nonce, "the inline print style has no nonce"
    assert f"'nonce-{nonce.group(1)}'" in csp_directives(response)["style-src"]
