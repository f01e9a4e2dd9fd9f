from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        # Services import models: only once the app registry is ready.
        from cases.services import hearing_deadlines_recompute
        from dvpo import hooks

        # First: the court and referral recomputes read the hearing deadlines it moves.
        hooks.calendar_changed.connect(hearing_deadlines_recompute, order=10)
