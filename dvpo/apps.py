from django.apps import AppConfig


class DvpoConfig(AppConfig):
    name = "dvpo"
    verbose_name = "People, organisations and calendar"

    def ready(self):
        from dvpo import lockout_admin

        # After the admin's autodiscovery (django.contrib.admin is listed first).
        lockout_admin.register()
