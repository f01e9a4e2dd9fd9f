from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dvpo import account_views, health, signin, views

# Two-factor sign-in (dvpo/signin.py): the package's views under our own addresses, in the
# "two_factor" namespace its code reverses. Only the authenticator-app method; nobody can
# switch two-factor off (an administrator resets it from the user's admin page).
two_factor_patterns = (
    [
        path("sign-in/", signin.LoginView.as_view(), name="login"),
        path("two-factor/set-up/", signin.SetupView.as_view(), name="setup"),
        path("two-factor/qr-code/", signin.QRGeneratorView.as_view(), name="qr"),
        path(
            "two-factor/set-up/complete/",
            signin.SetupCompleteView.as_view(),
            name="setup_complete",
        ),
        path("two-factor/backup-codes/", signin.backup_codes, name="backup_tokens"),
    ],
    "two_factor",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", signin.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("confirm-its-you/", signin.confirm_identity, name="confirm_identity"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path(
        "account/password/changed/",
        account_views.password_change_done,
        name="password_change_done",
    ),
    path(
        "account/devices/<slug:kind>/<int:device_id>/remove/",
        account_views.device_remove,
        name="device_remove",
    ),
    path("", include(two_factor_patterns)),
    path("healthz", health.healthz, name="healthz"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("notifications/<int:alert_id>/read/", views.notification_read, name="notification_read"),
    path("", include("cases.urls")),
    path("", include("courts.urls")),
    path("", include("referrals.urls")),
    path("", include("reports.urls")),
    path("", include("audit.urls")),
    # The admin's own sign-in page has no second step: send it to ours.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    # Nor is its password change recorded and e-mailed: ours is.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
]
