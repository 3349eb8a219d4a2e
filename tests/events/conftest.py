import pytest
from django.contrib.auth.models import User

from community import roles
from events.models import EventIndexPage
from tests.events.helpers import make_event_index
from tests.factories import make_staff


@pytest.fixture
def event_index(town) -> EventIndexPage:
    return make_event_index(town)


@pytest.fixture
def moderator(town) -> User:
    return make_staff(town, roles.MODERATOR)
