"""A support service's people find their referrals from the home page and the navigation;
nobody else's referrals, and no police pages, are offered to them."""

import html

from django.urls import reverse


def page_of(client, user):
    client.force_login(user)
    return html.unescape(client.get("/").content.decode())


def test_the_caseworker_sees_the_referral_and_the_referrals_link(client, sent, caseworker):
    page = page_of(client, caseworker)
    assert reverse("service_referral", args=[sent.pk]) in page
    assert "All 1 in the inbox" in page
    assert f'href="{reverse("referral_inbox")}">Referrals</a>' in page
    assert 'href="/cases/">Cases</a>' not in page
    assert reverse("referral_manager_queue") not in page  # managers only


def test_the_service_manager_sees_the_queue_link(client, sent, service_manager):
    page = page_of(client, service_manager)
    assert f'href="{reverse("referral_manager_queue")}">Service queue</a>' in page


def test_another_service_sees_none_of_it(client, sent, other_caseworker):
    page = page_of(client, other_caseworker)
    assert reverse("service_referral", args=[sent.pk]) not in page
    assert "No referrals have been sent to" in page


def test_police_users_get_no_referrals_link(client, sent, officer):
    page = page_of(client, officer)
    assert f'href="{reverse("referral_inbox")}">Referrals</a>' not in page
