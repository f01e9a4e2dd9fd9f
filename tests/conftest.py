import pytest

from dvpo.demo import DEMO_PASSWORD
from dvpo.models import BCU, Organisation, Team, User
from dvpo.roles import Rank, Role
from dvpo.services import roles_sync, user_set_roles


@pytest.fixture
def roles(db):
    roles_sync()


@pytest.fixture
def force(db):
    return Organisation.objects.create(
        name="Testshire Police", code="testshire", kind=Organisation.Kind.POLICE_FORCE
    )


@pytest.fixture
def service(db):
    return Organisation.objects.create(
        name="Test Support", code="test-support", kind=Organisation.Kind.SUPPORT_SERVICE
    )


@pytest.fixture
def bcu(force):
    return BCU.objects.create(force=force, code="EAST", name="East BCU")


@pytest.fixture
def team(bcu):
    return Team.objects.create(bcu=bcu, name="East Response")


@pytest.fixture
def make_user(roles):
    def make(username="user", *, role=None, organisation=None, rank=None, bcu=None, team=None):
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            organisation=organisation,
            rank=rank,
            bcu=bcu,
            team=team,
        )
        if role:
            user_set_roles(user=user, roles=[role])
        return user

    return make


@pytest.fixture
def officer(make_user, force, bcu, team):
    return make_user(
        "pc.test", role=Role.OFFICER, organisation=force, rank=Rank.CONSTABLE, bcu=bcu, team=team
    )
