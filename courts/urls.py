from django.urls import path

from courts.views import breaches, court, hearings

urlpatterns = [
    # The DVPO application and its hearings (s.27), on a case
    path("cases/<int:case_id>/court/apply/", court.application_new, name="court_application_new"),
    path(
        "cases/<int:case_id>/court/<int:application_id>/",
        court.application_edit,
        name="court_application_edit",
    ),
    path(
        "cases/<int:case_id>/court/<int:application_id>/outcome/",
        court.hearing_outcome,
        name="hearing_outcome",
    ),
    path(
        "cases/<int:case_id>/court/<int:application_id>/pack.pdf",
        court.court_pack_pdf,
        name="court_pack_pdf",
    ),
    # The order (s.28)
    path("cases/<int:case_id>/orders/<int:order_id>/vary/", court.order_vary, name="order_vary"),
    path(
        "cases/<int:case_id>/orders/<int:order_id>/discharge/",
        court.order_discharge,
        name="order_discharge",
    ),
    # Breaches (s.26, s.29)
    path("cases/<int:case_id>/breaches/new/", breaches.breach_new, name="breach_new"),
    path(
        "cases/<int:case_id>/breaches/<int:breach_id>/",
        breaches.breach_detail,
        name="breach_detail",
    ),
    path(
        "cases/<int:case_id>/breaches/<int:breach_id>/arrest/",
        breaches.breach_arrest,
        name="breach_arrest",
    ),
    path(
        "cases/<int:case_id>/breaches/<int:breach_id>/outcome/",
        breaches.breach_outcome,
        name="breach_outcome",
    ),
    # Hearings across cases: the court coordinator's list, an officer's calendar feed
    path("hearings/", hearings.hearing_list, name="hearing_list"),
    path("hearings/calendar/", hearings.calendar_subscribe, name="hearing_calendar_subscribe"),
    path("hearings/calendar/<str:token>.ics", hearings.calendar_feed, name="hearing_calendar_feed"),
]
