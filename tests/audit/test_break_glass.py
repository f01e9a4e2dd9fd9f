"""Break glass: a police user of the force opening a case outside their BCU or team gives a
reason first; then they may read (not work on) that case for BREAK_GLASS_HOURS, each read
logged with the reason; supervisors of either BCU review it. Nobody else is offered it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.breakglass import REASON_NOT_WORDS, REASON_TOO_SHORT, reason_problem, reason_text
from audit.forms import REVIEW_NOTE_REQUIRED
from audit.models import AccessLog, Action, Basis, BreakGlass
from dvpo.forms import MULTI_LINE_HIDDEN
from tests.helpers import text

REASON = "The victim walked into West station asking for help"


def case_url(case, name="case_detail"):
    return reverse(name, args=[case.pk])


def open_glass(client, case, reason=REASON, next_url=None):
    return client.post(
        case_url(case, "break_glass"), {"reason": reason, "next": next_url or case_url(case)}
    )


def test_a_case_outside_the_bcu_asks_why_and_shows_nothing_of_it(client, west_officer, case):
    client.force_login(west_officer)
    response = client.get(case_url(case))
    assert response.status_code == 200
    body = text(response)
    assert "This case is outside your BCU or team — why do you need to open it?" in body
    assert 'data-testid="break-glass-form"' in body
    assert case.crime_reference not in body and "A fictional incident" not in body
    assert not AccessLog.objects.exists()


def test_a_post_without_a_reason_first_is_refused(client, west_officer, case):
    client.force_login(west_officer)
    response = client.post(case_url(case, "case_edit"), {"location": "Elsewhere"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.location == "Flat 1, 2 Example Road"


@pytest.mark.parametrize("reason", ["", "   ", "need it", "x" * 40])
def test_a_reason_of_a_few_words_is_required(client, west_officer, case, reason):
    client.force_login(west_officer)
    response = open_glass(client, case, reason)
    assert response.status_code == 200
    assert REASON_TOO_SHORT in text(response)
    assert "Error: " in text(response)
    assert not BreakGlass.objects.exists() and not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("... ... ... ... ...", REASON_NOT_WORDS),
        ("!!!!!! ?????? ######", REASON_NOT_WORDS),
        ("123456 7890123 456789", REASON_NOT_WORDS),
        ("- - - - - - - - - - - -", REASON_NOT_WORDS),
        ("1a 2b 3c 4d 5e 6f 7g 8h", REASON_NOT_WORDS),  # too few letters
        # Invisible characters: refused by every text box (dvpo.forms) before the count.
        (
            "\u200b\u200b\u200b \u200b\u200b\u200b \u200b\u200b\u200b \u200b\u200b",
            MULTI_LINE_HIDDEN,
        ),
    ],
)
def test_a_reason_must_be_real_words(client, west_officer, case, reason, message):
    client.force_login(west_officer)
    response = open_glass(client, case, reason)
    assert response.status_code == 200
    assert message in text(response)
    assert "Error: " in text(response)
    assert not BreakGlass.objects.exists() and not AccessLog.objects.exists()


def test_punctuation_alone_gets_the_words_message():
    assert reason_problem("... ... ... ... ...") == REASON_NOT_WORDS
    assert reason_problem("123456 7890123 456789") == REASON_NOT_WORDS
    # Invisible characters do not count towards the length.
    assert reason_problem("ab\u200b\u200b\u200b\u200b\u200b cd ef\u202e") == REASON_TOO_SHORT
    assert reason_problem("Victim rang West station") is None
    assert reason_problem("A fictional reason.") is None
    assert reason_problem("Y dioddefwr ffoniodd yr orsaf") is None  # any alphabet


def test_invisible_characters_are_not_kept_in_the_reason(west_officer, case):
    from audit.breakglass import break_glass_open

    typed = "The victim\u200b walked into\u2060 West\nstation asking for help"
    expected = "The victim walked into West station asking for help"
    assert reason_text(typed) == expected
    assert break_glass_open(user=west_officer, case=case, reason=typed).reason == expected


def test_with_a_reason_the_case_opens_and_every_read_is_logged(client, west_officer, case):
    client.force_login(west_officer)
    response = open_glass(client, case)
    assert response.status_code == 302 and response["Location"] == case_url(case)
    grant = BreakGlass.objects.get()
    assert (grant.user, grant.case, grant.reason) == (west_officer, case, REASON)
    assert grant.case_bcu_id == case.bcu_id and grant.user_bcu_id == west_officer.bcu_id
    opened = AccessLog.objects.get()
    assert (opened.action, opened.basis, opened.reason) == (
        Action.BREAK_GLASS,
        "break_glass",
        REASON,
    )

    page = client.get(case_url(case))
    assert page.status_code == 200 and case.crime_reference in text(page)
    read = AccessLog.objects.latest("pk")
    assert (read.action, read.basis, read.reason, read.case_id) == (
        Action.VIEW,
        Basis.BREAK_GLASS,
        REASON,
        case.pk,
    )


def test_break_glass_reads_but_does_not_work_on_the_case(client, west_officer, case):
    client.force_login(west_officer)
    open_glass(client, case)
    assert client.get(case_url(case, "case_edit")).status_code == 403
    assert client.get(case_url(case, "party_add")).status_code == 403


def test_the_grant_ends_after_break_glass_hours(client, west_officer, case, settings):
    client.force_login(west_officer)
    open_glass(client, case)
    later = timezone.now() + timedelta(hours=settings.BREAK_GLASS_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        client.force_login(west_officer)
        response = client.get(case_url(case))
    assert 'data-testid="break-glass-form"' in text(response)


def test_search_and_lists_stay_limited_to_normal_visibility(client, west_officer, case):
    client.force_login(west_officer)
    open_glass(client, case)
    response = client.get(reverse("case_list"), {"q": case.crime_reference})
    assert response.status_code == 200
    assert f'href="{case_url(case)}"' not in text(response)
    assert not response.context["page"].object_list


def test_next_must_be_a_page_of_that_case(client, west_officer, case):
    client.force_login(west_officer)
    response = open_glass(client, case, next_url="https://evil.example/cases/1/")
    assert response["Location"] == case_url(case)


def test_someone_who_can_see_the_case_is_sent_straight_to_it(client, officer, case):
    client.force_login(officer)
    response = client.get(case_url(case, "break_glass"))
    assert response.status_code == 302 and response["Location"] == case_url(case)


@pytest.mark.parametrize("who", ["outsider", "caseworker", "administrator"])
def test_other_forces_services_and_administrators_are_never_offered_it(client, request, case, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(case_url(case)).status_code == 404
    assert client.get(case_url(case, "break_glass")).status_code == 404
    assert open_glass(client, case).status_code == 404
    assert not BreakGlass.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, case):
    response = client.get(case_url(case, "break_glass"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


# --- Supervisors' review ---------------------------------------------------------------------


@pytest.fixture
def grant(west_officer, case):
    from audit.breakglass import break_glass_open

    return break_glass_open(user=west_officer, case=case, reason=REASON)


def test_supervisors_of_either_bcu_see_it_to_review(client, supervisor, west_supervisor, grant):
    for user in (supervisor, west_supervisor):
        client.force_login(user)
        response = client.get(reverse("break_glass_reviews"))
        assert response.status_code == 200
        assert REASON in text(response) and grant.case.crime_reference in text(response)


def test_review_with_a_note(client, supervisor, grant):
    client.force_login(supervisor)
    url = reverse("break_glass_review", args=[grant.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"note": ""})
    assert REVIEW_NOTE_REQUIRED in text(refused)
    response = client.post(url, {"note": "Checked with the officer."})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == supervisor and grant.review_note == "Checked with the officer."
    to_review = client.get(reverse("break_glass_reviews"))
    assert 'data-testid="break-glass-empty"' in text(to_review)
    everything = client.get(reverse("break_glass_reviews"), {"show": "all"})
    assert "Checked with the officer." in text(everything)
    again = client.post(url, {"note": "Twice"})
    assert "already been reviewed" in text(again)


def test_nobody_reviews_their_own(client, west_supervisor, case):
    from audit.breakglass import break_glass_open

    own = break_glass_open(user=west_supervisor, case=case, reason=REASON)
    client.force_login(west_supervisor)
    response = client.post(reverse("break_glass_review", args=[own.pk]), {"note": "Fine by me"})
    assert "You cannot review your own break-glass access" in text(response)
    own.refresh_from_db()
    assert own.reviewed_at is None


def test_the_review_list_is_empty_then_paginated(client, supervisor, west_officer, case):
    from audit.breakglass import break_glass_open

    client.force_login(supervisor)
    assert 'data-testid="break-glass-empty"' in text(client.get(reverse("break_glass_reviews")))
    for n in range(26):
        break_glass_open(user=west_officer, case=case, reason=f"{REASON} number {n}")
    first = client.get(reverse("break_glass_reviews"))
    assert "Page 1 of 2" in text(first)
    assert "Page 2 of 2" in text(client.get(reverse("break_glass_reviews"), {"page": 2}))


@pytest.mark.parametrize("who", ["officer", "dvpo_officer", "administrator", "caseworker"])
def test_only_supervisors_review(client, request, grant, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("break_glass_reviews")).status_code == 403
    url = reverse("break_glass_review", args=[grant.pk])
    assert client.post(url, {"note": "Looks fine to me"}).status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_a_supervisor_of_another_force_or_bcu_cannot_see_the_grant(client, make_user, force, grant):
    from dvpo.models import BCU
    from dvpo.roles import Rank, Role

    north = BCU.objects.create(force=force, code="NORTH", name="North BCU")
    stranger = make_user(
        "sgt.north", role=Role.SUPERVISOR, organisation=force, rank=Rank.SERGEANT, bcu=north
    )
    client.force_login(stranger)
    assert REASON not in text(client.get(reverse("break_glass_reviews")))
    url = reverse("break_glass_review", args=[grant.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Looks fine to me"}).status_code == 404


def test_break_glass_never_reviews_a_dash_grade(
    client, west_supervisor, case, victim, officer, instrument
):
    """A supervisor of another BCU who broke the glass may read the DASH, not quality-assure it."""
    from tests.cases.test_risk_pages import assess

    risk = assess(case, victim, officer, instrument, yes=2, grade="medium")
    client.force_login(west_supervisor)
    open_glass(client, case)
    url = reverse("risk_review", kwargs={"case_id": case.pk, "risk_id": risk.pk})
    assert client.get(url).status_code == 403
    response = client.post(url, {"grade": "medium", "expected_version": risk.lock_version})
    assert response.status_code == 403
    risk.refresh_from_db()
    assert risk.review == "awaiting"
    detail = reverse("risk_detail", kwargs={"case_id": case.pk, "risk_id": risk.pk})
    assert client.get(detail).status_code == 200
