from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dvpo import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", health.healthz, name="healthz"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("notifications/<int:alert_id>/read/", views.notification_read, name="notification_read"),
    path("", include("cases.urls")),
    path("", include("courts.urls")),
    path("", include("referrals.urls")),
    path("admin/", admin.site.urls),
]
