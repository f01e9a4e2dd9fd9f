"""Helpers the test modules share: instants from ISO text, a page's text and messages, users
with a role, and DVPNs made through the services (submitted, decided)."""

import html
from datetime import datetime

from django.contrib.messages import get_messages


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def text(response) -> str:
    """The page as a person reads it: entities such as &#x27; unescaped."""
    return html.unescape(response.content.decode())


def flash(response) -> list[str]:
    """The messages the response set (GOV.UK notification banners on the next page)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def new_user(
    username="user",
    *,
    role=None,
    organisation=None,
    rank=None,
    bcu=None,
    team=None,
    first_name="",
    last_name="",
):
    """A user who signs in with DEMO_PASSWORD, with `role` (a Role) if given. The roles'
    groups must exist (roles_sync; the `roles` fixture). Tests ask for the `make_user`
    fixture; tests/security/world.py, built outside any test, calls this directly."""
    from dvpo.demo import DEMO_PASSWORD
    from dvpo.models import User
    from dvpo.services import user_set_roles

    user = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        rank=rank,
        bcu=bcu,
        team=team,
    )
    if role:
        user_set_roles(user=user, roles=[role])
    return user


def submitted_dvpn_for(case, *, officer):
    """A DVPN on case, started, completed (COMPLETE_APPLICATION) and submitted by officer."""
    from cases import services
    from tests.conftest import COMPLETE_APPLICATION

    dvpn = services.dvpn_start(actor=officer, case=case)
    dvpn = services.dvpn_update(
        actor=officer, dvpn=dvpn, expected_version=dvpn.lock_version, **COMPLETE_APPLICATION
    )
    return services.dvpn_submit(actor=officer, dvpn=dvpn, expected_version=dvpn.lock_version)


def authorised_dvpn_for(case, *, officer, superintendent):
    """A DVPN on case, submitted by officer and authorised by superintendent."""
    return decide(submitted_dvpn_for(case, officer=officer), by=superintendent)


def decide(dvpn, *, by, authorise: bool = True, reasons: str = "Made out."):
    """The decision on a submitted DVPN: by (a superintendent) authorises it, or refuses it."""
    from cases import services

    return services.dvpn_decide(
        actor=by,
        dvpn=dvpn,
        authorise=authorise,
        reasons=reasons,
        expected_version=dvpn.lock_version,
    )
