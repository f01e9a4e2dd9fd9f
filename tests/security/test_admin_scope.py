"""Administration stays inside the organisation (issue 22 item 1).

The takeover chain a penetration test found: another organisation's administrator opened,
changed, reset and moved a user of this one, ticked "superuser", or moved themselves into a
force with an authorising officer's role. Each link is refused here, and permissions come
from the roles alone (dvpo/backends.py), whatever the database holds.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from courts.models import Court
from dvpo.models import BCU, CalendarDay, Organisation, Team, User
from dvpo.roles import Rank, Role
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_administrator(make_user, other_force):
    return make_user("admin.other", role=Role.ADMINISTRATOR, organisation=other_force)


@pytest.fixture
def service_administrator(make_user, service):
    return make_user("admin.service", role=Role.ADMINISTRATOR, organisation=service)


@pytest.fixture
def platform_administrator(db):
    return User.objects.create_superuser("platform", "platform@example.invalid", None)


def change_url(user):
    return reverse("admin:dvpo_user_change", args=[user.pk])


def form_data(client, url, **changes) -> dict:
    """What the admin's change form would post back unchanged, with `changes` made."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if name == "groups":
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def role_group(role: Role) -> int:
    return Group.objects.get(name=role.value).pk


# --- Another organisation's administrator --------------------------------------------------


def test_another_organisations_administrator_cannot_open_change_or_reset_a_user(
    client, officer, other_administrator
):
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(other_administrator)
    for url in (
        change_url(officer),
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        reverse("admin:dvpo_user_history", args=[officer.pk]),
        reverse("admin:dvpo_user_delete", args=[officer.pk]),
    ):
        assert client.get(url).status_code == 404, url
    password = officer.password
    response = client.post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": "a-new-password-9876", "password2": "a-new-password-9876"},
    )
    assert response.status_code == 404
    # The reset action on a list that cannot hold the officer resets nobody.
    client.post(
        reverse("admin:dvpo_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [officer.pk]},
    )
    officer.refresh_from_db()
    assert officer.password == password
    assert TOTPDevice.objects.filter(user=officer, name="phone").exists()


def test_the_user_list_shows_only_the_administrators_own_organisation(
    client, officer, caseworker, administrator, other_administrator, service_administrator
):
    listed = {}
    for admin in (administrator, other_administrator, service_administrator):
        client.force_login(admin)
        response = client.get(reverse("admin:dvpo_user_changelist"))
        listed[admin.username] = {u.username for u in response.context["cl"].result_list}
    assert listed["admin.test"] == {"admin.test", officer.username}
    assert listed["admin.other"] == {"admin.other"}
    assert listed["admin.service"] == {"admin.service", caseworker.username}


def test_a_platform_administrator_is_out_of_every_organisations_reach(
    client, administrator, platform_administrator
):
    client.force_login(administrator)
    assert client.get(change_url(platform_administrator)).status_code == 404


def test_history_of_another_organisations_record_is_not_found(client, officer, other_administrator):
    officer.first_name = "Changed"
    officer.save()
    version = officer.history.first().history_id
    client.force_login(other_administrator)
    url = reverse("admin:dvpo_user_simple_history", args=[officer.pk, version])
    assert client.get(url).status_code == 404


# --- No administrator grants superuser, staff, permissions, or moves anyone -----------------


def test_no_organisation_administrator_can_make_a_superuser_or_staff_or_grant_permissions(
    client, officer, administrator
):
    client.force_login(administrator)
    url = change_url(officer)
    form = client.get(url).context["adminform"].form
    assert not {"is_superuser", "is_staff", "user_permissions"} & set(form.fields)
    permission = Permission.objects.get(codename="authorise_dvpn")
    data = form_data(client, url, is_superuser="on", is_staff="on")
    data["user_permissions"] = [permission.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert not officer.is_superuser and not officer.is_staff
    assert not officer.user_permissions.exists()


def test_no_one_is_moved_into_another_organisation(
    client, officer, administrator, other_force, other_bcu
):
    elsewhere = BCU.objects.create(force=other_force, code="ELS", name="Elsewhere")
    client.force_login(administrator)
    for target in (officer, administrator):
        url = change_url(target)
        response = client.post(url, form_data(client, url, organisation=other_force.pk))
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.organisation == administrator.organisation
    # A BCU of another force is not a choice.
    url = change_url(officer)
    response = client.post(url, form_data(client, url, bcu=elsewhere.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    officer.refresh_from_db()
    assert officer.bcu != elsewhere


def test_a_role_the_person_may_not_hold_is_refused(client, officer, administrator):
    client.force_login(administrator)
    url = change_url(officer)
    response = client.post(
        url, form_data(client, url, groups=[role_group(Role.AUTHORISING_OFFICER)])
    )
    assert response.status_code == 200
    assert "Authorising officer needs the rank of superintendent or above." in text(response)
    assert officer.roles == {Role.OFFICER}


def test_an_administrator_does_not_change_their_own_roles_or_rank(client, administrator):
    client.force_login(administrator)
    url = change_url(administrator)
    form = client.get(url).context["adminform"].form
    assert not {"groups", "rank", "organisation", "is_active"} & set(form.fields)
    data = form_data(client, url)
    data |= {"groups": [role_group(Role.AUTHORISING_OFFICER)], "rank": Rank.SUPERINTENDENT}
    assert client.post(url, data).status_code == 302
    administrator.refresh_from_db()
    assert administrator.rank is None
    assert set(administrator.groups.values_list("name", flat=True)) == {Role.ADMINISTRATOR}


def test_staff_follows_the_administrator_role(client, officer, administrator):
    client.force_login(administrator)
    url = change_url(officer)
    groups = [role_group(Role.OFFICER), role_group(Role.ADMINISTRATOR)]
    assert client.post(url, form_data(client, url, groups=groups)).status_code == 302
    officer.refresh_from_db()
    assert officer.is_staff
    url = change_url(officer)
    groups = [role_group(Role.OFFICER)]
    assert client.post(url, form_data(client, url, groups=groups)).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_staff


def test_a_new_user_joins_the_administrators_organisation(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:dvpo_user_add"),
        {
            "username": "new.officer",
            "usable_password": "true",
            "password1": "a-long-password-1234",
            "password2": "a-long-password-1234",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="new.officer").organisation == administrator.organisation


# --- Permissions come from the roles only --------------------------------------------------


def test_a_directly_granted_permission_or_a_tampered_group_widens_nothing(officer, roles):
    authorise = Permission.objects.get(codename="authorise_dvpn")
    officer.user_permissions.add(authorise)
    Group.objects.get(name=Role.OFFICER).permissions.add(authorise)
    fresh = User.objects.get(pk=officer.pk)
    assert not fresh.has_perm("dvpo.authorise_dvpn")
    assert fresh.has_perm("dvpo.record_incident")


def test_a_role_the_person_may_no_longer_hold_grants_nothing(superintendent):
    superintendent.rank = Rank.INSPECTOR  # the role stays on the account until corrected
    superintendent.save()
    assert not User.objects.get(pk=superintendent.pk).has_perm("dvpo.authorise_dvpn")


def test_the_platform_administrator_has_no_capability_of_the_pages(platform_administrator):
    assert platform_administrator.has_perm("dvpo.change_calendarday")
    assert not platform_administrator.has_perm("dvpo.authorise_dvpn")
    assert not platform_administrator.has_perm("dvpo.view_referrals")


# --- National settings, places and courts ---------------------------------------------------


def test_the_bank_holiday_calendar_is_the_platform_administrators(
    client, administrator, platform_administrator
):
    client.force_login(administrator)
    add = reverse("admin:dvpo_calendarday_add")
    data = {"date": "2031-06-02", "change": "add", "name": "A fictional jubilee"}
    assert client.get(add).status_code == 403
    assert client.post(add, data).status_code == 403
    assert not CalendarDay.objects.exists()
    client.force_login(platform_administrator)
    assert client.post(add, data).status_code == 302
    assert CalendarDay.objects.get().name == "A fictional jubilee"


def test_an_organisation_is_added_by_the_platform_and_only_its_format_by_its_own(
    client, force, administrator, other_administrator
):
    client.force_login(other_administrator)
    assert client.get(reverse("admin:dvpo_organisation_change", args=[force.pk])).status_code == (
        404
    )
    assert client.get(reverse("admin:dvpo_organisation_add")).status_code == 403
    client.force_login(administrator)
    url = reverse("admin:dvpo_organisation_change", args=[force.pk])
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {"crime_reference_pattern", "crime_reference_hint"}
    response = client.post(
        url,
        {
            "crime_reference_pattern": "^[0-9]{7}/[0-9]{2}$",
            "crime_reference_hint": "A CRIS number",
            "name": "Renamed",
            "kind": "support_service",
        },
    )
    assert response.status_code == 302
    force.refresh_from_db()
    assert force.crime_reference_hint == "A CRIS number"
    assert force.name != "Renamed" and force.is_police


def test_bcus_and_teams_stay_in_the_force(client, force, bcu, team, administrator, other_force):
    elsewhere = BCU.objects.create(force=other_force, code="ELS", name="Elsewhere")
    client.force_login(administrator)
    listed = client.get(reverse("admin:dvpo_bcu_changelist")).context["cl"].result_list
    assert list(listed) == [bcu]
    assert client.get(reverse("admin:dvpo_bcu_change", args=[elsewhere.pk])).status_code == 404
    response = client.post(
        reverse("admin:dvpo_bcu_add"), {"code": "NEW", "name": "New BCU", "force": other_force.pk}
    )
    assert response.status_code == 302
    assert BCU.objects.get(code="NEW").force == force
    response = client.post(reverse("admin:dvpo_team_add"), {"bcu": elsewhere.pk, "name": "Sneaky"})
    assert response.status_code == 200
    assert not Team.objects.filter(name="Sneaky").exists()


def test_a_support_services_administrator_has_no_police_places(client, service_administrator, bcu):
    client.force_login(service_administrator)
    for name in ("admin:dvpo_bcu_changelist", "admin:dvpo_team_changelist"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("admin:courts_court_changelist")).status_code == 403


def test_courts_belong_to_a_force_or_are_shared_read_only(
    client, force, administrator, other_administrator, platform_administrator
):
    shared = Court.objects.create(name="Shared Magistrates", code="shared")
    own = Court.objects.create(name="Own Magistrates", code="own", force=force)
    client.force_login(other_administrator)
    listed = client.get(reverse("admin:courts_court_changelist")).context["cl"].result_list
    assert set(listed) == {shared}
    assert client.get(reverse("admin:courts_court_change", args=[own.pk])).status_code == 404
    page = client.get(reverse("admin:courts_court_change", args=[shared.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(
        reverse("admin:courts_court_change", args=[shared.pk]),
        {"name": "Renamed", "code": "shared", "sitting_days": [0]},
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Shared Magistrates"
    response = client.post(
        reverse("admin:courts_court_add"),
        {"name": "Elsewhere Court", "code": "else", "sitting_days": [0, 1, 2]},
    )
    assert response.status_code == 302
    assert Court.objects.get(code="else").force == other_administrator.organisation
    client.force_login(platform_administrator)
    response = client.get(reverse("admin:courts_court_change", args=[shared.pk]))
    assert response.context["has_change_permission"]


def test_a_lookup_that_is_not_an_id_is_not_found(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:dvpo_user_change", args=["not-an-id"]))
    assert response.status_code == 404


def test_the_demo_has_a_platform_administrator_and_an_administrator_per_organisation(settings):
    from dvpo.demo import demo_load
    from dvpo.services import roles_sync

    settings.DEBUG = True
    roles_sync()
    demo_load()
    platform = User.objects.get(username="platform.admin")
    assert platform.is_superuser and platform.organisation is None
    kinds = {
        u.organisation.kind
        for u in User.objects.filter(groups__name=Role.ADMINISTRATOR).select_related("organisation")
    }
    assert kinds == {Organisation.Kind.POLICE_FORCE, Organisation.Kind.SUPPORT_SERVICE}
    assert Court.objects.get(code="NSMC").force.code == "northshire"


def test_sign_in_devices_in_the_admin_are_the_platform_administrators(
    client, officer, administrator, platform_administrator
):
    """An organisation's administrator resets a lost phone with the action on the user; they
    never see, add or change anybody's authenticator or backup codes."""
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    pages = (
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_add"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_static_staticdevice_changelist"),
    )
    client.force_login(administrator)
    for url in pages:
        assert client.get(url).status_code == 403, url
    client.force_login(platform_administrator)
    assert client.get(pages[0]).status_code == 200


def test_an_old_version_is_looked_at_never_restored(client, officer, administrator):
    """django-simple-history would save an old version on a POST, with the fields no form
    shows (the superuser flag) as they were then."""
    officer.is_superuser = True  # a mistake, corrected at once
    officer.save()
    version = officer.history.first().history_id
    officer.is_superuser = False
    officer.save()
    client.force_login(administrator)
    url = reverse("admin:dvpo_user_simple_history", args=[officer.pk, version])
    assert client.get(url).status_code == 200
    assert client.post(url, {"username": officer.username}).status_code == 403
    officer.refresh_from_db()
    assert not officer.is_superuser
