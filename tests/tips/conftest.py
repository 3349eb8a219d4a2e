import pytest
from django.contrib.auth.models import User

from community import roles
from community.models import Member
from tests.factories import make_staff
from tests.tips.helpers import make_tip_index
from tips.models import TipIndexPage


@pytest.fixture
def tip_index(town) -> TipIndexPage:
    return make_tip_index(town)


@pytest.fixture
def moderator(town) -> User:
    return make_staff(town, roles.MODERATOR)


@pytest.fixture
def resident(member) -> Member:
    return member
