from django.urls import path

from audit import views

urlpatterns = [
    path("cases/<int:case_id>/break-glass/", views.break_glass, name="break_glass"),
    path("audit/break-glass/", views.review_list, name="break_glass_reviews"),
    path("audit/break-glass/<int:grant_id>/", views.review, name="break_glass_review"),
    path("audit/log/", views.log_search, name="access_log_search"),
    path("audit/people/", views.person_search, name="sar_person_search"),
    path("audit/people/<int:person_id>/", views.person_detail, name="sar_person"),
    path("audit/people/<int:person_id>/sar.csv", views.person_sar_csv, name="sar_person_csv"),
]
