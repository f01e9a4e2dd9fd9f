from django.urls import path

from cases.views import dvpn, incident, people, queues, risk

urlpatterns = [
    # Incidents and the case page
    path("cases/", incident.case_list, name="case_list"),
    path("cases/new/", incident.case_new, name="case_new"),
    path("cases/<int:case_id>/", incident.case_detail, name="case_detail"),
    path("cases/<int:case_id>/edit/", incident.case_edit, name="case_edit"),
    # People
    path("cases/<int:case_id>/people/add/", people.party_add, name="party_add"),
    path(
        "cases/<int:case_id>/people/<int:party_id>/safe-contact/",
        people.safe_contact,
        name="safe_contact",
    ),
    # Risk (DASH)
    path("cases/<int:case_id>/risk/new/", risk.risk_new, name="risk_new"),
    path("cases/<int:case_id>/risk/<int:risk_id>/", risk.risk_detail, name="risk_detail"),
    path("cases/<int:case_id>/risk/<int:risk_id>/review/", risk.risk_review, name="risk_review"),
    path("risk/reviews/", risk.review_queue, name="risk_review_queue"),
    # DVPN application, authorisation, service and the notice
    path("cases/<int:case_id>/dvpn/start/", dvpn.dvpn_start, name="dvpn_start"),
    path("cases/<int:case_id>/dvpn/<int:dvpn_id>/check/", dvpn.dvpn_check, name="dvpn_check"),
    path("cases/<int:case_id>/dvpn/<int:dvpn_id>/revise/", dvpn.dvpn_revise, name="dvpn_revise"),
    path("cases/<int:case_id>/dvpn/<int:dvpn_id>/decide/", dvpn.dvpn_decide, name="dvpn_decide"),
    path("cases/<int:case_id>/dvpn/<int:dvpn_id>/serve/", dvpn.dvpn_serve, name="dvpn_serve"),
    path("cases/<int:case_id>/dvpn/<int:dvpn_id>/notice/", dvpn.dvpn_notice, name="dvpn_notice"),
    path(
        "cases/<int:case_id>/dvpn/<int:dvpn_id>/notice.pdf",
        dvpn.dvpn_notice_pdf,
        name="dvpn_notice_pdf",
    ),
    # Question pages of the application (after the fixed routes above, which it would match).
    path("cases/<int:case_id>/dvpn/<int:dvpn_id>/<slug:step>/", dvpn.dvpn_step, name="dvpn_step"),
    path("authorisations/", dvpn.authorisation_queue, name="authorisation_queue"),
    # Deadline queues for supervisors; each officer's own deadlines
    path("queues/", queues.queue_page, name="queues"),
]
