from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        # Services import models: only once the app registry is ready.
        from dvpo import hooks
        from referrals.services import (
            followups_for_case_schedule,
            referral_deadlines_recompute,
            referrals_due_for_case_recompute,
        )

        hooks.calendar_changed.connect(referral_deadlines_recompute, order=30)
        hooks.case_reported_at_changed.connect(referrals_due_for_case_recompute, order=10)
        hooks.order_changed.connect(followups_for_case_schedule, order=10)
