"""Security headers (Content Security Policy and friends) and sign-in lockout (django-axes)."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse
from django.utils import timezone

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


# --- Lockout (django-axes) ---------------------------------------------------------------


def fail_five_times(client, user):
    """Four wrong passwords show the usual error; the fifth locks and shows the locked page."""
    for _ in range(4):
        response = sign_in(client, user.username, "not-the-password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    assert_locked_out(sign_in(client, user.username, "not-the-password"))


def assert_locked_out(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert "<title>Sign-in locked" in html
    assert "You cannot sign in at the moment" in html
    assert "try again in 30 minutes" in html
    assert "contact your system administrator" in html


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(client, officer):
    fail_five_times(client, officer)
    response = sign_in(client, officer.username)
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username=officer.username)
    assert attempt.failures_since_start >= 5
    assert attempt.ip_address == "127.0.0.1"


def test_four_failures_then_the_right_password_signs_in_and_resets(client, officer):
    for _ in range(4):
        sign_in(client, officer.username, "not-the-password")
    response = sign_in(client, officer.username)
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert AccessLog.objects.filter(username=officer.username).count() == 1


def test_the_lock_is_for_that_account_only(client, officer, supervisor):
    fail_five_times(client, officer)
    assert sign_in(client, supervisor.username).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail_five_times(client, officer)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert_locked_out(sign_in(client, officer.username))
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = sign_in(client, officer.username)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")


def test_lockout_limits_come_from_the_environment():
    from tests.test_settings import GOOD_KEY, run_python

    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))",
        {
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "x",
            "AXES_FAILURE_LIMIT": "3",
            "AXES_COOLOFF_MINUTES": "10",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "600"]


def test_an_administrator_can_see_and_unlock_a_locked_account(client, officer, administrator):
    fail_five_times(client, officer)
    attempt = AccessAttempt.objects.get(username=officer.username)

    admin = client.__class__()
    admin.force_login(administrator)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert officer.username in listing.content.decode()
    assert admin.get(reverse("admin:axes_accessfailurelog_changelist")).status_code == 200
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert sign_in(client, officer.username).status_code == 302


def test_people_without_the_admin_cannot_unlock(client, officer, supervisor):
    fail_five_times(client, officer)
    client.force_login(supervisor)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302  # to the admin sign-in: not staff
    assert AccessAttempt.objects.filter(username=officer.username).exists()
