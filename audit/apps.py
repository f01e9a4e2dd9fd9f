from django.apps import AppConfig
from django.db.models.signals import post_migrate

from dvpo.dbroles import grant_after_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access log (DPA 2018 s.62)"

    def ready(self):
        # After every migrate the owner re-grants the app's role its privileges, keeping the
        # access log to SELECT and INSERT (DPA 2018 s.62: the app cannot alter it).
        post_migrate.connect(grant_app_role, sender=self, dispatch_uid="audit.grant_app_role")


def grant_app_role(*, sender, using, **kwargs):
    access_log = sender.get_model("AccessLog")
    grant_after_migrate(using=using, append_only=[access_log._meta.db_table])
