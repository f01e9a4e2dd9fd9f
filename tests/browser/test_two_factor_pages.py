"""Two-factor pages in a real browser on a phone: set-up from scratch (QR code, key, code,
backup codes), signing in with a code, "Confirm it's you"; no WCAG failures, no CSP violations."""

import base64

import pytest

from dvpo.demo import DEMO_PASSWORD, totp_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_set_up_then_sign_in_with_a_code_on_a_phone(page, officer, sign_out, axe_check):
    page.goto("/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # No authenticator yet: straight to set-up, and nothing else opens.
    page.wait_for_url("**/two-factor/set-up/**")
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    axe_check("set-up introduction")
    page.goto("/cases/")
    page.wait_for_url("**/two-factor/set-up/**")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Add this account to your authenticator app")
    axe_check("set-up QR code and key")  # waits for the page, the QR code included
    qr = page.get_by_role("img", name="QR code for adding your")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    key = page.get_by_test_id("setup-key").inner_text().replace(" ", "").strip()
    key_hex = base64.b32decode(key).hex()
    page.get_by_role("button", name="Confirm code").click()
    assert page.get_by_text("There is a problem").is_visible()
    axe_check("set-up with an error")
    page.get_by_label("Code from your authenticator app").fill(totp_token(key_hex))
    page.get_by_role("button", name="Confirm code").click()

    page.wait_for_url("**/two-factor/set-up/complete/**")
    assert page.get_by_role("heading", name="Two-factor sign-in is set up").is_visible()
    assert page.get_by_test_id("backup-codes").locator("li").count() == 10
    axe_check("backup codes")
    backup = page.get_by_test_id("backup-codes").locator("li").first.inner_text().strip()
    page.get_by_role("link", name="Continue").click()
    assert page.get_by_test_id("signed-in-as").is_visible()
    sign_out()

    # Next time: the password, then a backup code (the app's code was just used).
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Enter the code from your authenticator app")
    axe_check("code step")
    page.get_by_role("button", name="Use a backup code instead").click()
    page.get_by_label("Enter a backup code").fill(backup)
    axe_check("backup code step")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_test_id("signed-in-as").is_visible()

    page.goto("/confirm-its-you/")
    assert page.get_by_role("heading", name="Confirm it’s you").is_visible()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    axe_check("confirm it's you, with errors")


@pytest.mark.javascript(False)
def test_the_account_pages_without_javascript(page, officer, sign_in, axe_check):
    """The account page, backup codes, removing them and changing the password: each page
    passes axe and works with JavaScript off (step-up is satisfied by the sign-in)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.create(user=officer, name="backup").token_set.create(token="backupzz")
    sign_in(officer)
    page.get_by_role("link", name="Your account").click()
    page.wait_for_url("**/account/")
    assert page.get_by_role("heading", name="Your account").is_visible()
    axe_check("account")

    page.get_by_role("link", name="Show or replace your backup codes").click()
    assert page.get_by_test_id("backup-codes").inner_text().strip() == "backupzz"
    axe_check("backup codes shown")
    page.get_by_role("button", name="Make new backup codes").click()
    assert page.get_by_role("heading", name="Your new backup codes").is_visible()
    assert page.get_by_test_id("backup-codes").locator("li").count() == 10

    page.get_by_role("link", name="Back to your account").first.click()
    page.get_by_role("link", name="Remove your backup codes").click()
    assert page.get_by_role("heading", name="Remove your backup codes?").is_visible()
    axe_check("remove backup codes")
    page.get_by_role("button", name="Yes, remove them").click()
    page.wait_for_url("**/account/")
    assert page.get_by_text("Backup codes removed").is_visible()

    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Current password").fill("not-the-password")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_text("There is a problem").is_visible()
    axe_check("password change with errors")
    page.get_by_label("Current password").fill(DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill("a-long-new-passphrase-4")
    page.get_by_label("New password again").fill("a-long-new-passphrase-4")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account/password/changed/")
    assert page.get_by_role("heading", name="Password changed").is_visible()
    axe_check("password changed")
