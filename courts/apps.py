from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "courts"

    def ready(self):
        # Services import models: only once the app registry is ready.
        from courts.services import court_deadlines_recompute
        from dvpo import hooks

        # After cases (order 10): the listed-late flags and reinstatements read the
        # hearing deadlines it has just moved.
        hooks.calendar_changed.connect(court_deadlines_recompute, order=20)
