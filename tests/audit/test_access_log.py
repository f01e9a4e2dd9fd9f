"""The s.62 access log: every case, person and referral opened, every print, PDF and CSV,
one row per request with who, what and why; the database refuses to change it."""

import pytest
from django.db import Error, connection, transaction
from django.urls import reverse

from audit.models import AccessLog, Action, Basis


def case_url(case):
    return reverse("case_detail", args=[case.pk])


def test_a_case_view_writes_exactly_one_row_with_who_what_and_why(client, officer, case):
    client.force_login(officer)
    response = client.get(case_url(case))
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user_id, entry.username) == (officer.pk, "pc.test")
    assert entry.organisation_id == officer.organisation_id
    assert entry.organisation_name == "Testshire Police"
    assert entry.action == Action.VIEW
    assert entry.case_id == case.pk
    assert entry.basis == Basis.OWNER
    assert (entry.method, entry.path) == ("GET", case_url(case))


def test_the_basis_says_which_rule_let_them_in(client, dvpo_officer, superintendent, case):
    for user, basis in ((dvpo_officer, Basis.BCU), (superintendent, Basis.FORCE)):
        client.force_login(user)
        client.get(case_url(case))
        assert AccessLog.objects.filter(user=user).get().basis == basis


def test_a_person_page_is_logged_with_the_part_they_play(client, officer, victim):
    client.force_login(officer)
    url = reverse("safe_contact", args=[victim.case_id, victim.pk])
    assert client.get(url).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.case_id, entry.object_type, entry.object_id) == (
        victim.case_id,
        "party",
        victim.pk,
    )


def test_a_change_is_logged_as_a_change(client, officer, case):
    client.force_login(officer)
    client.post(reverse("case_edit", args=[case.pk]), {})  # refused by the form: still opened
    assert AccessLog.objects.get().action == Action.CHANGE


def test_an_outsider_is_refused_and_nothing_is_logged(client, outsider, caseworker, case):
    for user in (outsider, caseworker):
        client.force_login(user)
        assert client.get(case_url(case)).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_notice_pdf_is_logged_as_a_download_and_the_print_page_as_a_print(
    client, officer, served_dvpn
):
    client.force_login(officer)
    args = [served_dvpn.case_id, served_dvpn.pk]
    assert client.get(reverse("dvpn_notice_pdf", args=args)).status_code == 200
    assert client.get(reverse("dvpn_notice", args=args)).status_code == 200
    actions = list(AccessLog.objects.order_by("pk").values_list("action", "object_type"))
    assert actions == [(Action.DOWNLOAD, "dvpn"), (Action.PRINT, "dvpn")]


def test_a_caseworker_opening_a_referral_is_logged_with_the_victim(
    client, caseworker, sent, victim
):
    client.force_login(caseworker)
    assert client.get(reverse("service_referral", args=[sent.pk])).status_code == 200
    entry = AccessLog.objects.get()
    assert entry.user_id == caseworker.pk
    assert entry.organisation_name == "Test Support"
    assert entry.basis == Basis.SERVICE
    assert (entry.object_type, entry.object_id) == ("referral", sent.pk)
    assert entry.case_id == sent.case_id
    assert entry.people == [victim.person_id]


def test_a_caseworker_print_and_csv_export_are_logged(client, caseworker, sent):
    client.force_login(caseworker)
    assert client.get(reverse("service_referral_print", args=[sent.pk])).status_code == 200
    response = client.get(reverse("service_referral_export"))
    assert response.status_code == 200
    rows = list(AccessLog.objects.order_by("pk").values_list("action", "case_id", "path"))
    assert rows == [
        (Action.PRINT, sent.case_id, reverse("service_referral_print", args=[sent.pk])),
        (Action.EXPORT, None, reverse("service_referral_export")),
    ]


def test_the_police_side_of_a_referral_is_logged(client, officer, sent):
    client.force_login(officer)
    url = reverse("referral_detail", args=[sent.case_id, sent.pk])
    assert client.get(url).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.object_type, entry.object_id, entry.basis) == ("referral", sent.pk, "owner")


def test_another_service_is_refused_and_not_logged(client, other_caseworker, sent):
    client.force_login(other_caseworker)
    assert client.get(reverse("service_referral", args=[sent.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_a_case_page_costs_one_insert_and_no_extra_select(client, officer, case):
    client.force_login(officer)
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        client.get(case_url(case))
    touching_the_log = [sql for sql in recorder.sql if "audit_" in sql]
    assert len(touching_the_log) == 1 and touching_the_log[0].startswith("INSERT")


class _Recorder:
    def __init__(self):
        self.sql = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_accesslog SET reason = 'x'", "DELETE FROM audit_accesslog"]
)
def test_the_database_refuses_to_change_or_delete_the_log(client, officer, case, statement):
    client.force_login(officer)
    client.get(case_url(case))
    with (
        pytest.raises(Error, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AccessLog.objects.get().reason == ""


def test_the_orm_cannot_change_or_delete_it_either(officer):
    from audit import log

    entry = log.write(user=officer, action=Action.VIEW, reason="first")
    entry.reason = "rewritten"
    with pytest.raises(Error), transaction.atomic():
        entry.save()
    with pytest.raises(Error), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().reason == "first"


def test_the_admin_shows_the_log_read_only(client, make_user, officer):
    from audit import log

    superuser = make_user("root")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    entry = log.write(user=officer, action=Action.VIEW)
    client.force_login(superuser)
    changelist = reverse("admin:audit_accesslog_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:audit_accesslog_add")).status_code == 403
    assert client.get(reverse("admin:audit_accesslog_delete", args=[entry.pk])).status_code == 403
    change = client.get(reverse("admin:audit_accesslog_change", args=[entry.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert response.status_code in (200, 302)
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_record_outside_a_request_writes_at_once(rf, officer, case):
    from audit import log

    request = rf.get("/reports/")
    request.user = officer
    log.record(request, Action.REPORT, case=case, reason="Monthly return")
    entry = AccessLog.objects.get()
    assert (entry.action, entry.case_id, entry.reason, entry.path) == (
        Action.REPORT,
        case.pk,
        "Monthly return",
        "/reports/",
    )
