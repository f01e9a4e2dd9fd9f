from django.apps import AppConfig


class DvpoConfig(AppConfig):
    name = "dvpo"
    verbose_name = "People, organisations and calendar"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from dvpo import lockout_admin
        from dvpo.middleware import session_signed_in

        user_logged_in.connect(session_signed_in, dispatch_uid="dvpo.session_signed_in")

        # After the admin's autodiscovery (django.contrib.admin is listed first).
        lockout_admin.register()
