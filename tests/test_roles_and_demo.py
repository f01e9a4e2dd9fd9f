import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from dvpo.demo import demo_load
from dvpo.demo_accounts import ACCOUNTS, DEMO_PASSWORD
from dvpo.models import Organisation, User
from dvpo.roles import POLICE, ROLE_RULES, SUPPORT, Rank, Role, role_problems
from dvpo.services import roles_sync

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        g.name: sorted(g.permissions.values_list("codename", flat=True))
        for g in Group.objects.all()
    }


def test_role_sync_twice_changes_nothing_the_second_time():
    first = roles_sync()
    before = snapshot()
    assert set(before) == set(Role.values)
    assert roles_sync() == []
    assert snapshot() == before
    assert first  # the first run did create the groups


def test_role_sync_repairs_a_tampered_group():
    roles_sync()
    Group.objects.get(name=Role.OFFICER).permissions.clear()
    assert roles_sync() == ["officer: +5 -0 permissions"]
    assert set(snapshot()["officer"]) == set(ROLE_RULES[Role.OFFICER].capabilities)


def test_sync_roles_command_reports(capsys):
    call_command("sync_roles")
    call_command("sync_roles")
    assert "Roles in sync (0 changes)." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("role", "kind", "rank", "problem"),
    [
        (
            Role.AUTHORISING_OFFICER,
            POLICE,
            Rank.INSPECTOR,
            "Authorising officer needs the rank of superintendent or above.",
        ),
        (Role.AUTHORISING_OFFICER, POLICE, Rank.SUPERINTENDENT, None),
        (Role.AUTHORISING_OFFICER, POLICE, Rank.CHIEF_CONSTABLE, None),
        (
            Role.SUPERVISOR,
            POLICE,
            Rank.CONSTABLE,
            "Supervisor needs the rank of sergeant or above.",
        ),
        (
            Role.CASEWORKER,
            POLICE,
            None,
            "Caseworker is a support-service role; this person is not in a support service.",
        ),
        (
            Role.OFFICER,
            SUPPORT,
            None,
            "Officer is a police role; this person is not in a police force.",
        ),
        (Role.ADMINISTRATOR, SUPPORT, None, None),
        (Role.ADMINISTRATOR, None, None, None),
    ],
)
def test_role_rules(role, kind, rank, problem):
    assert role_problems([role], organisation_kind=kind, rank=rank) == (
        [problem] if problem else []
    )


def test_demo_data_loads_twice_without_change(settings):
    settings.DEBUG = True
    roles_sync()
    assert demo_load() > 0
    counts = {model: model.objects.count() for model in (Organisation, User, Group)}
    passwords = dict(User.objects.values_list("username", "password"))
    assert demo_load() == 0
    assert {model: model.objects.count() for model in counts} == counts
    assert dict(User.objects.values_list("username", "password")) == passwords
    for username, spec in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.roles == {spec[-1]}
        assert not role_problems(
            user.roles, organisation_kind=user.organisation.kind, rank=user.rank
        )
    assert User.objects.get(username="admin").is_staff
    assert not User.objects.get(username="officer").is_staff


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo accounts"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_admin_refuses_a_role_the_rank_does_not_allow(client, make_user, force):
    admin_user = make_user("administrator", role=Role.ADMINISTRATOR, organisation=force)
    inspector = make_user("inspector", organisation=force, rank=Rank.INSPECTOR)
    client.force_login(admin_user)
    group = Group.objects.get(name=Role.AUTHORISING_OFFICER)
    response = client.post(
        f"/admin/dvpo/user/{inspector.pk}/change/",
        {
            "username": "inspector",
            "organisation": force.pk,
            "rank": Rank.INSPECTOR,
            "groups": [group.pk],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "needs the rank of superintendent or above" in response.content.decode()
    assert not inspector.groups.exists()


def test_demo_cases_give_each_role_work_to_see(client):
    from cases.models import DVPN, CaseEvent
    from courts.models import DVPOApplication

    roles_sync()
    demo_load()
    events = CaseEvent.objects.count()
    assert demo_load() == 0
    assert CaseEvent.objects.count() == events
    waiting = DVPN.objects.get(case__crime_reference="DEMO/0001")
    served = DVPN.objects.get(case__crime_reference="DEMO/0002")
    assert waiting.status == DVPN.Status.SUBMITTED
    assert served.status == DVPN.Status.SERVED and served.hearing_deadline > served.served_at
    assert DVPOApplication.objects.get(dvpn=served).listed_for < served.hearing_deadline
    client.force_login(User.objects.get(username="superintendent"))
    assert "DEMO/0001" in client.get("/").content.decode()
