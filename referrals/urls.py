from django.urls import path

from referrals.views import police, service

urlpatterns = [
    # Police side, on a case
    path("cases/<int:case_id>/referrals/new/", police.referral_new, name="referral_new"),
    path(
        "cases/<int:case_id>/referrals/<int:referral_id>/",
        police.referral_detail,
        name="referral_detail",
    ),
    path(
        "cases/<int:case_id>/referrals/<int:referral_id>/consent/",
        police.referral_consent,
        name="referral_consent",
    ),
    path(
        "cases/<int:case_id>/referrals/<int:referral_id>/edit/",
        police.referral_edit,
        name="referral_edit",
    ),
    path(
        "cases/<int:case_id>/referrals/<int:referral_id>/send/",
        police.referral_send,
        name="referral_send",
    ),
    path(
        "cases/<int:case_id>/referrals/<int:referral_id>/marac/",
        police.marac_outcome,
        name="marac_outcome",
    ),
    # Support-service side: only referrals sent to the user's own service
    path("referrals/", service.inbox, name="referral_inbox"),
    path("referrals/queue/", service.manager_queue, name="referral_manager_queue"),
    path("referrals/follow-ups/", service.followups, name="referral_followups"),
    path("referrals/<int:referral_id>/", service.referral, name="service_referral"),
    path("referrals/<int:referral_id>/accept/", service.accept, name="service_referral_accept"),
    path("referrals/<int:referral_id>/decline/", service.decline, name="service_referral_decline"),
    path(
        "referrals/<int:referral_id>/attempts/new/",
        service.attempt_new,
        name="contact_attempt_new",
    ),
    path(
        "referrals/<int:referral_id>/unable-to-contact/",
        service.unable_to_contact,
        name="service_referral_unable",
    ),
    path("referrals/<int:referral_id>/close/", service.close, name="service_referral_close"),
    path(
        "referrals/<int:referral_id>/breach/",
        service.breach_report,
        name="service_breach_report",
    ),
    path(
        "referrals/<int:referral_id>/follow-ups/new/",
        service.followup_new,
        name="service_followup_new",
    ),
    path(
        "referrals/<int:referral_id>/follow-ups/<int:followup_id>/done/",
        service.followup_done,
        name="service_followup_done",
    ),
    path(
        "referrals/<int:referral_id>/print/",
        service.referral_print,
        name="service_referral_print",
    ),
    path("referrals/export.csv", service.export_csv, name="service_referral_export"),
]
