"""The DVPN pages: the application step by step, check your answers, the authorisation
queue and decision, revising, service and the notice (Crime and Security Act 2010 s.24-s.25)."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import rules, services
from cases.forms import dvpn as forms
from cases.models import DVPN, Case, CaseEvent
from cases.views.dvpn import UNSERVED_DEADLINE, pdf_filename
from dvpo.errors import EditConflict
from dvpo.roles import Rank, Role
from dvpo.services import user_set_roles
from tests.conftest import COMPLETE_APPLICATION
from tests.helpers import decide, flash, text

pytestmark = pytest.mark.django_db

HEARING_BY = "Mon 9 Mar 2026, 09:00"  # served Fri 6 Mar 09:00; Sunday is not counted


def step_url(dvpn, step, check=False):
    url = reverse("dvpn_step", args=[dvpn.case_id, dvpn.pk, step])
    return url + "?next=check" if check else url


def page(name, dvpn):
    return reverse(name, args=[dvpn.case_id, dvpn.pk])


def case_url(case):
    return reverse("case_detail", args=[case.pk])


def refreshed(dvpn) -> DVPN:
    return DVPN.objects.get(pk=dvpn.pk)


@pytest.fixture
def draft(case, victim, perpetrator, officer):
    return services.dvpn_start(actor=officer, case=case)


@pytest.fixture
def complete_draft(draft, officer):
    return services.dvpn_update(
        actor=officer, dvpn=draft, expected_version=draft.lock_version, **COMPLETE_APPLICATION
    )


# --- Who may use the pages ---------------------------------------------------------

CASE_PAGES = [
    ("GET", "dvpn_step"),
    ("POST", "dvpn_step"),
    ("GET", "dvpn_check"),
    ("POST", "dvpn_check"),
    ("GET", "dvpn_decide"),
    ("POST", "dvpn_decide"),
    ("POST", "dvpn_revise"),
    ("GET", "dvpn_serve"),
    ("POST", "dvpn_serve"),
    ("GET", "dvpn_notice"),
    ("GET", "dvpn_notice_pdf"),
]


def url_for(name, dvpn):
    if name == "dvpn_step":
        return step_url(dvpn, "grounds")
    return page(name, dvpn)


def call(client, method, url, data=None):
    return client.post(url, data or {}) if method == "POST" else client.get(url)


@pytest.mark.parametrize(("method", "name"), CASE_PAGES)
@pytest.mark.parametrize("who", ["outsider", "caseworker"])
def test_outsiders_and_caseworkers_get_404_everywhere(
    client, request, served_dvpn, who, method, name
):
    client.force_login(request.getfixturevalue(who))
    response = call(client, method, url_for(name, served_dvpn), {"expected_version": 0})
    assert response.status_code == 404
    assert refreshed(served_dvpn).lock_version == served_dvpn.lock_version


@pytest.mark.parametrize("who", ["outsider", "caseworker"])
def test_outsiders_and_caseworkers_cannot_start_a_dvpn(client, request, case, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("dvpn_start", args=[case.pk])).status_code == 404
    assert not DVPN.objects.exists()


@pytest.mark.parametrize(("method", "name"), CASE_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, served_dvpn, method, name):
    response = call(client, method, url_for(name, served_dvpn))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_anonymous_people_are_sent_to_sign_in_from_start_and_queue(client, case):
    for response in (
        client.post(reverse("dvpn_start", args=[case.pk])),
        client.get(reverse("authorisation_queue")),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["dvpn_step", "dvpn_check", "dvpn_serve"])
def test_authorisers_and_court_staff_cannot_do_the_officers_work(
    client, superintendent, court_coordinator, draft, name
):
    for user in (superintendent, court_coordinator):
        client.force_login(user)
        assert client.get(url_for(name, draft)).status_code == 403
        assert client.post(url_for(name, draft), {"expected_version": 0}).status_code == 403


def test_only_officers_may_start_a_dvpn(client, superintendent, case):
    client.force_login(superintendent)
    assert client.post(reverse("dvpn_start", args=[case.pk])).status_code == 403
    assert client.get(reverse("dvpn_start", args=[case.pk])).status_code in (403, 405)


def test_start_is_post_only(client, officer, case):
    client.force_login(officer)
    assert client.get(reverse("dvpn_start", args=[case.pk])).status_code == 405


def test_a_dvpn_of_another_case_is_not_found(client, officer, draft, bcu, team):
    other = services.case_create(
        actor=officer,
        crime_reference="7654321/26",
        reported_at=draft.case.reported_at,
        bcu=bcu,
        team=team,
        location="x",
        summary="y",
    )
    client.force_login(officer)
    url = reverse("dvpn_step", args=[other.pk, draft.pk, "grounds"])
    assert client.get(url).status_code == 404


# --- The whole journey ------------------------------------------------------------


def test_the_whole_journey(client, march_6, case, victim, perpetrator, officer, superintendent):
    client.force_login(officer)
    response = client.post(reverse("dvpn_start", args=[case.pk]))
    dvpn = DVPN.objects.get(case=case)
    assert response.url == step_url(dvpn, "grounds")

    answers = [
        ("grounds", {"grounds": COMPLETE_APPLICATION["grounds"]}, "prohibitions"),
        (
            "prohibitions",
            {
                "shares_premises": "yes",
                "premises": ["premises_no_enter", "exclusion"],
                "exclusion_distance_m": "100",
                "premises_address": "Flat 1, 2 Example Road",
            },
            "children",
        ),
        ("children", {"child_welfare": COMPLETE_APPLICATION["child_welfare"]}, "victim"),
        ("victim", {"victim_opinion": "She wants him kept away."}, "p-representations"),
        (
            "p-representations",
            {"p_representations": COMPLETE_APPLICATION["p_representations"]},
            "other-occupants",
        ),
        ("other-occupants", {"occupants_opinion": "Nobody else lives there."}, "other-means"),
        (
            "other-means",
            {"why_other_means_insufficient": COMPLETE_APPLICATION["why_other_means_insufficient"]},
            None,
        ),
    ]
    for step, data, following in answers:
        current = refreshed(dvpn)
        assert client.get(step_url(current, step)).status_code == 200
        response = client.post(
            step_url(current, step), {**data, "expected_version": current.lock_version}
        )
        expected = step_url(current, following) if following else page("dvpn_check", current)
        assert response.status_code == 302 and response.url == expected, step

    check = client.get(page("dvpn_check", dvpn))
    assert check.status_code == 200
    body = text(check)
    assert "Check your answers before submitting" in body
    assert "P must not enter the premises." in body
    assert "P must not come within 100 metres of the premises." in body
    assert "Flat 1, 2 Example Road" in body
    assert "P must not molest Vicky Testperson." in body
    assert "Nobody else lives there." in body
    assert "The application is not complete" not in body

    dvpn = refreshed(dvpn)
    response = client.post(page("dvpn_check", dvpn), {"expected_version": dvpn.lock_version})
    assert response.url == case_url(case)
    assert flash(response) == ["Submitted for authorisation"]
    assert refreshed(dvpn).status == DVPN.Status.SUBMITTED

    # The superintendent refuses it.
    client.force_login(superintendent)
    queue = client.get(reverse("authorisation_queue"))
    assert "1234567/26" in text(queue) and page("dvpn_decide", dvpn) in text(queue)
    decide = client.get(page("dvpn_decide", dvpn))
    assert "P must not enter the premises." in text(decide)
    dvpn = refreshed(dvpn)
    response = client.post(
        page("dvpn_decide", dvpn),
        {
            "decision": "refuse",
            "reasons": "Say more about necessity.",
            "expected_version": dvpn.lock_version,
        },
    )
    assert response.url == reverse("authorisation_queue")
    assert "refused" in flash(response)[0]
    assert refreshed(dvpn).status == DVPN.Status.REFUSED

    # The officer revises it and submits version 2.
    client.force_login(officer)
    check = client.get(page("dvpn_check", dvpn))
    assert "Say more about necessity." in text(check)
    response = client.post(page("dvpn_revise", dvpn))
    second = DVPN.objects.get(case=case, version=2)
    assert response.url == page("dvpn_check", second)
    assert second.grounds == COMPLETE_APPLICATION["grounds"] and second.exclusion_distance_m == 100
    assert refreshed(dvpn).status == DVPN.Status.REVISED
    response = client.post(
        step_url(second, "grounds", check=True),
        {
            "grounds": "P punched her; he will return tonight.",
            "expected_version": second.lock_version,
        },
    )
    assert response.url == page("dvpn_check", second)
    second = refreshed(second)
    response = client.post(page("dvpn_check", second), {"expected_version": second.lock_version})
    assert flash(response)[-1] == "Submitted for authorisation"

    # A second superintendent authorises it.
    client.force_login(superintendent)
    second = refreshed(second)
    decide = text(client.get(page("dvpn_decide", second)))
    assert "Version 1 was refused" in decide and "Say more about necessity." in decide
    response = client.post(
        page("dvpn_decide", second),
        {"decision": "authorise", "reasons": "Made out now.", "expected_version": 1},
    )
    assert refreshed(second).status == DVPN.Status.SUBMITTED  # stale version: nothing changed
    assert EditConflict.MESSAGE in text(response)
    response = client.post(
        page("dvpn_decide", second),
        {
            "decision": "authorise",
            "reasons": "Made out now.",
            "expected_version": second.lock_version,
        },
    )
    assert response.url == reverse("authorisation_queue")
    assert "authorised" in flash(response)[0]
    second = refreshed(second)
    assert second.status == DVPN.Status.AUTHORISED and second.decided_by == superintendent

    # The officer prints the notice, serves it and records service.
    client.force_login(officer)
    notice = text(client.get(page("dvpn_notice", second)))
    assert UNSERVED_DEADLINE in notice
    serve = client.get(page("dvpn_serve", second))
    assert serve.status_code == 200 and 'value="6"' in text(serve)
    response = client.post(
        page("dvpn_serve", second),
        {
            "served_at_day": "6",
            "served_at_month": "3",
            "served_at_year": "2026",
            "served_time": "09:00",
            "p_notice_address": "1 Example Street, Testtown",
            "expected_version": second.lock_version,
        },
    )
    assert response.url == case_url(case)
    assert flash(response) == [f"Served. The hearing must be by {HEARING_BY}"]
    second = refreshed(second)
    assert second.status == DVPN.Status.SERVED and second.served_by == officer
    assert second.served_at == datetime.fromisoformat("2026-03-06T09:00:00+00:00")
    notice = text(client.get(page("dvpn_notice", second)))
    assert HEARING_BY in notice and "1 Example Street, Testtown" in notice
    assert "Flat 1, 2 Example Road" in notice  # revised versions keep the premises address
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(CaseEvent.Kind.DVPN_SUBMITTED) == 2
    assert CaseEvent.Kind.DVPN_SERVED in kinds


# --- The question pages ------------------------------------------------------------


def test_start_refused_when_a_dvpn_is_already_active(client, officer, draft):
    client.force_login(officer)
    response = client.post(reverse("dvpn_start", args=[draft.case_id]))
    assert response.url == case_url(draft.case)
    assert flash(response) == [services.DVPN_ALREADY_ACTIVE.format(status="draft")]
    assert DVPN.objects.count() == 1


def test_every_step_page_shows_the_saved_answer(client, officer, complete_draft):
    client.force_login(officer)
    response = client.get(step_url(complete_draft, "grounds"))
    body = text(response)
    assert COMPLETE_APPLICATION["grounds"] in body
    assert "question 1 of 6" in body
    assert f'name="expected_version" value="{complete_draft.lock_version}"' in body
    assert "<title>What are the grounds" not in body  # title is the step title
    assert "Grounds – DVPN application" in body


def test_an_unknown_step_is_not_found(client, officer, draft):
    client.force_login(officer)
    assert client.get(step_url(draft, "favourite-colour")).status_code == 404
    assert client.post(step_url(draft, "favourite-colour"), {}).status_code == 404


def test_premises_provisions_need_shared_premises(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        step_url(draft, "prohibitions"),
        {
            "shares_premises": "no",
            "premises": ["premises_no_enter"],
            "premises_address": "Flat 1, 2 Example Road",
            "expected_version": draft.lock_version,
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert body.startswith("<!DOCTYPE html>") and "<title>Error: " in body
    assert services.PREMISES_WITHOUT_SHARING in body
    assert 'href="#id_shares_premises_0"' in body
    assert refreshed(draft).premises_no_enter is False


def test_the_exclusion_distance_is_needed_when_chosen(client, officer, draft):
    client.force_login(officer)
    for distance, message in (("", forms.DISTANCE_NEEDED), ("ten", forms.DISTANCE_INVALID)):
        response = client.post(
            step_url(draft, "prohibitions"),
            {
                "shares_premises": "yes",
                "premises": ["exclusion"],
                "exclusion_distance_m": distance,
                "expected_version": draft.lock_version,
            },
        )
        assert message in text(response)
        assert "govuk-form-group--error" in text(response)
    assert refreshed(draft).lock_version == draft.lock_version
    response = client.post(
        step_url(draft, "prohibitions"), {"expected_version": draft.lock_version}
    )
    assert forms.SHARES_PREMISES_NEEDED in text(response)


def test_not_sharing_premises_skips_the_other_occupants_question(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        step_url(draft, "prohibitions"),
        {"shares_premises": "no", "expected_version": draft.lock_version},
    )
    assert response.url == step_url(draft, "children")
    response = client.post(
        step_url(draft, "p-representations"),
        {"p_representations": "None.", "expected_version": draft.lock_version + 1},
    )
    assert response.url == step_url(draft, "other-means")
    assert "question 5 of 6" in text(client.get(step_url(draft, "p-representations")))


def test_change_from_check_returns_to_check(client, officer, complete_draft):
    client.force_login(officer)
    url = step_url(complete_draft, "children", check=True)
    body = text(client.get(url))
    assert "Save and return to check your answers" in body
    assert f'href="{page("dvpn_check", complete_draft)}"' in body  # back link
    response = client.post(
        url, {"child_welfare": "Two children.", "expected_version": complete_draft.lock_version}
    )
    assert response.url == page("dvpn_check", complete_draft)
    assert refreshed(complete_draft).child_welfare == "Two children."


def test_adding_premises_from_check_asks_about_other_occupants(client, officer, complete_draft):
    client.force_login(officer)
    response = client.post(
        step_url(complete_draft, "prohibitions", check=True),
        {
            "shares_premises": "yes",
            "premises": ["premises_leave"],
            "premises_address": "Flat 1, 2 Example Road",
            "expected_version": complete_draft.lock_version,
        },
    )
    assert response.url == step_url(complete_draft, "other-occupants", check=True)


def test_a_stale_version_on_a_step_is_a_conflict(client, officer, draft):
    client.force_login(officer)
    seen = draft.lock_version
    services.dvpn_update(actor=officer, dvpn=draft, expected_version=seen, grounds="Theirs.")
    response = client.post(
        step_url(draft, "grounds"), {"grounds": "Mine.", "expected_version": seen}
    )
    assert response.status_code == 200
    assert EditConflict.MESSAGE in text(response)
    assert refreshed(draft).grounds == "Theirs."


def test_only_a_draft_can_be_changed(client, officer, submitted_dvpn):
    client.force_login(officer)
    response = client.get(step_url(submitted_dvpn, "grounds"))
    assert response.url == page("dvpn_check", submitted_dvpn)
    message = services.NOT_A_DRAFT.format(status="awaiting authorisation")
    assert flash(response) == [message]
    response = client.post(
        step_url(submitted_dvpn, "grounds"),
        {"grounds": "Changed.", "expected_version": submitted_dvpn.lock_version},
    )
    assert message in text(response)
    assert refreshed(submitted_dvpn).grounds == COMPLETE_APPLICATION["grounds"]


# --- Check your answers -------------------------------------------------------------


def test_check_lists_what_is_missing_with_links(client, officer, case, draft):
    client.force_login(officer)
    body = text(client.get(page("dvpn_check", draft)))
    assert "The application is not complete" in body
    assert rules.MISSING_FIELDS["grounds"] in body
    assert f'href="{step_url(draft, "grounds", check=True)}"' in body
    assert f'href="{step_url(draft, "victim", check=True)}"' in body
    assert rules.MISSING_VICTIM_OPINION in body
    assert "<title>Error" not in body


def test_check_links_missing_people_to_the_people_pages(client, officer, case):
    draft = services.dvpn_start(actor=officer, case=case)
    client.force_login(officer)
    body = text(client.get(page("dvpn_check", draft)))
    assert rules.MISSING_VICTIM in body and rules.MISSING_PERPETRATOR in body
    assert f'href="{reverse("party_add", args=[case.pk])}"' in body


def test_submitting_an_incomplete_application_is_refused(client, officer, draft):
    client.force_login(officer)
    response = client.post(page("dvpn_check", draft), {"expected_version": draft.lock_version})
    assert response.status_code == 200
    body = text(response)
    assert "<title>Error: " in body and rules.MISSING_FIELDS["grounds"] in body
    assert refreshed(draft).status == DVPN.Status.DRAFT


def test_submitting_with_a_stale_version_is_a_conflict(client, officer, complete_draft):
    client.force_login(officer)
    response = client.post(page("dvpn_check", complete_draft), {"expected_version": 0})
    assert EditConflict.MESSAGE in text(response)
    assert refreshed(complete_draft).status == DVPN.Status.DRAFT


def test_submitting_twice_is_refused_with_the_rule(client, officer, submitted_dvpn):
    client.force_login(officer)
    body = text(client.get(page("dvpn_check", submitted_dvpn)))
    assert "Submit for authorisation</button>" not in body and "Change<" not in body
    response = client.post(
        page("dvpn_check", submitted_dvpn), {"expected_version": submitted_dvpn.lock_version}
    )
    assert rules.dvpn_refusal("submitted", "submit") in text(response)


# --- The authorisation queue --------------------------------------------------------


def make_cases(officer, bcu, team, count, start):
    """`count` cases each with a submitted DVPN, submitted a minute apart from `start`."""
    made = []
    for number in range(count):
        case = Case.objects.create(
            force=officer.organisation,
            crime_reference=f"{9000000 + number}/26",
            reported_at=start,
            bcu=bcu,
            team=team,
            location="x",
            summary="y",
            owner=officer,
        )
        made.append(
            DVPN.objects.create(
                case=case,
                applicant=officer,
                status=DVPN.Status.SUBMITTED,
                submitted_at=start + timedelta(minutes=number),
            )
        )
    return made


def test_the_queue_is_oldest_first_with_time_waiting(
    client, march_6, superintendent, officer, bcu, team, submitted_dvpn
):
    start = datetime.fromisoformat("2026-03-06T05:00:00+00:00")
    older = make_cases(officer, bcu, team, 1, start - timedelta(hours=2))[0]
    march_6.shift(timedelta(hours=3, minutes=10))  # submitted_dvpn was submitted at 09:00
    client.force_login(superintendent)
    body = text(client.get(reverse("authorisation_queue")))
    assert body.index(older.case.crime_reference) < body.index("1234567/26")
    assert "waiting 3 h 10 m" in body and "waiting 9 h 10 m" in body
    assert "Vicky Testperson" in body and "Peter Placeholder" in body
    assert officer.display_name in body


def test_the_queue_pages_and_keeps_its_query_count(
    client, superintendent, officer, bcu, team, django_assert_max_num_queries
):
    start = datetime.fromisoformat("2026-03-06T05:00:00+00:00")
    made = make_cases(officer, bcu, team, 27, start)
    client.force_login(superintendent)
    with django_assert_max_num_queries(14):  # +1: the two-factor device
        first = text(client.get(reverse("authorisation_queue")))
    assert "Page 1 of 2" in first and "?page=2" in first
    assert made[0].case.crime_reference in first and made[26].case.crime_reference not in first
    second = text(client.get(reverse("authorisation_queue") + "?page=2"))
    assert made[26].case.crime_reference in second and made[0].case.crime_reference not in second


def test_the_queue_shows_only_waiting_dvpns_of_the_force(
    client, superintendent, draft, make_user, other_force
):
    client.force_login(superintendent)
    body = text(client.get(reverse("authorisation_queue")))
    assert "No DVPN applications are waiting for authorisation." in body
    other = make_user(
        "supt.other",
        role=Role.AUTHORISING_OFFICER,
        organisation=other_force,
        rank=Rank.SUPERINTENDENT,
    )
    client.force_login(other)
    assert "1234567/26" not in text(client.get(reverse("authorisation_queue")))


@pytest.mark.parametrize("who", ["officer", "supervisor", "dvpo_officer", "caseworker", "outsider"])
def test_only_authorisers_see_the_queue(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("authorisation_queue")).status_code == 403


# --- The decision -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "dvpo_officer", "supervisor", "court_coordinator"])
def test_officers_cannot_decide(client, request, submitted_dvpn, who):
    client.force_login(request.getfixturevalue(who))
    url = page("dvpn_decide", submitted_dvpn)
    assert client.get(url).status_code == 403
    data = {"decision": "authorise", "reasons": "x", "expected_version": 2}
    assert client.post(url, data).status_code == 403
    assert refreshed(submitted_dvpn).status == DVPN.Status.SUBMITTED


def test_a_superintendent_cannot_decide_their_own_application(
    client, make_user, force, bcu, team, case, victim, perpetrator
):
    both = make_user("supt.applicant", organisation=force, rank=Rank.SUPERINTENDENT, bcu=bcu)
    both.team = team
    both.save()
    user_set_roles(user=both, roles=[Role.AUTHORISING_OFFICER, Role.OFFICER])
    dvpn = services.dvpn_start(actor=both, case=case)
    dvpn = services.dvpn_update(
        actor=both, dvpn=dvpn, expected_version=dvpn.lock_version, **COMPLETE_APPLICATION
    )
    dvpn = services.dvpn_submit(actor=both, dvpn=dvpn, expected_version=dvpn.lock_version)
    client.force_login(both)
    assert "Your application" in text(client.get(reverse("authorisation_queue")))
    assert "another authorising officer must decide it" in text(
        client.get(page("dvpn_decide", dvpn))
    )
    response = client.post(
        page("dvpn_decide", dvpn),
        {"decision": "authorise", "reasons": "Fine.", "expected_version": dvpn.lock_version},
    )
    assert response.status_code == 200 and services.OWN_APPLICATION in text(response)
    assert refreshed(dvpn).status == DVPN.Status.SUBMITTED


def test_the_decision_needs_a_choice_and_reasons(client, superintendent, submitted_dvpn):
    client.force_login(superintendent)
    url = page("dvpn_decide", submitted_dvpn)
    version = submitted_dvpn.lock_version
    response = client.post(url, {"reasons": "x", "expected_version": version})
    assert forms.DECISION_NEEDED in text(response)
    response = client.post(url, {"decision": "refuse", "expected_version": version})
    body = text(response)
    assert services.DECISION_REASONS_NEEDED in body and 'href="#id_reasons"' in body
    assert refreshed(submitted_dvpn).status == DVPN.Status.SUBMITTED


def test_a_decided_dvpn_cannot_be_decided_again(client, superintendent, authorised_dvpn):
    client.force_login(superintendent)
    url = page("dvpn_decide", authorised_dvpn)
    assert "there is nothing to decide" in text(client.get(url))
    response = client.post(
        url,
        {"decision": "refuse", "reasons": "x", "expected_version": authorised_dvpn.lock_version},
    )
    assert rules.dvpn_refusal("authorised", "refuse") in text(response)
    assert refreshed(authorised_dvpn).status == DVPN.Status.AUTHORISED


def test_a_draft_cannot_be_decided(client, superintendent, draft):
    client.force_login(superintendent)
    response = client.post(
        page("dvpn_decide", draft),
        {"decision": "authorise", "reasons": "x", "expected_version": draft.lock_version},
    )
    assert rules.dvpn_refusal("draft", "authorise") in text(response)


# --- Revising -----------------------------------------------------------------------


def test_only_a_refused_dvpn_can_be_revised(client, officer, submitted_dvpn):
    client.force_login(officer)
    response = client.post(page("dvpn_revise", submitted_dvpn))
    assert response.url == case_url(submitted_dvpn.case)
    assert flash(response) == [rules.dvpn_refusal("submitted", "revise")]
    assert DVPN.objects.count() == 1


def test_revise_is_post_only_and_for_officers(client, officer, superintendent, submitted_dvpn):
    client.force_login(officer)
    assert client.get(page("dvpn_revise", submitted_dvpn)).status_code == 405
    client.force_login(superintendent)
    assert client.post(page("dvpn_revise", submitted_dvpn)).status_code == 403


# --- Service ------------------------------------------------------------------------


def serve_data(dvpn, **overrides):
    data = {
        "served_at_day": "6",
        "served_at_month": "3",
        "served_at_year": "2026",
        "served_time": "09:00",
        "p_notice_address": "1 Example Street",
        "expected_version": dvpn.lock_version,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"served_time": "10:00"}, services.SERVED_IN_FUTURE),
        ({"served_at_day": "7"}, services.SERVED_IN_FUTURE),
        (
            {"served_time": "08:59"},
            services.SERVED_BEFORE_AUTHORISATION.format(at="6 Mar 2026 09:00"),
        ),
        ({"p_notice_address": ""}, services.NOTICE_ADDRESS_NEEDED),
        ({"p_gave_no_address": "on"}, services.NOTICE_ADDRESS_NEEDED),
        ({"served_time": ""}, forms.SERVED_TIME_NEEDED),
        ({"served_time": "25:00"}, forms.SERVED_TIME_INVALID),
        (
            {"served_at_day": "", "served_at_month": "", "served_at_year": ""},
            forms.SERVED_DATE_NEEDED,
        ),
        ({"served_at_day": "31", "served_at_month": "2"}, forms.SERVED_DATE_INVALID),
        ({"served_at_year": ""}, forms.SERVED_DATE_INCOMPLETE),
        ({"expected_version": "0"}, EditConflict.MESSAGE),
    ],
)
def test_service_refusals_are_shown_and_change_nothing(
    client, officer, authorised_dvpn, overrides, message
):
    client.force_login(officer)
    response = client.post(
        page("dvpn_serve", authorised_dvpn), serve_data(authorised_dvpn, **overrides)
    )
    assert response.status_code == 200
    body = text(response)
    assert message in body and "<title>Error: " in body
    assert refreshed(authorised_dvpn).status == DVPN.Status.AUTHORISED


def test_the_date_error_links_to_the_day_box(client, officer, authorised_dvpn):
    client.force_login(officer)
    response = client.post(
        page("dvpn_serve", authorised_dvpn), serve_data(authorised_dvpn, served_time="10:00")
    )
    body = text(response)
    assert 'href="#id_served_at_day"' in body and 'id="id_served_at_day"' in body


def test_a_dvpn_not_yet_authorised_cannot_be_served(client, march_6, officer, submitted_dvpn):
    client.force_login(officer)
    assert "Only an authorised DVPN can be served" in text(
        client.get(page("dvpn_serve", submitted_dvpn))
    )
    response = client.post(page("dvpn_serve", submitted_dvpn), serve_data(submitted_dvpn))
    assert rules.dvpn_refusal("submitted", "serve") in text(response)
    assert refreshed(submitted_dvpn).status == DVPN.Status.SUBMITTED


def test_only_a_constable_can_record_service(client, make_user, force, bcu, team, authorised_dvpn):
    civilian = make_user("staff", role=Role.OFFICER, organisation=force, bcu=bcu, team=team)
    client.force_login(civilian)
    response = client.post(page("dvpn_serve", authorised_dvpn), serve_data(authorised_dvpn))
    assert services.NOT_A_CONSTABLE in text(response)
    assert refreshed(authorised_dvpn).status == DVPN.Status.AUTHORISED


def test_service_with_no_address_and_a_dotted_time(client, officer, authorised_dvpn):
    client.force_login(officer)
    response = client.post(
        page("dvpn_serve", authorised_dvpn),
        serve_data(
            authorised_dvpn, served_time="9.00", p_notice_address="", p_gave_no_address="on"
        ),
    )
    assert response.status_code == 302
    served = refreshed(authorised_dvpn)
    assert served.p_gave_no_address and served.hearing_deadline.isoformat().startswith("2026-03-09")
    assert "You gave no address." in text(client.get(page("dvpn_notice", served)))


def test_serving_twice_is_refused(client, officer, served_dvpn):
    client.force_login(officer)
    response = client.post(page("dvpn_serve", served_dvpn), serve_data(served_dvpn))
    assert rules.dvpn_refusal("served", "serve") in text(response)


def test_times_are_read_as_uk_time(client, officer, march_6, authorised_dvpn):
    """In summer time 10:30 typed means 09:30 UTC."""
    march_6.move_to(datetime.fromisoformat("2026-04-02T12:00:00+00:00"))
    client.force_login(officer)
    client.post(
        page("dvpn_serve", authorised_dvpn),
        serve_data(
            authorised_dvpn,
            served_at_day="2",
            served_at_month="4",
            served_time="10:30",
        ),
    )
    served = refreshed(authorised_dvpn)
    assert served.served_at == datetime.fromisoformat("2026-04-02T09:30:00+00:00")


# --- The notice ---------------------------------------------------------------------


def test_the_notice_holds_what_section_25_requires(client, officer, served_dvpn, superintendent):
    DVPN.objects.filter(pk=served_dvpn.pk).update(
        shares_premises=True, premises_no_evict=True, premises_leave=True, exclusion_distance_m=50
    )
    client.force_login(officer)
    response = client.get(page("dvpn_notice", served_dvpn))
    assert response.status_code == 200
    body = text(response)
    assert "Peter Placeholder" in body and "Vicky Testperson" in body
    assert COMPLETE_APPLICATION["grounds"] in body
    assert "You must not molest Vicky Testperson." in body
    assert "You must not evict or exclude Vicky Testperson from the premises." in body
    assert "You must leave the premises." in body
    assert "You must not come within 50 metres of the premises." in body
    assert "may arrest you without warrant" in body
    assert "within 48 hours of the time this notice is served" in body
    assert f"The hearing will be by: <strong>{HEARING_BY}</strong>" in body
    assert "lasts until that application has been decided" in body
    assert f"{superintendent.display_name}, Fri 6 Mar 2026, 09:00" in body
    assert f"{officer.display_name}, Fri 6 Mar 2026, 09:00" in body
    assert '<style media="print" nonce="' in body and ".moj-header" in body
    assert page("dvpn_notice_pdf", served_dvpn) in body


def test_the_notice_without_premises_provisions(client, court_coordinator, served_dvpn):
    client.force_login(court_coordinator)  # may see the case, so may print the notice
    body = text(client.get(page("dvpn_notice", served_dvpn)))
    assert "You must not molest" in body
    assert "premises" not in body.split('data-testid="prohibitions"')[1].split("</ul>")[0]


def test_an_authorised_unserved_notice_explains_the_deadline(client, officer, authorised_dvpn):
    client.force_login(officer)
    body = text(client.get(page("dvpn_notice", authorised_dvpn)))
    assert UNSERVED_DEADLINE in body
    assert "will ask you for an address" in body


@pytest.mark.parametrize("name", ["dvpn_notice", "dvpn_notice_pdf"])
def test_there_is_no_notice_before_authorisation(client, officer, submitted_dvpn, name):
    client.force_login(officer)
    assert client.get(page(name, submitted_dvpn)).status_code == 404
    draft = DVPN.objects.create(case=submitted_dvpn.case, version=9, applicant=officer)
    assert client.get(page(name, draft)).status_code == 404


def test_a_refused_dvpn_has_no_notice(client, officer, superintendent, submitted_dvpn):
    decide(submitted_dvpn, by=superintendent, authorise=False, reasons="No.")
    client.force_login(officer)
    assert client.get(page("dvpn_notice", submitted_dvpn)).status_code == 404


def test_the_notice_as_pdf(client, officer, served_dvpn):
    client.force_login(officer)
    response = client.get(page("dvpn_notice_pdf", served_dvpn))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="dvpn-1234567-26-v1.pdf"'
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(BytesIO(response.content))
    words = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert HEARING_BY in words
    assert "without warrant" in words
    assert COMPLETE_APPLICATION["grounds"] in words
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4


def test_pdf_filenames_are_safe():
    assert pdf_filename("1234567/26", 2) == "dvpn-1234567-26-v2.pdf"
    assert pdf_filename('A "B"\\C', 1) == "dvpn-A-B-C-v1.pdf"
